"""The article body as the archive keeps it: ``clean_body``.

As the old archive kept its bodies: absolute links, ``referrerpolicy`` on
images, no scripts or handlers, entities as characters; ``clean_tree`` and
``inner_html`` are its two halves. None of them changes its input.

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
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from archiver.extraction.images import (
    LAZY_ATTRS,
    body_images,
    image_src,
    is_junk_image,
    lead_image,
)
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
_BODY_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "template",
        "link",
        "meta",
        "base",
    }
)
_URL_ATTRS = ("href", "src", "poster", "cite", "longdesc", "background", "action", "lowsrc")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")


def _clean_element(element: HtmlElement, base_url: str) -> None:
    if element.tag == "img":
        src = image_src(element)
        for name in (*LAZY_ATTRS, "srcset", "data-srcset", "sizes", "loading"):
            element.attrib.pop(name, None)
        if src:
            element.set("src", src)
        element.set("referrerpolicy", "no-referrer")
    for name in list(element.attrib):
        lowered = name.lower()
        if lowered.startswith("on") or lowered == "formaction":
            del element.attrib[name]
    for name in _URL_ATTRS:
        value = element.get(name)
        if value is None:
            continue
        if value.strip().lower().startswith(_SCRIPT_SCHEMES):
            del element.attrib[name]
        elif not value.strip().startswith(("#", "data:", "mailto:", "tel:")):
            element.set(name, absolutize(value, base_url))


@lru_cache(maxsize=256)
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css)


def _as_element(body: HtmlElement | str) -> HtmlElement:
    if isinstance(body, str):
        element: HtmlElement = lxml.html.fragment_fromstring(
            _BODY_CONTROLS.sub("", body) or "<div></div>", create_parent="div"
        )
        return element
    return copy.deepcopy(body)


def _remove(element: HtmlElement) -> None:
    """Remove ``element`` but keep its tail text in the tree."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def clean_tree(
    body: HtmlElement | str, base_url: str, *, drop_selectors: Iterable[str] = ()
) -> HtmlElement:
    """A cleaned copy of ``body`` (an element, or an HTML fragment in a ``<div>``).

    Scripts, styles, frames, comments and elements matching ``drop_selectors``
    (CSS) are removed; ``on*`` handlers and ``javascript:`` URLs are dropped;
    links and image sources are made absolute against ``base_url``; lazy
    images get their real ``src``; every ``<img>`` gets
    ``referrerpolicy="no-referrer"``. ``body`` itself is not changed.
    """
    root = _as_element(body)
    doomed: list[HtmlElement] = []
    for css in drop_selectors:
        doomed.extend(_selector(css)(root))
    for element in root.iterdescendants():
        # Comments and processing instructions have a non-str tag.
        if not isinstance(element.tag, str) or element.tag in _DROP_TAGS:
            doomed.append(element)
    for element in doomed:
        _remove(element)
    for element in root.iter():
        if isinstance(element.tag, str):
            _clean_element(element, base_url)
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
    """The HTML inside ``element``: entities as characters, C0/C1 controls removed,
    no blank lines (see ``no_blank_lines``)."""
    parts = [html.escape(element.text, quote=False)] if element.text else []
    parts.extend(lxml.html.tostring(child, encoding="unicode") for child in element)
    return no_blank_lines(_BODY_CONTROLS.sub("", "".join(parts)))


def clean_body(
    body: HtmlElement | str, base_url: str, *, drop_selectors: Iterable[str] = ()
) -> str:
    """The inner HTML of ``body``, cleaned as the old archive's bodies were.

    ``clean_tree`` then ``inner_html``: absolute links and image sources,
    ``referrerpolicy="no-referrer"`` on every ``<img>``, no scripts, styles,
    frames, ``on*`` handlers or ``javascript:`` URLs, entities as characters,
    no C0/C1 controls. Leading and trailing whitespace is trimmed.
    """
    return inner_html(clean_tree(body, base_url, drop_selectors=drop_selectors)).strip()
