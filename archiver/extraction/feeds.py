"""Feeds and sitemaps as navigation: which article URLs they list, with dates.

Pure functions of the bytes; the spiders in ``spiders/feed.py`` and
``spiders/sitemap.py`` decide where to go with them. Broken XML is read
with lxml's recovering parser: a feed with one bad character still gives
its other items. Sitemaps and robots.txt are read by Scrapy's own readers
(``scrapy.utils.sitemap``: namespaces, no entity expansion, bounded
memory); what this module adds is Google News titles and publication
dates, ``lastmod``, and broken XML reported as ``NotAnArticle``.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from scrapy.utils import sitemap as scrapy_sitemap
from scrapy.utils.gz import gunzip

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
_MAX_XML_BYTES = 64 * 1024 * 1024
"""A gzipped feed or sitemap that expands past this is refused (a gzip bomb)."""


def _gunzipped(body: bytes, url: str) -> bytes:
    """``body``, decompressed when it is gzip (``.xml.gz`` served as is)."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return gunzip(body, max_size=_MAX_XML_BYTES)
    except (OSError, EOFError, struct.error, zlib.error) as exc:
        raise NotAnArticle("bad-xml", f"not readable as gzip: {exc}", url=url) from None
    except ValueError:  # Scrapy's "decompressed size exceeded"
        raise NotAnArticle(
            "bad-xml", f"gzip expands past {_MAX_XML_BYTES // 2**20} MiB", url=url
        ) from None


def _root(body: bytes, url: str) -> etree._Element:
    body = _gunzipped(body, url)
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


class _NewsSitemap(scrapy_sitemap.Sitemap):
    """Scrapy's sitemap reader, also keeping each ``<url>``'s ``news:news`` fields.

    Scrapy reads the children of ``<url>`` (``loc``, ``lastmod``...) but only
    the text of ``<news:news>``, not its children; they are read here, before
    Scrapy frees the element.
    """

    __slots__ = ()

    def _process_sitemap_element(self, elem: Any) -> dict[str, Any] | None:
        news: dict[str, str] = {}
        for child in elem:
            if _local(child.tag) == "news":
                for item in child:
                    name = _local(item.tag)
                    text = "".join(item.itertext()).strip()
                    if name in ("title", "publication_date") and text:
                        news.setdefault(name, text)
        found = super()._process_sitemap_element(elem)
        if found is not None:
            found.pop("news", None)
            found.update({f"news:{name}": text for name, text in news.items()})
        return found


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """URLs of a sitemap, a news sitemap or a sitemap index."""
    try:
        reader = _NewsSitemap(_gunzipped(body, url).strip())
    except (etree.XMLSyntaxError, StopIteration) as exc:
        raise NotAnArticle("bad-xml", f"not readable as XML: {exc or 'empty'}", url=url) from None
    if reader.type not in ("urlset", "sitemapindex"):
        kind = reader.type.lower()
        raise NotAnArticle("not-a-sitemap", f"root element <{kind}> is not a sitemap", url=url)
    result = Sitemap()
    try:
        for item in reader:
            loc = item.get("loc")
            if not loc:
                continue
            loc = urljoin(url, loc)
            if reader.type == "sitemapindex":
                result.sitemaps.append(loc)
                continue
            published = _date(item.get("news:publication_date")) or _date(item.get("lastmod"))
            result.entries.append(Entry(loc, item.get("news:title"), published))
    except etree.XMLSyntaxError:
        pass  # what was read before the break stands, as with a recovering parser
    return result


def robots_sitemaps(text: str, url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt, absolute."""
    raw = text.encode("utf-8", errors="replace")
    found = scrapy_sitemap.sitemap_urls_from_robots(raw, base_url=url)
    # A line holds one URL; whatever follows it (a comment) is not part of it.
    return [line.split()[0] for line in found if line.split() and line != url]
