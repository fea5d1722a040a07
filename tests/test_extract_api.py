"""``archiver.extract(body, url=None, *, site=None)``: its arguments and its errors."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import archiver
from archiver.errors import BadInput
from tests.support import case_dir

MYDRIVERS = case_dir("mydrivers", "desktop-2022-07")
URL = "https://news.mydrivers.com/1/844/844140.htm"


def page() -> bytes:
    return (MYDRIVERS / "page.html").read_bytes()


def test_without_url_links_stay_as_the_page_has_them() -> None:
    article = archiver.extract(page(), site="mydrivers")
    assert article.url is None and article.canonical_url is None
    assert article.title.startswith("小米13系列")
    assert 'src="//img1.mydrivers.com/' in article.body_html  # protocol-relative, as written
    assert article.images == [] and article.lead_image is None  # no absolute URL to give
    assert article.categories == ["新媒体", "快科技（原驱动之家）", "最新新闻"]


def test_without_url_the_generic_site_reads_the_page() -> None:
    body = (case_dir("generic", "english") / "page.html").read_bytes()
    article = archiver.extract(body)
    assert article.url is None and article.title
    assert article.categories[0] == "新媒体" and article.categories[2] == "最新"


def test_url_with_surrounding_space_is_the_url() -> None:
    assert archiver.extract(page(), f"  {URL} \n").url == URL


@pytest.mark.parametrize("url", ["ftp://e.org/x", "news.mydrivers.com/1/1/1.htm", "https://"])
def test_a_bad_url_is_an_archiver_error(url: str) -> None:
    with pytest.raises(BadInput) as caught:
        archiver.extract(page(), url)
    assert caught.value.reason == "bad-url" and isinstance(caught.value, archiver.ArchiverError)


def test_a_bad_body_is_an_archiver_error() -> None:
    with pytest.raises(BadInput, match="bytes or str"):
        archiver.extract(12345, URL)  # type: ignore[arg-type]


def test_site_is_a_module_name() -> None:
    with pytest.raises(archiver.UnknownSite, match="mydrivers"):
        archiver.extract(page(), URL, site="nosuchsite")
    assert archiver.extract(
        page(), "https://mirror.example/1/844/844140.htm", site="mydrivers"
    ).editor


@settings(max_examples=150, deadline=None)
@given(
    body=st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000),
        st.builds(
            lambda t: f"<html><head><title>{t}</title></head><body><p>{t}</p></body>", st.text()
        ),
    ),
    url=st.one_of(st.none(), st.just(URL), st.just("https://e.example/a/b.html")),
)
def test_every_failure_is_an_archiver_error(body: bytes | str, url: str | None) -> None:
    with contextlib.suppress(archiver.ArchiverError):  # and nothing else escapes
        archiver.extract(body, url)
