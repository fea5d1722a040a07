"""Item pipelines: extract each article, check it, write it.

Enable them in any Scrapy project (``archiver.settings`` does)::

    ITEM_PIPELINES = {
        "archiver.pipelines.ExtractionPipeline": 50,    # ArticlePages -> Article
        "archiver.pipelines.ValidationPipeline": 100,   # reject with the reason
        "archiver.pipelines.ArchivePipeline": 300,      # the post and the ledger
    }
    ARCHIVER_OUTPUT = "my-site"

A spider yields ``archiver.items.ArticlePages`` (what it fetched, with where
it found it) or ready ``archiver.Article`` items. Without ``ARCHIVER_OUTPUT``
the pipelines are not enabled (``NotConfigured``): nothing is written anywhere.

What fails goes into the report (``archiver.signals.url_failed``); what fails
validation also goes to ``rejects.jsonl`` in the archive root, one JSON
object a line (``url``, ``field``, ``reason``, ``time``), and into the stats
(``archiver/rejected/<field>``). Nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar

from pydantic import ValidationError
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.reactor import is_asyncio_reactor_installed

from archiver.archive.session import ArchiveSession, close_session, open_session
from archiver.archive.store import SaveResult
from archiver.archive.writer import PostWriter
from archiver.errors import InvalidArticle, NotAnArticle
from archiver.extraction.article import Found
from archiver.items import ArticlePages
from archiver.models import Article
from archiver.options import Options
from archiver.report import site_rates
from archiver.signals import report_failure, url_failed
from archiver.workers import WorkerPool, default_workers, extract_fetched

__all__ = ["ArchivePipeline", "ExtractionPipeline", "ValidationPipeline"]

T = TypeVar("T")

# Problems that make a post wrong, found by the extractor and flagged in the model.
_BLOCKING_WARNINGS = {"mojibake", "replacement-chars"}
FIELDS = ("title", "date_published", "authors", "tags", "lead_image", "body_html")


def _options(crawler: Any) -> Options:
    options = Options.from_settings(crawler.settings)
    if options.output is None:
        raise NotConfigured("ARCHIVER_OUTPUT is not set: no archive to write to")
    return options


def _article_of(item: Any) -> Article | None:
    if isinstance(item, Article):
        return item
    if isinstance(item, ArticlePages):
        return item.article
    if isinstance(item, dict):
        article = item.get("article")
        return article if isinstance(article, Article) else None
    return None


def _url_of(item: Any) -> str:
    if isinstance(item, ArticlePages):
        return item.url
    if isinstance(item, Article):
        return item.url or item.canonical_url or "?"
    if isinstance(item, dict):
        return str(item.get("url") or "?")
    return "?"


def _quiet_drop(message: str) -> DropItem:
    # Counted in the stats and the report; one log line per item is noise.
    return DropItem(message, log_level="DEBUG")


class ExtractionPipeline:
    """``ArticlePages`` to ``Article``, through ``extract_pages``: the one path."""

    def __init__(self, crawler: Any, options: Options) -> None:
        self.crawler = crawler
        self.options = options
        size = options.workers if options.workers >= 0 else default_workers()
        self.pool: WorkerPool | None = None
        if size > 0 and is_asyncio_reactor_installed():
            self.pool = WorkerPool(size, timeout=options.worker_timeout)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionPipeline:
        return cls(crawler, _options(crawler))

    def open_spider(self) -> None:
        if self.pool is not None:
            self.pool.start()  # workers start while the first pages are fetched

    def close_spider(self) -> None:
        if self.pool is not None:
            self.crawler.stats.set_value("archiver/workers_replaced", self.pool.replaced)
            self.pool.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePages) or item.article is not None:
            return item
        stats = self.crawler.stats
        url = item.url
        try:
            if self.pool is not None:
                extracted = await self.pool.extract(item.pages, self.options, item.found)
            else:
                extracted = extract_fetched(item.pages, self.options, item.found)
        except NotAnArticle as exc:
            stats.inc_value("archiver/not_an_article")
            report_failure(self.crawler, url, f"not an article: {exc.said}", retry=False)
            raise _quiet_drop(f"{url}: not an article: {exc.said}") from None
        except InvalidArticle as exc:
            _reject(self.crawler, self.options, url, exc.field, exc.reason)
        except Exception as exc:  # ExtractionError, or anything a page provokes
            report_failure(self.crawler, url, f"extraction: {exc}", found=item.found)
            raise _quiet_drop(f"{url}: extraction: {exc}") from None
        item.article, item.aliases = extracted.article, extracted.aliases
        since = self.options.since
        published = extracted.article.date_published
        if since is not None and published is not None and published < since:
            stats.inc_value("archiver/articles_too_old")
            raise _quiet_drop(f"{url}: published before --since")
        return item


class ValidationPipeline:
    """Turn each item into a valid ``Article`` or reject it with the reason."""

    def __init__(self, crawler: Any, options: Options) -> None:
        self.crawler = crawler
        self.options = options

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidationPipeline:
        return cls(crawler, _options(crawler))

    def process_item(self, item: Any) -> Any:
        url = _url_of(item)
        if isinstance(item, dict) and isinstance(item.get("article"), dict):
            try:
                item = {**item, "article": Article.model_validate(item["article"])}
            except ValidationError as exc:
                first = exc.errors()[0]
                self.reject(url, ".".join(map(str, first["loc"])) or "?", first["msg"])
        article = _article_of(item)
        if article is None:
            self.reject(url, "article", "no article in the item")
        blocking = _BLOCKING_WARNINGS.intersection(article.warnings)
        if blocking:
            self.reject(url, "body_html", f"text is garbled ({', '.join(sorted(blocking))})")
        return item

    def reject(self, url: str, field: str, reason: str) -> NoReturn:
        _reject(self.crawler, self.options, url, field, reason)


def _reject(crawler: Any, options: Options, url: str, field: str, reason: str) -> NoReturn:
    """Record a rejected article (stats, ``rejects.jsonl``, the report) and drop it."""
    stats = crawler.stats
    stats.inc_value("archiver/articles_rejected")
    stats.inc_value(f"archiver/rejected/{field}")
    record = {"url": url, "field": field, "reason": reason, "time": _now()}
    assert options.output is not None
    rejects = options.output / "rejects.jsonl"
    rejects.parent.mkdir(parents=True, exist_ok=True)
    with rejects.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    report_failure(crawler, url, f"rejected: {field}: {reason}", retry=False)
    raise _quiet_drop(f"{url}: {field}: {reason}")  # rejects.jsonl and the report say it


class ArchivePipeline:
    """Write each valid article's post; count written, updated and unchanged.

    The archive is opened, repaired and locked in ``open_spider`` and released
    in ``close_spider``: ``scrapy crawl`` is locked like the ``archiver`` command.
    """

    def __init__(self, crawler: Any, options: Options) -> None:
        self.crawler = crawler
        self.options = options
        self.session: ArchiveSession | None = None
        self.writer: PostWriter | None = None
        self.field_counts: dict[str, dict[str, int]] = {}
        crawler.signals.connect(self.url_failed, signal=url_failed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(crawler, _options(crawler))

    def open_spider(self) -> None:
        options = self.options
        assert options.output is not None
        self.session = open_session(
            options.output,
            image_placeholder=options.image_placeholder,
            durable=options.fsync,
            front_matter=options.front_matter,
        )
        self.writer = self.session.writer  # shared by the crawls of this process
        if any(self.session.repaired.values()):
            self.crawler.stats.set_value("archiver/repaired", self.session.repaired)

    def close_spider(self) -> None:
        if self.session is None:
            return
        self.writer = None  # the session closes it once its last crawl is done
        self.crawler.stats.set_value("archiver/sites", self._site_rates())
        close_session(self.session)
        self.session = None

    def url_failed(self, url: str, reason: str, retry: bool, found: Found) -> None:
        if retry and self.session is not None and self.writer is not None:
            ledger = self.session.archive.ledger
            done = self.writer.submit(lambda: ledger.record_failure(url, reason, found.to_json()))
            done.add_done_callback(self._ledger_written)

    def _ledger_written(self, done: Future[Any]) -> None:
        if done.exception() is not None:  # the ledger cannot be written (disk full):
            self.crawler.stats.inc_value("archiver/ledger_write_failed")  # the report lists it

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, dict) and "error" in item and "article" not in item:
            return item
        article = _article_of(item)
        if article is None or self.session is None or self.writer is None:
            raise DropItem(f"{_url_of(item)}: nothing to write")
        aliases = item.aliases if isinstance(item, ArticlePages) else ()
        if isinstance(item, dict):
            aliases = tuple(item.get("aliases", ()))
        archive = self.session.archive
        stale = {_url_of(item), article.url, *aliases} - {None, "?"}

        def save() -> SaveResult:
            result = archive.save(article, mark_updated=True, aliases=aliases)
            for url in stale:  # written: its failure rows go
                assert url is not None
                archive.ledger.clear_failure(url)
            return result

        try:
            result = await _wait(self.writer.submit(save))
        except (OSError, sqlite3.Error) as exc:
            # No space, no permission, a read-only file system, a broken ledger:
            # the article fails with the reason, and the next run writes it.
            why = getattr(exc, "strerror", None) or str(exc)
            self.crawler.stats.inc_value("archiver/write_failed")
            found = item.found if isinstance(item, ArticlePages) else None
            report_failure(self.crawler, _url_of(item), f"write failed: {why}", found=found)
            raise _quiet_drop(f"{_url_of(item)}: write failed: {why}") from None
        self.crawler.stats.inc_value(f"archiver/articles_{result.status}")
        if article.key_url and self.session is not None:
            self.session.known_urls.add(article.key_url)
        self._count_fields(article)
        return item

    def _count_fields(self, article: Article) -> None:
        site = (article.categories[1] if len(article.categories) > 1 else None) or (
            article.site_name or "?"
        )
        counts = self.field_counts.setdefault(site, dict.fromkeys(("articles", *FIELDS), 0))
        counts["articles"] += 1
        for name in FIELDS:
            value = getattr(article, name)
            if name == "authors":
                value = value or article.editor or article.source
            if value:
                counts[name] += 1

    def _site_rates(self) -> dict[str, Any]:
        assert self.session is not None
        return site_rates(self.field_counts, self.session.archive.ledger)


async def _wait(future: Future[T]) -> T:
    """A writer thread's result, awaited on the reactor (asyncio, or Twisted)."""
    if is_asyncio_reactor_installed():
        return await asyncio.wrap_future(future)
    from twisted.internet import defer

    deferred: defer.Deferred[T] = defer.Deferred()
    from twisted.internet import reactor

    future.add_done_callback(
        lambda done: reactor.callFromThread(
            deferred.errback if done.exception() else deferred.callback,
            done.exception() or done.result(),
        )
    )
    return await deferred


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
