"""YAML scalars of the front matter: quoting that every parser reads back, and reading.

Every value we write is one line: a plain scalar only where the old archive
wrote one and it is safe, else a quoted one (escaped double quotes for
anything a parser could misread: line breaks, control characters, both
quote kinds...). PyYAML, js-yaml (Hexo's parser) and :func:`read_scalar`
read each back exactly.
"""

from __future__ import annotations

import re

from archiver.errors import PostFormatError

__all__ = ["plain_or_quoted", "quote_scalar", "read_scalar"]

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


_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_char(char: str) -> str:
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
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
    # The reader turns the old archive's `&#123;` in a title back into `{`; a
    # value that really holds that text keeps it by escaping its `&`.
    return '"' + _BRACE_ENTITY.sub(lambda m: "\\x26" + m.group()[1:], escaped) + '"'


def plain_or_quoted(value: str) -> str:
    """A plain scalar where the old archive wrote one and it is safe, else quoted."""
    if _PLAIN.fullmatch(value) and value.lower() not in _PLAIN_RESERVED:
        return value
    return quote_scalar(value)


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


def read_scalar(raw: str, line: int | None) -> str:
    """A front-matter value: quoted (either kind) or plain.

    Also reads the old archive's defects as the text it meant: a title in
    ``'…'`` holding an unescaped ``'``, or in ``"…"`` holding ``"``.
    """
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
