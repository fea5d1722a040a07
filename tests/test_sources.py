"""The sources file: validation with errors naming the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.sources import SourcesError, load_sources

GOOD = """
[defaults]
group = "新媒体"
max_pages = 5

[[source]]
kind = "tag"
url = "https://news.mydrivers.com/tag/xiaomi.htm"
site = "mydrivers"
categories = ["新媒体", "快科技（原驱动之家）", "小米"]

[[source]]
kind = "feed"
url = "https://example.org/rss.xml"
timezone = "Europe/Paris"
max_pages = 2

[[source]]
kind = "latest"
site = "mydrivers"
"""


def test_sources_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(GOOD, encoding="utf-8")
    tag, feed, latest = load_sources(path)
    assert tag.spider() == (
        "tag",
        {
            "url": "https://news.mydrivers.com/tag/xiaomi.htm",
            "site": "mydrivers",
            "max_pages": 5,
            "since": None,
            "categories": "新媒体/快科技（原驱动之家）/小米",
            "group": "新媒体",
            "site_name": None,
            "timezone": None,
        },
    )
    assert feed.max_pages == 2 and feed.timezone == "Europe/Paris"
    assert latest.spider()[0] == "mydrivers"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[[source]]\nkind = 'tag'\n", "needs `url`"),
        ("[[source]]\nkind = 'podcast'\nurl = 'https://e.org'\n", "source 1"),
        ("[[source]]\nkind = 'feed'\nurl = 'https://e.org'\ntimezone = 'Mars/Base'\n", "Mars/Base"),
        ("[[source]]\nkind = 'latest'\n", "needs `site`"),
        ("kind = 'tag'\n", "no [[source]]"),
        ("[[source]\n", "not valid TOML"),
    ],
)
def test_bad_sources_name_the_problem(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError, match=words.replace("[", r"\[").replace("`", "`")):
        load_sources(path)
