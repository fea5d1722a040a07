"""A URL as a page gives it: ``absolutize`` resolves it against the page URL,
``http_url`` keeps it only when that gives an absolute http(s) URL."""

from __future__ import annotations

import re
from urllib.parse import urljoin

__all__ = ["absolutize", "http_url"]

# WHATWG URL parsing drops tabs and newlines anywhere in a URL.
_URL_NOISE = re.compile("[\t\n\r]")


def absolutize(url: str, base: str) -> str:
    """``url`` resolved against the page URL ``base``.

    A protocol-relative ``//host/x`` takes the scheme of ``base``; tabs and
    newlines inside the URL are dropped and spaces encoded, as browsers do.
    """
    url = _URL_NOISE.sub("", url).strip()
    if not url:
        return url
    return urljoin(base, url).replace(" ", "%20")


_HTTP_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def http_url(value: str | None, base: str) -> str | None:
    """``value`` as an absolute http(s) URL, or None."""
    if not value or value.strip().startswith("data:"):
        return None
    url = absolutize(value.strip(), base)
    return url if _HTTP_URL.match(url) else None
