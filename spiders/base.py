"""The spider every archiving crawl runs: navigation only.

It knows where to go (listing and tag pages, their next pages, article
links, pages 2..n of an article) and when to stop; what a page means is the
site module's business, reached through ``archiver.extract``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import scrapy
from pydantic import ValidationError
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver.archive.names import title_key
from archiver.crawlstate import CrawlState, state_of
from archiver.errors import NotAnArticle
from archiver.extraction import make_page
from archiver.models import Article
from archiver.sites import Site, site_for_url

__all__ = ["DEFAULT_CHANNEL", "DEFAULT_GROUP", "ArchiveSpider"]

DEFAULT_GROUP = "新媒体"
DEFAULT_CHANNEL = "最新"


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
    """The last crawl from this start URL did not finish: known pages do not stop it."""
    site_label: str | None = None
    """A feed's title: the post's site category and author, as in the old archive."""
    hints: dict[str, Any] = field(default_factory=dict)
    """What the feed or sitemap says of an article URL (an ``Entry``: title, date)."""


@dataclass
class ArticleParts:
    """The pages of one article split over several pages."""

    first: Article
    bodies: list[str] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    later: list[Article] = field(default_factory=list)
    """Pages 2..n: their tags and images join the first page's."""


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.split() if part]
    return [str(part) for part in value]


