"""Blocks the page hides or lays over the page: their text is not the visible article.

A slider's hidden slides, a closed tab panel, an archive toolbar kept in a
``display:none`` panel hold prose the reader never sees; counted in full,
they let a carousel or a tab strip outscore the article. A block is hidden
when it says so itself: the ``hidden`` attribute, ``aria-hidden="true"``, or
an inline ``display:none`` / ``visibility:hidden`` style. Text inside one
counts for a fraction (not nothing: a page may hide its text until a script
reveals it, and then all of its blocks are hidden alike).
"""

from __future__ import annotations

import re

from archiver.extraction.generic.tree import Element

__all__ = ["HIDDEN_FACTOR", "OVERLAY_FACTOR", "in_overlay", "note_hidden"]

HIDDEN_FACTOR = 0.2
"""What hidden text counts for, against visible text."""
_MAX_HIDDEN = 20_000
"""Hidden elements noted; a page hiding more stops there (bounded work)."""

_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)


def _hides(element: Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return style is not None and _STYLE.search(style) is not None


def note_hidden(element: Element, found: set[Element]) -> None:
    """Add ``element`` and all inside it to ``found`` if the page hides it;
    called on every element with a style, ``aria-hidden`` or ``hidden``."""
    if len(found) < _MAX_HIDDEN and element not in found and _hides(element):
        found.update(element.iter())


# Overlays: cookie and consent banners, modals, pop-ups, flyouts; and
# carousels (sliders), whose slides are other articles' teasers shown in
# turn. Their prose (a privacy notice, a teaser) is never the article's, and
# a title inside one is a slide's, not the page's headline.
_OVERLAY = re.compile(
    r"cookie|consent|gdpr|modal|popup|pop-up|flyout|overlay|dialog|lightbox"
    r"|slider|carousel|swiper|slick"
)
OVERLAY_FACTOR = 0.1
_OVERLAY_LEVELS = 8


def in_overlay(element: Element) -> bool:
    node: Element | None = element
    for _level in range(_OVERLAY_LEVELS):
        if node is None or node.tag in {"body", "html"}:
            return False
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if names.strip() and _OVERLAY.search(names.lower()):
            return True
        node = node.getparent()
    return False
