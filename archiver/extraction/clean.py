"""Pure processors that clean what extraction reads off a page.

Every site module and the generic extractor use these: ``clean_text`` for
one-line fields, ``absolutize`` for URLs, ``clean_body`` for the article body
(as the old archive kept it: absolute links, ``referrerpolicy`` on images, no
scripts or handlers, entities as characters; ``clean_tree`` and
``inner_html`` are its two halves), ``body_images`` and ``lead_image`` for
the images. None of them changes its input.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from archiver.models import Image

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

# C0 and C1 controls other than the whitespace ones (tab, LF, VT, FF, CR),
# zero-width characters that only ever get in the way of a title, and lone
# surrogates (from bad escapes), which no UTF-8 file can hold.
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# In body HTML, newlines and tabs are layout and stay.
_BODY_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# WHATWG URL parsing drops tabs and newlines anywhere in a URL.
_URL_NOISE = re.compile("[\t\n\r]")

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
# Where lazy-loading scripts keep the real image, most specific first.
_LAZY_ATTRS = ("data-original", "data-src", "data-lazy-src", "data-actualsrc")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|avif|jfif)(?:[?#]|$)", re.IGNORECASE)
# Path words of images that are site furniture, not article content.
_JUNK_WORDS = re.compile(
    r"(?:^|[/_.-])(?:icons?|logos?|avatars?|spacer|blank|pixel|1x1|loading|lazy|placeholder"
    r"|end_article|endimg|qrcode|erweima|share|emoji|face)(?:[/_.-]|$)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\s*(\d+)\s*(?:px)?\s*$", re.IGNORECASE)


def clean_text(text: str | None) -> str:
    """One line of text: entities decoded, controls removed, spaces collapsed.

    NBSP, U+3000 and line breaks become one space; C0/C1 controls (U+0085
    included), zero-width spaces and lone surrogates are removed; the ends
    are trimmed.
    """
    if not text:
        return ""
    if "&" in text:
        text = html.unescape(text)
    text = _TEXT_CONTROLS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def absolutize(url: str, base: str) -> str:
    """``url`` resolved against the page URL ``base``.

    A protocol-relative ``//host/x`` takes the scheme of ``base``; tabs and
    newlines inside the URL are dropped and spaces encoded, as browsers do.
    """
    url = _URL_NOISE.sub("", url).strip()
    if not url:
        return url
    return urljoin(base, url).replace(" ", "%20")


def _int_attr(element: HtmlElement, *names: str) -> int | None:
    for name in names:
        match = _NUMBER.match(element.get(name) or "")
        if match and int(match.group(1)) > 0:
            return int(match.group(1))
    return None


def image_src(img: HtmlElement) -> str:
    """The URL an ``<img>`` really shows: lazy attributes first, then src, then srcset."""
    for name in _LAZY_ATTRS:
        value = (img.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return value
    src = (img.get("src") or "").strip()
    if src and not src.startswith("data:"):
        return src
    srcset = img.get("data-srcset") or img.get("srcset") or ""
    best, best_size = "", -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts:
            continue
        size = 0.0
        if len(parts) > 1:
            try:
                size = float(parts[1].rstrip("wxWX"))
            except ValueError:
                size = 0.0
        if size > best_size:
            best, best_size = parts[0], size
    return best or src


def _clean_element(element: HtmlElement, base_url: str) -> None:
    if element.tag == "img":
        src = image_src(element)
        for name in (*_LAZY_ATTRS, "srcset", "data-srcset", "sizes", "loading"):
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


def _fragment(body: HtmlElement | str) -> HtmlElement:
    if isinstance(body, str):
        element: HtmlElement = lxml.html.fragment_fromstring(body, create_parent="div")
        return element
    return body


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


def is_junk_image(url: str, width: int | None = None, height: int | None = None) -> bool:
    """True for images that are not article content: icons, logos, 1x1, ``data:``..."""
    if not url or url.startswith("data:"):
        return True
    if (width is not None and width <= 2) or (height is not None and height <= 2):
        return True
    if width is not None and height is not None and width <= 40 and height <= 40:
        return True
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.startswith(("icon.", "icons.")):
        return True
    return _JUNK_WORDS.search(parts.path) is not None


def body_images(
    body: HtmlElement | str, base_url: str, *, include_junk: bool = False
) -> list[Image]:
    """The images of ``body`` in order, one per URL.

    The URL is the full-size file when the ``<img>`` is wrapped in a link to
    an image, else its (lazy-resolved) source; width and height come from
    ``w``/``h`` or ``width``/``height``. Icons, logos and the like are left
    out unless ``include_junk``; ``data:`` URIs always are.
    """
    root = _fragment(body)
    images: list[Image] = []
    seen: set[str] = set()
    for img in root.iter("img"):
        src = absolutize(image_src(img), base_url)
        if not src.lower().startswith(("http://", "https://")):
            continue
        width = _int_attr(img, "w", "width", "data-w")
        height = _int_attr(img, "h", "height", "data-h")
        if not include_junk and is_junk_image(src, width, height):
            continue
        url = src
        link = next((a for a in img.iterancestors("a")), None)
        if link is not None:
            href = absolutize(link.get("href") or "", base_url)
            if href.lower().startswith(("http://", "https://")) and _IMAGE_FILE.search(href):
                url = href
        if url in seen:
            continue
        seen.add(url)
        images.append(Image(url=url, alt=clean_text(img.get("alt")), width=width, height=height))
    return images


def lead_image(body: HtmlElement | str, base_url: str) -> str | None:
    """The post's lead image: the source, as shown, of the first content image.

    The old archive's ``headimg`` was the ``src`` of the body's first
    ``<img>`` (the small version, not the full-size link); icons, logos, 1x1
    pixels, ``data:`` URIs and end-of-article marks are skipped.
    """
    root = _fragment(body)
    for img in root.iter("img"):
        src = absolutize(image_src(img), base_url)
        if not src.lower().startswith(("http://", "https://")):
            continue
        width = _int_attr(img, "w", "width", "data-w")
        height = _int_attr(img, "h", "height", "data-h")
        if not is_junk_image(src, width, height):
            return src
    return None
