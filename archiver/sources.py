"""The sources file: what to archive, as the old archive's feed list said.

A TOML file with one ``[[source]]`` table per tag page, feed, sitemap,
site's latest news or article list::

    [defaults]                 # applies to every source; each may override
    group = "新媒体"
    max_pages = 5

    [[source]]
    kind = "tag"               # tag | feed | sitemap | latest | article
    url = "https://news.mydrivers.com/tag/xiaomi.htm"
    site = "mydrivers"         # optional: force a site module
    categories = ["新媒体", "快科技（原驱动之家）", "小米"]
    site_name = "快科技（原驱动之家）"
    since = "2024-01-01"
    timezone = "Asia/Shanghai"
    images = true              # keep the posts' images in the site (--images)
    warc = true                # keep every response in WARC files (--warc)

``archiver run sources.toml -o DIR`` crawls them all in one run.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from archiver.errors import BadInput
from archiver.options import Options
from archiver.run import Crawl

__all__ = ["Source", "SourcesError", "load_sources"]

Kind = Literal["tag", "feed", "sitemap", "latest", "article"]


class SourcesError(ValueError):
    """The sources file is unreadable or invalid; the message says where."""


class Source(BaseModel):
    """One thing to archive."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind = Field(description="tag, feed, sitemap, latest (a site's news list) or article")
    url: str | None = Field(default=None, description="Start URL (not needed for `latest`)")
    urls: list[str] = Field(default_factory=list, description="Several start URLs")
    site: str | None = Field(default=None, description="Force a site module by name")
    categories: list[str] | None = Field(default=None, description="group, site, channel")
    group: str | None = Field(default=None, description="First category, if `categories` unset")
    site_name: str | None = Field(default=None, description="The posts' `author`")
    max_pages: int | None = Field(default=None, ge=1)
    since: str | None = Field(default=None, description="ISO date")
    timezone: str | None = Field(default=None, description="IANA zone of the site's times")
    name: str | None = Field(default=None, description="A label for the report")
    images: bool | None = Field(default=None, description="Keep the posts' images (--images)")
    warc: bool | None = Field(default=None, description="Keep every response as WARC (--warc)")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("categories")
    @classmethod
    def _three(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not 1 <= len(value) <= 3:
            raise ValueError("categories: one to three names (group, site, channel)")
        return value

    def start_urls(self) -> list[str]:
        return [*([self.url] if self.url else []), *self.urls]

    def crawl(self, base: Options) -> Crawl:
        """This source as one crawl of a run: its own options over the run's."""
        from archiver.sites import get_site

        try:
            options = base.merged(
                {
                    "site": self.site,
                    "max_pages": self.max_pages,
                    "since": self.since,
                    "categories": self.categories,
                    "group": self.group,
                    "site_name": self.site_name,
                    "timezone": self.timezone,
                    "images": self.images,
                    "warc": self.warc,
                }
            )
        except BadInput as exc:
            raise SourcesError(str(exc)) from None
        if self.kind == "latest":
            if not self.site:
                raise SourcesError('a `latest` source needs `site` (e.g. site = "mydrivers")')
            try:
                latest = get_site(self.site).latest_url
            except LookupError as exc:
                raise SourcesError(str(exc)) from None
            if not latest:
                raise SourcesError(f'site {self.site!r} has no latest-news list: use kind = "tag"')
            return Crawl("tag", (latest,), options)
        if not self.start_urls():
            raise SourcesError(f"a `{self.kind}` source needs `url`")
        return Crawl(self.kind, tuple(self.start_urls()), options)


def load_sources(path: Path) -> list[Source]:
    """The sources of a TOML file, defaults applied; ``SourcesError`` naming the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"{path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML: {exc}") from None
    defaults = data.get("defaults", {})
    entries = data.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: no [[source]] entries")
    sources = []
    for number, entry in enumerate(entries, 1):
        merged = {**defaults, **entry}
        try:
            source = Source.model_validate(merged)
            source.crawl(Options())
        except (ValidationError, SourcesError) as exc:
            label = entry.get("name") or entry.get("url") or f"#{number}"
            raise SourcesError(f"{path}: source {number} ({label}): {exc}") from None
        sources.append(source)
    return sources
