"""A lean parse of the page, for extraction.

``lxml.html`` calls a Python class lookup for every element it hands out,
which costs more than the rest of the generic extractor's per-element work;
extraction reads a plain ``lxml.etree`` tree instead (comments and
processing instructions dropped at parse time). The functions of
``archiver.extraction.clean`` accept its elements as they are, and the
helpers here (``select``, ``text_nodes``...) accept ``lxml.html`` elements.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.etree import _Element as Element

__all__ = [
    "Element",
    "outline_links",
    "parse_html",
    "remove",
    "select",
    "select_first",
    "strip_code",
    "text_nodes",
    "text_of",
    "unwrap",
]

_STRING = etree.XPath("string()", smart_strings=False)


def parse_html(html: str) -> Element:
    """The document's root element; an empty document gives an empty ``<html>``."""
    if html.lstrip().startswith("<?xml"):
        # lxml refuses str input that carries an XML encoding declaration.
        html = html.split("?>", 1)[-1]
    # huge_tree: without it libxml2 drops everything nested deeper than 255
    # elements, and some generated pages nest that deep.
    # collect_ids off: no lookup by id is made, and hashing every id costs.
    # UTF-8 bytes, not the str: lxml hands a str with any character past
    # Latin-1 (a curly quote) to libxml2 as UTF-16 or UCS-4, which it converts
    # back to UTF-8 more slowly than Python encodes it (parse 4% faster).
    root = etree.fromstring(html.encode("utf-8", "replace"), _PARSER) if html.strip() else None
    if root is None:
        root = etree.fromstring(b"<html><body></body></html>", _PARSER)
    return root


_PARSER = etree.HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    huge_tree=True,
    collect_ids=False,
)


def text_of(element: Element) -> str:
    """All text under ``element`` (scripts included), like ``text_content()``."""
    if element.tag.__class__ is str:
        if not len(element):  # a leaf (most links): its own text, no serialiser call
            return element.text or ""
        # The same text as XPath's string(), which costs twice as much on
        # a small element (a link, a paragraph): the most common call.
        text: str = _text(element, method="text", encoding="unicode", with_tail=False)
        return text
    return str(_STRING(element))


_text = etree.tostring


def text_nodes(element: Element | None, separator: str = "\u3000") -> str:
    """The text nodes under ``element``, stripped, joined by ``separator``.

    ``责任编辑：X<a>文章纠错</a>`` and ``<li>作者：X</li><li>2022年…`` print
    glued together; kept apart, each label's value ends where its node does.
    """
    if element is None:
        return ""
    return separator.join(t.strip() for t in element.itertext() if t.strip())


@lru_cache(maxsize=128)
def _css(selector: str) -> CSSSelector:
    # Compiled once: compiling CSS to XPath costs more than running it.
    return CSSSelector(selector)


def select(root: Element, selector: str) -> list[Element]:
    """The elements under ``root`` matching the CSS ``selector``, in document order."""
    found: list[Element] = _css(selector)(root)
    return found


def select_first(root: Element, selectors: Iterable[str]) -> Element | None:
    """The first match of the first of ``selectors`` that matches anything."""
    for selector in selectors:
        found = select(root, selector)
        if found:
            return found[0]
    return None


_CODE_TAGS = ("script", "style", "noscript", "template", "textarea", "select")
_MAX_CODE_TEXT = 200_000
_SWALLOWED_TEXT = 2000
"""A <noscript> with this much text holds the page, not a notice."""


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
    etree.strip_elements(root, "script", "style", with_tail=False)
    for node in list(root.iter("noscript")):
        # A tag left open inside a <noscript> (``<noscript><div></noscript>``)
        # makes the parser nest the rest of the page in it: keep that text.
        if node.getparent() is not None and len(text_of(node)) >= _SWALLOWED_TEXT:
            unwrap(node)
    etree.strip_elements(root, *_CODE_TAGS, with_tail=False)
    return "\n".join(parts)


def remove(node: Element) -> None:
    """Take ``node`` out of the tree, keeping the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def unwrap(node: Element) -> None:
    """Replace ``node`` by its text and children (lxml's ``drop_tag``)."""
    parent = node.getparent()
    assert parent is not None
    previous = node.getprevious()
    text = (node.text or "") + ""
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    index = parent.index(node)
    children = list(node)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else (parent[index - 1] if index > 0 else None)
    if node.tail:
        if last is not None:
            last.tail = (last.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


_OUTLINE_TARGETS = 3


def outline_links(root: Element) -> set[Element]:
    """The links under ``root`` to sections of the page itself (``#part``), when
    they point to ``_OUTLINE_TARGETS`` places or more: a table of contents, the
    article's outline rather than a way off it (one "Jump to recipe" is a button)."""
    links = [
        a for a in root.iter("a") if len(a.get("href") or "") > 1 and a.get("href", "")[0] == "#"
    ]
    if len({a.get("href") for a in links}) < _OUTLINE_TARGETS:
        return set()
    return set(links)
