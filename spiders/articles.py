"""The article side of the spider every archiving crawl runs (``ArchiveSpider``
in ``archiver.spiders.base``): a request for each article link not known yet,
pages 2..n of an article, and what follows once an article is done (its
listing goes on to its next page)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import scrapy
from archiver.spiders.listing import ListingPage, failure_reason
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver.archive.names import title_key
from archiver.errors import NotAnArticle
from archiver.extraction.article import Found
from archiver.items import ArticlePages, Fetched

if TYPE_CHECKING:
    from archiver.archive.session import ArchiveSession
    from archiver.options import Options
    from archiver.sites import Site

__all__ = ["ArticleSteps"]


class ArticleSteps(scrapy.Spider):
    """What ``ArchiveSpider`` does with articles: its base class (no spider of its own)."""

    if TYPE_CHECKING:  # given by ArchiveSpider
        options: Options
        seen: set[str]
        given_up: set[str]
        session: ArchiveSession | None
        listings: dict[str, ListingPage]

        def site(self, url: str) -> Site: ...
        def count(self, key: str, n: int = 1) -> None: ...
        def allow(self, url: str) -> None: ...
        def fail(
            self, url: str, reason: str, *, retry: bool = True, found: Found | None = None
        ) -> None: ...
        def next_listing(self, page: ListingPage) -> Iterator[Request]: ...

    # ------------------------------------------------------------ articles

    def article_request(
        self,
        url: str,
        listing: ListingPage | None,
        *,
        force: bool = False,
        link_title: str | None = None,
        found: Found | None = None,
    ) -> Request | None:
        key = self.site(url).canonical_url(url)
        if key in self.seen:
            self.count("links_duplicate")
            return None
        self.seen.add(key)
        refresh = self.options.refresh
        if (url in self.given_up or key in self.given_up) and not (refresh or force):
            self.count("articles_given_up")
            return None
        session = self.session
        known = session is not None and (
            key in session.known_urls
            or (
                link_title is not None
                and session.archive.ledger.has_title_key(title_key(link_title))
            )
        )
        if known and not (refresh or force):
            self.count("articles_known")
            return None
        self.count("articles_requested")
        self.allow(url)
        if listing is not None:
            self.listings[listing.url] = listing
            found = listing.found(url)
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"found": found or Found(link=url), "pages": []},
            dont_filter=True,
            priority=10,
        )

    def parse_article(
        self, response: Response, found: Found, pages: list[Fetched]
    ) -> Iterator[Any]:
        fetched = Fetched.from_response(response)
        if not pages:
            pages = [fetched]
            todo = self._continuations(fetched)
        else:
            pages.append(fetched)
            todo = response.meta.get("archiver_todo", [])
        if todo:
            self.count("article_pages_fetched")
            yield response.follow(
                todo[0],
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={"found": found, "pages": pages},
                meta={"archiver_todo": todo[1:]},
                dont_filter=True,
                priority=20,
            )
            return
        yield ArticlePages(pages, found)

    def _continuations(self, fetched: Fetched) -> list[str]:
        """Pages 2..n of the article on ``fetched``, when its site module says it
        may have some (most articles are one page: no decoding here then)."""
        site = self.site(fetched.url)
        if not site.may_continue(fetched.body, fetched.url):
            return []
        try:
            more = site.continuation_urls(fetched.page())
        except NotAnArticle:
            return []  # extraction says why, with the rest of the article
        except Exception as exc:  # navigation must not stop on one odd page
            self.logger.warning("continuation links of %s: %s", fetched.url, exc)
            return []
        return [url for url in more if url != fetched.url]

    def item_done(self, item: Any, **_: Any) -> None:
        """An article left the pipelines (written, dropped or failed): its listing
        may go on to its next page."""
        if not isinstance(item, ArticlePages) or item.found.listing not in self.listings:
            return
        listing = self.listings[item.found.listing]
        article = item.article
        since = self.options.since
        if article is not None and (
            article.date_published is None or since is None or article.date_published >= since
        ):
            listing.recent = True
        for request in self.article_done(item.found):
            assert self.crawler.engine is not None
            self.crawler.engine.crawl(request)

    def article_done(self, found: Found) -> Iterator[Request]:
        listing = self.listings.get(found.listing or "")
        if listing is None:
            return
        listing.pending -= 1
        if listing.pending <= 0:
            del self.listings[listing.url]
            if self.options.since is not None:
                yield from self.next_listing(listing)

    def article_failed(self, failure: Failure) -> Iterable[Request]:
        request = failure.request  # type: ignore[attr-defined]
        found: Found = request.cb_kwargs.get("found") or Found(link=request.url)
        self.count("articles_failed")
        self.fail(found.link or request.url, failure_reason(failure), found=found)
        return self.article_done(found)
