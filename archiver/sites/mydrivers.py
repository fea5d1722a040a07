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
which ``parse_listing`` reads too). The next page and page number of a list
follow the rules every site shares (``archiver.extraction.generic.listing``),
this site's article URLs excluded from next pages.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from archiver.errors import NotAnArticle
from archiver.extraction.clean import (
    body_images,
    clean_text,
    clean_tree,
    inner_html,
    lead_image,
)
from archiver.extraction.dates import search_date
from archiver.extraction.generic.byline import labelled_values
from archiver.extraction.generic.listing import next_page_url, page_number, resolve
from archiver.extraction.generic.tree import Element, select, select_first, text_nodes, text_of
from archiver.extraction.page import Page
from archiver.models import Article, FieldSource, Listing, Tag
from archiver.sites.base import Site, SiteDefaults, host_matches

__all__ = ["MyDrivers"]

HOME = "https://news.mydrivers.com"
HOSTS = ("news.mydrivers.com", "m.mydrivers.com", "www.mydrivers.com", "mydrivers.com")
TITLE_SUFFIX = re.compile(r"\s*[-－—_|]+\s*快科技\s*[-－—_|]+\s*科技改变未来\s*$")
TAG_TITLE = re.compile(r"^(.+?)\s*最新资讯\s*[-－—_|]+\s*快科技")

_DESKTOP_PATH = re.compile(r"^/1/(\d+)/(\d+)(?:_(\d+))?\.html?$", re.IGNORECASE)
_MOBILE_PATH = re.compile(r"^/newsview/(\d+)(?:_(\d+))?\.html?$", re.IGNORECASE)

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
_NAME_SEPARATORS = re.compile(r"\s*[、，,/;；|]\s*")
# What an article link's href must contain, whatever its form: most links of
# a list page are not articles, and need no resolving.
_ARTICLE_HREF = re.compile(r"/(?:1/\d+/\d+|newsview/\d+)(?:_\d+)?\.html?", re.IGNORECASE)


def _article_id(url: str) -> tuple[int, int] | None:
    """``(id, page)`` of an article URL on any host, or None."""
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
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


def _article_url(base: str, ident: int, page: int = 1) -> str:
    """The desktop URL of page ``page`` of article ``ident``, on ``base``'s host."""
    parts = urlsplit(base)
    suffix = f"_{page}" if page > 1 else ""
    if host_matches(parts.hostname or "", HOSTS):
        return f"{HOME}/1/{ident // 1000}/{ident}{suffix}.htm"
    path = f"/1/{ident // 1000}/{ident}{suffix}.htm"
    return urlunsplit((parts.scheme or "https", parts.netloc, path, "", ""))


def _text(element: Element | None) -> str:
    return clean_text(text_of(element)) if element is not None else ""


def _labelled(text: str) -> dict[str, str]:
    return labelled_values(text, _LABEL)


def _tag_name(link: Element) -> str:
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
    hosts = HOSTS

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
        title_element = select_first(tree, TITLE)
        body = select_first(tree, BODY)
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

        header_text = text_nodes(select_first(tree, HEADER))
        labels = _labelled(header_text)
        dated = search_date(header_text or _text(body.getparent()), tz=self.defaults.timezone)
        description = select(tree, 'meta[name="description"]')
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
            url=page.url or None,
            fetched_at=page.fetched_at,
            warnings=list(page.warnings),
            field_sources=sources,
            **fields,
        )

    def _authors(self, tree: Element, labels: dict[str, str]) -> list[str]:
        # Mobile: `<li class="writer">作者：X</li>`, glued to the date in the header text.
        writer = select_first(tree, ("li.writer",))
        if writer is not None:
            text = _labelled(text_nodes(writer)).get("作者") or _text(writer)
        else:
            text = labels.get("作者", "")
        names = [clean_text(n) for n in _NAME_SEPARATORS.split(text or "")]
        return list(dict.fromkeys(n for n in names if n))

    def _editor(self, tree: Element, labels: dict[str, str]) -> str | None:
        for css in EDITOR:
            for element in select(tree, css):
                found = _labelled(text_nodes(element))
                name = found.get("责任编辑") or found.get("编辑")
                if name:
                    return name
        return labels.get("责任编辑") or labels.get("编辑")

    def _tags(self, tree: Element | None, base_url: str) -> list[Tag]:
        if tree is None:
            return []
        tags: dict[str, Tag] = {}
        for css in TAGS:
            for link in select(tree, css):
                name = _tag_name(link)
                if not name or name in tags:
                    continue
                url = resolve(link.get("href") or "", base_url)
                tags[name] = Tag(name=name, url=_https(url) if url else None)
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
                href = element.get("href") or ""
                url = resolve(href, page.url) or "" if _ARTICLE_HREF.search(href) else ""
            if url and self.is_article_url(url):
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
            heading = select_first(page.tree, ("div.tag_name", "div.tagname", "h1"))
            name = _text(heading) or clean_text(TITLE_SUFFIX.sub("", title))
        return Listing(
            url=page.url,
            title=name or None,
            article_urls=self._article_links(page),
            next_page=next_page_url(page.tree, page.url, is_article=self.is_article_url),
            page_number=page_number(page.url, page.tree) or 1,
        )

    def may_continue(self, body: bytes, url: str) -> bool:
        here = _article_id(url)
        return here is not None and f"{here[0]}_".encode() in body

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
            found = _article_id(resolve(str(link), page.url) or "")
            if found and found[0] == ident and found[1] > current:
                pages.setdefault(found[1], _article_url(page.url, ident, found[1]))
        return [pages[n] for n in sorted(pages)]
