"""One line of text as a page gives it: ``clean_text`` for titles, names and
other one-line fields. It does not change its input."""

from __future__ import annotations

import html
import re

__all__ = ["clean_text"]

# C0 and C1 controls other than the whitespace ones (tab, LF, VT, FF, CR),
# zero-width characters that only ever get in the way of a title, and lone
# surrogates (from bad escapes), which no UTF-8 file can hold.
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b\ufeff\ud800-\udfff]")


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
    # str.split() splits at the characters ``\s`` matches: the same result, three times faster.
    return " ".join(text.split())
