"""The page's text as lines: an element's text with a line break at each
block, the text just before and just after an element (where bylines are
printed), and the last lines of an element. All bounded."""

from __future__ import annotations

from lxml import etree

from archiver.extraction.generic.tree import Element

__all__ = ["element_lines", "last_lines", "squeeze", "text_after", "text_before"]

# Elements whose text is not page text.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "select",
        "option",
        "textarea",
        "button",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
    }
)
# Elements that end a line of text.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
MAX_ELEMENTS = 150_000
"""Work cap: elements visited when reading a page's text."""
MAX_TEXT_CHARS = 2_000_000


def element_lines(element: Element, limit: int = 20_000, *, tail: bool = False) -> str:
    """The text of ``element`` with a line break at each block element.

    Scripts, styles and the like are left out. Bounded: reading stops after
    ``limit`` characters or ``MAX_ELEMENTS`` elements.
    """
    if not isinstance(element.tag, str):  # a comment or processing instruction
        return (element.tail or "") if tail else ""
    parts: list[str] = []
    append = parts.append
    size = 0
    visited = 0
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        tag = node.tag
        if event == "start":
            visited += 1
            if visited > MAX_ELEMENTS or size > limit:
                break
            if tag.__class__ is not str or tag in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                append("\n")
            text = node.text
            if text:
                append(text)
                size += len(text)
        else:
            if tag in BLOCK_TAGS:  # (a comment's tag is a function: in no set)
                append("\n")
            text = node.tail
            if text and (tail or node is not element):
                append(text)
                size += len(text)
    return "".join(parts)


def squeeze(text: str) -> str:
    """``text`` with runs of spaces made one space and of blank lines one line break.

    Any Unicode space counts (thin and en spaces, U+2028 as well), as
    ``str.split`` has them: no regex, which costs more than the split.
    """
    return "\n".join(filter(None, map(_join_words, map(str.split, text.split("\n")))))


_join_words = " ".join


def last_lines(element: Element, limit: int = 1500) -> str:
    """About the last ``limit`` characters of ``element``'s text, as lines."""
    parts: list[str] = []
    size = 0
    node = element
    for _depth in range(20):
        children = [c for c in node if isinstance(c.tag, str)]
        if len(children) == 1 and not (children[0].tail or "").strip():
            node = children[0]  # a wrapper: look inside it
            continue
        for child in reversed(children):
            chunk = element_lines(child, limit, tail=True)
            parts.append(chunk)
            size += len(chunk.strip())
            if size >= limit:
                break
        else:
            parts.append(node.text or "")
        break
    return "".join(reversed(parts))


def text_after(element: Element, limit: int = 1500) -> str:
    """The page's text that follows ``element`` (its siblings, then its ancestors')."""
    parts = [element.tail or ""]
    size = len(parts[0])
    limit_raw = limit * 3
    node: Element | None = element
    levels = 0
    while node is not None and size < limit_raw and levels < 12:
        for sibling in node.itersiblings():
            chunk = element_lines(sibling, limit_raw - size, tail=True)
            parts.append(chunk)
            size += len(chunk)
            if size >= limit_raw:
                break
        parent = node.getparent()
        if parent is None or parent.tag == "body":
            break
        parts.append("\n" + (parent.tail or ""))
        node = parent
        levels += 1
    return squeeze("".join(parts))[:limit]


def text_before(element: Element, limit: int = 400) -> str:
    """The page's text just before ``element`` (previous siblings, then ancestors')."""
    parts: list[str] = []
    size = 0
    node: Element | None = element
    levels = 0
    limit_raw = limit * 3
    while node is not None and size < limit_raw and levels < 4:
        for sibling in node.itersiblings(preceding=True):
            chunk = element_lines(sibling, limit_raw, tail=True)
            parts.append(chunk)
            size += len(chunk)
            if size >= limit_raw:
                break
        parent = node.getparent()
        if parent is None or parent.tag == "body":
            break
        parts.append((parent.text or "") + "\n")
        node = parent
        levels += 1
    return squeeze("".join(reversed(parts)))[-limit:]
