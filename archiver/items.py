"""The item a spider yields for an article: its fetched page(s) and where it was found.

The item pipelines turn it into an :class:`~archiver.models.Article`
(``ExtractionPipeline``), check it (``ValidationPipeline``) and write it
(``ArchivePipeline``). Any Scrapy spider can yield one::

    def parse_article(self, response):
        yield ArticlePages.from_response(response, found=Found(tag="小米"))

or a ready ``Article`` (``archiver.extract(response.body, response.url)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from archiver.extraction import make_page
from archiver.extraction.article import Found
from archiver.extraction.page import Page
from archiver.models import Article

__all__ = ["ArticlePages", "response_headers"]


def response_headers(response: Any) -> dict[str, str]:
    """A Scrapy response's headers as one ``str`` value each."""
    return {
        key.decode("latin-1"): (response.headers.get(key) or b"").decode("latin-1")
        for key in response.headers
    }


@dataclass
class ArticlePages:
    """One article as fetched: page 1, then pages 2..n of a long article.

    ``article`` and ``aliases`` are filled in by the extraction pipeline.
    """

    pages: list[Page]
    found: Found = field(default_factory=Found)
    article: Article | None = None
    aliases: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """The URL the article was linked by (else the first page's)."""
        return self.found.link or self.pages[0].url

    @classmethod
    def from_response(cls, response: Any, *, found: Found | None = None) -> ArticlePages:
        """The item for one Scrapy response; raises ``NotAnArticle`` for non-HTML bytes."""
        page = make_page(
            response.body,
            response.url,
            headers=response_headers(response),
            fetched_at=datetime.now(UTC),
        )
        return cls([page], found or Found(link=response.request.url if response.request else None))
