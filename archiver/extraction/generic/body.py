"""Find the article body: the block of the page where the running text is.

A readability-style score over block elements, tuned for Chinese: each
element's own text scores by length and by its punctuation (，。！？；、 and
ASCII commas: running prose has many, menus and link lists none), and its
score flows to its parent and, halved, to its grandparent. Link density and
class/id names (content, article... against comment, footer, share...)
adjust the best candidates. The work is bounded by ``MAX_ELEMENTS``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.extraction.generic.authors import BYLINE_NAMES as _BYLINE_NAMES
from archiver.extraction.generic.hidden import (
    HIDDEN_FACTOR,
    OVERLAY_FACTOR,
    in_overlay,
    note_hidden,
)
from archiver.extraction.generic.names import NEGATIVE_NAMES, POSITIVE_NAMES, is_marked_body
from archiver.extraction.generic.regions import Placement, placement_factor
from archiver.extraction.generic.tree import Element, text_of

__all__ = [
    "NOT_BODY_TAGS",
    "BodyChoice",
    "Scan",
    "find_body",
    "is_link",
    "scan_page",
    "text_stats",
]

MAX_ELEMENTS = 150_000
"""Work cap: elements scored; a 20 MB page costs no more than this many."""
_TOP_CANDIDATES = 8
_NEAR_LEVELS = 5
_NEAR_BONUS = 1.5
_MAX_FACTOR = 1.3 * _NEAR_BONUS  # the best weight times the bonus

NOT_BODY_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "nav",
        "footer",
        "aside",
        "form",
        "select",
        "option",
        "textarea",
        "button",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
        "header",
        "menu",
        "input",
        "label",
    }
)
_INLINE_TAGS = (
    "a span strong b em i u font small big sup sub code mark abbr cite q s strike time label img br"
)
_INLINE = frozenset(_INLINE_TAGS.split())
_NOT_CONTAINERS = frozenset(
    {"a", "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "tr", "pre"}
)
_FACTORS = (1.0, 0.95, 0.5)
_CONTAINER_TAGS = frozenset({"div", "article", "section", "main", "td"})
_MAX_BYLINES = 200
_ITEMPROP_TAGS = frozenset({"span", "div", "a", "p", "address", "li", "strong", "b"})
_AUTHOR_PROPS = frozenset({"author", "creator", "author name"})
_PUNCTUATION = re.compile("[，。！？；、,!?;：:]")


@dataclass
class BodyChoice:
    """The body element and what was measured on it."""

    element: Element
    text_length: int
    """Characters of text, whitespace excluded, outside links."""
    link_density: float
    """Share of the text inside links."""
    score: float


def _weight(element: Element) -> float:
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    if not names.strip():
        return 0.0
    weight = 0.0
    names = names.lower()
    if NEGATIVE_NAMES.search(names):
        weight -= 0.3
    if POSITIVE_NAMES.search(names):
        weight += 0.3
    return weight


_WHITESPACE = (" ", "\n", "\t", "\r", "\xa0", "\u3000")
_HEADINGS = frozenset({"h1", "h2", "h3"})


def _visible_length(text: str) -> int:
    return len(text) - sum(text.count(c) for c in _WHITESPACE)


def is_link(anchor: Element) -> bool:
    """An ``<a>`` that links: not a named anchor (``<a name>`` with no href,
    a jump target that wraps a heading or a paragraph of the text)."""
    return anchor.get("href") is not None or anchor.get("name") is None


def text_stats(element: Element) -> tuple[int, int]:
    """(all text, text inside links), whitespace excluded; C-level work only.

    Scripts and styles are expected to be stripped from the tree already.
    """
    total = _visible_length(text_of(element))
    # One string() per link: an XPath like .//a//text() merges node sets in
    # quadratic time on a page with 100,000 links.
    # Named anchors (``is_link``) left out; the test inlined: pages have thousands of links.
    linked = sum(
        _visible_length(text_of(a))
        for a in element.iter("a")
        if a.get("href") is not None or a.get("name") is None
    )
    return total, min(linked, total)


@dataclass
class Scan:
    """What one pass over the page found: block scores, headline candidates, links."""

    scores: dict[Element, float]
    headings: list[Element]
    links: int
    own: dict[Element, float] = field(default_factory=dict)
    """Each text holder's own score (its texts, not its descendants')."""
    marked: list[Element] = field(default_factory=list)
    """Blocks marked up as the article's body (itemprop=articleBody, entry-content...)."""
    bylines: list[Element] = field(default_factory=list)
    """Elements marked up as a byline (rel=author, itemprop=author, class author...)."""
    junk: dict[Element, bool] = field(default_factory=dict)
    """Which blocks are named like junk (comments, sidebars...), as found so far."""
    size: int = 0
    """Elements visited."""


