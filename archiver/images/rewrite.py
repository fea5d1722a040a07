"""Which images a post shows, and the post pointed at the site's copies of them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from archiver.models import Article
from archiver.post.read import ORIGINAL_HREF, ORIGINAL_SRC

__all__ = ["image_urls", "localize"]

# ------------------------------------------------------------------ the post

# One start tag, attributes quoted or not (a ">" inside quotes does not end it).
_TAG = re.compile(r"""<(img|a)(\s(?:[^>"']|"[^"]*"|'[^']*')*)?>""", re.IGNORECASE)
_ATTR = r"""(?<=\s)({name})(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
_SRC = re.compile(_ATTR.format(name="src"), re.IGNORECASE)
_HREF = re.compile(_ATTR.format(name="href"), re.IGNORECASE)
_HTTP = re.compile(r"(?i)https?://[^\s/?#]+\S*")
_IMAGE_FILE = re.compile(r"(?i)\.(?:jpe?g|jfif|png|gif|webp|avif|bmp|heic|svg)$")


def _value(raw: str) -> str:
    if raw[:1] in ("'", '"'):
        raw = raw[1:-1]
    return html.unescape(raw).strip()


def _is_image_link(url: str, images: set[str]) -> bool:
    return url in images or bool(_IMAGE_FILE.search(urlsplit(url).path))


def _body_urls(body: str, images: set[str]) -> Iterator[str]:
    for tag in _TAG.finditer(body):
        attrs = tag.group(2) or ""
        if ORIGINAL_SRC in attrs or ORIGINAL_HREF in attrs:
            continue  # already a copy
        found = (_SRC if tag.group(1).lower() == "img" else _HREF).search(attrs)
        if not found:
            continue
        url = _value(found.group(3))
        if _HTTP.fullmatch(url) and (tag.group(1).lower() == "img" or _is_image_link(url, images)):
            yield url


def image_urls(article: Article) -> list[str]:
    """Every image of ``article`` that has no copy yet, in order, once each:
    the lead image, ``images``, the body's ``<img src>`` and full-size links."""
    known = {image.url for image in article.images}
    urls: list[str] = []
    if article.lead_image and article.lead_image_local is None:
        urls.append(article.lead_image)
    urls += [image.url for image in article.images if image.local is None]
    urls += _body_urls(article.body_html, known)
    return list(dict.fromkeys(urls))


def _localize_body(body: str, copies: dict[str, str]) -> str:
    def tag(match: re.Match[str]) -> str:
        attrs = match.group(2) or ""
        if not attrs or ORIGINAL_SRC in attrs or ORIGINAL_HREF in attrs:
            return match.group(0)
        is_img = match.group(1).lower() == "img"
        pattern, original = (_SRC, ORIGINAL_SRC) if is_img else (_HREF, ORIGINAL_HREF)
        found = pattern.search(attrs)
        if not found:
            return match.group(0)
        local = copies.get(_value(found.group(3)))
        if local is None:
            return match.group(0)
        raw = found.group(3)
        if raw[:1] not in ("'", '"'):
            raw = f'"{raw}"'
        new = f'{found.group(1)}="{local}" {original}={raw}'
        start, end = match.start(2) + found.start(), match.start(2) + found.end()
        whole = match.group(0)
        offset = match.start()
        return whole[: start - offset] + new + whole[end - offset :]

    return _TAG.sub(tag, body)


def localize(article: Article, copies: dict[str, str]) -> Article:
    """``article`` pointing at the site's copies (``copies``: original URL to
    site-root path) wherever it shows one of those images; the originals stay
    (``data-src-original``, ``data-href-original``, ``lead_image``, ``Image.url``)."""
    if not copies:
        return article
    update: dict[str, Any] = {}
    body = _localize_body(article.body_html, copies)
    if body != article.body_html:
        update["body_html"] = body
    if article.lead_image and article.lead_image_local is None and article.lead_image in copies:
        update["lead_image_local"] = copies[article.lead_image]
    if any(image.local is None and image.url in copies for image in article.images):
        update["images"] = [
            image.model_copy(update={"local": copies[image.url]})
            if image.local is None and image.url in copies
            else image
            for image in article.images
        ]
    return article.model_copy(update=update) if update else article
