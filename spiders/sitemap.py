"""``scrapy crawl sitemap -a url=URL``: articles listed by sitemaps.

The URL is a sitemap, a news sitemap, a sitemap index (followed, at most
``max_pages`` sitemaps) or a robots.txt (its ``Sitemap:`` lines).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archiver.spiders.base import ArchiveSpider, ListingPage
from scrapy.http import Request, Response

from archiver.errors import NotAnArticle
from archiver.extraction.feeds import parse_sitemap, robots_sitemaps
from archiver.sniff import crawl_as_found


class SitemapSpider(ArchiveSpider):
    name = "sitemap"
    sitemaps_followed = 0

    def start_requests(self) -> Iterator[Request]:
        if not self.urls:
            raise ValueError("the sitemap spider needs a sitemap or robots.txt URL (-a url=...)")
        for url in self.urls:
            yield self.sitemap_request(url)
        yield from self.retry_requests()

    def sitemap_request(self, url: str) -> Request:
        self.allow(url)
        self.sitemaps_followed += 1
        callback = self.parse_robots if url.endswith("/robots.txt") else self.parse_sitemap
        return Request(url, callback=callback, errback=self.listing_failed, dont_filter=True)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        self.count("pages_fetched")
        found = robots_sitemaps(response.text, response.url)
        if not found:
            self.fail(response.url, "robots.txt names no sitemap", retry=False)
        for url in found:
            yield self.sitemap_request(url)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        other = crawl_as_found(self, response, "sitemap")  # a feed or web page given as a sitemap
        if other is not None:
            yield from other
            return
        self.count("pages_fetched")
        try:
            sitemap = parse_sitemap(response.body, response.url)
        except NotAnArticle as exc:
            self.fail(response.url, f"sitemap: {exc}", retry=False)
            return
        for url in sitemap.sitemaps:
            if (
                self.options.max_pages is not None
                and self.sitemaps_followed >= self.options.max_pages
            ):
                self.count("stopped/max_pages")
                break
            yield self.sitemap_request(url)
        yield from self.entry_requests(ListingPage(response.url, 1, None), sitemap.entries)
