"""Prune the body: a copy of the body block without navigation, link lists,
hidden blocks and blocks named like junk (comment, share, related...).

A picture's caption goes, unless the captions hold most of the text (a
gallery or a list article printed as captioned pictures); soft hyphens go
from the text; a named anchor (``<a name>`` with no href) is no link."""

from __future__ import annotations

import copy
import re
from functools import lru_cache

from lxml import etree

from archiver.extraction.generic.appeals import drop_appeals
from archiver.extraction.generic.body import NOT_BODY_TAGS, is_link
from archiver.extraction.generic.boilerplate import drop_boilerplate
from archiver.extraction.generic.names import NEGATIVE_NAMES, POSITIVE_NAMES
from archiver.extraction.generic.tree import Element, outline_links, remove, text_of, unwrap

__all__ = ["prune_body"]

_SWALLOWING = frozenset({"embed", "object", "iframe", "svg", "noembed"})
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _subtree_stats(root: Element) -> dict[Element, tuple[int, int]]:
    """(text, link text) of every element under ``root``, whitespace
    excluded; a table of contents' links (``outline_links``) are not link text.

    One pass over the elements in reverse document order, which visits every
    element after all of its descendants."""
    outline = outline_links(root)
    stats: dict[Element, tuple[int, int]] = {}
    nothing = (0, 0)
    for node in reversed(list(root.iter())):
        tag = node.tag
        if tag.__class__ is not str or tag in NOT_BODY_TAGS:
            stats[node] = nothing
            continue
        text = node.text
        total = _visible(text) if text else 0
        linked = 0
        for child in node:
            child_total, child_linked = stats[child]
            total += child_total
            linked += child_linked
            tail = child.tail
            if tail:
                total += _visible(tail)
        if tag == "a" and node not in outline and is_link(node):
            linked = total
        stats[node] = (total, linked)
    return stats


def _visible(text: str) -> int:
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t")


# Class or id words that name what is not the article, whatever its text:
# matched against the parts of each token ("jp-relatedposts" -> "relatedposts").
_JUNK_WORDS = (
    "comment",
    "related",
    "share",
    "sharing",
    "social",
    "sidebar",
    "widget",
    "newsletter",
    "news-letter",
    "subscribe",
    "paywall",
    "nextstory",
    "next-story",
    "next-post",
    "nextpost",
    "disclosure",
    "donation",
    "advert",
    "sponsor",
    "promo",
    "breadcrumb",
    "pagination",
    "pager",
    "authorbox",
    "author-box",
    "aboutauthor",
    "about-author",
    "author-bio",
    "authorbio",
    "rating",
    "popup",
    "modal",
    "cookie",
    "recommend",
    "readmore",
    "read-more",
    "morelink",
    "tagcloud",
    "taglist",
    "post-tags",
    "entry-tags",
    "caption",
    "credit",
    "copyright",
    "disclaimer",
    "jubao",
    "qrcode",
    "erweima",
    # Comments in other languages, tables of contents, the data under a picture.
    "kommentar",
    "comentario",
    "metadata",
    "flyout",
)
_JUNK_PARTS = frozenset(
    {"ad", "ads", "tags", "tag", "nav", "menu", "footer", "meta", "toc", "author"}
)
_JUNK_TAGS = frozenset({"figcaption", "aside", "nav", "footer"})
# A block that is nothing but one of these words is a label, not text.
_LABELS = re.compile(
    r"^\W*(?:advertisement|anzeige|werbung|reklama|publicidad|publicité|pubblicità|sponsored"
    r"|广告|advertising|ad)\W*$",
    re.IGNORECASE,
)
_LABEL_CHARS = 20
_LIST_HEADING_CHARS = 80
_HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_NOT_LISTS = frozenset({"figure", "figcaption", "img", "picture", "aside"})
_SAFE_SHARE = 0.5
"""A block holding this share of the body's text is the body, whatever its name."""
_WRAPPER_SHARE = 0.8
"""...and one holding this share of one of the blocks picked as the body's is its wrapper."""


