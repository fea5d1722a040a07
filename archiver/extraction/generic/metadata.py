"""The page's ``<meta>`` tags: ``read_meta`` reads them once, ``MetaTags``
gives the values of a list of names.

In the trafilatura manner, each field's module keeps the meta names it reads
as module constants (``PUBLISHED_META``, ``KEYWORD_META``...), so what is
looked at is visible in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.extraction.generic.tree import Element
from archiver.extraction.text import clean_text

__all__ = ["MetaTags", "read_meta"]

_SPACES = re.compile(r"\s+")


@dataclass
class MetaTags:
    """The page's ``<meta>`` values by normalised key (lower case, no spaces)."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def all(self, *keys: str) -> list[str]:
        """Non-empty values of ``keys``, in key order then page order."""
        found: list[str] = []
        for key in keys:
            for value in self.values.get(key, []):
                if value and value not in found:
                    found.append(value)
        return found

    def first(self, *keys: str) -> tuple[str, str] | None:
        """``(value, key)`` of the first key with a non-empty value."""
        for key in keys:
            for value in self.values.get(key, []):
                if value:
                    return value, key
        return None


def read_meta(tree: Element) -> MetaTags:
    """Every ``<meta>`` with a name, property, itemprop or http-equiv and content."""
    meta = MetaTags()
    for element in tree.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        value = clean_text(content)
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attr)
            if key:
                meta.values.setdefault(_SPACES.sub("", key).lower(), []).append(value)
    return meta
