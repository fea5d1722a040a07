"""The article body as the archive keeps it: ``clean_body``.

As the old archive kept its bodies: absolute links, ``referrerpolicy`` on
images, entities as characters, no blank lines; ``clean_tree`` (the
structure) and ``inner_html`` (the string, made safe by the allow-list of
``archiver.extraction.sanitize``) are its two halves. None of them changes
its input.

Site modules import all their cleaning from here, so this module also gives
``clean_text`` (one-line fields, from ``text``), ``absolutize`` (URLs, from
``urls``), and ``body_images``, ``lead_image``, ``image_src`` and
``is_junk_image`` (the images, from ``images``).
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from archiver.extraction.images import (
    LAZY_ATTRS,
    body_images,
    image_src,
    is_junk_image,
    lead_image,
)
from archiver.extraction.sanitize import ALLOWED_TAGS, TAG_ATTRIBUTES, attribute_value, sanitize
from archiver.extraction.text import clean_text
from archiver.extraction.urls import absolutize

__all__ = [
    "absolutize",
    "body_images",
    "clean_body",
    "clean_text",
    "clean_tree",
    "image_src",
    "inner_html",
    "is_junk_image",
    "lead_image",
]

# In body HTML, newlines and tabs are layout and stay.
# (U+FFFE and U+FFFF, not characters, lxml takes in no text either.)
_BODY_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

# Gone with their content: code, or not shown to a reader.
_DROP_TAGS = frozenset({"script", "style", "noscript", "template", "title", "link", "meta", "base"})
# Elements libxml2 reads as raw text up to their end tag: when that never
# comes, the rest of the body is inside them as text. Their text is read
# again as HTML in their place (their fallback content, or the text after an
# unclosed one, stays).
_RAW_TEXT = frozenset({"iframe", "noembed", "noframes", "xmp", "textarea", "plaintext"})
# What libxml2 leaves at the end of one that is never closed (an unclosed
# <title> is read again too; a closed one is not shown, and goes).
_RAW_TAIL_FOUND = re.compile(r"</body>\s*</html>\s*$", re.IGNORECASE)
# Blocks the allow-list does not name become <div>, so their text does not
# run into the next block's; every other unknown element leaves its text.
_BLOCKS = frozenset(
    {
        "section", "article", "header", "footer", "aside", "main", "nav", "center",
        "address", "hgroup", "details", "summary", "fieldset", "legend", "form",
        "dialog", "menu", "search", "listing", "body", "html",
    }
)  # fmt: skip
_URL_ATTRS = ("href", "src", "poster")
_NONE: frozenset[str] = frozenset()
_EVERY_TAG = TAG_ATTRIBUTES["*"]


def _clean_element(element: HtmlElement, tag: str, base_url: str) -> None:
    if tag == "img":
        # Controls go first (lxml takes no value that holds one).
        src = _BODY_CONTROLS.sub("", image_src(element))
        for name in (*LAZY_ATTRS, "srcset", "data-srcset", "sizes", "loading"):
            element.attrib.pop(name, None)
        if src:
            element.set("src", src)
        element.set("referrerpolicy", "no-referrer")
    attributes = element.items()
    if not attributes:
        return
    # The values the sanitiser would change, changed here (see attribute_value).
    named = TAG_ATTRIBUTES.get(tag, _NONE)
    for name, value in attributes:
        if name in _URL_ATTRS:
            value = _BODY_CONTROLS.sub("", value)
            if not value.strip().startswith(("#", "data:", "mailto:", "tel:")):
                try:
                    value = absolutize(value, base_url)
                except ValueError:  # no URL at all ("https://[x", a bad host)
                    del element.attrib[name]
                    continue
            element.set(name, value)
        if name in named or name in _EVERY_TAG:
            checked = attribute_value(tag, name, _BODY_CONTROLS.sub("", value))
            if checked is None:
                del element.attrib[name]
            elif checked != value:
                element.set(name, checked)


@lru_cache(maxsize=256)
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css)


# libxml2 drops what follows </html>; browsers read it into the body.
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)


def _parse_fragment(text: str) -> HtmlElement:
    """``text`` parsed as the content of a ``<div>``.

    As ``lxml.html.fragment_fromstring(create_parent="div")`` does, but the
    leading text stays in libxml2's tree: lxml takes no new text that holds
    a control (``&#1;`` decodes to one), and would raise.
    """
    text = _DOCUMENT_END.sub("", _BODY_CONTROLS.sub("", text))
    document = lxml.html.document_fromstring(f"<html><body>{text}</body></html>")
    body = document.find("body")
    if body is None:  # not seen: libxml2 always makes a body here
        body = lxml.html.Element("body")
    body.tag = "div"
    root: HtmlElement = body
    return root


def _as_element(body: HtmlElement | str, in_place: bool = False) -> HtmlElement:
    if isinstance(body, str):
        return _parse_fragment(body)
    return body if in_place else copy.deepcopy(body)


def _join(first: str | None, second: str) -> str:
    # A page's tree may hold controls that lxml takes in no new text.
    return _BODY_CONTROLS.sub("", (first or "") + second)


def _remove(element: HtmlElement) -> None:
    """Remove ``element`` but keep its tail text in the tree."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = _join(previous.tail, tail)
        else:
            parent.text = _join(parent.text, tail)
    parent.remove(element)


def _unwrap(element: HtmlElement) -> None:
    """Replace ``element`` by its content (``HtmlElement.drop_tag``, for any element)."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if element.text:
        if previous is None:
            parent.text = _join(parent.text, element.text)
        else:
            previous.tail = _join(previous.tail, element.text)
    if element.tail:
        if len(element):
            last = element[-1]
            last.tail = _join(last.tail, element.tail)
        elif previous is None:
            parent.text = _join(parent.text, element.tail)
        else:
            previous.tail = _join(previous.tail, element.tail)
    index = parent.index(element)
    parent[index : index + 1] = list(element)


def _without_raw_tail(text: str) -> str:
    """``text`` without what libxml2 leaves at the end of an unclosed raw-text
    element: ``</body>``, ``</html>`` and the spaces around them (string
    methods: a regex anchored at the end retries every space of every run)."""
    text = text.rstrip()
    if text[-7:].lower() == "</html>":
        text = text[:-7].rstrip()
    if text[-7:].lower() == "</body>":
        text = text[:-7]
    return text


def _reparse_raw_text(root: HtmlElement) -> None:
    """Each raw-text element replaced by its text read as HTML (see ``_RAW_TEXT``)."""
    for _ in range(100):  # each round takes one level of nesting away
        found = [e for e in root.iterdescendants(*_RAW_TEXT, "title") if e is not root]
        found = [e for e in found if e.tag != "title" or _RAW_TAIL_FOUND.search(e.text or "")]
        if not found:
            return
        for element in found:
            parent = element.getparent()
            if parent is None:
                continue
            if len(element):  # a tree not from libxml2: children, not raw text
                _unwrap(element)
                continue
            text = _BODY_CONTROLS.sub("", _without_raw_tail(element.text or ""))
            if not text.strip():
                _remove(element)
                continue
            holder = _parse_fragment(text)
            holder.tail = _join(None, element.tail or "")
            parent.replace(element, holder)
            _unwrap(holder)
    for element in list(root.iterdescendants(*_RAW_TEXT)):
        _remove(element)


def _normalize_and_clean(root: HtmlElement, base_url: str) -> None:
    """Every element the sanitiser would take away, taken away here, keeping
    its text: blocks become ``<div>``, ``<h1>`` (the post's title is the
    page's) ``<h2>``, other elements leave their content in their place;
    then each element that stays is cleaned (``_clean_element``)."""
    _clean_element(root, root.tag, base_url)
    for element in list(root.iterdescendants()):
        tag = element.tag
        if tag.__class__ is not str:
            continue
        if tag not in ALLOWED_TAGS:
            if tag in _BLOCKS:
                tag = element.tag = "div"
            elif tag == "h1":
                tag = element.tag = "h2"
            else:
                _unwrap(element)
                continue
        _clean_element(element, tag, base_url)


def clean_tree(
    body: HtmlElement | str,
    base_url: str,
    *,
    drop_selectors: Iterable[str] = (),
    in_place: bool = False,
) -> HtmlElement:
    """A cleaned copy of ``body`` (an element, or an HTML fragment in a ``<div>``).

    The structure of the body as the archive keeps it: scripts, styles,
    comments and elements matching ``drop_selectors`` (CSS) are removed;
    elements outside the sanitiser's allow-list give way to their content
    (``<embed>``, ``<object>``, ``<iframe>``, ``<svg>``, ``<form>``... keep
    their text, closed or not); links and image sources are made absolute
    against ``base_url``; lazy images get their real ``src``; every
    ``<img>`` gets ``referrerpolicy="no-referrer"``. ``body`` itself is not
    changed.

    The tree is not safe HTML by itself (attributes are left for
    ``body_images``): ``inner_html`` makes the body string safe.

    ``in_place``: ``body`` (an element) is cleaned itself, not a copy, for a
    caller that reads it no more (a copy costs as much as a tenth of the rest).
    """
    root = _as_element(body, in_place)
    _reparse_raw_text(root)
    doomed: list[HtmlElement] = []
    for css in drop_selectors:
        doomed.extend(_selector(css)(root))
    # Comments, processing instructions and entities have a non-str tag.
    for element in root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity, *_DROP_TAGS):
        if element is not root:
            doomed.append(element)
    for element in doomed:
        _remove(element)
    _normalize_and_clean(root, base_url)
    return root


_VERBATIM = re.compile(r"(<(pre|textarea)\b.*?</\2\s*>)", re.S | re.I)
_EMPTY_LINE = re.compile(r"\n([ \t]*)(?=\n)")
_LINE_START = re.compile(r"\n[ \t\r\f\v\u3000]*(?:\n[ \t\r\f\v\u3000]*)*")


def no_blank_lines(body: str) -> str:
    """``body`` without blank lines or line indentation (outside ``<pre>``).

    Hexo reads a post's body as Markdown: a blank line ends the raw HTML
    block, and the indented HTML after it becomes a code block that shows
    the tags as text (it happened in the old archive). Whitespace between
    HTML elements means nothing, so taking it out changes no page; inside
    ``<pre>`` an empty line becomes ``&#10;``, which shows the same."""
    pieces = _VERBATIM.split(body)
    out = []
    for index in range(0, len(pieces), 3):
        out.append(_LINE_START.sub("\n", pieces[index]))
        if index + 1 < len(pieces):
            # Inside <pre>, an empty line is kept as an entity, not as a blank line.
            out.append(_EMPTY_LINE.sub(r"&#10;\1", pieces[index + 1]))
    return "".join(out)


def inner_html(element: HtmlElement) -> str:
    """The HTML inside ``element``, made safe: ``sanitize`` (the allow-list),
    entities as characters, C0/C1 controls removed, no blank lines (see
    ``no_blank_lines``).

    The sanitiser is the last step that reads markup. Controls go before it,
    so that it judges the URLs a browser will see (``java\\x01script:`` is
    not a scheme to it, but would become one if the control went after).
    ``no_blank_lines`` runs after it, because taking elements away can join
    the blank lines around them; it cannot make anything unsafe: outside
    ``<pre>`` it only removes spaces after a newline, and no attribute value
    of the sanitiser's output holds a newline (``_attribute_filter`` takes
    them out), so it only touches text, where the page shows the same;
    inside ``<pre>`` it writes a newline as ``&#10;``, the same character in
    text and in attribute values.
    """
    parts = [html.escape(element.text, quote=False)] if element.text else []
    # (lxml.html.tostring's extra step takes out <meta> tags, which are gone.)
    parts.extend(etree.tostring(child, method="html", encoding="unicode") for child in element)
    return no_blank_lines(sanitize(_BODY_CONTROLS.sub("", "".join(parts))))


def clean_body(
    body: HtmlElement | str,
    base_url: str,
    *,
    drop_selectors: Iterable[str] = (),
    in_place: bool = False,
) -> str:
    """The inner HTML of ``body``, cleaned as the old archive's bodies were, and safe.

    ``clean_tree`` then ``inner_html``: absolute links and image sources,
    ``referrerpolicy="no-referrer"`` on every ``<img>``, the text of every
    element kept, and only what the sanitiser's allow-list names
    (``archiver.extraction.sanitize``): no scripts, styles, frames, forms,
    SVG or MathML, no ``on*`` handlers, no URL but http(s), mailto and tel;
    entities as characters, no C0/C1 controls. Leading and trailing
    whitespace is trimmed. ``in_place``: see ``clean_tree``.
    """
    root = clean_tree(body, base_url, drop_selectors=drop_selectors, in_place=in_place)
    return inner_html(root).strip()
