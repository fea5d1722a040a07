"""Listing pages of any site: which links are articles, and where the next page is.

``is_article_url`` judges a URL by its shape alone: dated paths, numeric ids,
``.html``/``.shtml`` pages, ``/article/``, ``/news/``, long slugs, and not
tag, category, index, search or login pages. ``next_page_url`` follows
``rel=next``, ``下一页``/``next``/``›`` links, then the link to page N+1 in
the pager. Site modules call these too, passing what they know of their
own URLs (``is_article``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from archiver.extraction.generic.tree import Element, text_of
from archiver.extraction.text import clean_text
from archiver.extraction.urls import absolutize

__all__ = [
    "article_links",
    "is_article_url",
    "next_page_url",
    "page_number",
    "resolve",
    "same_site",
]

_NOT_ARTICLE_PATH = re.compile(
    r"/(?:tags?|topics?|category|categories|catalog|channel|column|columns|list|lists|index"
    r"|search|login|logout|register|signup|signin|user|users|member|members|account|author|authors"
    r"|about|help|contact|feedback|rss|feed|sitemap|archive|archives|page|special|zhuanti"
    r"|forum|forumdisplay|video|videos|live|download|app|apps|privacy|terms|jobs|ads?)"
    r"(?:/|\.[a-z]+$|$|_|-\d*$)",
    re.IGNORECASE,
)
_NOT_ARTICLE_FILE = re.compile(
    r"(?:^|/)(?:index|default|home|main|list|search|login|tag|tags)[\w-]*\.(?:s?html?|php|aspx?|jsp)$"
    r"|\.(?:jpe?g|png|gif|webp|svg|bmp|ico|css|js|json|xml|pdf|zip|rar|gz|exe|apk|dmg|mp[34]|avi"
    r"|mov|flv|swf|txt|docx?|xlsx?|pptx?)$",
    re.IGNORECASE,
)
_DATED = re.compile(
    r"/(?:19|20)\d{2}[/_-]?(?:0?[1-9]|1[0-2])(?:[/_-]?(?:[0-2]?\d|3[01]))?(?:/|[_-]|$)"
    r"|/(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])\d*"
    r"|(?:19|20)\d{2}[_-](?:0[1-9]|1[0-2])[_-](?:[0-2]\d|3[01])"
)
_NUMERIC_ID = re.compile(r"(?:^|[/_=-])[a-z]{0,4}\d{5,}(?:[_-]\d+)?(?:\.[a-z]+)?/?$", re.IGNORECASE)
_ARTICLE_WORD = re.compile(
    r"/(?:article|articles|news|story|stories|post|posts|p|a|c|doc|detail|details|content|view"
    r"|newsview|show|blog|entry|info|read|html)/(?=.)",
    re.IGNORECASE,
)
_PAGE_FILE = re.compile(r"\.(?:s?html?)$", re.IGNORECASE)
_SLUG = re.compile(r"/[a-z0-9]+(?:-[a-z0-9]+){3,}/?$", re.IGNORECASE)
_ARTICLE_QUERY = re.compile(r"^(?:id|aid|articleid|newsid|tid|docid|contentid|p)$", re.IGNORECASE)
_PAGE_QUERY = re.compile(r"^(?:page|p|pg|pageno|pagenum|pageindex|paged|pn|start|offset)$", re.I)

# A next link's text: a word, maybe followed by arrows (下一页>, Next »), or arrows alone.
_NEXT_TEXT = re.compile(
    r"^(?:(?:下一页|下页|后一页|后页|下一頁|次へ|次のページ|next|next page|older|older posts)"
    r"\s*[>›»→]*|[>›»→](?:\s*[>›»→])?)$",
    re.IGNORECASE,
)
_NEXT_NAME = re.compile(r"\bnext\b|nextpage|page[-_]next", re.IGNORECASE)
# A pager's class or id: page, pages, pager, pagination, fenye (分页), pn.
_PAGER_NAME = re.compile(r"pag|fenye|pn", re.IGNORECASE)
_PAGER_LEVELS = 3
_CURRENT_CLASS = re.compile(r"\b(?:current|active|cur|on|selected|now)\b", re.IGNORECASE)
_PAGE_IN_URL = (
    re.compile(r"[?&](?:page|p|pg|pageno|pagenum|pageindex|paged|pn)=(\d+)", re.I),
    re.compile(r"/page/(\d+)/?$", re.I),
    re.compile(r"_(\d{1,4})\.s?html?$", re.I),  # list_2.html, tag/x_3.htm
)
_MAX_LINKS = 5_000

# Two-label public suffixes under which sites register (example.com.cn).
_SECOND_LEVEL = frozenset(
    {"com", "net", "org", "gov", "edu", "ac", "co", "ne", "or", "go", "mil", "int", "sh", "bj"}
)


def _site_key(host: str) -> str:
    labels = host.lower().rstrip(".").split(".")
    if labels and labels[0] == "www":
        labels = labels[1:]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on one registrable domain (news.x.com and x.com)."""
    a, b = urlsplit(url).hostname or "", urlsplit(other).hostname or ""
    return bool(a) and _site_key(a) == _site_key(b)


