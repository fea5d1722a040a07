"""The article's text outside the body block.

- ``lead_blocks``: the lead (standfirst) printed between the headline and
  the body, in the page's own order. Templates print it in the article's
  header, in a teaser box or as a deck heading, outside the block that holds
  the running text; readers count it as the article's first paragraph.
  Between the headline and the body there are also bylines, dates, captions,
  share bars and breadcrumbs: a lead block is one of prose (long enough, few
  links, sentence punctuation) that is none of those by its name or its text.
- ``sibling_blocks``: an article split over sibling blocks of one kind (the
  same tag and class tokens, numbered ones aside), each holding prose: page
  builders print each section or paragraph group as such a block, often
  under a heading of its own (kept). A name that reads like junk
  ("section--ads") does not part them: the body was found in one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from lxml import etree

from archiver.extraction.generic.appeals import READ_MORE
from archiver.extraction.generic.body import NOT_BODY_TAGS, Scan, text_stats
from archiver.extraction.generic.containers import junk_block, prose
from archiver.extraction.generic.tree import Element, text_of

__all__ = ["lead_blocks", "sibling_blocks"]

_MAX_VISITS = 400
"""Elements walked between the headline and the body: a region larger than
this is the page's layout (navigation, teasers), not an article header."""
_MAX_BLOCKS = 4
_MAX_LEAD_CHARS = 2500
_LEAD_MIN_CHARS = 60
_HEADING_MIN_CHARS = 100
"""A heading is a lead (a deck) only when it is a long sentence."""
_MAX_LINKS = 0.25
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "header", "h2", "h3", "h4", "h5", "h6", "blockquote", "span", "ul"}
)
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_INNER_BLOCKS = _BLOCK_TAGS - {"span"} | {"h1", "ol", "li", "table", "figure", "article", "main"}
_SKIP_TAGS = frozenset({"figure", "figcaption", "picture", "img", "table", "address", "time"})
# Bylines, dates, captions, credits, labels: never a lead, whatever their length.
_META_NAMES = re.compile(
    r"author|byline|meta|info|date|time|source|credit|caption|copyright|breadcrumb|kicker"
    r"|label|categor|rubri|topic|tags?\b|share|social|toolbar|related|media|photo|image|video"
)
_DATED = re.compile(r"\d{4}[-/.年]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}\.? \w+ \d{4}")
_DATED_MAX_CHARS = 160
"""A block this short with a date in it is a date line, not a lead..."""
_DATED_REST_CHARS = 100
"""...unless this much text stands beside the date (a lead opening with a dateline)."""
_SENTENCE = re.compile(r"[.!?。！？…:;,，]")


def _names(node: Element) -> str:
    return f"{node.get('class') or ''} {node.get('id') or ''}".lower()


def _own_text(node: Element) -> str:
    return (node.text or "") + "".join(child.tail or "" for child in node)


def _is_lead(node: Element, text: str, total: int) -> bool:
    if total < (_HEADING_MIN_CHARS if node.tag in _HEADINGS else _LEAD_MIN_CHARS):
        return False
    if _SENTENCE.search(text) is None:
        return False
    if total >= _DATED_MAX_CHARS or _DATED.search(text) is None:
        return True
    # A date line, unless a sentence's worth of text stands beside the date.
    return len("".join(_DATED.sub("", text).split())) >= _DATED_REST_CHARS


_SIBLINGS = 8
_SIBLING_VISITS = 40
"""Siblings walked, the empty ones too (ad slots, spacers)."""
_SIBLING_MIN_PROSE = 3.0
_SIBLING_MAX_LINKS = 0.3
_SIBLING_MIN_CHARS = 80
_NOT_SIBLINGS = frozenset(
    {"h1", "header", "nav", "aside", "footer", "figure", "ul", "ol", "table", "form"}
)
# A byline, a date line or a picture's caption is no lead: "By X · Published ...",
# "2019年09月05日 来源：".
_SIBLING_META = re.compile(
    r"author|byline|meta|info|date|time|source|credit|caption|image|photo|media|figure|gallery"
)


