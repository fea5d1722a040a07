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
    if "\t" in url or "\n" in url or "\r" in url:
        url = _URL_NOISE.sub("", url)
    url = url.strip()
    if not url:
        return url
    if _PLAIN_ABSOLUTE.match(url):
        return url  # what urljoin gives back unchanged, without its two parses
    return urljoin(base, url).replace(" ", "%20")


# An absolute http(s) URL that urljoin returns as it is: a plain host, no
# empty query or fragment and no path parameters (which it would drop or
# rewrite), no space.
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[^?#;\[\]\s]*)?(?:\?[^#\s]+)?(?:#\S+)?\Z"
)


_HTTP_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def http_url(value: str | None, base: str) -> str | None:
    """``value`` as an absolute http(s) URL, or None."""
    if not value or value.strip().startswith("data:"):
        return None
    url = absolutize(value.strip(), base)
    return url if _HTTP_URL.match(url) else None
