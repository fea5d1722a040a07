"""The post format: ``render_post`` (article to text) and ``read_post`` (back).

The layout is the existing archive's, byte for byte (see README, "The post
format"). Where the old script wrote broken YAML or lost characters, the
writer here quotes so that any YAML parser reads back exactly the title.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from archiver.errors import PostFormatError
from archiver.models import Article

__all__ = ["quote_scalar", "read_post", "render_post"]

_BODY_OPEN = "<div>   \n"
_BODY_CLOSE = "  \n</div>\n            "
BEIJING = ZoneInfo("Asia/Shanghai")

# Characters YAML allows unescaped in a quoted scalar, minus the ones YAML 1.1
# parsers (PyYAML) take as line breaks (U+0085, U+2028, U+2029) and the BOM.
_NEEDS_ESCAPE = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# A plain (unquoted) scalar we are sure every parser reads as this very string:
# starts with a letter, then letters, digits, spaces and a few safe signs.
_PLAIN = re.compile(r"[^\W\d_](?:[\w\u3000-\u303f\uff01-\uff5e .()_-]*[\w)\uff09\u3011])?")
_BRACE_ENTITY = re.compile("&#12[35];")
_PLAIN_RESERVED = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}
_YAML_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _escape_char(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}"


def quote_scalar(value: str) -> str:
    """``value`` as a one-line quoted YAML scalar that every parser reads back exactly.

    Follows the old archive's style where it was right: single quotes, or
    double quotes around a title that holds ``'``. Falls back to escaped
    double quotes for anything else (both quote kinds, line separators...).
    """
    if not _NEEDS_ESCAPE.search(value) and not _BRACE_ENTITY.search(value):
        if "'" not in value:
            return f"'{value}'"
        if '"' not in value and "\\" not in value:
            return f'"{value}"'
        return "'" + value.replace("'", "''") + "'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = _NEEDS_ESCAPE.sub(lambda m: _escape_char(m.group()), escaped)
    # The reader turns the old archive's `&#123;` back into `{`; a title that
    # really holds that text keeps it by escaping its `&`.
    return '"' + _BRACE_ENTITY.sub(lambda m: "\\x26" + m.group()[1:], escaped) + '"'


def _scalar(value: str) -> str:
    """A plain scalar where the old archive wrote one and it is safe, else quoted."""
    if _PLAIN.fullmatch(value) and value.lower() not in _PLAIN_RESERVED:
        return value
    return quote_scalar(value)


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _braces(text: str) -> str:
    return text.replace("{", "&#123;").replace("}", "&#125;")


def render_post(article: Article, *, image_placeholder: str = "") -> str:
    """The post for ``article``, as the archive stores it. Pure.

    ``image_placeholder`` is written as ``headimg``/``thumbnail`` when the
    article has no lead image (empty by default, never a random URL). The
    date is the true instant in GMT; ``date_modified`` becomes ``updated``.
    A missing ``date_published`` falls back to ``fetched_at``.
    """
    moment = article.date_published or article.fetched_at
    if moment is None:
        raise ValueError("article has neither date_published nor fetched_at: no post date")
    image = quote_scalar(article.lead_image or image_placeholder)
    lines = ["", "---", f"title: {quote_scalar(article.title)}", "categories: "]
    lines += [f" - {_scalar(name)}" for name in article.categories]
    lines += [
        f"headimg: {image}",
        f"author: {_scalar(article.site_name) if article.site_name else quote_scalar('')}",
        "comments: false",
        f"date: {_rfc822(moment)}",
    ]
    if article.date_modified is not None:
        lines.append(f"updated: {_rfc822(article.date_modified)}")
    lines += [f"thumbnail: {image}", "---", "", ""]
    return "\n".join(lines) + _BODY_OPEN + _braces(article.body_html) + _BODY_CLOSE


# ---------------------------------------------------------------- reading


def _unquote_double(inner: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(inner):
        char = inner[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = inner[i + 1 : i + 2]
        if code in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[code])
            i += 2
        elif code in _HEX_ESCAPES:
            width = _HEX_ESCAPES[code]
            digits = inner[i + 2 : i + 2 + width]
            if len(digits) != width or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                raise ValueError(f"bad escape \\{code}{digits}")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        else:
            raise ValueError(f"unknown escape \\{code}")
    return "".join(out)


def _read_scalar(raw: str, line: int) -> str:
    """A front-matter value: quoted (either kind) or plain."""
    value = raw.strip(" ")
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        if value[0] == "'":
            if "'" not in inner.replace("''", ""):
                return inner.replace("''", "'")
            return inner  # the old script's unescaped quote: keep the text as written
        if '"' not in inner.replace('\\"', ""):
            try:
                return _unquote_double(inner)
            except ValueError as exc:
                raise PostFormatError(f"bad double-quoted value: {exc}", line=line) from None
        return inner  # old defect: both quote kinds, unescaped
    if value[:1] in "'\"":
        raise PostFormatError(f"unterminated quoted value {value[:60]!r}", line=line)
    return value


def _read_date(raw: str, line: int, default_tz: ZoneInfo) -> datetime:
    text = raw.strip()
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        try:
            moment = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise PostFormatError(f"unreadable date {text!r}", line=line) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment


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


def _body(rest: str) -> str:
    if rest.startswith("\n"):
        rest = rest[1:]
    if rest.startswith(_BODY_OPEN) and rest.endswith(_BODY_CLOSE):
        body = rest[len(_BODY_OPEN) : -len(_BODY_CLOSE)]
    else:
        match = re.fullmatch(r"\s*<div>[ \t]*\n?(.*?)[ \t]*\n?</div>\s*", rest, re.S)
        body = match.group(1) if match else rest.strip()
    return body.replace("&#123;", "{").replace("&#125;", "}")


def read_post(text: str, *, default_tz: ZoneInfo = BEIJING) -> Article:
    """The article of a post: the inverse of ``render_post``.

    Also reads the old archive's variants: a ``%Y-%m-%d %H:%M:%S`` date (taken
    in ``default_tz``), an empty image, a double-quoted title, no leading empty
    line, ``&#123;``. Raises ``PostFormatError`` naming the line otherwise.
    """
    lines, first, rest = _split(text)
    data: dict[str, object] = {"categories": []}
    where: dict[str, int] = {}
    images: dict[str, str] = {}
    current: str | None = None
    for offset, line in enumerate(lines):
        number = first + offset
        if not line.strip():
            continue
        item = re.match(r"\s*- (.*)$|\s*-$", line)
        if item and current == "categories":
            categories = data["categories"]
            assert isinstance(categories, list)
            categories.append(_read_scalar(item.group(1) or "", number))
            continue
        match = re.match(r"([A-Za-z_][\w-]*):(?: (.*))?$", line)
        if not match:
            raise PostFormatError(f"expected 'key: value', got {line[:60]!r}", line=number)
        key, value = match.group(1), match.group(2) or ""
        current = key
        where[key] = number
        if key == "title":
            value = value.replace("&#123;", "{").replace("&#125;", "}")
            data["title"] = _read_scalar(value, number)
        elif key == "categories":
            if value.strip():
                raise PostFormatError("categories must be a list of ' - ' items", line=number)
        elif key in ("headimg", "thumbnail"):
            images[key] = _read_scalar(value, number)
        elif key == "author":
            data["site_name"] = _read_scalar(value, number) or None
        elif key == "date":
            data["date_published_raw"] = value.strip()
            data["date_published"] = _read_date(value, number, default_tz)
        elif key == "updated":
            data["date_modified"] = _read_date(value, number, default_tz)
    if "title" not in data:
        raise PostFormatError("front matter has no title", line=first - 1)
    if "date_published" not in data:
        raise PostFormatError("front matter has no date", line=first - 1)
    image = images.get("headimg") or images.get("thumbnail")
    data["lead_image"] = image or None
    data["body_html"] = _body(rest)
    data["field_sources"] = {"title": "post", "date_published": "post"}
    try:
        return Article.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        key = {"site_name": "author", "lead_image": "headimg", "date_published": "date"}.get(
            field, field
        )
        raise PostFormatError(f"{field}: {error['msg']}", line=where.get(key)) from None
