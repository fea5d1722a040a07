"""The body block's bounds: the block the page marks up as its body
(``marked_body``: ``itemprop=articleBody``, WordPress's ``entry-content``,
``article-body``... see ``names.is_marked_body``), widened over the sections
of a long article (``expand_body``).

Where such a block holds the article's prose it is a surer body than the
densest block: the density winner is one of its paragraphs' containers, a
long article's first section, or a prose-heavy comment thread. The marked
block loses only to a density winner elsewhere with much more prose (a
template that marks a teaser box).

A block is junk by its name (``junk_names``) when a junk word starts or ends
a word of it, not when it sits inside one ("photo" holds no "hot"). A data
table found as the densest block is a part of the article around it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from archiver.extraction.generic.body import NOT_BODY_TAGS, BodyChoice, Scan, text_stats
from archiver.extraction.generic.names import NEGATIVE_NAMES, POSITIVE_NAMES
from archiver.extraction.generic.tree import Element

__all__ = ["expand_body", "junk_block", "marked_body", "prose"]

_MIN_PROSE = 8.0
"""A marked block with less prose than about two sentences is a teaser or empty."""
_HEADER_SHARE = 0.5
"""...or half that when the densest block is the article's header (holds the h1)."""
_MAX_LINKS = 0.5
_INNER_SHARE = 0.8
"""A marked block inside another holding this share of its prose is preferred."""
_ELSEWHERE_FACTOR = 2.5
"""The density winner outside the marked block wins with this many times its prose."""


def _in_junk(element: Element, memo: dict[Element, bool]) -> bool:
    return any(_junk(a, memo) for a in element.iterancestors() if a.tag not in {"body", "html"})


def _holds_h1(found: BodyChoice | None) -> bool:
    return found is not None and found.element.find(".//h1") is not None


def marked_body(scan: Scan, found: BodyChoice | None) -> BodyChoice | None:
    """The marked-up body block, if one holds the prose; else ``found``."""
    candidates: list[tuple[Element, float]] = []
    # A density winner holding the <h1> is the article's header (headline,
    # standfirst, byline): a marked block after it with one sentence is the text.
    least = _MIN_PROSE * (_HEADER_SHARE if _holds_h1(found) else 1.0)
    for element in scan.marked[:50]:
        prose = _prose(element, scan.own, scan.junk)
        if prose < least or _junk(element, scan.junk) or _in_junk(element, scan.junk):
            continue
        candidates.append((element, prose))
    if not candidates:
        return found
    element, prose = max(candidates, key=lambda item: item[1])
    for inner, inner_prose in candidates:
        nested = inner is not element and element in set(inner.iterancestors())
        if nested and inner_prose >= _INNER_SHARE * prose:
            element, prose = inner, inner_prose
    if found is not None and found.element is not element:
        inside = element in set(found.element.iterancestors())
        related = inside or found.element in set(element.iterancestors())
        found_prose = _prose(found.element, scan.own, scan.junk)
        if not related and found_prose > _ELSEWHERE_FACTOR * prose:
            return found
        if inside and found_prose >= _INNER_SHARE * prose:
            return found  # the marked block is a column around the article
    total, linked = text_stats(element)
    density = linked / total if total else 1.0
    if density > _MAX_LINKS:
        return found
    return BodyChoice(element, total - linked, density, found.score if found else prose)


_EXPAND_LEVELS = 4
"""Parents that add prose, looked at; wrappers adding nothing are not counted..."""
_EXPAND_CLIMB = 12
"""...up to this many parents in all."""
_EXPAND_FAR_SHARE = 0.5
"""Above the first levels, the other children must add this share of the body's prose."""
_EXPAND_SHARE = 0.35
"""A parent is taken when its other children hold this share of the body's prose."""
_EXPAND_MAX_LINKS = 0.35
_TABLE_PARTS = frozenset({"table", "tbody", "thead", "tfoot"})
_EXPAND_MIN = 12.0
"""...and at least this much prose (two paragraphs), not a byline line."""


