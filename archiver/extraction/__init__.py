"""``extract()``: a page's bytes and URL to an :class:`Article`. Pure.

The spider, the library and the tests all call this one function, so a
saved page gives exactly what the crawl gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from archiver.errors import BadInput, NotAnArticle
from archiver.extraction.article import Extracted, Found, extract_article, extract_pages
from archiver.extraction.encoding import decode_html, sniff_non_html
from archiver.extraction.page import Page
from archiver.models import Article, Listing
from archiver.options import Options

if TYPE_CHECKING:  # site modules import this package's helpers: sites load lazily
    from archiver.sites import Site

__all__ = [
    "MAX_PAGE_CHARS",
    "Extracted",
    "Found",
    "extract",
    "extract_article",
    "extract_listing",
    "extract_pages",
    "make_page",
]

_BULKY = re.compile(
    r"(?is)<script\b(?![^>]*ld\+json)[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>"
)
_HTTP_URL = re.compile(r"(?i)https?://[^\s/?#]+")

MAX_PAGE_CHARS = 1_000_000
"""Past this many characters a page is cut before parsing: heavy extraction stays
bounded (news pages are well under 1 MB; Scrapy's DOWNLOAD_MAXSIZE caps the bytes)."""


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def make_page(
    body: bytes | str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    timezone: ZoneInfo | None = None,
) -> Page:
    """Decode ``body`` into a :class:`Page`; raises ``NotAnArticle`` for non-HTML bytes."""
    content_type = _header(headers, "content-type")
    warnings: list[str] = []
    if isinstance(body, bytes):
        media = sniff_non_html(body)
        if media is not None:
            raise NotAnArticle("not-html", f"the body is {media}, not a web page", url=url)
        text, encoding, found = decode_html(body, content_type)
        warnings += found
    else:
        text, encoding = body, "utf-8"
    if "\x00" in text:  # a stray NUL (sniff_non_html let it through): not text
        text = text.replace("\x00", "")
        warnings.append("nul-bytes")
    if len(text) > MAX_PAGE_CHARS:
        # Pages with a megabyte of inline scripts and styles in the head would
        # lose their body to the cut: scripts (but JSON-LD) and styles go first.
        text = _BULKY.sub("", text)
    if len(text) > MAX_PAGE_CHARS:
        # Decoded first, cut after: cutting bytes could split a character and
        # turn the whole page into mojibake.
        text = text[:MAX_PAGE_CHARS]
        warnings.append("truncated")
    if content_type and not any(t in content_type.lower() for t in ("html", "xml", "text/plain")):
        raise NotAnArticle("not-html", f"served as {content_type}, not a web page", url=url)
    return Page(
        url=url,
        html=text,
        encoding=encoding,
        headers=dict(headers or {}),
        fetched_at=fetched_at or datetime.now(UTC),
        warnings=warnings,
        timezone=timezone,
    )


def _checked_url(url: str | None) -> str | None:
    if url is None:
        return None
    if not isinstance(url, str):
        raise BadInput("bad-url", f"url must be a string, got {type(url).__name__}")
    url = url.strip()
    if not url:
        return None
    if not _HTTP_URL.match(url) or any(c.isspace() for c in url):
        raise BadInput("bad-url", f"not an absolute http(s) URL: {url[:200]!r}")
    return url


def _with_site(options: Options, site: str) -> Options:
    try:
        return _cached_with_site(options, site)
    except TypeError:  # options built by hand with a list in them: not hashable
        return options.replace(site=site)


@lru_cache(maxsize=64)
def _cached_with_site(options: Options, site: str) -> Options:
    # Checking every option again costs more than a small page's extraction
    # step; options are frozen, so the same call gives the same result.
    return options.replace(site=site)


def extract(
    body: bytes | str,
    url: str | None = None,
    *,
    site: str | Site | None = None,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    options: Options | None = None,
    found: Found | None = None,
) -> Article:
    """The article on the page at ``url``, as a crawl of that URL writes it.

    ``body`` is the raw bytes (decoded by BOM, header, ``<meta>`` and
    checks) or already-decoded text. ``site`` forces a site module by name
    (for mirrors and local copies); otherwise the module that owns the URL,
    or the generic extractor. Without ``url``, links stay as the page has
    them. ``options`` and ``found`` are the run's options and where the crawl
    found the page (see ``extract_article``).

    Raises ``NotAnArticle`` with the reason, ``BadInput`` for a bad URL or
    body, ``InvalidArticle`` or ``ExtractionError``: always an ``ArchiverError``.
    """
    if not isinstance(body, bytes | str):
        raise BadInput("bad-body", f"body must be bytes or str, got {type(body).__name__}")
    url = _checked_url(url)
    options = options or Options()
    if isinstance(site, str):
        options = _with_site(options, site)
    page = make_page(body, url or "", headers=headers, fetched_at=fetched_at, timezone=options.zone)
    module = None if site is None or isinstance(site, str) else site
    return extract_pages([page], options, found, module=module).article


def extract_listing(
    body: bytes | str,
    url: str,
    *,
    site: str | Site | None = None,
    headers: Mapping[str, str] | None = None,
) -> Listing:
    """The article links and next page of the listing or tag page at ``url``."""
    from archiver.sites import site_for_url

    page = make_page(body, url, headers=headers)
    module = site if site is not None and not isinstance(site, str) else site_for_url(url, site)
    return module.parse_listing(page)