def is_article_url(url: str) -> bool:
    """True when ``url`` looks like an article page by its shape alone."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    path = parts.path or "/"
    if path in {"/", ""} and not parts.query:
        return False
    query = parse_qsl(parts.query, keep_blank_values=True)
    if _NOT_ARTICLE_FILE.search(path):
        return False
    if any(_ARTICLE_QUERY.match(key) and value.isdigit() for key, value in query):
        return not _NOT_ARTICLE_PATH.search(path)
    dated = _DATED.search(path) is not None
    numeric = _NUMERIC_ID.search(path) is not None
    if _NOT_ARTICLE_PATH.search(path) and not (numeric and _PAGE_FILE.search(path)):
        return False
    if any(_PAGE_QUERY.match(key) for key, _ in query) and not (dated or numeric):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if dated and ((last and not last.isdigit()) or numeric or len(last) > 4):
        return True
    if numeric:
        return True
    if _ARTICLE_WORD.search(path) and len(last) >= 5:
        return True
    if _SLUG.search(path):
        return True
    return bool(_PAGE_FILE.search(path) and re.search(r"\d{3,}", last))


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def resolve(href: str, base_url: str) -> str | None:
    """The absolute http(s) URL a link's ``href`` points to, or None.

    None for ``javascript:``, ``mailto:`` and other schemes, and for hrefs
    that are not URLs at all (``//[not-an-ip]/``).
    """
    try:
        url = absolutize(href, base_url)
        urlsplit(url)  # raises ValueError on a malformed host
    except ValueError:
        return None
    return url if url[:8].lower().startswith(("http://", "https://")) else None


def article_links(root: Element, base_url: str) -> list[str]:
    """Links of ``root`` that look like articles of the same site, in order, no repeats."""
    seen: set[str] = {_normalise(base_url)}
    found: list[str] = []
    for count, anchor in enumerate(root.iter("a")):
        if count > _MAX_LINKS:
            break
        url = resolve(anchor.get("href") or "", base_url)
        if url is None:
            continue
        url = _normalise(url)
        if url in seen or not same_site(url, base_url) or not is_article_url(url):
            continue
        seen.add(url)
        found.append(url)
    return found


def _current_marker(root: Element) -> tuple[int, Element] | None:
    """The pager's current item (``<span class="current">5</span>``) and its number."""
    for element in root.xpath(
        "//*[self::span or self::a or self::li or self::strong or self::em or self::b]"
        "[@class][string-length(normalize-space()) < 5]"
    )[:400]:
        text = clean_text(text_of(element))
        if text.isdigit() and _CURRENT_CLASS.search(element.get("class") or ""):
            return int(text), element
    return None


def page_number(url: str, root: Element | None = None) -> int | None:
    """This page's number, from the URL or the pager's current item."""
    for pattern in _PAGE_IN_URL:
        match = pattern.search(url)
        if match:
            return int(match.group(1))
    marker = _current_marker(root) if root is not None else None
    return marker[0] if marker else None


def _in_pager(anchor: Element, marker: Element | None) -> bool:
    """True when ``anchor`` sits in a pager: a box named so, or beside the current item."""
    parent = anchor.getparent()
    if marker is not None and parent is not None:
        box = marker.getparent()
        if box is not None and (box is parent or box is parent.getparent()):
            return True
    for level, ancestor in enumerate(anchor.iterancestors()):
        if level >= _PAGER_LEVELS:
            break
        if _PAGER_NAME.search(f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"):
            return True
    return False


def _says_next(anchor: Element, text: str) -> bool:
    """True when a link reads 下一页/next/› (its title when it has no text) or is named next."""
    if _NEXT_TEXT.match(text or clean_text(anchor.get("title") or "")):
        return True
    return _NEXT_NAME.search(f"{anchor.get('class') or ''} {anchor.get('id') or ''}") is not None


def next_page_url(
    root: Element, base_url: str, *, is_article: Callable[[str], bool] | None = None
) -> str | None:
    """The listing's next page, without its fragment, or None.

    In order: ``rel=next``; a link reading 下一页/next/›, or named ``next``
    by its class or id; the link reading N+1 inside the pager (N is
    ``page_number``, 1 when the page does not say). Links to this page,
    to other schemes, and to what ``is_article`` calls an article (a site
    module knows its article URLs: page 2 of an article is no listing) are
    passed over.
    """
    here = _normalise(base_url)

    def target(href: object) -> str | None:
        url = resolve(str(href or ""), base_url)
        if url is None:
            return None
        url = url.split("#", 1)[0]
        if _normalise(url) == here or (is_article is not None and is_article(url)):
            return None
        return url

    rel_next = "contains(concat(' ', normalize-space(@rel), ' '), ' next ')"
    for href in root.xpath(f"//link[{rel_next}]/@href | //a[contains(@rel, 'next')]/@href"):
        url = target(href)
        if url:
            return url
    seen: list[tuple[Element, str]] = []  # each link's text, read once
    for count, anchor in enumerate(root.iter("a")):
        if count >= _MAX_LINKS:
            break
        text = clean_text(text_of(anchor))
        seen.append((anchor, text))
        if _says_next(anchor, text):
            url = target(anchor.get("href"))
            if url:
                return url
    found = _current_marker(root)
    wanted = str((page_number(base_url) or (found[0] if found else 1)) + 1)
    marker = found[1] if found else None
    for anchor, text in seen:
        if text == wanted and _in_pager(anchor, marker):
            url = target(anchor.get("href"))
            if url:
                return url
    return None
