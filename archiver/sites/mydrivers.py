"""mydrivers.com (快科技, formerly 驱动之家): URLs, article pages, tag pages.

Article URLs: desktop ``/1/<id // 1000>/<id>.htm`` (page N of a long article:
``<id>_N.htm``) and mobile ``/newsview/<id>.html``. Both are recognised on any
host, so a local copy works when this module is forced with ``--site``; every
form maps to one key, ``https://news.mydrivers.com/1/<id // 1000>/<id>.htm``.

Article layouts: desktop 2017-2022 (title ``div.news_bt#thread_subject``, a
header line ``date 出处：… 作者：… 编辑：…`` in ``div.news_bt1_left``, body
``div.news_info``) and mobile (``div.news_t``, ``li.writer``, ``#content``).
The body is the inner HTML of the content block, with the reprint notice,
editor line and tags kept in it as the old archive kept them.

``latest_url`` is the desktop news home, whose HTML lists the latest articles
as plain links (the mobile list is a script-fed fragment of ``li[data-id]``,
which ``parse_listing`` reads too).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from archiver.errors import NotAnArticle
from archiver.extraction.clean import (
    absolutize,
    body_images,
    clean_text,
    clean_tree,
    inner_html,
    lead_image,
)
from archiver.extraction.page import Page
from archiver.models import Article, FieldSource, Listing, Tag
from archiver.sites.base import Site, SiteDefaults

__all__ = ["MyDrivers"]

HOME = "https://news.mydrivers.com"
TITLE_SUFFIX = re.compile(r"\s*[-－—_|]+\s*快科技\s*[-－—_|]+\s*科技改变未来\s*$")
TAG_TITLE = re.compile(r"^(.+?)\s*最新资讯\s*[-－—_|]+\s*快科技")

_DESKTOP_PATH = re.compile(r"^/1/(\d+)/(\d+)(?:_(\d+))?\.html?$", re.IGNORECASE)
_MOBILE_PATH = re.compile(r"^/newsview/(\d+)(?:_(\d+))?\.html?$", re.IGNORECASE)
_PAGED_PATH = re.compile(r"_(\d+)\.html?$|[?&](?:page|p|pageindex)=(\d+)", re.IGNORECASE)

# Desktop, then mobile: CSS selectors of each field.
TITLE = ("div.news_bt#thread_subject", "#thread_subject", "div.news_bt", "div.news_t")
HEADER = ("div.news_bt1_left", "div.news_t1", "ul.news_t1")
BODY = ("div.news_info", "#content")
TAGS = ("p.bqian a", "span.news_bq_list a", "div.bqian1 a", "div.bqian a")
EDITOR = ("p.url", "div.zerenbj", "p.zerenbj")
PAGER = ("div.page_article", "#bnext", "div.pages", "div.page")
# Site furniture inside the body: the report-a-mistake link and ad slots.
DROP = ("a.jiucuo", "#AiSummaryLink", ".adds", "#news_guanzhu", "#dangbei_down")

_LABEL = re.compile(r"(出处|来源|作者|责任编辑|编辑|人气|评论|阅读)\s*[：:]")
# mydrivers.com serves every host over https; a protocol-relative link read on
# a page fetched over http (a local copy, an old page) still means https.
_HTTP_MYDRIVERS = re.compile(
    r"^http://((?:[a-z0-9-]+\.)*mydrivers\.com)(?=[/?#:]|$)", re.IGNORECASE
)
_DATE = re.compile(
    r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
)
_PAGER_CLASS = re.compile(r"pag|fenye|pn", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"\s*[、，,/;；|]\s*")
_NEXT_TEXT = re.compile(r"^(?:下一页|下页|后页|下一頁|>|›|»|>>|next)\s*[>›»]*$", re.IGNORECASE)


def _article_id(url: str) -> tuple[int, int] | None:
    """``(id, page)`` of an article URL on any host, or None."""
    path = urlsplit(url.strip()).path
    match = _DESKTOP_PATH.match(path)
    if match:
        folder, ident = int(match.group(1)), int(match.group(2))
        if folder != ident // 1000:
            return None
        return ident, int(match.group(3) or 1)
    match = _MOBILE_PATH.match(path)
    if match:
        return int(match.group(1)), int(match.group(2) or 1)
    return None


def _https(url: str) -> str:
    return _HTTP_MYDRIVERS.sub(r"https://\1", url)


def _is_mydrivers(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "mydrivers.com" or host.endswith(".mydrivers.com")


def _article_url(base: str, ident: int, page: int = 1) -> str:
    """The desktop URL of page ``page`` of article ``ident``, on ``base``'s host."""
    parts = urlsplit(base)
    suffix = f"_{page}" if page > 1 else ""
    if _is_mydrivers(parts.hostname or ""):
        return f"{HOME}/1/{ident // 1000}/{ident}{suffix}.htm"
    path = f"/1/{ident // 1000}/{ident}{suffix}.htm"
    return urlunsplit((parts.scheme or "https", parts.netloc, path, "", ""))


