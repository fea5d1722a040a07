"""Outcomes handed back: built by a worker's pipeline, written by the archiving process.

On a worker, ``HandBackPipeline`` is the only item pipeline: it extracts the
article through the one path (``extract_fetched``, in the extraction worker
processes like ``ExtractionPipeline``) and files the result on the request's
chain, as the archiving process's pipelines would have counted it: the
article, or the failure, the rejection, the ``--since`` skip. The chain's
end hands it back.

In the archiving process, each outcome becomes ``HandedBack`` items (an
``ArticlePages`` with its article filled in) sent through the item
pipelines: ``ReplayPipeline`` (first) records the failures, rejections and
counts of the worker as its own and lets the articles on, through
validation, images and ``ArchivePipeline``, exactly as its own articles go.
The spider sees each item leave the pipelines like its own, so a listing
waiting for its articles (``--since``) goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.reactor import is_asyncio_reactor_installed

from archiver.distributed.codec import Outcome
from archiver.errors import InvalidArticle, NotAnArticle
from archiver.items import ArticlePages
from archiver.options import Options
from archiver.signals import report_failure

__all__ = ["HandBackPipeline", "HandedBack", "ReplayPipeline", "handed_back_items"]


@dataclass
class HandedBack(ArticlePages):
    """An article (or, without one, the failures) a worker handed back."""

    outcome: Outcome | None = None
    first: bool = True
    """The first item of its outcome: it carries the outcome's failures and counts."""


def handed_back_items(outcome: Outcome) -> list[HandedBack]:
    if not outcome.articles:
        return [HandedBack([], outcome.found, outcome=outcome)]
    return [
        HandedBack([], found, article, aliases, outcome=outcome, first=number == 0)
        for number, (article, aliases, found) in enumerate(outcome.articles)
    ]


def _quiet(message: str) -> DropItem:
    return DropItem(message, log_level="DEBUG")


class ReplayPipeline:
    """First pipeline of the archiving process: a worker's outcome, recorded as ours."""

    def __init__(self, crawler: Any, options: Options) -> None:
        self.crawler = crawler
        self.options = options

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReplayPipeline:
        settings = crawler.settings
        if not settings.get("ARCHIVER_REDIS") or settings.get("ARCHIVER_REDIS_ROLE") == "worker":
            raise NotConfigured("not the archiving process of a shared crawl")
        return cls(crawler, Options.from_settings(settings))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, HandedBack) or item.outcome is None:
            return item
        outcome = item.outcome
        if item.first:
            stats = self.crawler.stats
            for key, count in outcome.stats.items():
                stats.inc_value(key, count)
            for url, reason, retry, found in outcome.failures:
                report_failure(self.crawler, url, reason, retry=retry, found=found)
            for url, field, reason in outcome.rejected:
                from archiver.pipelines import _reject

                _reject(self.crawler, self.options, url, field, reason)  # raises DropItem
        if item.article is None:
            raise _quiet(f"{item.url}: handed back without an article")
        if outcome.fingerprint:
            from archiver.distributed.member import member_of

            member = member_of(self.crawler)
            if member.client.sismember(member.keys.done, outcome.fingerprint):
                self.crawler.stats.inc_value("archiver/redis/duplicate")
                raise _quiet(f"{item.url}: kept already in this crawl")
        return item


class _SharedPool:
    """One pool of extraction processes for every crawler of a worker (one per source)."""

    pool: Any = None
    users = 0

    @classmethod
    def take(cls, options: Options) -> Any:
        from archiver.workers import WorkerPool, default_workers

        size = options.workers if options.workers >= 0 else default_workers()
        if size <= 0 or not is_asyncio_reactor_installed():
            return None
        if cls.pool is None:
            cls.pool = WorkerPool(size, timeout=options.worker_timeout)
            cls.pool.start()
        cls.users += 1
        return cls.pool

    @classmethod
    def give(cls) -> None:
        cls.users -= 1
        if cls.users <= 0 and cls.pool is not None:
            cls.pool.close()
            cls.pool = None


class HandBackPipeline:
    """A worker's only pipeline: extract, and file the outcome on the request's chain."""

    def __init__(self, crawler: Any, options: Options) -> None:
        self.crawler = crawler
        self.options = options
        self.pool: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> HandBackPipeline:
        settings = crawler.settings
        if settings.get("ARCHIVER_REDIS_ROLE") != "worker":
            raise NotConfigured("not a worker of a shared crawl")
        return cls(crawler, Options.from_settings(settings))

    def open_spider(self) -> None:
        self.pool = _SharedPool.take(self.options)  # started while the first pages come

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool = None
            _SharedPool.give()

    async def process_item(self, item: Any) -> Any:
        from archiver.distributed.member import member_of
        from archiver.workers import extract_fetched

        if not isinstance(item, ArticlePages) or not item.pages:
            return item
        member = member_of(self.crawler)
        chain = member.chains.of_item(item)
        outcome = chain.outcome if chain is not None else Outcome("", item.found, by=member.id)
        url, found = item.url, item.found
        stats = self.crawler.stats

        def count(key: str) -> None:
            stats.inc_value(key)
            outcome.stats[key] = outcome.stats.get(key, 0) + 1

        try:
            if self.pool is not None:
                extracted = await self.pool.extract(item.pages, self.options, found)
            else:
                extracted = extract_fetched(item.pages, self.options, found)
        except NotAnArticle as exc:
            count("archiver/not_an_article")
            outcome.failures.append((url, f"not an article: {exc.said}", False, found))
        except InvalidArticle as exc:
            outcome.rejected.append((url, exc.field, exc.reason))
        except Exception as exc:  # ExtractionError, or anything a page provokes
            outcome.failures.append((url, f"extraction: {exc}", True, found))
        else:
            item.article, item.aliases = extracted.article, extracted.aliases
            since = self.options.since
            published = extracted.article.date_published
            if since is not None and published is not None and published < since:
                count("archiver/articles_too_old")
            else:
                outcome.articles.append((extracted.article, extracted.aliases, found))
        if chain is None:  # its chain ended already (stalled): handed back on its own
            member.hand_back_loose(outcome)
        if outcome.articles and outcome.articles[-1][0] is item.article:
            return item
        raise _quiet(f"{url}: handed back without an article")
