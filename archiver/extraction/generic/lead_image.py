"""The lead image: the first content image of the body, else the image the
page declares (JSON-LD image, og:image)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from archiver.extraction.generic.jsonld import JsonLd
from archiver.extraction.generic.metadata import MetaTags
from archiver.extraction.generic.tree import Element
from archiver.extraction.images import image_src, is_junk_image
from archiver.extraction.urls import http_url
from archiver.models import FieldSource

__all__ = ["extract_lead_image", "meta_image"]


def meta_image(ld: JsonLd, meta: MetaTags, base_url: str) -> tuple[str | None, FieldSource | None]:
    """The lead image the page declares (JSON-LD image, og:image), if not furniture."""
    for url in ld.images:
        absolute = http_url(url, base_url)
        if absolute and not is_junk_image(absolute):
            return absolute, "json-ld"
    for value in meta.all("og:image", "og:image:url", "twitter:image", "image"):
        absolute = http_url(value, base_url)
        if absolute and not is_junk_image(absolute):
            return absolute, "meta"
    return None, None


# Sizes written into image file names: 850x118.jpg, xxx_w606_h412.png.
_SIZE_IN_NAME = (
    re.compile(r"(?<![0-9])(\d{2,4})[xX*](\d{2,4})(?![0-9])"),
    re.compile(r"[_-]w(\d{1,4})[_-]h(\d{1,4})(?![0-9])"),
)
_NUMBER = re.compile(r"\s*(\d+)")


def _dimension(img: Element, *names: str) -> int | None:
    for name in names:
        match = _NUMBER.match(img.get(name) or "")
        if match and int(match.group(1)) > 0:
            return int(match.group(1))
    return None


def _size(url: str, width: int | None, height: int | None) -> tuple[int | None, int | None]:
    if width is not None and height is not None:
        return width, height
    path = urlsplit(url).path
    for pattern in _SIZE_IN_NAME:
        match = pattern.search(path)
        if match:
            return int(match.group(1)), int(match.group(2))
    return width, height


def _is_banner(width: int | None, height: int | None) -> bool:
    """A strip-shaped image (an ad or a site banner, 850x118), not a photo."""
    if not width or not height:
        return False
    return width >= 4 * height or height >= 4 * width


def extract_lead_image(
    body: Element, ld: JsonLd, meta: MetaTags, base_url: str
) -> tuple[str | None, FieldSource | None]:
    """The first content image of the body as shown (lazy sources resolved),
    else the image the page declares (JSON-LD image, og:image).

    Icons, logos, 1x1 pixels, ``data:`` URIs and banner-shaped images are
    not lead images.
    """
    for img in body.iter("img"):
        url = http_url(image_src(img), base_url)
        if url is None:
            continue
        width, height = _size(
            url, _dimension(img, "w", "width", "data-w"), _dimension(img, "h", "height", "data-h")
        )
        if is_junk_image(url, width, height) or _is_banner(width, height):
            continue
        return url, "selector"
    return meta_image(ld, meta, base_url)
