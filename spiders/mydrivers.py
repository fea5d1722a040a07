"""``scrapy crawl mydrivers``: 快科技 (mydrivers.com), a shorthand of ``tag -a site=mydrivers``.

``-a tag=xiaomi`` archives a tag page and its pagination, ``-a url=...``
single articles (or any mydrivers listing), and no argument the latest news.
"""

from __future__ import annotations

from typing import Any

from archiver.spiders.base import ArchiveSpider


class MyDriversSpider(ArchiveSpider):
    name = "mydrivers"

    def __init__(self, tag: str | None = None, url: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("site", "mydrivers")
        super().__init__(url=url, **kwargs)
        self.tag = tag

    def start_urls_list(self) -> list[str]:
        if self.tag:
            return [f"https://news.mydrivers.com/tag/{self.tag.removesuffix('.htm')}.htm"]
        return super().start_urls_list()