@lru_cache(maxsize=64)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)


def _select(tree: HtmlElement, selector: str) -> list[HtmlElement]:
    # Compiled once: compiling CSS to XPath costs more than running it.
    found: list[HtmlElement] = _css(selector)(tree)
    return found


def _first(tree: HtmlElement, selectors: tuple[str, ...]) -> HtmlElement | None:
    for css in selectors:
        found = _select(tree, css)
        if found:
            element: HtmlElement = found[0]
            return element
    return None


def _text(element: HtmlElement | None) -> str:
    return clean_text(element.text_content()) if element is not None else ""


def _fields_text(element: HtmlElement | None) -> str:
    """The text of ``element`` with its text nodes kept apart (by U+3000).

    ``责任编辑：X<a>文章纠错</a>`` and ``<li>作者：X</li><li>2022年…`` print
    glued together; kept apart, each label's value ends where its node does.
    """
    if element is None:
        return ""
    return "\u3000".join(t.strip() for t in element.itertext() if t.strip())


def _labelled(text: str) -> dict[str, str]:
    """``{"出处": "快科技", "作者": "X"...}`` from a header line like the desktop one."""
    parts = _LABEL.split(text)
    found: dict[str, str] = {}
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        # Fields are separated by runs of (non-breaking) spaces.
        value = clean_text(re.split(r"\s{2,}|\u00a0|\u3000", value.strip(), maxsplit=1)[0])
        if value and label not in found:
            found[label] = value
    return found


def _parse_date(text: str, site: Site) -> tuple[datetime, str] | None:
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    try:
        when = datetime(year, month, day, hour, minute, second, tzinfo=site.defaults.timezone)
    except ValueError:
        return None
    return when, match.group(0)


def _in_pager(element: HtmlElement) -> bool:
    return any(_PAGER_CLASS.search(a.get("class") or "") for a in element.iterancestors())


def _tag_name(link: HtmlElement) -> str:
    # `<a><i>#</i>小米</a>` (2021, mobile): the name is the text outside <i>.
    own = clean_text("".join(link.xpath("text()")))
    return (own or _text(link)).lstrip("#＃").strip()


