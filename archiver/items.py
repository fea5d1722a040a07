"""The item a spider yields for an article: its fetched page(s) and where it was found.

The item pipelines turn it into an :class:`~archiver.models.Article`
(``ExtractionPipeline``), check it (``ValidationPipeline``) and write it
(``ArchivePipeline``). Any Scrapy spider can yield one::

    def parse_article(self, response):
        yield ArticlePages.from_response(response, found=Found(tag="小米"))

or a ready ``Article`` (``archiver.extract(response.body, response.url)``).

The pages are kept as fetched (bytes, URL, headers): decoding and parsing
belong to extraction, which may run in another process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from archiver.extraction import make_page
from archiver.extraction.article import Found
from archiver.extraction.page import Page
from archiver.models import Article

__all__ = ["ArticlePages", "Fetched", "response_headers"]


def response_headers(response: Any) -> dict[str, str]:
    """A Scrapy response's headers as one ``str`` value each."""
    return {
        key.decode("latin-1"): (response.headers.get(key) or b"").decode("latin-1")
        for key in response.headers
    }


@dataclass
class Fetched:
    """One response as it came: what extraction needs, nothing parsed yet."""

    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __repr__(self) -> str:  # logs show the page, not 100 KB of bytes
        return f"Fetched({self.url!r}, {len(self.body)} bytes)"

    @classmethod
    def from_response(cls, response: Any) -> Fetched:
        return cls(response.url, response.body, response_headers(response))

    def page(self) -> Page:
        """The decoded page; raises ``NotAnArticle`` for bytes that are no web page."""
        return make_page(self.body, self.url, headers=self.headers, fetched_at=self.fetched_at)


@dataclass
class ArticlePages:
    """One article as fetched: page 1, then pages 2..n of a long article.

    ``article`` and ``aliases`` are filled in by the extraction pipeline.
    """

    pages: list[Fetched]
    found: Found = field(default_factory=Found)
    article: Article | None = None
    aliases: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """The URL the article was linked by (else the first page's)."""
        return self.found.link or self.pages[0].url

    @classmethod
    def from_response(cls, response: Any, *, found: Found | None = None) -> ArticlePages:
        """The item for one Scrapy response."""
        link = response.request.url if response.request else None
        return cls([Fetched.from_response(response)], found or Found(link=link))