# WordPress and friends describe a post by its taxonomy ("tag-berlin",
# "category-news", "format-standard"): such tokens say nothing about the block.
_TAXONOMY = re.compile(
    r"(?:^|\s)(?:(?:tag|category|cat|format|type|status)[-_]\S*|(?:post|postid)-?\d\S*|hentry)"
)
# On lowered names: a junk word anywhere in a token, or a junk part between
# separators ("ad-slot", "post-tags", "site-footer"; not "header-footer-group").
_JUNK_NAME = re.compile(
    "|".join(re.escape(word) for word in _JUNK_WORDS)
    + r"|(?:^|[\s_-])(?:"
    + "|".join(sorted(_JUNK_PARTS))
    + r")(?=$|[\s_-])"
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# The text under a picture, in a token: "image-subline", "imagedescription",
# "img-metadata", "bilduntertitel", "photo-credit", "foto-quelle".
_PICTURE_TEXT = re.compile(
    r"(?:^|[\s_-])(?:image|img|photo|foto|bild|picture|pic)[-_]?"
    r"(?:desc|caption|credit|subline|sub-?title|unter|legend|copyright|source|quelle|info|text)"
)


@lru_cache(maxsize=4096)
def _junk_name(names: str) -> bool:
    """``names`` (a class and an id, as the page has them) name junk.

    Cached: a page repeats its class names, and the same site its pages'."""
    names = _TAXONOMY.sub(" ", _CAMEL.sub("-", names)).lower()
    return _JUNK_NAME.search(names) is not None or _PICTURE_TEXT.search(names) is not None


_WIDGET_PROSE = 150


def _prose_widget(names: str, total: int, linked: int) -> bool:
    """A "widget" in the body with prose and no link: the article's insert (a
    quote, a fact box), not a sidebar's; "widget" names a kind, not content."""
    if linked or total < _WIDGET_PROSE:
        return False
    names = names.lower()
    return "widget" in names and _JUNK_NAME.search(names.replace("widget", " ")) is None


@lru_cache(maxsize=4096)
def _weak_junk(names: str) -> bool:
    """Named like a list, a ranking, "more"... (and not like content): junk when linked."""
    names = names.lower()
    return bool(NEGATIVE_NAMES.search(names)) and not POSITIVE_NAMES.search(names)


def prune_body(
    element: Element,
    drop: list[Element] | None = None,
    lead: list[Element] | None = None,
    trail: list[Element] | None = None,
) -> Element:
    """A copy of ``element`` without navigation, link lists, hidden and junk blocks.

    ``drop`` names elements of the original tree to leave out (the headline,
    the byline line...); ``lead`` blocks printed before ``element`` (the
    standfirst) are put first. A block is junk when its class or id names
    comments, related posts, sharing, ads, captions... (``_JUNK_WORDS``), or
    when it is mostly links, or when it is a teaser with a link (to another
    article; a teaser with no link is the lead); never when it holds half of
    the body's text.
    """
    marker = "data-archiver-drop"
    marked = []
    chosen: set[Element] = set()  # the blocks picked as the body's: never junk by name
    for node in drop or []:
        if node is not element and node.getparent() is not None:
            node.set(marker, "1")
            marked.append(node)
    try:
        body = copy.deepcopy(element)
        if lead or trail:
            # The lead paragraphs printed before the body's block go first,
            # the blocks continuing it after.
            wrapper = etree.Element("div")
            for node in lead or []:
                wrapper.append(copy.deepcopy(node))
            wrapper.append(body)
            for node in trail or []:
                wrapper.append(copy.deepcopy(node))
            body = wrapper
            chosen.update(wrapper)
    finally:
        for node in marked:
            del node.attrib[marker]
    stats = _subtree_stats(body)
    whole = max(stats.get(body, (0, 0))[0], 1)
    # A gallery or a list article: its text is in its pictures' captions.
    gallery = sum(stats[n][0] for n in body.iter("figcaption")) >= _SAFE_SHARE * whole
    doomed: list[Element] = []
    swallowed: list[Element] = []
    block = whole  # the text of the picked block being walked
    walker = etree.iterwalk(body, events=("start",))
    for _event, node in walker:
        tag = node.tag
        if node is body or tag.__class__ is not str:
            continue
        if tag in _SWALLOWING and text_of(node).strip():
            # An unclosed <embed>, <object>, <iframe> or <svg> holds the text
            # that follows it (libxml2 nests it): keep the text, lose the tag.
            swallowed.append(node)
            continue
        if tag == "header" and _subheading(node):
            continue  # a section's own heading, in its <header>: part of the text
        style = node.get("style")
        if tag in NOT_BODY_TAGS or (style and _HIDDEN.search(style)) or node.get(marker):
            doomed.append(node)
            walker.skip_subtree()
            continue
        total, linked = stats[node]
        if node in chosen:
            block = total
            continue
        if gallery and tag == "figcaption":
            continue  # the gallery's text, not a picture's credit
        density = linked / total if total else 0.0
        cls, ident = node.get("class"), node.get("id")
        names = f"{cls or ''} {ident or ''}" if cls or ident else ""
        if (
            tag in _BLOCKS
            and not (tag == "span" and _WORD.search(node.tail or ""))  # a linked phrase
            and ((density > 0.5 and total < 400) or (density > 0.2 and names and _weak_junk(names)))
        ) or (
            total < _SAFE_SHARE * whole
            and total < _WRAPPER_SHARE * block
            and (
                tag in _JUNK_TAGS
                or (names and _junk_name(names) and not _prose_widget(names, total, linked))
                or (linked and "teaser" in names.lower())
                or (names and _stand_in(node, names))
                or (2 <= total <= _LABEL_CHARS and _LABELS.match(text_of(node)))
            )
        ):
            doomed.append(node)
            walker.skip_subtree()
    # The heading of a removed list ("Das könnte Sie auch interessieren",
    # "Related posts") goes with it; not that of a removed picture or ad slot.
    for node in list(doomed):
        previous = node.getprevious()
        total, linked = stats.get(node, (0, 0))
        if (
            total > _LABEL_CHARS
            and node.tag not in _NOT_LISTS
            and previous is not None
            and previous.tag in _HEADING_TAGS
            and previous not in doomed
            and stats.get(previous, (0, 0))[0] <= _LIST_HEADING_CHARS
        ):
            doomed.append(previous)
    for node in doomed:
        remove(node)
    for node in swallowed:
        if node.getparent() is not None:
            unwrap(node)
    text = text_of(body)  # read once for both checks
    _drop_soft_hyphens(body, text)
    return drop_boilerplate(drop_appeals(body), text)


_SOFT_HYPHEN = "\xad"


def _drop_soft_hyphens(body: Element, text: str) -> None:
    """Soft hyphens (U+00AD, ``&shy;``) out of the text, changed in place: a
    hyphenation hint is invisible unless a line breaks there; left in, it
    splits every word it marks ("Mit|tel|al|ter") for any search or match.
    ``text``: the body's text."""
    if _SOFT_HYPHEN not in text:
        return
    for node in body.iter():
        if node.text and _SOFT_HYPHEN in node.text:
            node.text = node.text.replace(_SOFT_HYPHEN, "")
        if node is not body and node.tail and _SOFT_HYPHEN in node.tail:
            node.tail = node.tail.replace(_SOFT_HYPHEN, "")


def _stand_in(node: Element, names: str) -> bool:
    """A placeholder for an embed not loaded (a consent notice), not a picture's."""
    if "placeholder" not in names.lower():
        return False
    return node.find(".//img") is None and node.find(".//picture") is None


_SUBHEADING_CHARS = 150


def _subheading(node: Element) -> bool:
    """A ``<header>`` holding only a section's heading (h2-h6): no headline,
    no link, no date, no byline; the article's own header is none of these."""
    # Its own stats are nil: a header's text is not counted as the body's.
    text = "".join(text_of(node).split())
    if not 0 < len(text) <= _SUBHEADING_CHARS or node.find(".//a") is not None:
        return False
    if any(node.find(f".//{tag}") is not None for tag in ("h1", "time", "address")):
        return False
    return "".join("".join(text_of(h) for h in node.iter(*_HEADING_TAGS)).split()) == text


_BLOCKS = frozenset({"div", "ul", "ol", "table", "section", "dl", "p", "span", "li", "header"})
_WORD = re.compile(r"\w")  # a span with words after it is in a sentence, not a link list
