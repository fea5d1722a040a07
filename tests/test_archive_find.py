"""``Archive.find(url)`` and ``url in archive`` apply the crawl's URL rules: the
article is found by any address a crawl folds into its key (tracking
parameters, fragment, http/https, the site module's canonical form)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import Archive
from tests.hexo_support import field_articles

GENERIC = "https://news.example.org/2024/05/01/city-metro.html?id=7"
MYDRIVERS = "https://news.mydrivers.com/1/792/792044.htm"


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    base = field_articles()[1][1]
    archive = Archive(tmp_path)
    archive.write(base.model_copy(update={"url": GENERIC, "canonical_url": None, "title": "甲"}))
    archive.write(base.model_copy(update={"url": MYDRIVERS, "canonical_url": MYDRIVERS,
                                          "title": "乙"}))  # fmt: skip
    return archive


@pytest.mark.parametrize(
    "url",
    [
        GENERIC,
        GENERIC + "#comments",
        GENERIC + "&utm_source=weibo&utm_medium=share",
        GENERIC.replace("?id=7", "?utm_campaign=x&id=7&fbclid=abc&spm=a.b.c"),
        GENERIC.replace("https://", "http://"),
        GENERIC.replace("news.example.org", "NEWS.Example.org") + "&from=timeline#top",
        MYDRIVERS,
        MYDRIVERS + "?utm_source=weibo#top",
        MYDRIVERS.replace("https://", "http://"),
        "https://m.mydrivers.com/newsview/792044.html",
        "https://news.mydrivers.com/1/792/792044_2.htm",
    ],
)
def test_found_by_any_form_of_its_address(archive: Archive, url: str) -> None:
    found = archive.find(url)
    assert found is not None and found.is_file()
    assert url in archive
    title = "乙" if "mydrivers" in url else "甲"
    assert archive.read(found).title == title


@pytest.mark.parametrize(
    "url",
    [
        GENERIC.replace("?id=7", "?id=8"),
        GENERIC.replace("?id=7", ""),
        "https://other.example.org/2024/05/01/city-metro.html?id=7",
        "https://news.mydrivers.com/1/792/792045.htm",
        "not a url",
    ],
)
def test_another_article_is_not_found(archive: Archive, url: str) -> None:
    assert archive.find(url) is None
    assert url not in archive
    assert 42 not in archive  # type: ignore[operator]
