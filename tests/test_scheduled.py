"""Scheduled runs: refresh of changed articles, retries of failed URLs, sources
files, Ctrl-C, and the Scrapy project entry points."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver import read_post
from archiver.serve import SiteServer
from tests.support import FIXTURES, ROOT, free_port, posts_of, run_archiver

FAST = ["-s", "DOWNLOAD_DELAY=0", "--quiet"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "www"
    shutil.copytree(FIXTURES / "madeup", copy)
    return copy


def report(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_refresh_rewrites_a_changed_article_in_place(site: Path, tmp_path: Path) -> None:
    out, rep = tmp_path / "out", tmp_path / "r.json"
    with SiteServer(site, port=free_port()) as server:
        assert run_archiver("tag", f"{server.url}/news/", "-o", str(out), *FAST).returncode == 0
        before = posts_of(out)
        page = site / "news/2024/0002.html"
        page.write_text(
            page.read_text(encoding="utf-8").replace("有序推进", "全面完成"), encoding="utf-8"
        )
        done = run_archiver(
            "tag", f"{server.url}/news/", "-o", str(out), "--refresh", "--report", str(rep), *FAST
        )
    assert done.returncode == 0, done.stderr
    after = posts_of(out)
    assert after.keys() == before.keys()
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 1 and "地铁" in changed[0]
    text = after[changed[0]]
    assert "全面完成" in text and "\nupdated: " in text
    old_lines = [line for line in before[changed[0]].split("\n") if "有序推进" not in line]
    new_lines = [line for line in text.split("\n") if not line.startswith("updated: ")]
    assert len(old_lines) == len([line for line in new_lines if "全面完成" not in line])
    assert report(rep)["articles_updated"] == 1 and report(rep)["articles_unchanged"] == 5


def test_failed_article_is_retried_in_later_runs_a_bounded_number_of_times(
    site: Path, tmp_path: Path
) -> None:
    routes = json.loads((site / "_routes.json").read_text())
    routes["routes"]["news/2024/0003.html"] = {"status": 503}
    (site / "_routes.json").write_text(json.dumps(routes))
    out, rep = tmp_path / "out", tmp_path / "r.json"
    with SiteServer(site, port=free_port()) as server:
        args = ["tag", f"{server.url}/news/", "-o", str(out), "--report", str(rep),
                "-s", "RETRY_TIMES=0", "-s", "ARCHIVER_MAX_RETRY_RUNS=2", *FAST]  # fmt: skip
        first = run_archiver(*args)
        assert first.returncode == 1
        assert [f["reason"] for f in report(rep)["failed"]] == ["HTTP 503"]  # type: ignore[union-attr]
        assert server.hits["news/2024/0003.html"] == 1
        run_archiver(*args)  # retried: second attempt
        assert server.hits["news/2024/0003.html"] == 2
        run_archiver(*args)  # two attempts made: given up
        assert server.hits["news/2024/0003.html"] == 2
        assert report(rep)["articles_requested"] == 0
    assert len(posts_of(out)) == 5


def test_sources_file_runs_everything_in_one_report(tmp_path: Path) -> None:
    out, rep = tmp_path / "out", tmp_path / "r.json"
    with SiteServer(FIXTURES / "madeup", port=free_port()) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f"""
[defaults]
group = "本地"

[[source]]
kind = "feed"
url = "{server.url}/rss.xml"

[[source]]
kind = "tag"
url = "{server.url}/news/"
categories = ["本地", "示例", "要闻"]
max_pages = 1
""",
            encoding="utf-8",
        )
        done = run_archiver("run", str(sources), "-o", str(out), "--report", str(rep), *FAST)
    assert done.returncode == 0, done.stderr
    data = report(rep)
    assert data["sources"] == 2
    assert data["pages_fetched"] == 2  # the feed and one listing page (max_pages = 1)
    posts = [read_post(t) for t in posts_of(out).values()]
    # 4 feed items; the first listing page's 3 articles are among them: one key, one post
    assert len(posts) == 4
    assert {p.categories[0] for p in posts} == {"本地"}
    assert "sites" in data and data["failed"] == []


def test_ctrl_c_stops_cleanly_keeping_what_was_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with SiteServer(FIXTURES / "madeup", port=free_port()) as server:
        run = subprocess.Popen(
            [sys.executable, "-m", "archiver", "tag", f"{server.url}/news/", "-o", str(out),
             "-s", "DOWNLOAD_DELAY=0.5", "-s", "DOWNLOAD_DELAY_JITTER=0", "--quiet",
             "--report", str(tmp_path / "r.json")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not posts_of(out) and time.monotonic() < deadline:
            time.sleep(0.05)
        run.send_signal(signal.SIGINT)
        _, errors = run.communicate(timeout=60)
        assert run.returncode == 1, errors  # an interrupted run is not a success
        written = posts_of(out)
        assert written and all(read_post(t) for t in written.values())
        data = report(tmp_path / "r.json")
        assert data["finish_reason"] == "shutdown"
        assert data["articles_written"] == len(written)
        done = run_archiver("tag", f"{server.url}/news/", "-o", str(out), *FAST)
        assert done.returncode == 0, done.stderr
    assert len(posts_of(out)) == 6


def test_scrapy_project_lists_the_spiders() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert set(done.stdout.split()) >= {"article", "feed", "mydrivers", "sitemap", "tag"}


def test_bad_usage_is_a_clear_error(tmp_path: Path) -> None:
    done = run_archiver("tag", "https://example.org/", "-o", str(tmp_path), "--since", "soon")
    assert done.returncode == 2 and "--since" in done.stderr
    done = run_archiver("crawl", "nosuchsite", "-o", str(tmp_path))
    assert done.returncode == 2 and "nosuchsite" in done.stderr
    done = run_archiver("tag", "https://example.org/", "-o", str(tmp_path), "--site", "nope")
    assert done.returncode != 0 and "nope" in done.stderr
