"""``WarcMiddleware``: every response of a crawl, with its request, written to
the archive's WARC files, and for each article the metadata record
``archiver reextract`` rebuilds it from."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from archiver.items import ArticlePages
from archiver.options import Options
from archiver.warc.files import WARC_FOLDER
from archiver.warc.writer import _GUARD, WarcWriter

__all__ = ["Capture", "WarcMiddleware", "capture_options"]

_REMEMBERED = 20_000
"""Response records remembered for the articles' metadata records (the pages
of an article come shortly before it; listing pages are never asked for)."""
_NOT_CAPTURED = ("output", "report", "progress", "fsync", "max_retry_runs")
"""Options that do not change a post: not written in the capture."""

# ------------------------------------------------------------------ the crawl


def capture_options(options: Options) -> dict[str, Any]:
    """The options of a run that decide its posts, as ``ARCHIVER_*`` settings."""
    names = {f"ARCHIVER_{name.upper()}" for name in _NOT_CAPTURED}
    return {k: v for k, v in options.to_settings().items() if k not in names}


@dataclass
class _Shared:
    writer: WarcWriter
    users: int = 0


_WRITERS: dict[Path, _Shared] = {}


def _acquire(folder: Path, options: Options) -> WarcWriter:
    key = folder.resolve()
    with _GUARD:
        shared = _WRITERS.get(key)
        if shared is None:
            writer = WarcWriter(folder, max_bytes=options.warc_max_bytes, durable=options.fsync)
            shared = _WRITERS[key] = _Shared(writer)
        shared.users += 1
        return shared.writer


def _release(writer: WarcWriter) -> None:
    with _GUARD:
        for key, shared in list(_WRITERS.items()):
            if shared.writer is writer:
                shared.users -= 1
                if shared.users > 0:
                    return
                del _WRITERS[key]
    writer.close()


@dataclass
class Capture:
    """What ``reextract`` needs of one article, as its metadata record says."""

    found: dict[str, Any]
    pages: list[dict[str, Any]]
    options: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


class WarcMiddleware:
    """Write every response, with its request, to the archive's WARC files; and
    for each article, the metadata record ``archiver reextract`` rebuilds it from."""

    def __init__(self, crawler: Any, options: Options) -> None:
        assert options.output is not None
        self.crawler = crawler
        self.options = options
        self.folder = options.output / WARC_FOLDER
        self.writer: WarcWriter | None = None
        # The response record of each recent page, for the article's metadata record.
        self.records: OrderedDict[str, str] = OrderedDict()
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_done, signal=signal)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcMiddleware:
        options = Options.from_settings(crawler.settings)
        if not options.warc:
            raise NotConfigured("ARCHIVER_WARC is off")
        if options.output is None:
            raise NotConfigured("ARCHIVER_OUTPUT is not set: no archive to keep WARC files in")
        return cls(crawler, options)

    def _writer(self) -> WarcWriter:
        if self.writer is None:
            # Spider arguments are settings by now: read the options again.
            self.options = Options.from_settings(self.crawler.settings)
            self.writer = _acquire(self.folder, self.options)
        return self.writer

    def process_response(self, request: Request, response: Response) -> Response:
        record = self._writer().exchange(request, response)
        self.crawler.stats.inc_value("archiver/warc_responses")
        if "archiver_image" not in request.meta:  # an image is no page of an article
            self.records[response.url] = record
            self.records.move_to_end(response.url)
            if len(self.records) > _REMEMBERED:
                self.records.popitem(last=False)  # reextract finds it by URL then
        return response

    def item_done(self, item: Any, **_: Any) -> None:
        if not isinstance(item, ArticlePages) or not item.pages:
            return
        pages = [
            {
                "url": page.url,
                "response": self.records.pop(page.url, None),
                "fetched_at": page.fetched_at.isoformat() if page.fetched_at else None,
                "headers": dict(page.headers),
            }
            for page in item.pages
        ]
        data = {
            "archiver": "article",
            "version": 1,
            "found": item.found.to_json(),
            "pages": pages,
            "options": capture_options(self.options),
        }
        first = pages[0]["response"]
        refers_to = first if isinstance(first, str) else None
        self._writer().metadata(item.pages[0].url, data, refers_to=refers_to)
        self.crawler.stats.inc_value("archiver/warc_articles")

    def spider_closed(self, spider: Any) -> None:
        if self.writer is not None:
            _release(self.writer)
            self.writer = None
