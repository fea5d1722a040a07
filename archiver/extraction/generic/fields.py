"""What the page says about itself: the site's name, the canonical URL and
the description.

Each field's ``extract_<field>`` returns the value and where it was found
(``json-ld``, ``meta``, ``selector`` or ``text``); the other fields have
their own modules (``title``, ``dates_found``, ``credits``, ``tags``,
``lead_image``, ``language``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from archiver.extraction.generic.jsonld import JsonLd
from archiver.extraction.generic.metadata import MetaTags
from archiver.extraction.generic.title import strip_site_suffix
from archiver.extraction.generic.tree import Element
from archiver.extraction.text import clean_text
from archiver.extraction.urls import http_url
from archiver.models import FieldSource

__all__ = ["extract_canonical_url", "extract_description", "extract_site_name"]

SITE_NAME_META = ("og:site_name", "application-name", "sitename", "site_name", "twitter:site")


def extract_site_name(
    ld: JsonLd, meta: MetaTags, title_tag: str
) -> tuple[str | None, FieldSource | None]:
    """The site's name: og:site_name and friends, JSON-LD, then the ``<title>`` suffix."""
    found = meta.first(*SITE_NAME_META)
    if found and not found[0].startswith("@"):
        return found[0], "meta"
    if ld.site_name or ld.publisher:
        return ld.site_name or ld.publisher, "json-ld"
    headline = strip_site_suffix(title_tag)
    rest = title_tag[len(headline) :] if title_tag.startswith(headline) else ""
    parts = [p for p in re.split(r"\s*(?:--+|——+|[_|｜·•»\-–—])\s*", rest) if p.strip()]
    if parts:
        return clean_text(parts[-1]), "selector"
    return None, None


def extract_canonical_url(
    tree: Element, meta: MetaTags, ld: JsonLd, base_url: str
) -> tuple[str | None, FieldSource | None]:
    """rel=canonical, then og:url, then the JSON-LD url; only on the page's own site."""
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical":
            url = http_url(link.get("href"), base_url)
            if url:
                return url, "selector"
            break
    found = meta.first("og:url")
    url = http_url(found[0], base_url) if found else None
    if url:
        return url, "meta"
    url = http_url(ld.url, base_url)
    if url and urlsplit(url).hostname == urlsplit(base_url).hostname:
        return url, "json-ld"
    return None, None


def extract_description(ld: JsonLd, meta: MetaTags) -> tuple[str | None, FieldSource | None]:
    """JSON-LD description, then description / og:description metas."""
    if ld.description and clean_text(ld.description):
        return clean_text(ld.description), "json-ld"
    found = meta.first("description", "og:description", "twitter:description")
    return (found[0], "meta") if found else (None, None)