class MyDrivers(Site):
    """快科技 (news.mydrivers.com, m.mydrivers.com)."""

    name = "mydrivers"
    defaults = SiteDefaults(
        categories=("新媒体", "快科技（原驱动之家）", "最新新闻"),
        site_name="快科技（原驱动之家）",
    )
    latest_url = f"{HOME}/"

    def owns(self, url: str) -> bool:
        return _is_mydrivers(urlsplit(url.strip()).hostname or "")

    def is_article_url(self, url: str) -> bool:
        return _article_id(url) is not None

    def canonical_url(self, url: str) -> str:
        """One key per article: page N, mobile, http, query and fragment all fold.

        On a mydrivers host the key is ``https://news.mydrivers.com/1/…/<id>.htm``;
        on another host (a local copy) the scheme and host stay.
        """
        found = _article_id(url)
        if found is None:
            return url
        return _article_url(url.strip(), found[0])

    def extract_article(self, page: Page) -> Article:
        tree = page.tree
        title_element = _first(tree, TITLE)
        body = _first(tree, BODY)
        title = _text(title_element)
        if not title or body is None:
            if self._looks_like_listing(page):
                raise NotAnArticle("listing", "listing: a list of articles", url=page.url)
            reason = "no-title" if not title else "no-body"
            raise NotAnArticle(reason, f"{reason}: no mydrivers article {reason[3:]}", url=page.url)
        # The pager is navigation: a merged multi-page post keeps none of it.
        drop = (*DROP, *(f"{css} > *" for css in PAGER))
        cleaned = clean_tree(body, page.url, drop_selectors=drop)
        for element in cleaned.iter("a", "img"):
            for attr in ("href", "src"):
                if element.get(attr):
                    element.set(attr, _https(element.get(attr)))
        body_html = inner_html(cleaned).strip()
        if not clean_text(cleaned.text_content()) and not cleaned.findall(".//img"):
            raise NotAnArticle("no-body", "no-body: the article body is empty", url=page.url)

        header_text = _fields_text(_first(tree, HEADER))
        labels = _labelled(header_text)
        dated = _parse_date(header_text or _text(body.getparent()), self)
        description = _select(tree, 'meta[name="description"]')
        fields: dict[str, Any] = {}
        sources: dict[str, FieldSource] = {}

        def found(name: str, value: Any, source: FieldSource) -> None:
            if value:
                fields[name] = value
                sources[name] = source

        found("title", title, "selector")
        found("body_html", body_html, "selector")
        found("canonical_url", self.canonical_url(page.url), "url")
        found("site_name", self.defaults.site_name, "default")
        found("categories", list(self.defaults.categories), "default")
        found("language", "zh-CN", "default")
        if dated:
            found("date_published", dated[0], "text")
            fields["date_published_raw"] = dated[1]
        found("source", labels.get("出处") or labels.get("来源"), "text")
        found("authors", self._authors(tree, labels), "text")
        found("editor", self._editor(tree, labels), "text")
        tags = self._tags(body.getparent(), page.url) or self._tags(tree, page.url)
        found("tags", tags, "selector")
        found("images", body_images(cleaned, page.url), "selector")
        found("lead_image", lead_image(cleaned, page.url), "selector")
        if description:
            found("description", clean_text(description[0].get("content")), "meta")
        return Article(
            url=page.url,
            fetched_at=page.fetched_at,
            warnings=list(page.warnings),
            field_sources=sources,
            **fields,
        )

    def _authors(self, tree: HtmlElement, labels: dict[str, str]) -> list[str]:
        # Mobile: `<li class="writer">作者：X</li>`, glued to the date in the header text.
        writer = _first(tree, ("li.writer",))
        if writer is not None:
            text = _labelled(_fields_text(writer)).get("作者") or _text(writer)
        else:
            text = labels.get("作者", "")
        names = [clean_text(n) for n in _NAME_SEPARATORS.split(text or "")]
        return list(dict.fromkeys(n for n in names if n))

    def _editor(self, tree: HtmlElement, labels: dict[str, str]) -> str | None:
        for css in EDITOR:
            for element in _select(tree, css):
                found = _labelled(_fields_text(element))
                name = found.get("责任编辑") or found.get("编辑")
                if name:
                    return name
        return labels.get("责任编辑") or labels.get("编辑")

    def _tags(self, tree: HtmlElement | None, base_url: str) -> list[Tag]:
        if tree is None:
            return []
        tags: dict[str, Tag] = {}
        for css in TAGS:
            for link in _select(tree, css):
                name = _tag_name(link)
                if not name or name in tags:
                    continue
                href = absolutize(link.get("href") or "", base_url)
                url = _https(href) if href.lower().startswith(("http://", "https://")) else None
                tags[name] = Tag(name=name, url=url)
            if tags:
                break
        return list(tags.values())

    def _looks_like_listing(self, page: Page) -> bool:
        if "/tag/" in urlsplit(page.url).path or TAG_TITLE.search(self._title(page)):
            return True
        # An article URL without an article (a deleted one) still has a sidebar of links.
        return not self.is_article_url(page.url) and len(self._article_links(page)) >= 3

    def _title(self, page: Page) -> str:
        found = page.tree.find(".//title")
        return _text(found)

    def _article_links(self, page: Page) -> list[str]:
        links: dict[str, str] = {}
        for element in page.tree.iter("a", "li"):
            if element.tag == "li":
                # The mobile list is `<li data-id="792044">`, sometimes without a link.
                ident = (element.get("data-id") or "").strip()
                url = _article_url(page.url, int(ident)) if ident.isdigit() else ""
            else:
                url = absolutize(element.get("href") or "", page.url)
            if url.lower().startswith(("http://", "https://")) and self.is_article_url(url):
                key = self.canonical_url(url)
                links.setdefault(key, key)
        return list(links)

    def parse_listing(self, page: Page) -> Listing:
        """A tag page or news list: article links (canonical), next page, tag name.

        ``title`` is the tag's name on a tag page (it becomes the posts' third
        category) and None on the news lists, which keep the default channel.
        """
        title = self._title(page)
        match = TAG_TITLE.search(title)
        name = clean_text(match.group(1)) if match else ""
        if not name and "/tag/" in urlsplit(page.url).path:
            heading = _first(page.tree, ("div.tag_name", "div.tagname", "h1"))
            name = _text(heading) or clean_text(TITLE_SUFFIX.sub("", title))
        number = self._page_number(page)
        return Listing(
            url=page.url,
            title=name or None,
            article_urls=self._article_links(page),
            next_page=self._next_page(page, number),
            page_number=number,
        )

    def _page_number(self, page: Page) -> int:
        match = _PAGED_PATH.search(page.url)
        if match:
            return int(match.group(1) or match.group(2))
        for css in ("span.current", "span.cur", "a.current", "a.cur", "strong.cur", "b.cur"):
            current = _text(_first(page.tree, (css,)))
            if current.isdigit():
                return int(current)
        return 1

    def _next_page(self, page: Page, number: int) -> str | None:
        here = page.url.split("#", 1)[0]
        candidates: list[HtmlElement] = [
            *_select(page.tree, "a[rel~=next], link[rel~=next], a.next, a.nextpage, a.page_next"),
            *(a for a in page.tree.iter("a") if _NEXT_TEXT.match(_text(a))),
            *(a for a in page.tree.iter("a") if _text(a) == str(number + 1) and _in_pager(a)),
        ]
        for element in candidates:
            href = (element.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:")):
                continue
            url = absolutize(href, page.url).split("#", 1)[0]
            is_web = url.lower().startswith(("http://", "https://"))
            if is_web and url != here and not self.is_article_url(url):
                return url
        return None

    def continuation_urls(self, page: Page) -> list[str]:
        """Further pages of this article linked from it (``<id>_N.htm``), in order."""
        here = _article_id(page.url)
        if here is None:
            return []
        ident, current = here
        if f"{ident}_" not in page.html:
            return []  # most articles are one page: no pager link to look for
        pages: dict[int, str] = {}
        # One XPath filter in libxml2 instead of every link of the page in Python.
        links = page.tree.xpath("//a[contains(@href, $part)]/@href", part=f"{ident}_")
        for link in links:
            found = _article_id(absolutize(str(link), page.url))
            if found and found[0] == ident and found[1] > current:
                pages.setdefault(found[1], _article_url(page.url, ident, found[1]))
        return [pages[n] for n in sorted(pages)]
