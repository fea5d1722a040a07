"""What a start URL really is, so that a URL given to the wrong command is
crawled as what it is.

``kind_of`` reads the first bytes of a response: an RSS or Atom feed, a
sitemap or sitemap index, a robots.txt, or an HTML page. The spiders call
``crawl_as_found`` before reading a page as what they expect: a feed given to
``archiver tag``, a sitemap given to ``archiver feed`` or a listing page given
to ``archiver sitemap`` is crawled as what it is, with one warning naming the
command to use next time. ``check_crawl`` refuses, before anything starts, a
start URL that is not http(s) and a site module that does not exist.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from archiver.errors import BadInput

if TYPE_CHECKING:
    from archiver.run import Crawl

__all__ = [
    "COMMAND",
    "DESCRIBED",
    "check_crawl",
    "check_url",
    "crawl_as_found",
    "kind_of",
    "url_forms",
]

DESCRIBED = {
    "feed": "an RSS or Atom feed",
    "sitemap": "a sitemap",
    "sitemap-index": "a sitemap index",
    "robots": "a robots.txt",
    "html": "a web page",
}
COMMAND = {"feed": "feed", "sitemap": "sitemap", "sitemap-index": "sitemap", "robots": "sitemap",
           "html": "tag"}  # fmt: skip
"""The ``archiver`` command that crawls each kind."""
_EXPECTED = {"html": "a listing page", "feed": "a feed", "sitemap": "a sitemap"}
_SHORT = {"feed": "a feed", "sitemap": "a sitemap", "sitemap-index": "a sitemap index",
          "robots": "a robots.txt", "html": "a listing page"}  # fmt: skip
_FOLLOWED = "archiver_found_as"
"""Request meta: a page reached from a start URL crawled as what it is (no second warning)."""
_EXPECTS = {
    "html": {"html"},
    "feed": {"feed"},
    "sitemap": {"sitemap", "sitemap-index"},
}
_ROOTS = {"rss": "feed", "feed": "feed", "rdf": "feed", "urlset": "sitemap",
          "sitemapindex": "sitemap-index", "html": "html"}  # fmt: skip
_PROLOG = re.compile(r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z][\w.:-]*)", re.S)
_HTML_TAGS = re.compile(r"<(?:html|head|body|meta|title|div|p|a|script|link)\b", re.I)
_ROBOTS_LINE = re.compile(r"(?im)^[ \t]*(?:user-agent|sitemap|disallow|allow)[ \t]*:")


def _head(body: bytes, size: int = 4096) -> str:
    """The first characters of ``body`` (gunzipped, BOM-aware), as text."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, size)
        except zlib.error:
            return ""
    head = body[:size]
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                       (b"\xfe\xff", "utf-16-be")):  # fmt: skip
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    return head.decode("utf-8", errors="replace")


def kind_of(body: bytes, url: str = "") -> str:
    """``feed``, ``sitemap``, ``sitemap-index``, ``robots``, ``html`` or ``unknown``:
    what ``body`` is, from its first bytes (its root element, its lines)."""
    head = _head(body)
    match = _PROLOG.match(head)
    if match:
        root = match.group(1).rsplit(":", 1)[-1].lower()
        if root in _ROOTS:
            return _ROOTS[root]
        if _HTML_TAGS.match(head, match.start(1) - 1):
            return "html"
    if _ROBOTS_LINE.search(head) and "<" not in head[:200]:
        return "robots"
    if _HTML_TAGS.search(head):
        return "html"
    return "unknown"


def crawl_as_found(spider: Any, response: Any, expected: str) -> Iterator[Any] | None:
    """The requests that crawl ``response`` as what it is, when it is not what
    the spider's callback ``expected`` (``html``, ``feed`` or ``sitemap``);
    None when it is (or when it cannot tell: the callback's own checks speak).

    ``spider`` is an ``archiver.spiders.base.ArchiveSpider``. The start URL
    that was not what its command expects is named in one warning; what it
    leads to (the sitemaps of a robots.txt...) is not.
    """
    kind = kind_of(response.body, response.url)
    if kind == "unknown" or kind in _EXPECTS[expected]:
        return None
    request = getattr(response, "request", None)
    if request is None or not request.meta.get(_FOLLOWED):
        article = kind == "html" and spider.site(response.url).is_article_url(response.url)
        spider.logger.warning(
            "%s is %s, not %s: crawled as %s (next time: archiver %s URL)",
            response.url, "an article" if article else DESCRIBED[kind], _EXPECTED[expected],
            "an article" if article else _SHORT[kind], "article" if article else COMMAND[kind],
        )  # fmt: skip
    spider.count(f"crawled_as/{kind}")
    return _crawl(spider, response, kind)


