"""Whether a page is an article, and the page's parts the cascade reads:
binary bytes, listings (many links, little prose, no article date), the
header between headline and body, the block holding both."""

from __future__ import annotations

from archiver.errors import NotAnArticle
from archiver.extraction.generic.body import BodyChoice, Scan
from archiver.extraction.generic.metadata import MetaTags
from archiver.extraction.generic.tree import Element
from archiver.extraction.page import Page

__all__ = [
    "before_body",
    "common_block",
    "is_binary_text",
    "reject_non_article",
    "reject_undated",
    "too_short_body",
]

MIN_BODY_CHARS = 40
_LISTING_MIN_LINKS = 40
# A page with no running text at all is a listing from this many links on.
EMPTY_LISTING_MIN_LINKS = 20
_ARTICLE_OG_TYPES = frozenset({"article", "news", "newsarticle"})


def too_short_body(element: Element) -> bool:
    """True when the text under ``element`` holds fewer than ``MIN_BODY_CHARS``
    characters that are not spaces; read only as far as needed."""
    seen = 0
    for text in element.itertext():
        seen += len("".join(text.split()))
        if seen >= MIN_BODY_CHARS:
            return False
    return True


def is_binary_text(html: str) -> bool:
    """True for bytes that are no text (a PDF, an image) decoded as if they were."""
    head = html[:1024]
    if head.startswith(("%PDF-", "\x89PNG", "GIF8", "PK\x03\x04")) or "\x00" in head:
        return True
    return head.count("\ufffd") > len(head) * 0.2 if head else False


def before_body(after: str, lead: str) -> str:
    """The text after the headline up to where the body starts: the header."""
    probe = lead.strip()[:15]
    position = after.find(probe) if len(probe) >= 5 else -1
    if position > 0:
        return after[:position]
    return after[:300] if position == 0 else after


def common_block(headline: Element | None, body: Element) -> Element:
    """The smallest block holding both the headline and the body."""
    if headline is None:
        return body
    above = set(headline.iterancestors())
    node: Element | None = body
    while node is not None and node not in above:
        node = node.getparent()
    return node if node is not None else body


def reject_non_article(
    page: Page,
    scan: Scan,
    body: BodyChoice | None,
    meta: MetaTags,
    json_listing: bool,
    json_article: bool,
) -> None:
    """Raise ``NotAnArticle`` for a page its JSON-LD calls a list, or with no prose."""
    url = page.url
    if json_listing and not _og_article(meta):
        raise NotAnArticle("listing", "the page's structured data calls it a list", url=url)
    if body is None or body.text_length < MIN_BODY_CHARS:
        if scan.links >= EMPTY_LISTING_MIN_LINKS and not json_article:
            raise NotAnArticle("listing", f"{scan.links} links and no running text", url=url)
        raise NotAnArticle("no-content", "no running text on the page", url=url)


def _og_article(meta: MetaTags) -> bool:
    """True when the page's Open Graph type is an article's."""
    return (meta.first("og:type") or ("", ""))[0].lower() in _ARTICLE_OG_TYPES


def reject_undated(page: Page, scan: Scan, body: BodyChoice, meta: MetaTags) -> None:
    """A page with no article date, many links and little prose is a listing,
    unless its Open Graph type says it is an article (CMSes give list,
    tag and home pages the type "website")."""
    if _og_article(meta):
        return
    if scan.links >= _LISTING_MIN_LINKS and (body.link_density > 0.35 or body.text_length < 300):
        raise NotAnArticle(
            "listing",
            f"{scan.links} links, {body.text_length} characters of text, no article date",
            url=page.url,
        )