def _since(value: Any) -> datetime | None:
    if not value:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ArchiveSpider(scrapy.Spider):
    """Archive articles and listing pages: ``-a url=...`` (space-separated for several).

    Arguments: ``url``, ``site`` (force a site module), ``max_pages``,
    ``since`` (ISO date), ``refresh``, ``categories`` (``a/b/c``).
    Each is also a setting (``ARCHIVER_SITE``...), the argument winning.
    """

    name = "archive"

    def __init__(self, url: Any = None, **kwargs: Any) -> None:
        self.options = kwargs
        super().__init__(**{k: v for k, v in kwargs.items() if k == "name"})
        self.urls = _as_list(url)
        self.seen: set[str] = set()
        self.started_listings: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider: ArchiveSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        options = spider.options

        def option(name: str) -> Any:
            value = options.get(name)
            return settings.get(f"ARCHIVER_{name.upper()}") if value in (None, "") else value

        spider.site_name = option("site") or None
        pages = option("max_pages")
        spider.max_pages = int(pages) if pages not in (None, "") else None
        spider.since = _since(option("since"))
        spider.refresh = str(option("refresh")).lower() in ("1", "true", "yes")
        categories = option("categories")
        spider.categories = (
            [c.strip() for c in categories.split("/")] if isinstance(categories, str) else None
        )
        spider.forced_site_name = option("site_name") or None
        spider.group = option("group") or None
        zone = option("timezone")
        spider.timezone = ZoneInfo(zone) if zone else None
        spider.max_retry_runs = settings.getint("ARCHIVER_MAX_RETRY_RUNS", 3)
        spider.state = state_of(crawler)
        failures = spider.state.archive.ledger.failures()
        spider.given_up = {url for url, _, n in failures if n >= spider.max_retry_runs}
        return spider

    # ------------------------------------------------------------ plumbing

    site_name: str | None
    max_pages: int | None
    since: datetime | None
    refresh: bool
    categories: list[str] | None
    forced_site_name: str | None
    group: str | None
    timezone: ZoneInfo | None
    max_retry_runs: int
    state: CrawlState
    given_up: set[str]
    """URLs that failed in ARCHIVER_MAX_RETRY_RUNS runs: not requested again (--refresh does)."""

    def start_urls_list(self) -> list[str]:
        """Where this crawl starts; subclasses derive it from their arguments."""
        return self.urls

    def site(self, url: str) -> Site:
        return site_for_url(url, self.site_name)

    def count(self, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archiver/{key}", n)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        urls = self.start_urls_list()
        if not urls:
            raise ValueError(f"spider {self.name!r} needs a start URL (-a url=...)")
        for url in urls:
            if self.site(url).is_article_url(url):
                request = self.article_request(url, None, force=True)
                if request is not None:
                    yield request
            else:
                resuming = self.state.archive.ledger.begin_crawl(url)
                self.started_listings.append(url)
                if resuming:
                    self.logger.info("resuming the unfinished crawl of %s", url)
                yield self.listing_request(url, 1, None, resuming=resuming)
        for url, _reason, _attempts in self.state.archive.ledger.failures(self.max_retry_runs):
            request = self.article_request(url, None)
            if request is not None:
                self.count("retried_from_earlier_runs")
                yield request

    # ------------------------------------------------------------ listings

    def listing_request(
        self, url: str, number: int, tag: str | None, *, resuming: bool = False
    ) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"number": number, "tag": tag, "resuming": resuming},
            dont_filter=True,
        )

    def closed(self, reason: str) -> None:
        if reason == "finished":
            for url in self.started_listings:
                self.state.archive.ledger.finish_crawl(url)

    def parse_listing(
        self, response: Response, number: int, tag: str | None, resuming: bool = False
    ) -> Iterator[Any]:
        self.count("pages_fetched")
        site = self.site(response.url)
        try:
            page = make_page(response.body, response.url, headers=_headers(response))
            listing = site.parse_listing(page)
        except Exception as exc:  # a broken listing must not stop the crawl
            self.state.fail(response.url, f"listing: {type(exc).__name__}: {exc}", retry=False)
            return
        current = ListingPage(
            response.url, number, tag or listing.title, listing.next_page, resuming=resuming
        )
        titles = _link_titles(page) if self.state.has_urlless_posts else {}
        requests = []
        for url in listing.article_urls:
            request = self.article_request(url, current, link_title=titles.get(url))
            if request is not None:
                requests.append(request)
        current.pending = len(requests)
        if not requests and not resuming:
            self.logger.info("stop at %s: no article not yet seen", response.url)
            self.count("stopped/no_new_article")
            return
        yield from requests
        if not requests:
            current.recent = True  # resuming: nothing to wait for, walk on
        if self.since is None or not requests:
            yield from self.next_listing(current)

    def next_listing(self, page: ListingPage) -> Iterator[Request]:
        if page.done:
            return
        page.done = True
        if not page.next_url:
            return
        if self.max_pages is not None and page.number >= self.max_pages:
            self.count("stopped/max_pages")
            return
        if self.since is not None and not page.recent:
            self.count("stopped/since")
            return
        yield self.listing_request(page.next_url, page.number + 1, page.tag, resuming=page.resuming)

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self.state.fail(request.url, _reason(failure))

    def entry_requests(self, listing: ListingPage, entries: Iterable[Any]) -> list[Request]:
        """Requests for the articles a feed or sitemap lists (``Entry``: url, title,
        published), those older than ``since`` left out without a request."""
        requests = []
        for entry in entries:
            if self.since and entry.published and entry.published < self.since:
                self.count("articles_too_old")
                continue
            listing.hints[entry.url] = entry
            request = self.article_request(entry.url, listing)
            if request is not None:
                requests.append(request)
        listing.pending = len(requests)
        return requests

    # ------------------------------------------------------------ articles

    def article_request(
        self,
        url: str,
        listing: ListingPage | None,
        *,
        force: bool = False,
        link_title: str | None = None,
    ) -> Request | None:
        key = self.site(url).canonical_url(url)
        if key in self.seen:
            self.count("links_duplicate")
            return None
        self.seen.add(key)
        if (url in self.given_up or key in self.given_up) and not (self.refresh or force):
            self.count("articles_given_up")
            return None
        known = key in self.state.known_urls or (
            link_title is not None
            and self.state.archive.ledger.has_title_key(title_key(link_title))
        )
        if known and not (self.refresh or force):
            self.count("articles_known")
            return None
        self.count("articles_requested")
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"key": key, "listing": listing, "parts": None},
            dont_filter=True,
            priority=10,
        )

    def parse_article(
        self,
        response: Response,
        key: str,
        listing: ListingPage | None,
        parts: ArticleParts | None,
    ) -> Iterator[Any]:
        site = self.site(response.url)
        try:
            page = make_page(
                response.body, response.url, headers=_headers(response), timezone=self.timezone
            )
            article = site.extract_article(page)
            more = [] if parts else site.continuation_urls(page)
        except NotAnArticle as exc:
            self.count("not_an_article")
            said = str(exc) if str(exc).startswith(exc.reason) else f"{exc.reason}: {exc}"
            self.state.fail(response.url, f"not an article: {said}", retry=False)
            yield from self.article_done(listing)
            return
        except ValidationError as exc:
            yield {"url": response.url, "error": exc}
            yield from self.article_done(listing)
            return
        except Exception as exc:
            self.logger.exception("extraction failed on %s", response.url)
            self.state.fail(response.url, f"extraction: {type(exc).__name__}: {exc}")
            yield from self.article_done(listing)
            return
        if parts is None:
            parts = ArticleParts(
                article, [article.body_html], [u for u in more if u != response.url]
            )
        else:
            parts.bodies.append(article.body_html)
            parts.later.append(article)
        if parts.todo:
            url = parts.todo.pop(0)
            self.count("article_pages_fetched")
            yield response.follow(
                url,
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={"key": key, "listing": listing, "parts": parts},
                dont_filter=True,
                priority=20,
            )
            return
        yield self.finish(parts, key, response.url, listing)
        yield from self.article_done(listing)

    def finish(
        self, parts: ArticleParts, key: str, url: str, listing: ListingPage | None
    ) -> dict[str, Any]:
        article = parts.first
        site = self.site(url)
        update: dict[str, Any] = {"canonical_url": key}
        if parts.later:
            update["body_html"] = "\n".join(parts.bodies)
            pages = [article, *parts.later]
            update["tags"] = next((p.tags for p in pages if p.tags), [])
            update["images"] = list(
                {image.url: image for page in reversed(pages) for image in page.images}.values()
            )[::-1]
            if article.lead_image is None:
                update["lead_image"] = next((p.lead_image for p in pages if p.lead_image), None)
        categories = self.categories or list(article.categories or site.defaults.categories)
        if not categories:
            # What the old archive did for every feed: group / the site's name / 最新.
            name = article.site_name or site.defaults.site_name or urlsplit(url).hostname or "?"
            categories = [DEFAULT_GROUP, name, DEFAULT_CHANNEL]
        if listing is not None and listing.tag and not self.categories and len(categories) >= 3:
            categories = [*categories[:2], listing.tag]
        if self.group and not self.categories and categories:
            categories[0] = self.group
        update["categories"] = categories
        if listing is not None and listing.site_label and not self.categories:
            if len(categories) >= 2:
                categories[1] = listing.site_label
            update["site_name"] = listing.site_label
        if self.forced_site_name:
            update["site_name"] = self.forced_site_name
        elif not article.site_name and "site_name" not in update and len(categories) >= 2:
            update["site_name"] = categories[1]
        hint = listing.hints.get(url) if listing is not None else None
        if article.date_published is None and hint is not None and hint.published is not None:
            update["date_published"] = hint.published
            update["field_sources"] = {**article.field_sources, "date_published": "feed"}
        aliases = tuple(u for u in (article.canonical_url, article.url, url) if u and u != key)
        article = article.model_copy(update=update)
        if listing is not None and (
            article.date_published is None
            or self.since is None
            or article.date_published >= self.since
        ):
            listing.recent = True
        if (
            self.since is not None
            and article.date_published
            and article.date_published < self.since
        ):
            self.count("articles_too_old")
            return {"url": url, "skip": "older than --since"}
        return {"url": url, "article": article, "aliases": aliases}

    def article_done(self, listing: ListingPage | None) -> Iterator[Request]:
        if listing is None:
            return
        listing.pending -= 1
        if listing.pending <= 0 and self.since is not None:
            yield from self.next_listing(listing)

    def article_failed(self, failure: Failure) -> Iterable[Request]:
        request = failure.request  # type: ignore[attr-defined]
        self.count("articles_failed")
        self.state.fail(request.url, _reason(failure))
        return self.article_done(request.cb_kwargs.get("listing"))


def _headers(response: Response) -> dict[str, str]:
    return {
        key.decode("latin-1"): (response.headers.get(key) or b"").decode("latin-1")
        for key in response.headers
    }


def _reason(failure: Failure) -> str:
    value = failure.value
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return f"{type(value).__name__}: {value}".strip()


def _link_titles(page: Any) -> dict[str, str]:
    """Absolute link URL -> link text, to match listing links with URL-less posts."""
    titles = {}
    for anchor in page.tree.iter("a"):
        href = anchor.get("href")
        text = anchor.text_content().strip()
        if href and text:
            titles[urljoin(page.url, href)] = text
    return titles