def _prose_sibling(sibling: Element, scan: Scan) -> bool:
    if not isinstance(sibling.tag, str) or sibling.tag in _NOT_SIBLINGS:
        return False
    if _SIBLING_META.search(_names(sibling)) or junk_block(sibling, scan):
        return False
    if prose(sibling, scan) < _SIBLING_MIN_PROSE:
        return False
    total, linked = text_stats(sibling)
    if total < _SIBLING_MIN_CHARS or linked / total > _SIBLING_MAX_LINKS:
        return False
    return _DATED.search(text_of(sibling)[:300]) is None


_META_LINE_CHARS = 160


def _meta_line(sibling: Element) -> bool:
    """A short block named as a byline or date line."""
    if not isinstance(sibling.tag, str) or sibling.tag in _NOT_SIBLINGS:
        return False
    if _SIBLING_META.search(_names(sibling)) is None:
        return False
    return len("".join(text_of(sibling).split())) <= _META_LINE_CHARS


def _preceding_prose(body: Element, headline: Element | None, scan: Scan) -> list[Element]:
    """The prose blocks just before the body block, up to the headline."""
    leads: list[Element] = []
    pending: list[Element] = []  # short lines, kept when a prose block comes above them
    above = set(headline.iterancestors()) if headline is not None else set()
    count = 0
    for visited, sibling in enumerate(body.itersiblings(preceding=True)):
        if count >= _SIBLINGS or visited >= _SIBLING_VISITS:
            break
        if sibling is headline or sibling in above:
            break
        if headline is not None and headline in set(sibling.iterdescendants()):
            break
        if sibling.tail and sibling.tail.strip():
            break  # loose text (lines parted by <br>s): no run of blocks
        if not isinstance(sibling.tag, str):
            continue
        text = text_of(sibling)
        if not text.strip() or READ_MORE.match(text):
            continue  # an empty ad slot, a "Read more" button between the lead and the text
        count += 1
        if not _prose_sibling(sibling, scan):
            if _meta_line(sibling):
                continue  # the byline between the standfirst and the text
            if _short_line(sibling, scan):
                pending.append(sibling)  # a subheading, a one-line paragraph
                continue
            break
        leads += pending
        leads.append(sibling)
        pending = []
    return leads[::-1]


_SHORT_LINE_CHARS = 160


def _short_line(sibling: Element, scan: Scan) -> bool:
    """A line of text with no link: a subheading or a one-sentence paragraph."""
    if (
        sibling.tag in _NOT_SIBLINGS
        or junk_block(sibling, scan)
        or sibling.find(".//a") is not None
    ):
        return False
    return len("".join(text_of(sibling).split())) <= _SHORT_LINE_CHARS


def lead_blocks(body: Element, headline: Element | None, scan: Scan) -> list[Element]:
    """The standfirst: the prose blocks just before ``body`` (its siblings),
    and those between ``headline`` and ``body`` in document order."""
    siblings = _preceding_prose(body, headline, scan)
    inside = {node for block in siblings for node in block.iter()}
    return [node for node in _between(body, headline, scan) if node not in inside] + siblings


def _between(body: Element, headline: Element | None, scan: Scan) -> list[Element]:
    """The prose blocks between ``headline`` and ``body`` in document order,
    none when the headline is not above the body or too much of the page
    lies between them."""
    if headline is None or body is headline:
        return []
    above = set(headline.iterancestors())
    if body in above:
        return []
    region: Element | None = body.getparent()
    while region is not None and region not in above:
        region = region.getparent()
    if region is None or region.tag in {"html"}:
        return []
    leads: list[Element] = []
    size = 0
    started = False
    walker = etree.iterwalk(region, events=("start", "end"))
    visits = 0
    outer = set(body.iterancestors())
    for event, node in walker:
        if node is headline:
            started = True
            if event == "start":
                walker.skip_subtree()
            continue
        if event == "end" or not started:
            continue
        if node is body:
            break
        visits += 1
        if visits > _MAX_VISITS:
            return []
        tag = node.tag
        if not isinstance(tag, str):
            continue
        if tag in _SKIP_TAGS or (tag in NOT_BODY_TAGS and tag != "header"):
            walker.skip_subtree()
            continue
        names = _names(node)
        if node in outer:
            continue  # the body's own wrappers are walked through, whatever their names
        if (names.strip() and _META_NAMES.search(names)) or (
            tag != "header" and junk_block(node, scan)
        ):
            walker.skip_subtree()
            continue
        if tag not in _BLOCK_TAGS or (
            any(child.tag in _INNER_BLOCKS for child in node)
            and len(_own_text(node).strip()) < _LEAD_MIN_CHARS
        ):
            continue  # a wrapper: its blocks may be leads
        total, linked = text_stats(node)
        walker.skip_subtree()
        if linked > _MAX_LINKS * total or not _is_lead(node, text_of(node), total):
            continue
        if size + total > _MAX_LEAD_CHARS or len(leads) >= _MAX_BLOCKS:
            break
        leads.append(node)
        size += total
    return leads


