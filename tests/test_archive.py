"""Archive: file names, atomic idempotent writes, lookup, collisions."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver import Archive, Article
from archiver.archive import atomic_write
from archiver.archive.names import MAX_NAME_BYTES, safe_name

BEIJING = ZoneInfo("Asia/Shanghai")


def article(url: str = "https://news.mydrivers.com/1/792/792044.htm", **fields: object) -> Article:
    data: dict[str, object] = {
        "url": url,
        "title": "小米汽车9月进入软模车下线阶段",
        "categories": ["新媒体", "快科技（原驱动之家）", "最新新闻"],
        "site_name": "快科技（原驱动之家）",
        "date_published": datetime(2022, 7, 29, 16, 51, 41, tzinfo=BEIJING),
        "body_html": "<p>正文</p>",
    }
    data.update(fields)
    return Article.model_validate(data)


def test_post_goes_under_three_categories(tmp_path: Path) -> None:
    path = Archive(tmp_path).write(article())
    assert (
        path
        == tmp_path
        / "source/_posts/新媒体/快科技（原驱动之家）/最新新闻/小米汽车9月进入软模车下线阶段.md"
    )
    assert path.read_text(encoding="utf-8").startswith("\n---\ntitle: '小米汽车")


def test_same_article_twice_gives_one_file(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    first = archive.save(article())
    second = archive.save(article())
    assert (first.status, second.status) == ("written", "unchanged")
    assert first.path == second.path
    assert len(list(archive)) == 1


def test_same_title_different_articles_give_two_files(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    one = archive.write(article())
    two = archive.write(
        article("https://news.mydrivers.com/1/792/792999.htm", body_html="<p>b</p>")
    )
    assert one != two and one.exists() and two.exists()
    assert archive.read(one).body_html == "<p>正文</p>"
    assert archive.read(two).body_html == "<p>b</p>"
    # and each keeps its own file on the next run, from a fresh ledger connection
    again = Archive(tmp_path)
    assert (
        again.write(article("https://news.mydrivers.com/1/792/792999.htm", body_html="<p>b</p>"))
        == two
    )
    assert again.find("https://news.mydrivers.com/1/792/792999.htm") == two


def test_changed_article_is_rewritten_in_place_with_updated(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    path = archive.write(article())
    fetched = datetime(2022, 8, 1, 10, 0, tzinfo=BEIJING)
    result = archive.save(article(body_html="<p>改过</p>", fetched_at=fetched), mark_updated=True)
    assert result == type(result)(path, "updated")
    text = path.read_text(encoding="utf-8")
    assert "updated: Mon, 01 Aug 2022 02:00:00 GMT\n" in text and "<p>改过</p>" in text
    assert len(list(archive)) == 1


def test_lookup_by_url_and_contains(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    assert archive.find("https://news.mydrivers.com/1/792/792044.htm") is None
    path = archive.write(article())
    assert "https://news.mydrivers.com/1/792/792044.htm" in archive
    assert archive.find("https://news.mydrivers.com/1/792/792044.htm") == path
    assert archive.read(path.relative_to(tmp_path)).title == "小米汽车9月进入软模车下线阶段"


def test_existing_post_without_ledger_row_is_adopted_not_duplicated(tmp_path: Path) -> None:
    path = Archive(tmp_path).write(article())
    (tmp_path / ".archiver/ledger.sqlite").unlink()
    for extra in ("-wal", "-shm"):
        (tmp_path / f".archiver/ledger.sqlite{extra}").unlink(missing_ok=True)
    result = Archive(tmp_path).save(article())
    assert result.path == path and result.status == "unchanged"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Win10 20H1/20H2更新", "Win10 20H1_20H2更新"),
        ("“引号”开头", "引号_开头"),
        ("..", "untitled"),
        ("_hidden", "hidden"),
        (".dot", "dot"),
        ("CON", "-CON"),
        ("nul.txt", "-nul.txt"),
        ('a\\b:c*d?e"f<g>h|i', "a_b_c_d_e_f_g_h_i"),
        ("tab\tand\nnewline", "tab_and_newline"),
        ("trailing dots...", "trailing dots"),
    ],
)
def test_safe_names(title: str, expected: str) -> None:
    assert safe_name(title) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(min_size=1, max_size=400))
def test_any_title_makes_a_safe_name(title: str) -> None:
    name = safe_name(title.encode("utf-8", "replace").decode("utf-8", "replace"))
    assert name and name not in (".", "..")
    assert not name.startswith(("_", ".")) and "/" not in name and "\\" not in name
    assert len((name + "~12345678.md").encode("utf-8")) <= MAX_NAME_BYTES
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in name)


def test_long_title_fits_255_bytes(tmp_path: Path) -> None:
    path = Archive(tmp_path).write(article(title="长" * 2000))
    assert len(path.name.encode("utf-8")) <= 255 and path.exists()


def test_atomic_write_leaves_old_file_when_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "post.md"
    atomic_write(target, "old")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk gone"):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["post.md"]


def test_same_article_by_another_url_with_its_canonical_is_one_post(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    canonical = "https://news.example.com/a.html"
    first = archive.save(article("https://news.example.com/a.html?page=1"), aliases=(canonical,))
    second = archive.save(article("https://m.example.com/a.html"), aliases=(canonical,))
    assert second.path == first.path and second.status == "unchanged"
    assert len(list(archive)) == 1
    assert archive.find("https://m.example.com/a.html") == first.path
