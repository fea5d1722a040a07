"""Reading the ``archiver:`` mapping of a post's front matter.

``render_post`` writes it as nested keys indented two spaces; a list as
`` - `` items under its key; an image as a small mapping (``- url: …`` with
its other keys aligned under ``url``). Values are quoted scalars, plain
integers (image sizes) or ``null`` (a tag without a URL in ``tag_urls``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from archiver.errors import PostFormatError
from archiver.post.scalars import read_scalar

__all__ = ["ITEM", "KEY", "Namespace", "Scalar", "indent", "read_namespace"]

KEY = re.compile(r"([A-Za-z_][\w-]*):(?: (.*))?$")
ITEM = re.compile(r"-(?: (.*))?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TEXT_KEYS = (
    "url", "canonical_url", "editor", "source", "date_published_raw", "description", "language",
    "lead_image",
)  # fmt: skip
_IMAGE_KEYS = ("url", "local", "alt", "width", "height")

Scalar = tuple[int, str]
"""A value as written, with its line number."""
Value = Scalar | list[Scalar | dict[str, Scalar]]


@dataclass
class Namespace:
    """What the ``archiver:`` mapping holds: model fields, the tags' URLs, key lines."""

    fields: dict[str, object] = field(default_factory=dict)
    tag_urls: list[str | None] | None = None
    lines: dict[str, int | None] = field(default_factory=dict)


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _small_mapping(
    children: list[Scalar], i: int, first: Scalar, key: str
) -> tuple[int, dict[str, Scalar]]:
    """An item ``- k: v`` and the lines aligned under ``k``; the index after them."""
    number, line = first
    dash = indent(line)
    column = dash + 1 + indent(line[dash + 1 :])
    pair = KEY.match(line[column:])
    assert pair is not None
    small = {pair.group(1): (number, pair.group(2) or "")}
    while i < len(children) and indent(children[i][1]) == column:
        number, line = children[i]
        pair = KEY.match(line[column:])
        if not pair or pair.group(1) in small:
            raise PostFormatError(f"archiver.{key}: bad item line {line!r}", line=number)
        small[pair.group(1)] = (number, pair.group(2) or "")
        i += 1
    return i, small


def _parse(children: list[Scalar]) -> dict[str, tuple[int, Value]]:
    """Each key of the mapping: its line and its value."""
    out: dict[str, tuple[int, Value]] = {}
    base = indent(children[0][1]) if children else 0
    i = 0
    while i < len(children):
        number, line = children[i]
        match = KEY.match(line[base:]) if indent(line) == base else None
        if not match:
            raise PostFormatError(f"archiver: expected 'key: value', got {line!r}", line=number)
        key, value = match.group(1), match.group(2) or ""
        if key in out:
            raise PostFormatError(f"archiver.{key} given twice", line=number)
        i += 1
        if value.strip():
            out[key] = (number, (number, value))
            continue
        start = number
        items: list[Scalar | dict[str, Scalar]] = []
        while i < len(children) and (
            indent(children[i][1]) > base or children[i][1][base:].startswith("-")
        ):
            number, line = children[i]
            item = ITEM.match(line[indent(line) :])
            if not item:
                raise PostFormatError(f"archiver.{key}: expected a ' - ' item", line=number)
            content = (item.group(1) or "").lstrip(" ")
            i += 1
            if content[:1] not in ("'", '"') and KEY.match(content):
                i, small = _small_mapping(children, i, (number, line), key)
                items.append(small)
            else:
                items.append((number, content))
        out[key] = (start, items)
    return out


def _line(value: Value | dict[str, Scalar]) -> int | None:
    if isinstance(value, tuple):
        return value[0]
    if isinstance(value, dict):
        return next(iter(value.values()))[0] if value else None
    return _line(value[0]) if value else None


def _text(value: Value, name: str, *, nullable: bool = True) -> str | None:
    if isinstance(value, list):
        if not value and nullable:
            return None
        raise PostFormatError(f"{name}: expected one value, got a list", line=_line(value))
    number, raw = value
    if nullable and raw.strip() in _NULL:
        return None
    return read_scalar(raw, number)


def _values(value: Value, name: str) -> list[Scalar]:
    if not isinstance(value, list):
        raise PostFormatError(f"{name}: expected a list of ' - ' values", line=_line(value))
    out = []
    for item in value:
        if not isinstance(item, tuple):
            raise PostFormatError(f"{name}: expected a list of ' - ' values", line=_line(item))
        out.append(item)
    return out


def _image(item: Scalar | dict[str, Scalar]) -> dict[str, object]:
    if not isinstance(item, dict):
        raise PostFormatError("archiver.images: expected 'url: …' items", line=item[0])
    image: dict[str, object] = {}
    for key, (number, raw) in item.items():
        if key not in _IMAGE_KEYS:
            raise PostFormatError(f"archiver.images: unknown key {key!r}", line=number)
        text = _text((number, raw), f"archiver.images.{key}", nullable=key != "url")
        if key in ("width", "height") and text is not None:
            if not re.fullmatch(r"[0-9]+", text):
                raise PostFormatError(f"archiver.images.{key}: not a number", line=number)
            image[key] = int(text)
        elif text is not None:
            image[key] = text
    return image


def read_namespace(value: str, line: int, children: list[Scalar]) -> Namespace:
    """The ``archiver:`` key at ``line`` (its ``value`` must be empty) and its lines."""
    if value.strip():
        raise PostFormatError("archiver must be a mapping of indented keys", line=line)
    found = Namespace()
    for key, (where, item) in _parse(children).items():
        found.lines[key] = where
        name = f"archiver.{key}"
        if key in _TEXT_KEYS:
            found.fields[key] = _text(item, name)
        elif key == "fetched_at":
            text = _text(item, name)
            try:
                found.fields[key] = datetime.fromisoformat(text) if text is not None else None
            except ValueError:
                raise PostFormatError(f"{name}: not an ISO 8601 time", line=where) from None
        elif key == "authors":
            found.fields[key] = [read_scalar(raw, n) for n, raw in _values(item, name)]
        elif key == "tag_urls":
            found.tag_urls = [_text(url, name) for url in _values(item, name)]
        elif key == "images":
            images = item if isinstance(item, list) else [item]
            found.fields[key] = [_image(image) for image in images]
        else:
            raise PostFormatError(f"{name}: unknown key", line=where)
    return found