_SAME_LEVELS = 3
_SAME_MAX_SIBLINGS = 40
_SAME_MIN_PROSE = 3.0
_SAME_MAX_LINKS = 0.5
_NUMBERED = re.compile(r"\d")


def _signature(node: Element) -> frozenset[str]:
    """A block's class tokens, numbered ones (``post-123``, hashes) left out."""
    tokens = (node.get("class") or "").lower().split()
    return frozenset(t for t in tokens if not _NUMBERED.search(t))


def _continuation(
    sibling: Element, tag: str, signature: frozenset[str], scan: Scan, named: bool
) -> bool:
    """``named``: the body's own block is named like junk ("section--ads"): its
    kind's name says nothing against the article, the body was found in one."""
    if sibling.tag != tag or _signature(sibling) != signature:
        return False
    if not named and junk_block(sibling, scan):
        return False
    if prose(sibling, scan) < _SAME_MIN_PROSE:
        return False
    total, linked = text_stats(sibling)
    return total > 0 and linked <= _SAME_MAX_LINKS * total


_SECTION_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_SECTION_HEADING_CHARS = 120


def _section_heading(sibling: Element) -> bool:
    """A short heading with no link: the title of the section printed after it."""
    if sibling.tag not in _SECTION_HEADINGS or sibling.find(".//a") is not None:
        return False
    return 0 < len(text_of(sibling).strip()) <= _SECTION_HEADING_CHARS


def _run(
    siblings: Iterator[Element],
    tag: str,
    signature: frozenset[str],
    scan: Scan,
    *,
    up: bool,
    named: bool,
) -> list[Element]:
    """The blocks continuing the body in ``siblings`` (walked away from it),
    with the section headings printed just above each (``up``: walked upwards,
    the one above the first block too)."""
    found: list[Element] = []
    pending: list[Element] = []  # headings since the last block (walking up: above it)
    for sibling in islice(siblings, _SAME_MAX_SIBLINGS):
        if _continuation(sibling, tag, signature, scan, named):
            found += pending
            found.append(sibling)
            pending = []
        elif isinstance(sibling.tag, str) and _section_heading(sibling):
            pending.append(sibling)
        elif pending and text_of(sibling).strip():
            if up and found:
                break  # the first block's heading is in; above it the article's header
            pending = []  # not a heading of the next block: text between the blocks
    if up and found:
        found += pending
    return found


def sibling_blocks(body: Element, scan: Scan) -> tuple[Element, list[Element], list[Element]]:
    """The article split over sibling blocks of one kind (``<div class="row
    text">`` after ``<div class="row text">``): the body block, or the
    ancestor of it that has such siblings, and the siblings of its kind
    holding prose before and after it."""
    node: Element | None = body
    for _level in range(_SAME_LEVELS):
        if node is None or node.tag in {"body", "html"}:
            break
        signature = _signature(node)
        tag = node.tag
        if signature and isinstance(tag, str):
            named = junk_block(node, scan)
            before = _run(
                node.itersiblings(preceding=True), tag, signature, scan, up=True, named=named
            )
            after = _run(node.itersiblings(), tag, signature, scan, up=False, named=named)
            if before or after:
                return node, before[::-1], after
        node = node.getparent()
    return body, [], []
