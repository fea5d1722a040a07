"""``scrapy crawl mydrivers``: 快科技 (mydrivers.com).

``-a tag=xiaomi`` archives a tag page and its pagination, ``-a url=...``
single articles (or any mydrivers listing), and no argument the latest news.
"""

from __future__ import annotations

from typing import Any

from archiver.spiders.base import ArchiveSpider

from archiver.sites import get_site


class MyDriversSpider(ArchiveSpider):
    name = "mydrivers"

    def __init__(self, tag: str | None = None, url: Any = None, **kwargs: Any) -> None:
        super().__init__(url=url, **kwargs)
        self.tag = tag

    def start_urls_list(self) -> list[str]:
        if self.tag:
            return [f"https://news.mydrivers.com/tag/{self.tag.removesuffix('.htm')}.htm"]
        if self.urls:
            return self.urls
        latest = get_site("mydrivers").latest_url
        assert latest, "the mydrivers module names no latest-news list"
        return [latest]

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> MyDriversSpider:
        spider: MyDriversSpider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[assignment]
        spider.site_name = spider.site_name or "mydrivers"
        return spider
