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

``article_markup`` narrows what htmldate reads to the article: the page's
head (meta tags, JSON-LD) and the block holding the headline and the body,
without sidebars, widgets, comments, teasers and sliders of other posts, nor
others' posts in microdata (``itemprop="review"``, ``"comment"``). A
date printed only in a sidebar's list of recent posts, a review, a slider or
the site's footer ("last modified", "©") dates something else.
"""

from __future__ import annotations

import re
from copy import deepcopy
from datetime import date, datetime

from lxml import etree

from archiver.extraction.generic.tree import Element

__all__ = ["article_markup", "dating_scope", "htmldate_day", "url_day"]

# /2023/11/08/, /2017/7/12/, -2020-01-05-, _20200105_ (not an archive.org
# timestamp: 14 digits), /29-10-2021.
_URL_DATE = re.compile(
    r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<sep>[/_.-])(?P<m>0?[1-9]|1[0-2])(?P=sep)"
    r"(?P<d>0?[1-9]|[12]\d|3[01])(?![\d])"
    r"|(?<![\d])(?P<y2>(?:19|20)\d{2})(?P<m2>0[1-9]|1[0-2])(?P<d2>0[1-9]|[12]\d|3[01])(?![\d])"
    # /29-10-2021 (day first, as Europe writes it; a four-digit year last).
    r"|(?<![\w.-])(?P<d3>0?[1-9]|[12]\d|3[01])(?P<sep3>[._-])(?P<m3>0?[1-9]|1[0-2])(?P=sep3)"
    r"(?P<y3>(?:19|20)\d{2})(?![\d])"
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
        year = match.group("y") or match.group("y2") or match.group("y3")
        month = match.group("m") or match.group("m2") or match.group("m3")
        day = match.group("d") or match.group("d2") or match.group("d3")
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


_LD_JSON = re.compile(r"<script\b[^>]*ld\+json[^>]*>.*?</script\s*>", re.DOTALL | re.IGNORECASE)
_NOT_ARTICLE_TAGS = frozenset({"aside", "nav"})
# Lowered class and id names of blocks that print other posts' dates.
_OTHER_POSTS = re.compile(r"comment|sidebar|widget|related|recommend|teaser|slide|carousel")
# Microdata of others' posts on the page (itemprop="review", "comment"): their
# datePublished dates them, not the page.
_OTHER_ITEM = re.compile(r"review|comment", re.IGNORECASE)
_MAX_LD = 100_000


def article_markup(html: str, head: Element | None, block: Element) -> str:
    """The markup that can date the article: the page's head, its JSON-LD
    and ``block`` (the article's), other posts' blocks cut out."""
    copy = deepcopy(block)
    cut = []
    for node in copy.iter():
        tag = node.tag
        if tag.__class__ is not str:
            continue
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if (
            tag in _NOT_ARTICLE_TAGS
            or (names != " " and _OTHER_POSTS.search(names.lower()))
            or _OTHER_ITEM.search(node.get("itemprop") or "")
        ):
            cut.append(node)
    for node in cut:
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)  # (its tail goes too: a separator, at most)
    parts = ["<html><head>"]
    if head is not None:
        parts.append(etree.tostring(head, encoding="unicode", method="html"))
    parts += _LD_JSON.findall(html[:_MAX_LD] if len(html) > _MAX_LD * 10 else html)
    parts += ["</head><body>", etree.tostring(copy, encoding="unicode", method="html")]
    parts.append("</body></html>")
    return "".join(parts)


def dating_scope(block: Element, headline: Element | None) -> Element:
    """The block that can date the article: ``block`` (holding the headline
    and the body) and the one around it, where a date line may be printed
    beside it; two levels up without a headline."""
    for _level in range(1 if headline is not None else 2):
        parent = block.getparent()
        if parent is None or parent.tag in {"body", "html"}:
            break
        block = parent
    return block
