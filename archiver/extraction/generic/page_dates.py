"""Dates the page's markup gives away when it prints none near the headline:
the date in the URL, and htmldate's search of the markup.

htmldate (``htmldate.find_date``) is the well-kept library for exactly this:
elements named like dates, ``<abbr>`` and ``<time>``, German, English and
Turkish labels ("Veröffentlicht am", "Stand:"), timestamps, with the
publication date preferred to the modification date. It runs in its fast
mode (no free-text guessing, no dateparser) on the page without scripts
(JSON-LD kept: structured data), styles and embedded posts: a cookie's
expiry or a tweet's date is no publication date. Its answer is a day; a date
after ``latest`` (the day after the fetch) is never given.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from lxml import etree

__all__ = ["htmldate_day", "url_day"]

# /2023/11/08/, /2017/7/12/, -2020-01-05-, _20200105_ (not an archive.org
# timestamp: 14 digits).
_URL_DATE = re.compile(
    r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<sep>[/_.-])(?P<m>0?[1-9]|1[0-2])(?P=sep)"
    r"(?P<d>0?[1-9]|[12]\d|3[01])(?![\d])"
    r"|(?<![\d])(?P<y2>(?:19|20)\d{2})(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?![\d])"
)
# Scripts (not JSON-LD: structured data), styles, frames, SVG and embedded
# posts (a tweet's or an Instagram post's date), cut from the page's text: a
# regex pass costs less than parsing the page a second time to drop them.
_NOT_SEARCHED = re.compile(
    r"<(script|style|noscript|template|iframe|svg)\b(?![^>]*ld\+json)[^>]*>.*?</\1\s*>"
    r"|<blockquote\b[^>]*class=[\"'][^\"']*(?:twitter|instagram|tiktok|facebook|embed)[^>]*>"
    r".*?</blockquote\s*>",
    re.DOTALL | re.IGNORECASE,
)


def url_day(url: str | None, latest: date | None = None) -> date | None:
    """The publication day a URL carries (``/2023/11/08/slug``), or None."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = path.split("://", 1)[-1]
    if "/web/" in path and "archive.org" in path[:40]:
        path = path.split("/", 4)[-1]  # the archived page's URL, not the snapshot's
    for match in _URL_DATE.finditer(path):
        year = match.group("y") or match.group("y2")
        month = match.group("m") or match.group("m2")
        day = match.group("d") or match.group("d2")
        try:
            found = date(int(year), int(month), int(day))
        except ValueError:
            continue
        if latest is None or found <= latest:
            return found
    return None


def htmldate_day(html: str, url: str | None, latest: datetime | None) -> date | None:
    """The publication day htmldate finds in the page's markup, or None."""
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - a core dependency
        return None
    if "<" not in html:
        return None  # not markup (htmldate would take a bare URL for one to download)
    if html.lstrip().startswith("<?xml"):
        html = html.split("?>", 1)[-1]  # lxml refuses str with an encoding declaration
    try:
        found = find_date(
            _NOT_SEARCHED.sub(" ", html),
            extensive_search=False,
            original_date=True,
            url=url or None,
            max_date=latest.strftime("%Y-%m-%d") if latest is not None else None,
        )
    except (ValueError, TypeError, etree.LxmlError):
        return None
    if not found:
        return None
    try:
        return date.fromisoformat(found)
    except ValueError:
        return None
