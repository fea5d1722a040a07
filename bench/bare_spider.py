"""The floor Scrapy sets: a spider that fetches what ``archiver tag`` fetches and keeps nothing.

    python -m bench.bare_spider http://127.0.0.1:PORT/tag/keji.htm --report bare.json \
        -s CONCURRENT_REQUESTS=32 ...

It follows the same links as the archiver's crawl of a tag page: every
article link on each listing page (``/1/<n>/<id>.htm``, deduplicated), the
``下一页`` link, and pages 2..n of split articles; it reads links with
regular expressions on the raw bytes (the cheapest possible parse) and
throws every page away. Same Scrapy settings as the archiver (its settings
module, without item pipelines and the report extension), same ``-s``.
The report (JSON): ``pages_fetched`` (listing pages), ``articles``,
``article_pages``, ``bytes``, ``elapsed_s`` (spider open to close).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.http import Request, Response

__all__ = ["BareSpider", "main"]

_ARTICLE = re.compile(rb'href="([^"]*/1/(\d+)/(\d+)\.htm)"')
_NEXT = re.compile(rb'<a href="([^"]+)"[^>]*>\xe4\xb8\x8b\xe4\xb8\x80\xe9\xa1\xb5</a>')  # 下一页
_PART = re.compile(rb'href="([^"]*/1/\d+/(\d+)_(\d+)\.htm)"')
_HERE = re.compile(r"/(\d+)(?:_(\d+))?\.htm$")


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = url
        self.seen: set[str] = set()
        self.counts = {"pages_fetched": 0, "articles": 0, "article_pages": 0, "bytes": 0}
        self.opened = self.closed_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BareSpider:
        spider: BareSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    def _opened(self) -> None:
        self.opened = time.monotonic()

    def _closed(self) -> None:
        self.closed_at = time.monotonic()

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.start_url, callback=self.parse_listing, dont_filter=True)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        body = response.body
        self.counts["pages_fetched"] += 1
        self.counts["bytes"] += len(body)
        base = response.url
        for match in _ARTICLE.finditer(body):
            folder, ident = int(match.group(2)), int(match.group(3))
            if folder != ident // 1000:
                continue
            url = urljoin(base, match.group(1).decode())
            if url not in self.seen:
                self.seen.add(url)
                yield Request(url, callback=self.parse_article, dont_filter=True, priority=10)
        found = _NEXT.search(body)
        if found:
            yield Request(
                urljoin(base, found.group(1).decode()),
                callback=self.parse_listing,
                dont_filter=True,
            )

    def parse_article(self, response: Response) -> Iterator[Request]:
        body = response.body
        self.counts["bytes"] += len(body)
        self.counts["article_pages"] += 1
        here = _HERE.search(response.url)
        ident, page = (int(here.group(1)), int(here.group(2) or 1)) if here else (0, 1)
        if page == 1:
            self.counts["articles"] += 1
        for match in _PART.finditer(body):
            if int(match.group(2)) == ident and int(match.group(3)) == page + 1:
                url = urljoin(response.url, match.group(1).decode())
                if url not in self.seen:
                    self.seen.add(url)
                    yield Request(url, callback=self.parse_article, dont_filter=True, priority=20)
                break


def _setting(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    return name, value


def main(argv: list[str] | None = None) -> None:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    parser = argparse.ArgumentParser(description="fetch a tag page's articles, keep nothing")
    parser.add_argument("url")
    parser.add_argument("--report", required=True)
    parser.add_argument("-s", dest="settings", action="append", type=_setting, default=[])
    args = parser.parse_args(argv)
    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.set("ITEM_PIPELINES", {}, priority="project")
    settings.set("EXTENSIONS", {}, priority="project")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    for name, value in args.settings:
        settings.set(name, value, priority="cmdline")
    started = time.monotonic()
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, url=args.url)
    process.start()
    spider: BareSpider = crawler.spider  # type: ignore[assignment]
    report = {
        **spider.counts,
        "elapsed_s": round(spider.closed_at - spider.opened, 3),
        "wall_s": round(time.monotonic() - started, 3),
    }
    with open(args.report, "w", encoding="utf-8") as handle:
        json.dump(report, handle)


if __name__ == "__main__":
    main()
