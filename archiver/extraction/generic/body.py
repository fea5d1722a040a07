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
from dataclasses import dataclass

from archiver.extraction.generic.tree import Element, text_of

__all__ = ["BodyChoice", "find_body"]

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
_INLINE = frozenset(
    {
        "a",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "font",
        "small",
        "big",
        "sup",
        "sub",
        "code",
        "mark",
        "abbr",
        "cite",
        "q",
        "s",
        "strike",
        "time",
        "label",
        "img",
        "br",
    }
)
_NOT_CONTAINERS = frozenset(
    {"a", "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "tr", "pre"}
)
_FACTORS = (1.0, 0.95, 0.5)
_PUNCTUATION = re.compile("[，。！？；、,!?;：:]")
NEGATIVE_NAMES = re.compile(
    r"comment|footer|foot|sidebar|side-|side_|widget|share|social|related|recommend|relate"
    r"|hot|rank|nav|menu|banner|advert|\bad\b|ad-|ads|sponsor|promo|login|copyright|breadcrumb"
    r"|tags?\b|pager|pagination|popup|modal|toolbar|subscribe|author-info|disclaimer|statement"
    r"|jubao|report|qrcode|erweima|more|list",
    re.IGNORECASE,
)
POSITIVE_NAMES = re.compile(
    r"article|content|post|entry|text|body|main|story|detail|artibody|news_txt|txt|zw|zhengwen"
    r"|rich_media|cont|con_",
    re.IGNORECASE,
)


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
    if NEGATIVE_NAMES.search(names):
        weight -= 0.3
    if POSITIVE_NAMES.search(names):
        weight += 0.3
    return weight


_WHITESPACE = (" ", "\n", "\t", "\r", "\xa0", "\u3000")
_HEADINGS = frozenset({"h1", "h2", "h3"})


def _visible_length(text: str) -> int:
    return len(text) - sum(text.count(c) for c in _WHITESPACE)


def _text_stats(element: Element) -> tuple[int, int]:
    """(all text, text inside links), whitespace excluded; C-level work only.

    Scripts and styles are expected to be stripped from the tree already.
    """
    total = _visible_length(text_of(element))
    # One string() per link: an XPath like .//a//text() merges node sets in
    # quadratic time on a page with 100,000 links.
    linked = sum(_visible_length(text_of(a)) for a in element.iter("a"))
    return total, min(linked, total)


@dataclass
class Scan:
    """What one pass over the page found: block scores, headline candidates, links."""

    scores: dict[Element, float]
    headings: list[Element]
    links: int


def _add(scores: dict[Element, float], holder: Element | None, text: str) -> None:
    if len(text) < 10:
        return
    stripped = text.strip()
    if len(stripped) < 10:
        return
    score = 1.0 + len(_PUNCTUATION.findall(stripped)) + min(len(stripped) / 40, 5.0)
    while holder is not None and holder.tag in _INLINE:
        if holder.tag == "a":
            return  # link text is navigation, not prose
        holder = holder.getparent()
    # Blocks inside a link (a teaser card, a live-feed item) are navigation too.
    node = holder.getparent() if holder is not None else None
    for _level in range(3):
        if node is None:
            break
        if node.tag == "a":
            return
        node = node.getparent()
    # The holder, its parent (a little less, so that a text block beats the
    # wrapper around it), its grandparent half. Paragraphs are not candidates:
    # their container is.
    for factor in _FACTORS:
        if holder is None or not isinstance(holder.tag, str):
            break
        if holder.tag not in _NOT_CONTAINERS:
            scores[holder] = scores.get(holder, 0.0) + score * factor
        holder = holder.getparent()


def scan_page(root: Element) -> Scan:
    """One bounded pass over ``root``: score text holders, collect headings and links.

    Each text scores by length and punctuation; the score goes to the block
    holding it, half to its parent and a quarter to its grandparent.
    """
    scores: dict[Element, float] = {}
    headings: list[Element] = []
    links = 0
    for visited, element in enumerate(root.iter()):
        if visited > MAX_ELEMENTS:
            break
        tag = element.tag
        if not isinstance(tag, str):
            if element.tail:
                _add(scores, element.getparent(), element.tail)
            continue
        if tag == "a":
            links += 1
        elif tag in _HEADINGS:
            headings.append(element)
        else:
            names = element.get("class") or element.get("id")
            if names and ("itle" in names or "eadline" in names):  # title, Title, headline
                headings.append(element)
        # Length first, inline: most texts are the whitespace between tags.
        text = element.text
        if text and len(text) >= 10 and tag not in NOT_BODY_TAGS:
            _add(scores, element, text)
        tail = element.tail
        if tail and len(tail) >= 10:
            _add(scores, element.getparent(), tail)
    return Scan(scores, headings, links)


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
    can outscore a short article, but they are not under its headline.
    """
    if not scan.scores:
        return None
    ranked = sorted(scan.scores.items(), key=lambda item: item[1], reverse=True)
    near = set(_ancestors(headline, _NEAR_LEVELS)) if headline is not None else set()
    best: BodyChoice | None = None
    for element, raw in ranked[:_TOP_CANDIDATES]:
        if element.tag in NOT_BODY_TAGS:
            continue
        if element.tag in {"body", "html"}:
            raw *= 0.5
        if best is not None and raw * _MAX_FACTOR <= best.score:
            continue  # cannot win even with no links: skip measuring it
        total, linked = _text_stats(element)
        density = linked / total if total else 1.0
        final = raw * (1.0 - density) * (1.0 + _weight(element))
        if near and any(a in near for a in _ancestors(element, 3)):
            final *= _NEAR_BONUS
        if best is None or final > best.score:
            best = BodyChoice(element, total - linked, density, final)
    return best
