"""The generic site: any news page no site module owns.

``extract_article`` is a cascade per field (see
``archiver.extraction.generic``): JSON-LD, then OpenGraph and other meta
tags, then what the page prints and marks up: the headline (the h1 that
matches ``<title>``), the byline (rel=author and friends, "By"/"Von" lines,
作者, 记者, 来源, 出处, 编辑), the date (meta tags, JSON-LD, ``<time>``, the
header; then the URL and htmldate), the body (the marked-up body block or
the densest one, widened over a long article's sections, with the lead
printed above it and the sibling blocks continuing it, pruned). Where each
value came from is recorded in ``Article.field_sources``. Listings, home
pages, forum indexes, empty pages and non-HTML bytes raise ``NotAnArticle``
with the reason.
"""

from __future__ import annotations

from datetime import tzinfo
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from archiver.errors import NotAnArticle
from archiver.extraction.clean import body_images, clean_body, clean_text
from archiver.extraction.dates import BEIJING
from archiver.extraction.generic.around import lead_blocks, sibling_blocks
from archiver.extraction.generic.authors import (
    markup_authors,
    more_bylines,
    post_author_comment,
    text_authors,
)
from archiver.extraction.generic.body import find_body, scan_page
from archiver.extraction.generic.byline import read_byline
from archiver.extraction.generic.containers import expand_body, marked_body
from archiver.extraction.generic.credits import extract_credits
from archiver.extraction.generic.dates_found import extract_date_modified, extract_date_published
from archiver.extraction.generic.fields import (
    SITE_NAME_META,
    extract_canonical_url,
    extract_description,
    extract_site_name,
)
from archiver.extraction.generic.jsonld import read_json_ld
from archiver.extraction.generic.language import detect_language
from archiver.extraction.generic.lead_image import extract_lead_image
from archiver.extraction.generic.listing import (
    article_links,
    is_article_url,
    next_page_url,
    page_number,
)
from archiver.extraction.generic.metadata import read_meta
from archiver.extraction.generic.page_dates import article_markup, dating_scope
from archiver.extraction.generic.page_text import (
    element_lines,
    last_lines,
    squeeze,
    text_after,
    text_before,
)
from archiver.extraction.generic.prune import prune_body
from archiver.extraction.generic.tags import extract_tags
from archiver.extraction.generic.title import (
    TitleChoice,
    headline_before,
    pick_title,
    site_keys,
    strip_site_suffix,
)
from archiver.extraction.generic.tree import parse_html, strip_code, text_of
from archiver.extraction.generic.verdict import (
    EMPTY_LISTING_MIN_LINKS,
    before_body,
    common_block,
    is_binary_text,
    reject_non_article,
    reject_undated,
    too_short_body,
)
from archiver.extraction.page import Page
from archiver.models import Article, FieldSource, Listing
from archiver.sites.base import Site, SiteDefaults

__all__ = ["GenericSite"]

# Where a page's naive times are when no site settings say: by language.
_ZONES = {"zh": BEIJING, "ja": ZoneInfo("Asia/Tokyo"), "ko": ZoneInfo("Asia/Seoul")}
_UTC = ZoneInfo("UTC")
_TITLE_META = ("og:title", "twitter:title", "articletitle", "headline", "title")
_LANG_META = ("content-language", "language", "og:locale", "dc.language")
_SHORT_TITLE = 8
_MAX_PAGE_TEXT = 200_000