def _prose(
    element: Element, own: dict[Element, float], junk: dict[Element, bool] | None = None
) -> float:
    """The prose under ``element``: its text holders' scores, junk blocks left out."""
    total = 0.0
    memo = junk if junk is not None else {}
    walker = etree.iterwalk(element, events=("start",))
    for _event, node in walker:
        if node is not element:
            found = memo.get(node)  # (the memo read here: most nodes are known)
            if found is None:
                found = _junk(node, memo)
            if found:
                walker.skip_subtree()
                continue
        total += own.get(node, 0.0)
    return total


def _junk(node: Element, memo: dict[Element, bool] | None = None) -> bool:
    if memo is not None:
        known = memo.get(node)
        if known is not None:
            return known
    tag = node.tag
    if tag.__class__ is not str or tag in NOT_BODY_TAGS:
        found = True
    else:
        cls, ident = node.get("class"), node.get("id")
        names = f"{cls} {ident}" if cls and ident else cls or ident
        found = bool(names) and junk_names(names)
    if memo is not None:
        memo[node] = found
    return found


@lru_cache(maxsize=4096)
def junk_names(names: str) -> bool:
    """A class and id (as the page has them) named like junk and not like content.

    Cached: the two patterns are long, and a page repeats its names."""
    low = names.lower()
    if NEGATIVE_NAMES.search(low) is None or POSITIVE_NAMES.search(low) is not None:
        return False
    words = _CAMEL.sub("-", names).lower()
    return (
        _JUNK_ENDING.search(words) is not None
        or NEGATIVE_NAMES.match(words) is not None
        or _JUNK_STARTING.search(words) is not None
    )


# A junk word counts at the start or the end of a word of the name, not
# inside one: "photo" holds no "hot", "canvas" no "nav". Three patterns, none
# starting with a look-behind (which makes the engine try every alternative
# at every position): a word ending a word, starting the name (the plain
# pattern, matched at the start), or starting a word after a separator.
_JUNK_ENDING = re.compile(rf"(?:{NEGATIVE_NAMES.pattern})(?![a-z])")
_JUNK_STARTING = re.compile(rf"[^a-z](?:{NEGATIVE_NAMES.pattern})")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def expand_body(choice: BodyChoice, scan: Scan) -> BodyChoice:
    """The body block widened to an ancestor whose other children hold prose
    too: a long article split into sections or columns is one body. Wrappers
    that add nothing are climbed through; comments and sidebars do not count
    as prose (they are pruned later)."""
    junk = scan.junk
    node = choice.element
    prose = accepted = _prose(node, scan.own, junk)
    levels = 0
    # A data table (a list of names, of results) is a part of an article: the
    # block holding it is the body when it adds any prose (_EXPAND_MIN).
    in_table = node.tag in _TABLE_PARTS
    for climb in range(_EXPAND_CLIMB):
        child, node = node, node.getparent()
        if node is None or node.tag in {"body", "html"} or _junk(node, junk):
            break
        # The parent's prose: the child's, plus its own text and its other children's.
        added = scan.own.get(node, 0.0) + sum(
            _prose(sibling, scan.own, junk)
            for sibling in node
            if sibling is not child and not _junk(sibling, junk)
        )
        if added == 0.0 and sum(1 for c in node if isinstance(c.tag, str)) == 1:
            continue  # a wrapper adding nothing: climbed through, not counted
        levels += 1
        if levels > _EXPAND_LEVELS:
            break
        prose += added
        share = _EXPAND_SHARE if climb < _EXPAND_LEVELS else _EXPAND_FAR_SHARE
        if in_table and node.tag not in _TABLE_PARTS:
            share, in_table = 0.0, False
        if prose - accepted < max(share * accepted, _EXPAND_MIN):
            continue
        total, linked = text_stats(node)
        density = linked / total if total else 1.0
        if density > _EXPAND_MAX_LINKS:
            break
        accepted = prose
        choice = BodyChoice(node, total - linked, density, choice.score)
    return choice


def prose(element: Element, scan: Scan) -> float:
    """The prose under ``element``: its text holders' scores, junk blocks left out."""
    return _prose(element, scan.own, scan.junk)


def junk_block(node: Element, scan: Scan) -> bool:
    """True for a block named like junk (comments, sidebars...) or not body text."""
    return _junk(node, scan.junk)
