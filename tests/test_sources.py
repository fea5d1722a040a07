"""The sources file: validation with errors naming the entry."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archiver.options import Options
from archiver.sites import get_site
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
    run = Options.parse(output="out", refresh=True, max_pages=9)
    job = tag.crawl(run)
    assert job.spider == "tag"
    assert job.urls == ("https://news.mydrivers.com/tag/xiaomi.htm",)
    assert job.options == run.replace(
        site="mydrivers",
        max_pages=5,
        categories="新媒体/快科技（原驱动之家）/小米",
        group="新媒体",
    )
    assert job.options.refresh and job.options.output == Path("out")  # the run's, kept
    assert feed.max_pages == 2 and feed.timezone == "Europe/Paris"
    assert feed.crawl(run).options.zone == ZoneInfo("Europe/Paris")
    latest_job = latest.crawl(run)
    assert latest_job.spider == "tag" and latest_job.options.site == "mydrivers"
    assert latest_job.urls == (get_site("mydrivers").latest_url,)


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
