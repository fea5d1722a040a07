"""Post file names: readable like the old archive's, safe on every file system."""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["MAX_NAME_BYTES", "safe_name", "title_key", "unique_suffix"]

MAX_NAME_BYTES = 255
"""The limit of one path component on Linux, macOS and Windows (in UTF-8 bytes here)."""
_SUFFIX_ROOM = len("~12345678") + len(".md")

# What the old script replaced with `_`, plus what Windows, URLs and shells
# refuse: separators, wildcards, quotes, `#` and `%` (Hexo builds URLs from it).
_UNSAFE = re.compile(r'[\\/:*?"<>|\[\]#%“”\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]')
_SPACES = re.compile(r"\s+")
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?")


def _fit(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def safe_name(text: str, *, limit: int = MAX_NAME_BYTES - _SUFFIX_ROOM) -> str:
    """A file or folder name made from ``text``: no separators, no ``..``, no
    reserved Windows names, no control characters, never starting with ``_``
    or ``.`` (Hexo skips those), at most ``limit`` bytes of UTF-8."""
    name = unicodedata.normalize("NFC", text)
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name))
    name = _fit(name, limit)
    # Hexo hides names starting with `_` or `.`; Windows drops trailing dots and spaces.
    name = name.lstrip(" ._").rstrip(" .")
    if not name:
        name = "untitled"
    if _RESERVED.fullmatch(name):
        name = "-" + name
    return name


def unique_suffix(key: str) -> str:
    """A short stable suffix that tells apart two articles with one title."""
    return "~" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


_OLD_MANGLED = re.compile(r"[:/\\?*<>|\[\]“”_]")


def title_key(title: str) -> str:
    """A title as the old archive could have mangled it, for matching posts
    that carry no URL (``:`` and ``/`` became ``_``, spaces collapsed)."""
    key = unicodedata.normalize("NFKC", title)
    key = _OLD_MANGLED.sub("_", key)
    return _SPACES.sub(" ", key).strip().casefold()
