"""What a start URL is, from its first bytes (``archiver.sniff``)."""

from __future__ import annotations

import gzip

import pytest

from archiver.errors import BadInput
from archiver.sniff import check_url, kind_of
from tests.support import FIXTURES

MADEUP = FIXTURES / "madeup"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("rss.xml", "feed"),
        ("sitemap.xml", "sitemap-index"),
        ("sitemap-news.xml", "sitemap"),
        ("robots.txt", "robots"),
        ("news/index.html", "html"),
        ("news/2024/0001.html", "html"),
    ],
)
def test_fixture_files(name: str, kind: str) -> None:
    assert kind_of((MADEUP / name).read_bytes()) == kind


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n<feed xmlns="urn:atom">', "feed"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"><channel/></rdf:RDF>', "feed"),
        ("<?xml version='1.0'?><rss version='2.0'>".encode("utf-16"), "feed"),
        (gzip.compress(b'<?xml version="1.0"?><urlset xmlns="x"><url/></urlset>'), "sitemap"),
        (b'<?xml version="1.0"?><sitemapindex><sitemap/></sitemapindex>', "sitemap-index"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE html>\n<html xmlns="urn:xhtml">', "html"),
        (b"  <!doctype html><title>x</title>", "html"),
        (b"<div><p>a fragment</p></div>", "html"),
        (b"User-agent: *\nDisallow: /private/\n", "robots"),
        (b'{"items": []}', "unknown"),
        (b"\x1f\x8bnot gzip at all", "unknown"),
        (b"", "unknown"),
    ],
)  # fmt: skip
def test_bytes(body: bytes, kind: str) -> None:
    assert kind_of(body) == kind


def test_check_url() -> None:
    assert check_url(" https://example.com/a ") == "https://example.com/a"
    for bad in ("example.com/a", "ftp://example.com/", "https://", "https://exa mple.com/",
                "javascript:alert(1)", "http://[::1/"):  # fmt: skip
        with pytest.raises(BadInput):
            check_url(bad)
