"""The images of an article body: the URL an ``<img>`` really shows, images
that are site furniture and not content (icons, logos, 1x1 pixels), the
body's images and its lead image. None of them changes its input."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html
from lxml.html import HtmlElement

from archiver.extraction.text import clean_text
from archiver.extraction.urls import absolutize
from archiver.models import Image

__all__ = ["LAZY_ATTRS", "body_images", "image_src", "is_junk_image", "lead_image"]

# Where lazy-loading scripts keep the real image, most specific first.
LAZY_ATTRS = ("data-original", "data-src", "data-lazy-src", "data-actualsrc")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|avif|jfif)(?:[?#]|$)", re.IGNORECASE)
# Path words of images that are site furniture, not article content.
_JUNK_WORDS = re.compile(
    r"(?:^|[/_.-])(?:icons?|logos?|avatars?|spacer|blank|pixel|1x1|loading|lazy|placeholder"
    r"|end_article|endimg|qrcode|erweima|share|emoji|face)(?:[/_.-]|$)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\s*(\d+)\s*(?:px)?\s*$", re.IGNORECASE)


def _int_attr(element: HtmlElement, *names: str) -> int | None:
    for name in names:
        match = _NUMBER.match(element.get(name) or "")
        if match and int(match.group(1)) > 0:
            return int(match.group(1))
    return None


def image_src(img: HtmlElement) -> str:
    """The URL an ``<img>`` really shows: lazy attributes first, then src, then srcset."""
    for name in LAZY_ATTRS:
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


def _fragment(body: HtmlElement | str) -> HtmlElement:
    if isinstance(body, str):
        element: HtmlElement = lxml.html.fragment_fromstring(body, create_parent="div")
        return element
    return body


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
