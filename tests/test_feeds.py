"""Feeds and sitemaps as navigation: parse_feed, parse_sitemap, robots_sitemaps."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from archiver import NotAnArticle
from archiver.extraction.feeds import parse_feed, parse_sitemap, robots_sitemaps

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>快科技（原驱动之家）</title>
<item><title>一</title><link>https://news.mydrivers.com/1/792/792044.htm</link>
<pubDate>Fri, 29 Jul 2022 16:51:41 +0800</pubDate></item>
<item><title>二 &amp; 没有日期</title><link>/1/792/792045.htm</link></item>
<item><title>没有链接</title></item>
</channel></rss>"""

ATOM = """<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title>
<entry><title>A</title><link rel="alternate" href="https://example.org/a.html"/>
<link rel="enclosure" href="https://example.org/a.mp3"/>
<published>2024-03-01T09:30:00Z</published></entry></feed>"""


def test_rss_items_in_order_with_dates() -> None:
    feed = parse_feed(RSS.encode(), "https://rss.mydrivers.com/rss.aspx?Tid=1")
    assert feed.title == "快科技（原驱动之家）"
    assert [e.url for e in feed.entries] == [
        "https://news.mydrivers.com/1/792/792044.htm",
        "https://rss.mydrivers.com/1/792/792045.htm",
    ]
    assert feed.entries[0].published == datetime(2022, 7, 29, 8, 51, 41, tzinfo=UTC)
    assert feed.entries[1].published is None and feed.entries[1].title == "二 & 没有日期"


def test_atom_alternate_link() -> None:
    feed = parse_feed(ATOM.encode(), "https://example.org/feed")
    assert [(e.url, e.title) for e in feed.entries] == [("https://example.org/a.html", "A")]
    assert feed.entries[0].published == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def test_broken_feed_still_gives_its_good_items() -> None:
    broken = RSS.replace("<title>一</title>", "<title>一 & < 坏</title>").encode()
    feed = parse_feed(broken, "https://example.org/rss")
    assert "https://news.mydrivers.com/1/792/792044.htm" in [e.url for e in feed.entries]


def test_not_a_feed_is_a_clear_error() -> None:
    with pytest.raises(NotAnArticle) as caught:
        parse_feed(b"<html><body>hi</body></html>", "https://example.org/x")
    assert caught.value.reason == "not-a-feed"
    with pytest.raises(NotAnArticle):
        parse_feed(b"", "https://example.org/x")


def test_sitemap_index_news_and_gzip() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://e.org/news.xml.gz</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index, "https://e.org/sitemap.xml").sitemaps == [
        "https://e.org/news.xml.gz"
    ]
    news = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://e.org/a.html</loc><news:news><news:title>A</news:title>
      <news:publication_date>2024-03-01T09:30:00+08:00</news:publication_date></news:news></url>
      <url><loc>https://e.org/b.html</loc><lastmod>2024-03-02</lastmod></url></urlset>"""
    parsed = parse_sitemap(gzip.compress(news), "https://e.org/news.xml.gz")
    assert [(e.url, e.title) for e in parsed.entries] == [
        ("https://e.org/a.html", "A"),
        ("https://e.org/b.html", None),
    ]
    assert parsed.entries[0].published == datetime(2024, 3, 1, 1, 30, tzinfo=UTC)


def test_robots_sitemap_lines() -> None:
    text = "User-agent: *\nDisallow: /x\nSitemap: https://e.org/s1.xml\nsitemap:/s2.xml\n"
    assert robots_sitemaps(text, "https://e.org/robots.txt") == [
        "https://e.org/s1.xml",
        "https://e.org/s2.xml",
    ]


def test_sitemap_lastmod_other_namespaces_and_empty_locs() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <!-- a comment -->
      <url><loc> /a.html </loc><lastmod>2024-03-02T10:00:00Z</lastmod>
        <image:image><image:loc>https://e.org/a.jpg</image:loc></image:image>
        <news:news><news:publication><news:name>E</news:name></news:publication>
        <news:title>  A  </news:title></news:news></url>
      <url><loc></loc></url>
      <url><lastmod>2024-03-03</lastmod></url>
    </urlset>"""
    parsed = parse_sitemap(body, "https://e.org/sitemap.xml")
    assert [(e.url, e.title) for e in parsed.entries] == [("https://e.org/a.html", "A")]
    assert parsed.entries[0].published == datetime(2024, 3, 2, 10, tzinfo=UTC)


def test_sitemap_entities_are_not_expanded() -> None:
    body = b"""<?xml version="1.0"?><!DOCTYPE urlset [
      <!ENTITY secret SYSTEM "file:///etc/passwd">]>
      <urlset><url><loc>https://e.org/&secret;</loc></url><url><loc>https://e.org/b</loc></url>
      </urlset>"""
    urls = [e.url for e in parse_sitemap(body, "https://e.org/s.xml").entries]
    assert "https://e.org/b" in urls
    assert not any("root:" in url for url in urls)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "bad-xml"),
        (b"   \n", "bad-xml"),
        (b"\x1f\x8b\x08 not gzip at all", "bad-xml"),
        (b"<html><body>not found</body></html>", "not-a-sitemap"),
        (RSS.encode(), "not-a-sitemap"),
    ],
)
def test_unreadable_sitemap_is_a_clear_error(body: bytes, reason: str) -> None:
    with pytest.raises(NotAnArticle) as caught:
        parse_sitemap(body, "https://e.org/s.xml")
    assert caught.value.reason == reason
    assert caught.value.url == "https://e.org/s.xml"


def test_gzip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from archiver.extraction import feeds

    monkeypatch.setattr(feeds, "_MAX_XML_BYTES", 1000)
    body = gzip.compress(b"<urlset>" + b" " * 5000 + b"</urlset>")
    for parse in (parse_sitemap, parse_feed):
        with pytest.raises(NotAnArticle, match="gzip expands past"):
            parse(body, "https://e.org/s.xml.gz")


def test_robots_sitemap_lines_edge_cases() -> None:
    text = (
        "# Sitemap: https://e.org/commented.xml\n"
        "  SITEMAP:   /s3.xml   # the news one\n"
        "Sitemap:\n"
        "Allow: /sitemap/\n"
        "Sitemap: https://cdn.example/s4.xml.gz\r\n"
    )
    assert robots_sitemaps(text, "https://e.org/robots.txt") == [
        "https://e.org/s3.xml",
        "https://cdn.example/s4.xml.gz",
    ]
