"""The article model: schema and validation only.

An :class:`Article` is what crosses from extraction to storage. Validation
refuses what would make a broken post; cleaning text is the extractor's job,
so a control character here is an error, not something to strip silently.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
)

__all__ = [
    "Article",
    "FieldSource",
    "Image",
    "Listing",
    "Tag",
    "has_control_chars",
]

# C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F, U+0085 included), plus lone
# surrogates, which cannot be written as UTF-8 at all.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Body HTML may hold newlines and tabs; everything else in C0/C1 is refused.
_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_chars(text: str, *, allow_whitespace: bool = False) -> bool:
    """True when ``text`` holds a C0/C1 control character or a lone surrogate."""
    pattern = _BODY_CONTROL if allow_whitespace else _CONTROL
    return pattern.search(text) is not None


def _check_line(value: str) -> str:
    match = _CONTROL.search(value)
    if match:
        raise ValueError(
            f"contains control character U+{ord(match.group()):04X} at index {match.start()}"
        )
    return value


_HTTP_URL = re.compile(r"(?i)https?://[^\s/?#]+\S*")


def _check_http_url(value: str) -> str:
    _check_line(value)
    if not _HTTP_URL.fullmatch(value):  # one regex: called for every image of every page
        raise ValueError(f"not an absolute http(s) URL: {value[:200]!r}")
    return value


def _check_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: a time zone is required")
    return value


Line = Annotated[str, AfterValidator(_check_line)]
"""One line of text: no control characters."""
HttpUrl = Annotated[str, AfterValidator(_check_http_url)]
"""An absolute ``http://`` or ``https://`` URL, kept as the text it was."""

_SITE_PATH = re.compile(r"/(?![/\\])[^\s\x00-\x1f\x7f-\x9f\"'<>\\]*")


def _check_site_path(value: str) -> str:
    if not _SITE_PATH.fullmatch(value):
        raise ValueError(f"not a site-root path (/images/...): {value[:200]!r}")
    return value


SitePath = Annotated[str, AfterValidator(_check_site_path)]
"""A path from the Hexo site's root, e.g. ``/images/ab/abcdef.png``: no scheme, no host."""
AwareDatetime = Annotated[datetime, AfterValidator(_check_aware)]
"""A timezone-aware datetime."""

FieldSource = Literal["json-ld", "meta", "selector", "text", "url", "feed", "default", "post"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, validate_assignment=True)


class Tag(_Model):
    """A topic the site files the article under."""

    name: Line = Field(description="The tag as the site prints it, e.g. `小米汽车`.")
    url: HttpUrl | None = Field(
        default=None, description="The site's page for this tag, an absolute URL."
    )

    @field_validator("name")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty tag name")
        return value


class Image(_Model):
    """An image of the article body."""

    url: HttpUrl = Field(description="Absolute URL of the full-size image.")
    alt: Line = Field(default="", description="Alternative text, may be empty.")
    width: int | None = Field(default=None, ge=1, description="Width in pixels, when known.")
    height: int | None = Field(default=None, ge=1, description="Height in pixels, when known.")
    local: SitePath | None = Field(
        default=None,
        exclude=True,  # the archive's copy, not the article's: left out of model_dump
        description="The copy kept in the site (`--images`), e.g. `/images/ab/abcdef.png`.",
    )


class Article(_Model):
    """One news article, as extracted from a page or read back from a post.

    Dates are timezone-aware; the text they were read from is kept next to
    them in ``date_published_raw``. ``body_html`` is cleaned HTML (absolute
    links, ``referrerpolicy="no-referrer"`` on images, no scripts).
    """

    url: HttpUrl | None = Field(
        default=None,
        description="The URL the article was fetched from. None for a post read back "
        "from a file, since the post format does not record it.",
    )
    canonical_url: HttpUrl | None = Field(
        default=None, description="The page's own canonical URL (rel=canonical or og:url)."
    )
    title: Line = Field(
        description="The headline as printed; not empty after trimming. Surrounding "
        "spaces are kept: the extractor trims, the model does not."
    )
    authors: list[Line] = Field(default_factory=list, description="Journalists (作者, 记者).")
    editor: Line | None = Field(default=None, description="The editor (编辑, 责任编辑).")
    source: Line | None = Field(
        default=None, description="The outlet the piece was taken from (出处, 来源)."
    )
    site_name: Line | None = Field(
        default=None,
        description="The site's name, written as the post's `author` (e.g. 快科技（原驱动之家）).",
    )
    categories: list[Line] = Field(
        default_factory=list,
        description="Ordered hierarchy: group / site / channel, e.g. 新媒体 / 快科技 / 最新新闻.",
    )
    tags: list[Tag] = Field(default_factory=list, description="Tags, in page order.")
    images: list[Image] = Field(default_factory=list, description="Body images, in order.")
    lead_image: HttpUrl | None = Field(
        default=None, description="The first real content image; the post's headimg/thumbnail."
    )
    lead_image_local: SitePath | None = Field(
        default=None,
        exclude=True,  # the archive's copy, not the article's: left out of model_dump
        description="The lead image's copy kept in the site (`--images`): headimg/thumbnail "
        "point at it, `lead_image` keeps the original URL.",
    )
    date_published: AwareDatetime | None = Field(
        default=None, description="Publication instant, timezone-aware."
    )
    date_published_raw: str | None = Field(
        default=None, description="The text the publication date was read from, as printed."
    )
    date_modified: AwareDatetime | None = Field(
        default=None, description="Last modification instant, timezone-aware; the post's `updated`."
    )
    description: str | None = Field(default=None, description="Summary or meta description.")
    language: Line | None = Field(default=None, description="BCP 47 language tag, e.g. `zh-CN`.")
    body_html: str = Field(default="", description="The cleaned article body, HTML.")
    fetched_at: AwareDatetime | None = Field(
        default=None, description="When the page was fetched, timezone-aware."
    )
    field_sources: dict[str, FieldSource] = Field(
        default_factory=dict,
        description="Where each field was found: json-ld, meta, selector, text, url, feed, "
        "default or post.",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Problems the extractor noticed but did not fix, e.g. `mojibake`.",
    )

    @field_validator("title")
    @classmethod
    def _title_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty title")
        return value

    @field_validator("body_html", "description")
    @classmethod
    def _text_controls(cls, value: str | None) -> str | None:
        if value is not None:
            match = _BODY_CONTROL.search(value)
            if match:
                raise ValueError(
                    f"contains control character U+{ord(match.group()):04X} "
                    f"at index {match.start()}"
                )
        return value

    @property
    def key_url(self) -> str | None:
        """The URL that identifies the article: canonical if known, else fetched."""
        return self.canonical_url or self.url


class Listing(_Model):
    """A listing page (tag page, news list): navigation, not an article."""

    url: HttpUrl = Field(description="The listing page's URL.")
    title: str | None = Field(default=None, description="The tag or list name, e.g. `小米`.")
    article_urls: list[HttpUrl] = Field(
        default_factory=list, description="Article links, absolute, in page order, no repeats."
    )
    next_page: HttpUrl | None = Field(default=None, description="The next page, if any.")
    page_number: int | None = Field(default=None, ge=1, description="This page's number.")
