"""Feeds and sitemaps as navigation: which article URLs they list, with dates.

Pure functions of the bytes; the spiders in ``spiders/feed.py`` and
``spiders/sitemap.py`` decide where to go with them. Broken XML is read
with lxml's recovering parser: a feed with one bad character still gives
its other items.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree

from archiver.errors import NotAnArticle

__all__ = ["Entry", "Feed", "Sitemap", "parse_feed", "parse_sitemap", "robots_sitemaps"]


@dataclass
class Entry:
    """One item of a feed or URL of a sitemap."""

    url: str
    title: str | None = None
    published: datetime | None = None


@dataclass
class Feed:
    """An RSS or Atom feed: its title (the site's name in the archive) and items."""

    title: str | None
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Sitemap:
    """A sitemap: more sitemaps (an index) and article URLs."""

    sitemaps: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)


_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


def _root(body: bytes, url: str) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)[: 64 * 1024 * 1024]
    try:
        root = etree.fromstring(body.strip(), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotAnArticle("bad-xml", f"not readable as XML: {exc}", url=url) from None
    if root is None:
        raise NotAnArticle("bad-xml", "empty or unreadable XML", url=url)
    return root


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names:
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    text = text.strip()
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_feed(body: bytes, url: str) -> Feed:
    """Items of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in feed order."""
    root = _root(body, url)
    kind = _local(root.tag)
    if kind not in ("rss", "feed", "rdf"):
        raise NotAnArticle("not-a-feed", f"root element <{kind}> is not RSS or Atom", url=url)
    channel = next((c for c in root if _local(c.tag) == "channel"), root)
    title = _child_text(channel, "title")
    entries = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        link = None
        for child in item:
            if _local(child.tag) == "link":
                href = child.get("href")
                rel = child.get("rel", "alternate")
                if href and rel == "alternate":
                    link = href
                    break
                if not href and (child.text or "").strip():
                    link = (child.text or "").strip()
                    break
        link = link or _child_text(item, "guid", "id")
        if not link or not re.match(r"(?i)https?://|/", link):
            continue
        published = _date(_child_text(item, "pubdate", "published", "updated", "date", "issued"))
        entries.append(Entry(urljoin(url, link), _child_text(item, "title"), published))
    return Feed(title, entries)


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """URLs of a sitemap, a news sitemap or a sitemap index."""
    root = _root(body, url)
    result = Sitemap()
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise NotAnArticle("not-a-sitemap", f"root element <{kind}> is not a sitemap", url=url)
    for node in root:
        name = _local(node.tag)
        loc = _child_text(node, "loc")
        if not loc:
            continue
        loc = urljoin(url, loc)
        if name == "sitemap":
            result.sitemaps.append(loc)
        elif name == "url":
            title = None
            published = _date(_child_text(node, "lastmod"))
            for child in node:
                if _local(child.tag) == "news":
                    title = _child_text(child, "title")
                    published = _date(_child_text(child, "publication_date")) or published
            result.entries.append(Entry(loc, title, published))
    return result


def robots_sitemaps(text: str, url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt."""
    found = re.findall(r"(?im)^\s*sitemap\s*:\s*(\S+)", text)
    return [urljoin(url, s) for s in found]
