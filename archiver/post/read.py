"""``read_post``: the text of a post back to its article, the inverse of ``render_post``."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from archiver.errors import PostFormatError
from archiver.models import Article
from archiver.post.namespace import ITEM, KEY, Namespace, Scalar, read_namespace
from archiver.post.render import BODY_CLOSE, BODY_OPEN, rfc822
from archiver.post.scalars import read_scalar

__all__ = ["BEIJING", "ORIGINAL_HREF", "ORIGINAL_SRC", "read_post"]

BEIJING = ZoneInfo("Asia/Shanghai")
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_RFC822_GMT = re.compile(
    rf"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) ({'|'.join(_MONTHS)}) (\d{{4}}) "
    r"(\d\d):(\d\d):(\d\d) GMT"
)
_SCALAR_KEYS = ("title", "headimg", "thumbnail", "author", "date", "updated")
ORIGINAL_SRC = "data-src-original"
"""The attribute that keeps an image's original URL when ``src`` points at the site's copy."""
ORIGINAL_HREF = "data-href-original"
"""The same for the full-size link (``<a href>``) around an image."""


def _original_in_body(body: str, local: str) -> str | None:
    """The original URL of the body image whose ``src`` is the copy ``local``."""
    found = re.search(
        rf'\ssrc="{re.escape(local)}" {ORIGINAL_SRC}=(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+))', body
    )
    if not found:
        return None
    url = html.unescape(next(g for g in found.groups() if g is not None))
    return url if re.match(r"(?i)https?://[^\s/?#]+\S*$", url) else None


@dataclass
class _Entry:
    """A top-level key of the front matter, with the indented lines under it."""

    key: str
    value: str
    line: int
    children: list[Scalar] = field(default_factory=list)


def _split(text: str) -> tuple[list[str], int, str]:
    """Front-matter lines, the line number of the first, and the rest of the text."""
    text = text.replace("\r\n", "\n")
    first = 1
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.startswith("\n"):
        text, first = text[1:], 2
    if not text.startswith("---\n"):
        got = text.split("\n", 1)[0][:60]
        raise PostFormatError(f"expected '---' to open the front matter, got {got!r}", line=first)
    end = text.find("\n---\n", 3)
    if end < 0:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise PostFormatError("front matter is never closed by '---'", line=first)
    return text[4:end].split("\n") if end > 3 else [], first + 1, text[end + 5 :]


def _entries(lines: list[str], first: int) -> list[_Entry]:
    entries: list[_Entry] = []
    for number, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        if line[0] in " \t-" and entries:
            entries[-1].children.append((number, line))
            continue
        match = KEY.match(line)
        if not match:
            raise PostFormatError(f"expected 'key: value', got {line[:60]!r}", line=number)
        entries.append(_Entry(match.group(1), match.group(2) or "", number))
    return entries


def _items(entry: _Entry) -> list[str]:
    """The `` - item`` lines of a list key (categories, tags)."""
    if entry.value.strip():
        raise PostFormatError(f"{entry.key} must be a list of ' - ' items", line=entry.line)
    out = []
    for number, line in entry.children:
        item = ITEM.match(line.lstrip(" \t"))
        if not item:
            raise PostFormatError(f"expected a ' - ' item, got {line[:60]!r}", line=number)
        out.append(read_scalar(item.group(1) or "", number))
    return out


def _read_date(raw: str, line: int, default_tz: ZoneInfo) -> datetime:
    text = raw.strip()
    exact = _RFC822_GMT.fullmatch(text)
    try:
        if exact:  # ours: read the four-digit year as written (email.utils adds 1900 below 100)
            day, month, year, hour, minute, second = exact.groups()
            numbers = (int(day), int(hour), int(minute), int(second))
            month_number = _MONTHS.index(month) + 1
            return datetime(int(year), month_number, *numbers, tzinfo=UTC)
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        try:
            moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise PostFormatError(f"unreadable date {text!r}", line=line) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment


def _body(rest: str) -> str:
    if rest.startswith("\n"):
        rest = rest[1:]
    if rest.startswith(BODY_OPEN) and rest.endswith(BODY_CLOSE):
        body = rest[len(BODY_OPEN) : -len(BODY_CLOSE)]
    else:
        match = re.fullmatch(r"\s*<div>[ \t]*\n?(.*?)[ \t]*\n?</div>\s*", rest, re.S)
        body = match.group(1) if match else rest.strip()
    return body.replace("&#123;", "{").replace("&#125;", "}")


def read_post(text: str, *, default_tz: ZoneInfo = BEIJING) -> Article:
    """The article of a post: the inverse of ``render_post``.

    Reads the ``tags`` list and the ``archiver:`` mapping back into their
    fields. What the post cannot hold comes back as follows: a post written
    without ``date_published`` has the date of its ``fetched_at`` and reads
    back with that as ``date_published`` (a Hexo post always has a date);
    ``date``/``updated`` are to the second; every time comes back as the same
    instant with a fixed UTC offset; ``author: ''`` reads as no site name.
    ``date_published_raw`` comes from ``archiver:``, else from an old post's
    ``date:`` line when it is not written as ``render_post`` writes it.

    Also reads the old archive's variants: a ``%Y-%m-%d %H:%M:%S`` date (taken
    in ``default_tz``), an empty image, a double-quoted title, no leading empty
    line, ``&#123;``. Raises ``PostFormatError`` naming the line otherwise.
    """
    lines, first, rest = _split(text)
    data: dict[str, object] = {"categories": []}
    where: dict[str, int | None] = {}
    images: dict[str, str] = {}
    tag_names: list[str] = []
    namespace = Namespace()
    date_text = ""
    for entry in _entries(lines, first):
        key, value, number = entry.key, entry.value, entry.line
        where.setdefault({"author": "site_name", "date": "date_published"}.get(key, key), number)
        if key == "categories":
            data["categories"] = _items(entry)
        elif key == "tags":
            tag_names = _items(entry)
        elif key == "archiver":
            namespace = read_namespace(value, number, entry.children)
        elif key not in _SCALAR_KEYS:
            continue  # a key of someone else's: not ours to read
        elif entry.children:
            number, line = entry.children[0]
            raise PostFormatError(f"expected 'key: value', got {line[:60]!r}", line=number)
        elif key == "title":
            value = value.replace("&#123;", "{").replace("&#125;", "}")
            data["title"] = read_scalar(value, number)
        elif key in ("headimg", "thumbnail"):
            images[key] = read_scalar(value, number)
        elif key == "author":
            data["site_name"] = read_scalar(value, number) or None
        elif key == "date":
            date_text = value.strip()
            data["date_published"] = _read_date(value, number, default_tz)
        else:
            data["date_modified"] = _read_date(value, number, default_tz)
    if "title" not in data:
        raise PostFormatError("front matter has no title", line=first - 1)
    published = data.get("date_published")
    if not isinstance(published, datetime):
        raise PostFormatError("front matter has no date", line=first - 1)
    data.update(namespace.fields)
    where.update(namespace.lines)
    if "date_published_raw" not in data and date_text != rfc822(published):
        data["date_published_raw"] = date_text  # an old post's date, as its feed gave it
    urls = namespace.tag_urls or [None] * len(tag_names)
    if len(urls) != len(tag_names):
        raise PostFormatError(
            f"archiver.tag_urls: {len(urls)} URLs for {len(tag_names)} tags",
            line=where.get("tag_urls"),
        )
    data["tags"] = [{"name": n, "url": u} for n, u in zip(tag_names, urls, strict=True)]
    image = images.get("headimg") or images.get("thumbnail")
    data["body_html"] = body = _body(rest)
    original = data.pop("lead_image", None)  # archiver.lead_image: written when headimg is a copy
    if image and image.startswith("/") and not image.startswith("//"):
        data["lead_image_local"] = image
        data["lead_image"] = original or _original_in_body(body, image)
    else:
        data["lead_image"] = image or None
    data["field_sources"] = {"title": "post", "date_published": "post"}
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        raise PostFormatError(f"{field}: {error['msg']}", line=where.get(field)) from None
