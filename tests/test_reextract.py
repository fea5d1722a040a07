"""``archiver reextract DIR``: every post rebuilt from the captured responses
(``--warc``), offline, with today's extractors; a deleted post comes back
byte for byte."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest

from archiver import read_post
from archiver.reextract import reextract
from archiver.warc import OPEN, warc_files
from tests.support import free_port, posts_of, run_archiver

pytestmark = pytest.mark.slow


def _demo(out: Path, *flags: str) -> None:
    done = run_archiver("demo", "-o", str(out), "--port", str(free_port()), "-q", *flags)
    assert done.returncode == 0, done.stderr


def _reextract(out: Path) -> tuple[str, dict[str, Any]]:
    report = out.parent / "reextract.json"
    done = run_archiver("reextract", str(out), "--report", str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, json.loads(report.read_text(encoding="utf-8"))


def test_deleted_posts_come_back_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    _demo(out, "--warc", "--images")
    before = posts_of(out, fetch_time=True)
    assert len(before) == 25
    posts = out / "source" / "_posts"
    one = sorted(posts.rglob("*.md"))[3]
    one.unlink()
    stdout, report = _reextract(out)
    assert report["written"] == 1 and report["unchanged"] == 24 and report["updated"] == 0
    assert report["not_rebuilt"] == {"not-an-article": 1}  # the demo's deleted article
    assert f"written  {one.relative_to(out).as_posix()}" in stdout
    assert posts_of(out, fetch_time=True) == before

    # Every post gone, and the file of the crawl left open by a kill (a cut
    # record at its end): all come back from the whole records.
    shutil.rmtree(posts)
    (warc,) = warc_files(out / ".archiver" / "warc")
    killed = warc.with_name(warc.name + OPEN)
    warc.rename(killed)
    with killed.open("ab") as handle:
        handle.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03half a record")
    _stdout, report = _reextract(out)
    assert report["written"] == 25
    assert posts_of(out, fetch_time=True) == before
    assert [p.name for p in warc_files(out / ".archiver" / "warc")] == [warc.name]  # sealed
    check = run_archiver("check", str(out))
    assert check.returncode == 0, check.stdout


def test_the_options_of_the_crawl_are_used(tmp_path: Path) -> None:
    out = tmp_path / "classic"
    _demo(out, "--warc", "--categories", "甲/乙/丙", "--front-matter", "classic")
    before = posts_of(out, fetch_time=True)
    assert all(text.split("---")[1].count("\n - ") == 3 for text in before.values())
    assert all(name.startswith("甲/乙/丙/") for name in before)
    shutil.rmtree(out / "source" / "_posts")
    _stdout, report = _reextract(out)
    assert report["written"] == 25
    assert posts_of(out, fetch_time=True) == before  # categories and old keys, as crawled


def test_todays_extractors_are_applied_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "demo"
    _demo(out, "--warc")
    before = posts_of(out, fetch_time=True)

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("reextract used the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    from archiver.sites.mydrivers import MyDrivers

    original = MyDrivers.extract_article

    def fixed(self: MyDrivers, page: Any) -> Any:  # a "fix" of the site module
        article = original(self, page)
        return article.model_copy(update={"editor": f"{article.editor}（校）"})

    monkeypatch.setattr(MyDrivers, "extract_article", fixed)
    seen: list[str] = []
    summary = reextract(out, on_result=lambda result: seen.append(result.status))
    assert summary["updated"] == 25 and summary["written"] == summary["unchanged"] == 0
    assert seen.count("updated") == 25
    after = posts_of(out, fetch_time=True)
    assert after.keys() == before.keys()
    for name, text in after.items():
        post = read_post(text)
        assert post.editor is not None and post.editor.endswith("（校）")
        assert text.replace("（校）", "") == before[name]  # nothing else changed, no `updated:`

    monkeypatch.setattr(MyDrivers, "extract_article", original)
    summary = reextract(out)
    assert summary["updated"] == 25
    assert posts_of(out, fetch_time=True) == before


def test_nothing_captured_says_so(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    _demo(out)
    done = run_archiver("reextract", str(out))
    assert done.returncode == 0
    assert "0 written, 0 updated, 0 unchanged" in done.stdout
    assert "crawl with --warc first" in done.stderr
