"""What the spider keeps about the listing pages it walks, and small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from twisted.python.failure import Failure

from archiver.extraction.article import Found

__all__ = ["ListingPage", "failure_reason", "link_titles"]


@dataclass
class ListingPage:
    """One page of a listing chain, waiting for its articles before the next page."""

    url: str
    number: int
    tag: str | None
    next_url: str | None = None
    pending: int = 0
    recent: bool = False
    done: bool = False
    resuming: bool = False
    start: str = ""
    """The start URL of the chain this page belongs to."""
    """The last crawl from this start URL did not finish: known pages do not stop it."""
    feed_title: str | None = None
    """A feed's title: the post's site category and author, as in the old archive."""
    entries: dict[str, Any] = field(default_factory=dict)
    """What the feed or sitemap says of an article URL (an ``Entry``: title, date)."""

    def found(self, link: str) -> Found:
        entry = self.entries.get(link)
        return Found(
            link=link,
            listing=self.url,
            tag=self.tag,
            feed_title=self.feed_title,
            title=getattr(entry, "title", None),
            published=getattr(entry, "published", None),
        )


def failure_reason(failure: Failure) -> str:
    """One line: why a request failed (what a middleware refused, the HTTP status...)."""
    value = failure.value
    request = getattr(failure, "request", None)
    refused = request.meta.get("archiver_refused") if request is not None else None
    if refused:
        return str(refused)
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{type(value).__name__}: {value}".strip()


def link_titles(page: Any) -> dict[str, str]:
    """Absolute link URL -> link text, to match listing links with URL-less posts."""
    titles = {}
    for anchor in page.tree.iter("a"):
        href = anchor.get("href")
        text = anchor.text_content().strip()
        if href and text:
            titles[urljoin(page.url, href)] = text
    return titles