def _followed(request: Any) -> Any:
    request.meta[_FOLLOWED] = True
    return request


def _crawl(spider: Any, response: Any, kind: str) -> Iterator[Any]:
    from archiver.errors import NotAnArticle
    from archiver.extraction.feeds import parse_feed, parse_sitemap, robots_sitemaps
    from archiver.spiders.listing import ListingPage

    url = response.url
    if kind == "html":
        if spider.site(url).is_article_url(url):
            request = spider.article_request(url, None, force=True)
            if request is not None:
                yield request
        else:
            yield from spider.parse_listing(response, 1, None)
        return
    spider.count("pages_fetched")
    try:
        if kind == "robots":
            found = robots_sitemaps(response.text, url)
            if not found:
                spider.fail(url, "robots.txt names no sitemap", retry=False)
            for sitemap_url in found:
                yield _followed(spider.listing_request(sitemap_url, 1, None))
        elif kind == "feed":
            feed = parse_feed(response.body, url)
            listing = ListingPage(url, 1, None, feed_title=feed.title)
            yield from spider.entry_requests(listing, feed.entries)
        else:
            sitemap = parse_sitemap(response.body, url)
            limit = spider.options.max_pages
            for number, sitemap_url in enumerate(sitemap.sitemaps, 1):
                if limit is not None and number >= limit:
                    spider.count("stopped/max_pages")
                    break
                yield _followed(spider.listing_request(sitemap_url, 1, None))
            yield from spider.entry_requests(ListingPage(url, 1, None), sitemap.entries)
    except NotAnArticle as exc:
        spider.fail(url, f"{kind}: {exc}", retry=False)


def check_url(url: str) -> str:
    """``url`` when it is an absolute http(s) URL; else ``BadInput`` saying so."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not host or " " in text:
        guess = parts is not None and not parts.scheme and "." in text
        hint = f" (did you mean https://{text}?)" if guess else ""
        raise BadInput("bad-url", f"not an http(s) URL: {url!r}{hint}")
    return text


def check_crawl(crawl: Crawl) -> None:
    """Refuse a crawl that cannot start: a start URL that is not http(s), an
    unknown ``site``. Raises ``BadInput`` or ``UnknownSite`` (a LookupError)."""
    from archiver.sites import get_site

    for url in crawl.urls:
        check_url(url)
    if crawl.options.site:
        get_site(crawl.options.site)


_TRACKING = re.compile(
    r"(?i)(?:utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|igshid|"
    r"spm|from|share_from|share_token|_hsenc|_hsmi|mkt_tok)"
)
"""Query parameters that say where a reader came from, not which article."""


def url_forms(url: str) -> list[str]:
    """The forms under which a crawl may have recorded the article at ``url``,
    the given one first: without its fragment (as listing links are read),
    without tracking parameters, in the site module's canonical form
    (``Site.canonical_url``: the key a crawl gives the article), each over
    http and https. ``Archive.find`` looks them up in turn."""
    from archiver.sites import site_for_url

    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return [text]
    kept = [p for p in parts.query.split("&") if p and not _TRACKING.fullmatch(p.split("=")[0])]
    netloc, path = parts.netloc.lower(), parts.path or "/"
    forms = [
        text,
        urlunsplit((parts.scheme, netloc, path, parts.query, "")),
        urlunsplit((parts.scheme, netloc, path, "&".join(kept), "")),
    ]
    forms += [site_for_url(form).canonical_url(form) for form in forms]
    swap = {"http": "https", "https": "http"}
    for form in list(forms):
        scheme, sep, rest = form.partition("://")
        if sep and scheme.lower() in swap:
            forms.append(f"{swap[scheme.lower()]}://{rest}")
    return list(dict.fromkeys(forms))
