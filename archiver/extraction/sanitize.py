"""The last safety step of every article body: ``sanitize``.

The archive is published as a web site, so a body is what its readers'
browsers run. Bodies are made safe by an allow-list sanitiser that is kept
for exactly this, nh3 (the binding of the Rust ammonia library, on
html5ever's HTML5 parser), not by a deny-list of our own: whatever is not
named below goes.

- **Tags**: ``ALLOWED_TAGS``, what news bodies need (text, links, images,
  lists, tables, quotes, code, figures, video). Any other tag is taken away
  and its text kept; ``script``, ``style`` and the raw-text elements
  (``CLEAN_CONTENT_TAGS``) go with their content. No SVG, no MathML, no
  forms, no frames, no ``<meta>``/``<base>``/``<link>``.
- **Attributes**: ``TAG_ATTRIBUTES`` per tag; no ``on*`` handler, no
  ``srcset``, ``data-*``, ``xlink:href``, ``formaction``, ``srcdoc``,
  ``rel``. Every value is checked by ``_attribute_filter``: sizes are
  numbers, ``align`` and ``target`` come from short lists. ``class`` and
  ``id`` stay, as the old archive kept them (``<p class="end">``, the
  fixtures' checks pin them), but only as plain names, and none in the
  archive's own namespace (``archiver…``, as the ``p.archiver-source`` that
  follows the body) or starting with ``_`` (a body cannot pose as the
  archive's own parts, nor name a ``window.__…`` global).
- **URLs** (``href``, ``src``, ``poster``): ammonia parses them as browsers
  do (entities decoded, tabs and newlines removed, leading controls and
  spaces trimmed) and keeps only ``URL_SCHEMES``: http, https, mailto, tel.
  No ``data:`` at all, not even ``data:image/*`` in ``<img>``: an image in a
  data URI cannot run script, but the bodies never need one (a lazy-loading
  placeholder is replaced by the real image before this step, and
  ``is_junk_image`` never keeps one), and one less scheme is one less rule
  to get right.
- **Links**: ``target="_blank"`` is kept (the old archive's image links
  open the full-size image), and no ``rel`` is added (ammonia's
  ``link_rel`` is off, the source's ``rel`` goes): browsers open a
  ``_blank`` link without ``window.opener`` (Chromium 88, Firefox 79,
  Safari 12.1 on), and the archive's pages send no referrer at all
  (``<meta name="referrer" content="no-referrer">``); adding it would
  change every link of the archive for nothing.
- **Images** get ``referrerpolicy="no-referrer"``, set here by ammonia
  whatever the input said.
- **Style**: only ``STYLE_PROPERTIES`` (alignment, indent, colour, weight,
  slant, underline) with plain values: a keyword, a length, a ``#hex`` or
  ``rgb()``/``hsl()`` colour. No ``url(``, ``expression(``, ``-moz-binding``,
  backslash escapes, quotes or comments can pass, so old browsers' style
  script vectors have nothing to work with. A style that is all safe stays
  as written; one with other declarations keeps only the safe ones; one
  with nothing left goes. (ammonia's own ``filter_style_properties`` is not
  used: it filters names only, keeps ``expression(`` in a value, and
  rewrites every style.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import nh3

__all__ = [
    "ALLOWED_TAGS",
    "CLEAN_CONTENT_TAGS",
    "STYLE_PROPERTIES",
    "TAG_ATTRIBUTES",
    "URL_SCHEMES",
    "attribute_value",
    "sanitize",
]

ALLOWED_TAGS = frozenset(
    {
        # text
        "p", "br", "hr", "div", "span", "a", "img",
        "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark",
        "abbr", "ruby", "rt", "rp",
        "h2", "h3", "h4", "h5", "h6",
        # lists, quotes, code, figures
        "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "code", "kbd", "samp",
        "figure", "figcaption",
        # tables
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        # media: URLs checked like src and href
        "video", "audio", "source",
    }
)  # fmt: skip

# Gone with everything inside: code, not text, or (raw-text elements, whose
# content HTML5 does not parse as markup) markup shown as text.
CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "template", "noscript", "title",
        "iframe", "noembed", "noframes", "xmp", "plaintext",
    }
)  # fmt: skip

_ALIGNED = ("p", "div", "h2", "h3", "h4", "h5", "h6", "td", "th", "figure")
_PER_TAG: dict[str, set[str]] = {
    "*": {"style", "class", "id"},
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "title", "width", "height", "w", "h"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "video": {"src", "poster", "controls", "width", "height", "preload"},
    "audio": {"src", "controls", "preload"},
    "source": {"src", "type"},
}
for _tag in _ALIGNED:
    _PER_TAG.setdefault(_tag, set()).add("align")
TAG_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    tag: frozenset(names) for tag, names in _PER_TAG.items()
}

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset(
    {
        "text-align",
        "text-indent",
        "color",
        "background-color",
        "font-weight",
        "font-style",
        "text-decoration",
    }
)

_URL_ATTRS = frozenset({"href", "src", "poster"})
# WHATWG URL parsing drops tabs and newlines anywhere in a URL.
_URL_NOISE = re.compile("[\t\n\r]")
_SPACE_OR_CONTROL = re.compile("[\x00-\x20\x7f-\x9f]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_NUMBER = re.compile(r"\d{1,5}%?")
_ENUMS: Mapping[str, frozenset[str]] = {
    "align": frozenset({"left", "center", "right", "justify"}),
    "target": frozenset({"_blank"}),
    "preload": frozenset({"none", "metadata", "auto"}),
}
_NUMBERS = frozenset({"width", "height", "w", "h", "colspan", "rowspan", "start"})
_MIME = re.compile(r"[\w.+-]{1,40}/[\w.+-]{1,80}")
# A style value: words, numbers, lengths, #hex, and rgb()/hsl() of numbers.
# No backslash (CSS escapes), quote, slash or star (comments), colon,
# semicolon, "@", "&", "<" or other function than those two: nothing a
# browser could read as a URL, an expression or a binding.
_COLOUR_FUNCTION = re.compile(r"(?:rgba?|hsla?)\(\s*[\d.%\s,]{1,60}\)", re.IGNORECASE)
_STYLE_VALUE = re.compile(r"[\w#.%+\s,-]{1,80}")
_NAME = re.compile(r"[A-Za-z][\w-]{0,63}")
_OWN_NAME = re.compile(r"archiver", re.IGNORECASE)


def _style(value: str) -> str | None:
    """The safe declarations of a style: all of it as written, or the safe
    ones rewritten, or None."""
    kept, dropped = [], False
    for declaration in value.split(";"):
        if not declaration.strip():
            continue
        name, colon, text = declaration.partition(":")
        name, text = name.strip().lower(), text.strip()
        plain = _COLOUR_FUNCTION.sub("0", text)
        if (
            colon
            and name in STYLE_PROPERTIES
            and _STYLE_VALUE.fullmatch(plain)
            and "expression" not in plain.lower()
        ):
            kept.append(f"{name}: {' '.join(text.split())}")
        else:
            dropped = True
    if not kept:
        return None
    return "; ".join(kept) if dropped else value


def _names(value: str) -> str | None:
    """The plain names of a class list (or an id) that are not ours."""
    kept = [name for name in value.split() if _NAME.fullmatch(name) and not _OWN_NAME.match(name)]
    return " ".join(kept) or None


@lru_cache(maxsize=8192)  # pure, and a site repeats its styles and classes
def attribute_value(tag: str, name: str, value: str) -> str | None:
    """Attribute ``name`` of a ``tag`` that the allow-list names, checked;
    None drops it.

    The sanitiser checks every value with it (after its own allow-list and
    URL-scheme checks); ``clean_tree`` runs it first on the tree, so that
    the sanitiser has nothing to drop (it would reorder the attributes).

    ammonia does not check what it returns again: it must never widen a value. It
    only narrows them, and takes tabs and newlines out of every value (as
    URL parsing does anyway, so a checked URL means the same after): no
    attribute of the output holds a newline, which lets ``no_blank_lines``
    run on the sanitised HTML without touching a value.
    """
    if name in _URL_ATTRS:
        # Stricter than a browser: a value whose scheme is not allowed once
        # every space and control is out goes too ("java script:" is a
        # relative URL to a browser, and to ammonia).
        scheme = _SCHEME.match(_SPACE_OR_CONTROL.sub("", value).lower())
        if scheme and scheme.group(1) not in URL_SCHEMES:
            return None
        return _URL_NOISE.sub("", value)
    if name == "style":
        return _style(_URL_NOISE.sub(" ", value))
    if name == "class":
        return _names(value)
    if name == "id":
        found = _names(value)
        return found if found is not None and " " not in found else None
    if name in _ENUMS:
        lowered = value.strip().lower()
        return lowered if lowered in _ENUMS[name] else None
    if name in _NUMBERS:
        value = value.strip().removesuffix("px")
        return value if _NUMBER.fullmatch(value) else None
    if name == "type":
        return value.strip() if _MIME.fullmatch(value.strip()) else None
    if name == "controls":
        return ""
    if (tag, name) == ("img", "referrerpolicy"):
        return value  # set by the cleaner itself
    return _URL_NOISE.sub(" ", value)


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={tag: set(names) for tag, names in TAG_ATTRIBUTES.items()},
    attribute_filter=attribute_value,
    strip_comments=True,
    link_rel=None,
    set_tag_attribute_values={"img": {"referrerpolicy": "no-referrer"}},
    url_schemes=set(URL_SCHEMES),
)


def sanitize(fragment: str) -> str:
    """``fragment`` (body HTML) with nothing but the allow-list left.

    Entities come out as characters (html5ever writes U+00A0 as ``&nbsp;``;
    it is given back as the character, which means the same in text and in
    attribute values).
    """
    return _CLEANER.clean(fragment).replace("&nbsp;", "\u00a0")
