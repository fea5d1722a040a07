"""Where a body candidate sits on the page, as a factor on its score.

Density alone lets any block of prose win: a sidebar's text widget, the
teasers of a related-posts strip, a reviews block or the site's footer.
Where the block sits tells them apart from the article, on any site:

- HTML5 regions: a block inside ``<aside>``, ``<nav>`` or ``<footer>`` is
  by definition not the page's main content (``<header>`` is not counted:
  templates wrap a whole article in one);
- a picture's caption (``<figure>``, ``<figcaption>``) is never the body;
- the article's text follows its headline: a block that ends before the
  headline starts (a teaser strip, the masthead), or that starts far below
  it (more than 30% of the page's elements further: related posts,
  comments, footers), is not the body of the article the headline names.

The positions are document-order indexes, counted by libxml2 for the few
candidates measured (``count(preceding::*)``), not stored for every element.
"""

from __future__ import annotations

from lxml import etree

from archiver.extraction.generic.tree import Element

__all__ = ["Placement", "placement_factor"]

_NOT_MAIN = frozenset({"aside", "nav", "footer"})
_CAPTION = frozenset({"figure", "figcaption"})
_REGION_FACTOR = 0.2
_CAPTION_FACTOR = 0.2
_BEFORE_FACTOR = 0.4
_FAR_FACTOR = 0.5
_FAR_SHARE = 0.3
"""A block starting this share of the page below the headline is far from it."""
_MIN_ELEMENTS = 60
"""Below this many elements a page has no layout to judge positions by."""

_INDEX = etree.XPath("count(preceding::*) + count(ancestor::*)", smart_strings=False)
_LAST = etree.XPath("(descendant-or-self::*)[last()]", smart_strings=False)


def _index(element: Element) -> int:
    return int(_INDEX(element))


class Placement:
    """The headline's position on a page of ``size`` elements, for
    ``placement_factor``; counted when first needed."""

    def __init__(self, headline: Element | None, size: int) -> None:
        self.size = size
        self.headline = headline if size >= _MIN_ELEMENTS else None
        self._start: int | None = None

    @property
    def start(self) -> int:
        if self._start is None:
            self._start = _index(self.headline) if self.headline is not None else -1
        return self._start


def placement_factor(element: Element, where: Placement) -> float:
    """How far ``element``'s place on the page lets it be the article body (0-1]."""
    factor = 1.0
    for ancestor in element.iterancestors():
        tag = ancestor.tag
        if tag in _NOT_MAIN:
            factor *= _REGION_FACTOR
            break
        if tag in _CAPTION:
            factor *= _CAPTION_FACTOR
            break
    if element.tag in _NOT_MAIN:
        factor *= _REGION_FACTOR
    elif element.tag in _CAPTION:
        factor *= _CAPTION_FACTOR
    if where.headline is None or where.start < 0:
        return factor
    start = _index(element)
    if start > where.start + _FAR_SHARE * where.size:
        return factor * _FAR_FACTOR
    if start < where.start:
        last: list[Element] = _LAST(element)
        end = _index(last[0]) if last else start
        if end < where.start:
            factor *= _BEFORE_FACTOR
    return factor