class GenericSite(Site):
    """Every http(s) URL: the fallback when no site module owns a page."""

    name = "generic"

    def __init__(self, defaults: SiteDefaults | None = None, *, name: str = "generic") -> None:
        self.name = name
        # Without settings, the time zone follows the page's language.
        self._explicit_zone = defaults is not None
        self.defaults = defaults or SiteDefaults()

    def owns(self, url: str) -> bool:
        return url.lower().startswith(("http://", "https://"))

    def is_article_url(self, url: str) -> bool:
        return is_article_url(url)

    def _zone(self, language: str | None) -> tzinfo:
        if self._explicit_zone:
            return self.defaults.timezone
        base = (language or "zh").split("-")[0]
        return _ZONES.get(base, _UTC)

    def extract_article(self, page: Page) -> Article:
        url = page.url
        content_type = next((v for k, v in page.headers.items() if k.lower() == "content-type"), "")
        if content_type and not any(t in content_type.lower() for t in ("html", "xml", "text/")):
            raise NotAnArticle("not-html", f"served as {content_type}", url=url)
        if is_binary_text(page.html):
            raise NotAnArticle("not-html", "the body is binary data, not a web page", url=url)
        if not page.html.strip():
            raise NotAnArticle("empty", "the page is empty", url=url)
        tree = parse_html(page.html)
        meta = read_meta(tree)
        ld = read_json_ld(tree)
        # Scripts, styles and widgets out: only a date their data names is read.
        code_text = strip_code(tree)
        body_root = tree.find("body")
        root = body_root if body_root is not None else tree
        scan = scan_page(root)
        title_tag = clean_text(tree.findtext(".//title") or "")
        sources: dict[str, FieldSource] = {}

        structured: list[tuple[str, FieldSource]] = []
        if ld.headline:
            structured.append((ld.headline, "json-ld"))
        structured += [(v, "meta") for v in meta.all(*_TITLE_META)]
        sites = site_keys(*meta.all(*SITE_NAME_META), ld.site_name, urlsplit(url).hostname)
        choice = pick_title(scan.headings, title_tag, structured, sites)
        if choice is None or not choice.title.strip():
            raise NotAnArticle("no-title", "no headline or <title> on the page", url=url)
        sources["title"] = choice.source

        body = marked_body(scan, find_body(scan, choice.element))
        if body is not None:
            body = expand_body(body, scan)
        reject_non_article(page, scan, body, meta, ld.is_listing, ld.is_article)
        assert body is not None  # reject_non_article raised otherwise
        if len(choice.title) < _SHORT_TITLE:
            # The <title> names the section (新闻动态): the heading printed just
            # above the body is the headline.
            heading = headline_before(body.element)
            if heading is not None and len(clean_text(text_of(heading))) >= _SHORT_TITLE:
                choice = TitleChoice(clean_text(text_of(heading)), "selector", heading)
                sources["title"] = "selector"
        lead_text = squeeze(element_lines(body.element, 1500))
        if choice.element is not None:
            after, before = text_after(choice.element, 800), text_before(choice.element)
        else:
            after, before = text_before(body.element, 800), ""

        declared = [tree.get("lang") or "", tree.get("xml:lang") or "", ld.language or ""]
        declared += meta.all(*_LANG_META)
        declared = [d for d in declared if d]
        language = detect_language(declared, choice.title + "\n" + lead_text)
        tz = self._zone(language)
        now = page.fetched_at

        modified = extract_date_modified(ld, meta, tz=tz, now=now)
        dating_block = dating_scope(common_block(choice.element, body.element), choice.element)
        published, in_place = extract_date_published(
            ld,
            meta,
            tree,
            after=before_body(after, lead_text),
            before=before,
            # Dates are never read from scripts (a cookie's expiry, a date picker).
            page=lambda: text_of(root)[:_MAX_PAGE_TEXT],
            code=code_text,
            html=page.html,
            scope=lambda: article_markup(page.html, tree.find("head"), dating_block),
            scoped_text=lambda: text_of(dating_block)[:_MAX_PAGE_TEXT],
            url=url,
            lead=lead_text,
            modified=modified,
            tz=tz,
            now=now,
        )
        if not (in_place or ld.is_article):
            reject_undated(page, scan, body, meta)

        drop = [choice.element] if choice.element is not None else []
        core, preceding, following = sibling_blocks(body.element, scan)
        inside = {node for block in preceding for node in block.iter()}
        leads = [n for n in lead_blocks(core, choice.element, scan) if n not in inside]
        pruned = prune_body(core, drop, leads + preceding, following)
        if too_short_body(pruned):
            # What looked like text was the captions of a link list.
            reason = "listing" if scan.links >= EMPTY_LISTING_MIN_LINKS else "no-content"
            raise NotAnArticle(reason, "no running text once links are removed", url=url)
        images = body_images(pruned, url)
        if images:
            sources["images"] = "selector"
        lead, lead_source = extract_lead_image(pruned, ld, meta, url)
        if lead_source:
            sources["lead_image"] = lead_source
        # The article's last lines (the editor's credit): the pruned body's
        # first (a wide block may end with comments or related posts), then
        # the block's as it is (pruning may take a credit printed oddly).
        ending = "\n".join(
            (
                squeeze(last_lines(pruned, 1500))[-600:],
                squeeze(last_lines(body.element, 1500))[-600:],
                text_after(body.element, 400),
            )
        )
        # Last: the pruned copy is read no more, so it is cleaned in place.
        body_html = clean_body(pruned, url, in_place=True)
        sources["body_html"] = "selector"
        byline = read_byline(after[:600], ending, lead_text[:400])
        article_block = common_block(choice.element, body.element)
        markup = markup_authors(scan.bylines, article_block, body.element)
        if not (markup or ld.authors or byline.authors):
            # Byline markup the scan does not collect: test ids, author-page links.
            markup = markup_authors(more_bylines(article_block), article_block, body.element)
        header_lines = [*before_body(after, lead_text).split("\n")[:8], *before.split("\n")[-3:]]
        credits = extract_credits(
            ld,
            meta,
            byline,
            title_tag,
            markup=markup,
            printed=text_authors([*header_lines, *lead_text.split("\n")[:3]]),
            site_names=tuple(meta.all(*SITE_NAME_META)),
            url=url,
            last=lambda: post_author_comment(scan.bylines),
        )
        sources.update(credits.sources)

        if published is not None:
            sources["date_published"] = published.source
        if modified is not None:
            sources["date_modified"] = modified.source

        scope = body.element.getparent()
        scope = scope.getparent() if scope is not None and scope.getparent() is not None else scope
        tags, tag_source = extract_tags(ld, meta, scope, url, choice.title)
        if tag_source:
            sources["tags"] = tag_source
        site_name, site_source = extract_site_name(ld, meta, title_tag)
        if site_source:
            sources["site_name"] = site_source
        elif self.defaults.site_name:
            site_name, sources["site_name"] = self.defaults.site_name, "default"
        canonical, canonical_source = extract_canonical_url(tree, meta, ld, url)
        if canonical_source:
            sources["canonical_url"] = canonical_source
        description, description_source = extract_description(ld, meta)
        if description_source:
            sources["description"] = description_source
        if language:
            sources["language"] = "selector" if declared else "text"
        if self.defaults.categories:
            sources["categories"] = "default"

        # The title and body are checked for mojibake by ``extract_pages``, for every site.
        warnings = list(page.warnings)
        if ld.broken:
            warnings.append("json-ld-broken")
        return Article(
            url=url or None,
            canonical_url=canonical,
            title=choice.title,
            authors=credits.authors,
            editor=credits.editor,
            source=credits.source,
            site_name=clean_text(site_name) or None if site_name else None,
            categories=list(self.defaults.categories),
            tags=tags,
            images=images,
            lead_image=lead,
            date_published=published.value if published else None,
            date_published_raw=published.raw if published else None,
            date_modified=modified.value if modified else None,
            description=description,
            language=language,
            body_html=body_html,
            fetched_at=page.fetched_at,
            field_sources=sources,
            warnings=warnings,
        )

    def parse_listing(self, page: Page) -> Listing:
        tree = parse_html(page.html)
        title = clean_text(tree.findtext(".//title") or "")
        h1 = tree.find(".//h1")
        name = clean_text(text_of(h1)) if h1 is not None else ""
        return Listing(
            url=page.url,
            title=(name if name and name in title else strip_site_suffix(title)) or None,
            article_urls=article_links(tree, page.url),
            next_page=next_page_url(tree, page.url),
            page_number=page_number(page.url, tree),
        )
