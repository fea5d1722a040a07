"""A lean parse of the page, for extraction.

``lxml.html`` calls a Python class lookup for every element it hands out,
which costs more than the rest of the generic extractor's per-element work;
extraction reads a plain ``lxml.etree`` tree instead (comments and
processing instructions dropped at parse time). The functions of
``archiver.extraction.clean`` accept its elements as they are.
"""

from __future__ import annotations

from lxml import etree
from lxml.etree import _Element as Element

__all__ = ["Element", "parse_html", "strip_code", "text_of"]

_STRING = etree.XPath("string()", smart_strings=False)


def parse_html(html: str) -> Element:
    """The document's root element; an empty document gives an empty ``<html>``."""
    if html.lstrip().startswith("<?xml"):
        # lxml refuses str input that carries an XML encoding declaration.
        html = html.split("?>", 1)[-1]
    # huge_tree: without it libxml2 drops everything nested deeper than 255
    # elements, and some generated pages nest that deep.
    parser = etree.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=True
    )
    root = etree.fromstring(html, parser) if html.strip() else None
    if root is None:
        root = etree.fromstring("<html><body></body></html>", parser)
    return root


def text_of(element: Element) -> str:
    """All text under ``element`` (scripts included), like ``text_content()``."""
    return str(_STRING(element))


_CODE_TAGS = ("script", "style", "noscript", "template", "textarea", "select")
_MAX_CODE_TEXT = 200_000


def strip_code(root: Element) -> str:
    """Remove scripts, styles and form widgets from ``root``; return their text.

    Read structured data (JSON-LD) before: it lives in scripts. What the
    scripts said is returned, bounded, for the last-resort date search.
    """
    parts: list[str] = []
    size = 0
    for node in root.iter("script"):
        text = node.text or ""
        if text and size < _MAX_CODE_TEXT and "ld+json" not in (node.get("type") or ""):
            parts.append(text[: _MAX_CODE_TEXT - size])
            size += len(parts[-1])
    etree.strip_elements(root, *_CODE_TAGS, with_tail=False)
    return "\n".join(parts)