def _add(
    scores: dict[Element, float],
    holder: Element | None,
    stripped: str,
    own: dict[Element, float],
    hidden: set[Element],
) -> None:
    # ``stripped``: a text of 10 characters or more once stripped (the caller checks).
    size = len(stripped)
    if holder is None:
        return
    score = 1.0 + len(_PUNCTUATION.findall(stripped)) + (5.0 if size >= 200 else size / 40)
    if hidden and holder in hidden:
        score *= HIDDEN_FACTOR
    tag = holder.tag
    while tag in _INLINE:
        if tag == "a" and (holder.get("href") is not None or holder.get("name") is None):
            return  # link text is navigation, not prose (``is_link``, inlined)
        holder = holder.getparent()
        if holder is None:
            return
        tag = holder.tag
    # Blocks inside a link (a teaser card, a live-feed item) are navigation too.
    parent = holder.getparent()
    node = parent
    for _level in range(3):
        if node is None:
            break
        if node.tag == "a":
            return
        node = node.getparent()
    own[holder] = own.get(holder, 0.0) + score
    # The holder, its parent (a little less, so that a text block beats the
    # wrapper around it), its grandparent half. Paragraphs are not candidates:
    # their container is.
    if tag not in _NOT_CONTAINERS:
        scores[holder] = scores.get(holder, 0.0) + score
    if parent is None or parent.tag.__class__ is not str:
        return
    if parent.tag not in _NOT_CONTAINERS:
        scores[parent] = scores.get(parent, 0.0) + score * _FACTORS[1]
    grand = parent.getparent()
    if grand is not None and grand.tag not in _NOT_CONTAINERS:
        scores[grand] = scores.get(grand, 0.0) + score * _FACTORS[2]


def scan_page(root: Element) -> Scan:
    """One bounded pass over ``root``: score text holders, collect headings and links.

    Each text scores by length and punctuation; the score goes to the block
    holding it, half to its parent and a quarter to its grandparent.
    """
    scores: dict[Element, float] = {}
    own: dict[Element, float] = {}
    headings: list[Element] = []
    marked: list[Element] = []
    bylines: list[Element] = []
    links = visited = 0
    hidden: set[Element] = set()
    for visited, element in enumerate(root.iter()):
        if visited > MAX_ELEMENTS:
            break
        tag = element.tag
        if tag.__class__ is not str:
            tail = (element.tail or "").strip()
            if len(tail) >= 10:
                _add(scores, element.getparent(), tail, own, hidden)
            continue
        # One call for the attribute names, then a read only of those there:
        # a fifth of the elements have none, the rest two or three.
        keys = element.keys()
        cls = element.get("class") if "class" in keys else None
        ident = element.get("id") if "id" in keys else None
        if ("style" in keys or "aria-hidden" in keys or "hidden" in keys) and (
            element.get("style") or element.get("aria-hidden") or element.get("hidden") is not None
        ):
            note_hidden(element, hidden)
        if tag == "a":
            links += 1
            if "rel" in keys and element.get("rel") == "author":
                bylines.append(element)
        elif tag in _HEADINGS:
            headings.append(element)
        if cls or ident:
            names = f"{cls} {ident}" if cls and ident else cls or ident or ""
            low = names.lower()
            # Substring tests first: one each costs less than a regex search.
            if tag not in _HEADINGS and ("title" in low or "headline" in low):
                headings.append(element)
            if tag in _CONTAINER_TAGS and is_marked_body(element, low):
                marked.append(element)
            if (
                "auth" in low
                or "byl" in low
                or "writ" in low
                or "autor" in low
                or "posted" in low
                or "submitted" in low
                or "journalist" in low
                or "name" in low
            ) and _BYLINE_NAMES.search(low):
                bylines.append(element)
        elif (
            "itemprop" in keys
            and tag in _ITEMPROP_TAGS
            and element.get("itemprop") in _AUTHOR_PROPS
        ):
            bylines.append(element)
        # Length first, inline: most texts are the whitespace between tags,
        # and most of those that are long are whitespace too.
        text = element.text
        if text and len(text) >= 10 and tag not in NOT_BODY_TAGS:
            text = text.strip()
            if len(text) >= 10:
                _add(scores, element, text, own, hidden)
        tail = element.tail
        if tail and len(tail) >= 10:
            tail = tail.strip()
            if len(tail) >= 10:
                _add(scores, element.getparent(), tail, own, hidden)
    bylines = bylines[:_MAX_BYLINES]
    return Scan(scores, headings, links, own, marked, bylines, size=visited + 1)


def _ancestors(element: Element, levels: int) -> list[Element]:
    found: list[Element] = []
    node: Element | None = element
    while node is not None and len(found) <= levels and node.tag not in {"body", "html"}:
        found.append(node)
        node = node.getparent()
    return found


def find_body(scan: Scan, headline: Element | None = None) -> BodyChoice | None:
    """The element holding the article's running text, or None for a page with no text.

    A candidate in the same block as ``headline`` (the element the title was
    read from) gets a bonus: sidebars of prose (live commentary, comments)
    can outscore a short article, but they are not under its headline. One in
    a cookie banner, a modal, a pop-up or a carousel is all but out, and a
    ``headline`` inside one (a slide's title) is not the page's.
    """
    if not scan.scores:
        return None
    ranked = sorted(scan.scores.items(), key=lambda item: item[1], reverse=True)
    if headline is not None and in_overlay(headline):
        headline = None  # a slide's or a pop-up's title, not the page's headline
    near = set(_ancestors(headline, _NEAR_LEVELS)) if headline is not None else set()
    where = Placement(headline, scan.size)
    best: BodyChoice | None = None
    for element, raw in ranked[:_TOP_CANDIDATES]:
        if element.tag in NOT_BODY_TAGS:
            continue
        if element.tag in {"body", "html"}:
            raw *= 0.5
        if best is not None and raw * _MAX_FACTOR <= best.score:
            continue  # cannot win even with no links: skip measuring it
        total, linked = text_stats(element)
        density = linked / total if total else 1.0
        final = raw * (1.0 - density) * (1.0 + _weight(element))
        if near and any(a in near for a in _ancestors(element, 3)):
            final *= _NEAR_BONUS
        if in_overlay(element):
            final *= OVERLAY_FACTOR
        if final > 0 and (best is None or final > best.score):
            final *= placement_factor(element, where)
        if best is None or final > best.score:
            best = BodyChoice(element, total - linked, density, final)
    return best
