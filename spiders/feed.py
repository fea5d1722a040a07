"""``scrapy crawl feed -a url=URL``: the articles of an RSS or Atom feed.

As in the old archive, the feed's title names the site: it becomes the
post's second category and its ``author``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from archiver.spiders.base import ArchiveSpider, ListingPage
from scrapy.http import Request, Response

from archiver.errors import NotAnArticle
from archiver.extraction.feeds import parse_feed
from archiver.sniff import crawl_as_found


class FeedSpider(ArchiveSpider):
    name = "feed"

    def start_requests(self) -> Iterator[Request]:
        if not self.urls:
            raise ValueError("the feed spider needs a feed URL (-a url=...)")
        for url in self.urls:
            self.allow(url)
            yield Request(url, callback=self.parse_feed, errback=self.listing_failed,
                          dont_filter=True)  # fmt: skip
        yield from self.retry_requests()

    def parse_feed(self, response: Response) -> Iterator[Any]:
        other = crawl_as_found(self, response, "feed")  # a listing page or sitemap given as a feed
        if other is not None:
            yield from other
            return
        self.count("pages_fetched")
        try:
            feed = parse_feed(response.body, response.url)
        except NotAnArticle as exc:
            self.fail(response.url, f"feed: {exc}", retry=False)
            return
        listing = ListingPage(response.url, 1, None, feed_title=feed.title)
        yield from self.entry_requests(listing, feed.entries)
