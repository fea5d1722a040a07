"""``extract()``: a page's bytes and URL to an :class:`Article`. Pure.

The spider, the library and the tests all call this one function, so a
saved page gives exactly what the crawl gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from archiver.errors import NotAnArticle
from archiver.extraction.encoding import decode_html, sniff_non_html
from archiver.extraction.page import Page
from archiver.models import Article, Listing
from archiver.sites import Site, site_for_url

__all__ = ["MAX_PAGE_CHARS", "extract", "extract_listing", "make_page"]

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


def extract(
    body: bytes | str,
    url: str,
    *,
    site: str | Site | None = None,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
) -> Article:
    """The article on the page at ``url``.

    ``body`` is the raw bytes (decoded by BOM, header, ``<meta>`` and
    checks) or already-decoded text. ``site`` forces a site module by name
    (for mirrors and local copies); otherwise the module that owns the URL,
    or the generic extractor. Raises ``NotAnArticle`` with the reason.
    """
    page = make_page(body, url, headers=headers, fetched_at=fetched_at)
    module = site if isinstance(site, Site) else site_for_url(url, site)
    return module.extract_article(page)


def extract_listing(
    body: bytes | str,
    url: str,
    *,
    site: str | Site | None = None,
    headers: Mapping[str, str] | None = None,
) -> Listing:
    """The article links and next page of the listing or tag page at ``url``."""
    page = make_page(body, url, headers=headers)
    module = site if isinstance(site, Site) else site_for_url(url, site)
    return module.parse_listing(page)
