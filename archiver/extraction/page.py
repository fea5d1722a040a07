"""A fetched page as extraction sees it: decoded text, URL and parsed tree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

import lxml.html

__all__ = ["Page"]


@dataclass
class Page:
    """One response, decoded. ``tree`` is parsed once, on first use.

    ``encoding`` is the codec the bytes were decoded with; ``warnings``
    collects decoding problems (``mojibake``, ``replacement-chars``...)
    that the extractor copies into the article.
    """

    url: str
    html: str
    encoding: str = "utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    fetched_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)
    timezone: ZoneInfo | None = None
    """The site's time zone when the user set one (sources file); else the site module's."""

    @cached_property
    def tree(self) -> lxml.html.HtmlElement:
        html = self.html
        if not html.strip():
            html = "<html></html>"
        # lxml refuses str input that carries an XML encoding declaration.
        if html.lstrip().startswith("<?xml"):
            html = html.split("?>", 1)[-1]
        return lxml.html.document_fromstring(html, base_url=self.url)
