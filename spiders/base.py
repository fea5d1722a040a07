"""The spider every archiving crawl runs: navigation only.

It knows where to go (listing and tag pages, their next pages, article
links, pages 2..n of an article) and when to stop. What a page means is not
its business: it yields each article's fetched pages, with where it found
them, as an ``ArticlePages`` item, and the item pipelines extract, check and
write (``archiver.pipelines``).

Arguments (``-a NAME=VALUE``): ``url`` (space-separated for several), and
any option of ``archiver.options.Options`` (``site``, ``max_pages``,
``since``, ``refresh``, ``categories``...), which the spider sets as the
crawl's ``ARCHIVER_*`` setting so that every component reads the same value.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from archiver.spiders.articles import ArticleSteps
from archiver.spiders.listing import ListingPage, failure_reason, link_titles
from scrapy import signals
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archiver.archive.session import ArchiveSession
from archiver.extraction import make_page
from archiver.extraction.article import Found
from archiver.items import response_headers
from archiver.middlewares import netloc_of
from archiver.options import OPTION_NAMES, Options
from archiver.signals import report_failure
from archiver.sites import Site, get_site, site_for_url
from archiver.sniff import crawl_as_found

__all__ = ["ArchiveSpider", "ListingPage"]


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.split() if part]
    return [str(part) for part in value]


class ArchiveSpider(ArticleSteps):
    """Archive articles and listing pages: ``-a url=...`` (space-separated for several)."""

    name = "archive"
    options: Options

    def __init__(self, url: Any = None, **kwargs: Any) -> None:
        self.arguments = {k: v for k, v in kwargs.items() if k in OPTION_NAMES}
        super().__init__(**{k: v for k, v in kwargs.items() if k not in OPTION_NAMES})
        self.urls = _as_list(url)
        self.seen: set[str] = set()
        self.started_listings: list[str] = []
        self.incomplete: set[str] = set()
        """Start URLs whose chain stopped early (page limit, --since, a repeated
        page): not marked finished, so the next run walks on past known pages."""
        self.chains: dict[str, tuple[set[str], tuple[str, ...]]] = {}
        """Per start URL: the listing pages seen, and the last page's article links."""
        self.allowed_hosts: set[str] = set()
        """Hosts (netlocs) this crawl fetches from: redirects may not leave them."""
        self.listings: dict[str, ListingPage] = {}
        self.session: ArchiveSession | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider: ArchiveSpider = super().from_crawler(crawler, *args, **kwargs)
        # Arguments become the crawl's settings (not frozen yet), so that the
        # pipelines and the report read the same options as the spider.
        for name, value in spider.arguments.items():
            if value not in (None, ""):
                crawler.settings.set(f"ARCHIVER_{name.upper()}", value, priority="cmdline")
        spider.options = Options.from_settings(crawler.settings)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider.item_done, signal=signal)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    # ------------------------------------------------------------ plumbing

    def start_urls_list(self) -> list[str]:
        """Where this crawl starts: the ``url`` argument, else the latest-news
        list of the site given by ``site`` (``archiver crawl SITE``)."""
        if self.urls:
            return self.urls
        if self.options.site:
            latest = get_site(self.options.site).latest_url
            if latest:
                return [latest]
            raise ValueError(
                f"site {self.options.site!r} has no latest-news list: give a URL (-a url=...)"
            )
        return []

    def site(self, url: str) -> Site:
        return site_for_url(url, self.options.site)

    def count(self, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archiver/{key}", n)

    def allow(self, url: str) -> None:
        """``url``'s host is one of this crawl's: redirects may lead there."""
        self.allowed_hosts.add(netloc_of(url))

    def fail(
        self, url: str, reason: str, *, retry: bool = True, found: Found | None = None
    ) -> None:
        report_failure(self.crawler, url, reason, retry=retry, found=found)

    def _open_archive(self) -> None:
        """The archive the pipelines opened: what is known already is not fetched."""
        from archiver.pipelines import ArchivePipeline

        try:
            pipeline = self.crawler.get_item_pipeline(ArchivePipeline)
        except (KeyError, RuntimeError, AttributeError):
            pipeline = None
        self.session = getattr(pipeline, "session", None)
        given_up: set[str] = set()
        if self.session is not None:
            failures = self.session.archive.ledger.failures()
            given_up = {url for url, _, n in failures if n >= self.options.max_retry_runs}
        self.given_up = given_up

    async def start(self) -> AsyncIterator[Any]:
        self._open_archive()
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        urls = self.start_urls_list()
        if not urls:
            raise ValueError(f"spider {self.name!r} needs a start URL (-a url=...)")
        ledger = self.session.archive.ledger if self.session else None
        for url in urls:
            self.allow(url)
            self.allowed_hosts.update(self.site(url).hosts)
            if self.site(url).is_article_url(url):
                request = self.article_request(url, None, force=True)
                if request is not None:
                    yield request
            else:
                resuming = ledger.begin_crawl(url) if ledger else False
                self.started_listings.append(url)
                if resuming:
                    self.logger.info("resuming the unfinished crawl of %s", url)
                yield self.listing_request(url, 1, None, resuming=resuming, start=url)
        yield from self.retry_requests()

    def retry_requests(self) -> Iterator[Request]:
        """Articles that failed in earlier runs, with where they had been found."""
        if self.session is None:
            return
        ledger = self.session.archive.ledger
        for url, _reason, _attempts in ledger.failures(self.options.max_retry_runs):
            found = Found.from_json(ledger.found_of(url))
            request = self.article_request(url, None, found=found)
            if request is not None:
                self.count("retried_from_earlier_runs")
                yield request

    # ------------------------------------------------------------ listings

    def listing_request(
        self, url: str, number: int, tag: str | None, *, resuming: bool = False, start: str = ""
    ) -> Request:
        self.allow(url)
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"number": number, "tag": tag, "resuming": resuming, "start": start or url},
            dont_filter=True,
        )

    def spider_idle(self) -> None:
        # Idle with nothing left to do: the crawl ends "finished" right after.
        # Marked here, not in closed(): the pipelines have closed the archive by then.
        if self.session is not None:
            for url in self.started_listings:
                if url not in self.incomplete:
                    self.session.archive.ledger.finish_crawl(url)
            self.started_listings = []

    def parse_listing(
        self,
        response: Response,
        number: int,
        tag: str | None,
        resuming: bool = False,
        start: str = "",
    ) -> Iterator[Any]:
        other = crawl_as_found(self, response, "html")  # a feed or sitemap given as a listing
        if other is not None:
            yield from other
            return
        self.count("pages_fetched")
        site = self.site(response.url)
        try:
            page = make_page(response.body, response.url, headers=response_headers(response))
            listing = site.parse_listing(page)
        except Exception as exc:  # a broken listing must not stop the crawl
            self.fail(response.url, f"listing: {type(exc).__name__}: {exc}", retry=False)
            return
        current = ListingPage(
            response.url,
            number,
            tag or listing.title,
            listing.next_page,
            resuming=resuming,
            start=start or response.url,
        )
        if self._repeated(current, tuple(listing.article_urls)):
            return
        titles = link_titles(page) if self.session and self.session.has_urlless_posts else {}
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
        if self.options.since is None or not requests:
            yield from self.next_listing(current)

    def next_listing(self, page: ListingPage) -> Iterator[Request]:
        if page.done:
            return
        page.done = True
        if not page.next_url:
            return
        if self.options.max_pages is not None and page.number >= self.options.max_pages:
            self.count("stopped/max_pages")
            self.incomplete.add(page.start)
            return
        if self.options.since is not None and not page.recent:
            self.count("stopped/since")
            self.incomplete.add(page.start)
            return
        yield self.listing_request(
            page.next_url, page.number + 1, page.tag, resuming=page.resuming, start=page.start
        )

    def _repeated(self, page: ListingPage, links: tuple[str, ...]) -> bool:
        """True when this listing page was seen already in its chain, or gives
        the same article links as the page before it: the listing keeps coming
        back (a calendar, a broken pager), so the chain stops here."""
        seen, last = self.chains.setdefault(page.start, (set(), ()))
        key = page.url.split("#", 1)[0]
        repeated = key in seen or (page.number > 1 and bool(links) and links == last)
        seen.add(key)
        self.chains[page.start] = (seen, links)
        if repeated:
            self.logger.info("stop at %s: the listing repeats itself", page.url)
            self.count("stopped/repeated_page")
        return repeated

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self.fail(request.url, failure_reason(failure))

    def entry_requests(self, listing: ListingPage, entries: Iterable[Any]) -> list[Request]:
        """Requests for the articles a feed or sitemap lists (``Entry``: url, title,
        published), those older than ``since`` left out without a request."""
        requests = []
        since = self.options.since
        for entry in entries:
            if since and entry.published and entry.published < since:
                self.count("articles_too_old")
                continue
            listing.entries[entry.url] = entry
            request = self.article_request(entry.url, listing)
            if request is not None:
                requests.append(request)
        listing.pending = len(requests)
        return requests
