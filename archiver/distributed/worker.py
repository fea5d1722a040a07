"""``archiver worker --redis URL``: join a shared crawl, fetch, extract, hand back.

A worker waits (``--wait``, 60 s) for the database to serve a crawl, then
runs one Scrapy crawler per source of it, each with the source's spider and
the settings the archiving process was given (the worker's own ``-s`` win),
seeding nothing: every request it fetches is leased from the crawl's queue.
It writes nothing but its report; it leaves when the archiving process says
the crawl is finished, or when that process is gone and nothing is left to
fetch (after ``ARCHIVER_REDIS_GRACE`` seconds), and when the database starts
serving another crawl. Its report (``--report``) says what it did.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scrapy.statscollectors import MemoryStatsCollector

from archiver.distributed import chains as chains_module
from archiver.distributed.errors import CrawlBusy
from archiver.distributed.keys import CRAWL, CrawlKeys, connect, member_id, public_url

__all__ = ["ChainStats", "run_worker"]

logger = logging.getLogger(__name__)

_COUNTS = {
    "requests_leased": "archiver/redis/leased",
    "outcomes_handed_back": "archiver/redis/handed_back",
    "articles_handed_back": "archiver/redis/articles",
    "failures_handed_back": "archiver/redis/failures",
    "leases_lost": "archiver/redis/lease_lost",
    "pages_fetched": "downloader/response_count",
}


class ChainStats(MemoryStatsCollector):
    """The worker's stats: an ``archiver/*`` count made by spider code while it runs
    for a leased request goes into that request's outcome too, for the archiving
    process to add to the crawl's report."""

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        super().inc_value(key, count, start)
        chain = chains_module.current
        if chain is not None and key.startswith("archiver/"):
            stats = chain.outcome.stats
            stats[key] = stats.get(key, 0) + count


def _member_spider(cls: type) -> type:
    """``cls`` seeding nothing: a worker's requests come from the shared queue."""

    async def start(self: Any) -> Any:
        return
        yield  # an async generator, as Scrapy wants start()

    return type(cls.__name__, (cls,), {"start": start, "__module__": cls.__module__})


def _wait_for_crawl(client: Any, wait_s: float) -> str | None:
    deadline = time.monotonic() + wait_s
    while True:
        cid = client.hget(CRAWL, "id")
        if cid and client.hlen(CrawlKeys(cid).sources):
            return str(cid)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.5)


class _Run:
    """The worker's crawlers, one per source, in one Scrapy process."""

    def __init__(self, client: Any, url: str, cid: str, me: str,
                 extra: list[tuple[str, Any]], verbose: bool) -> None:  # fmt: skip
        from scrapy.crawler import CrawlerProcess
        from scrapy.spiderloader import SpiderLoader

        from archiver.run import scrapy_settings

        self.client = client
        self.url = url
        self.keys = CrawlKeys(cid)
        self.me = me
        self.extra = extra
        self.verbose = verbose
        base = scrapy_settings(None, extra, verbose=verbose)
        self.loader = SpiderLoader.from_settings(base)
        self.process = CrawlerProcess(base)
        self.crawlers: dict[str, Any] = {}
        self.specs: dict[str, dict[str, Any]] = {}

    def start_sources(self) -> None:
        finished = set(self.client.hkeys(self.keys.finished))
        for sid, text in self.client.hgetall(self.keys.sources).items():
            if sid in self.crawlers or sid in finished:
                continue
            self.start_source(sid, json.loads(text))

    def start_source(self, sid: str, spec: dict[str, Any]) -> None:
        from scrapy.crawler import Crawler

        from archiver.run import scrapy_settings

        settings = scrapy_settings(None, verbose=self.verbose)
        for name, value in spec["settings"].items():
            settings.set(name, value, priority="cmdline")
        for name, value in self.extra:
            settings.set(name, value, priority="cmdline")
        for name, value in {
            "ARCHIVER_REDIS": self.url,
            "ARCHIVER_REDIS_ROLE": "worker",
            "ARCHIVER_REDIS_CRAWL": self.keys.cid,
            "ARCHIVER_REDIS_SOURCE": sid,
            "ARCHIVER_REDIS_MEMBER": self.me,
            "ARCHIVER_OUTPUT": None,
            "ARCHIVER_REPORT": None,
            "ARCHIVER_PROGRESS": False,
            "STATS_CLASS": ChainStats,
            "ITEM_PIPELINES": {"archiver.distributed.handoff.HandBackPipeline": 300},
        }.items():
            settings.set(name, value, priority="cmdline")
        spider = _member_spider(self.loader.load(spec["spider"]))
        crawler = Crawler(spider, settings, init_reactor=not self.crawlers)
        self.crawlers[sid] = crawler
        self.specs[sid] = spec
        self.process.crawl(crawler)

    def poll(self) -> None:
        """Sources registered after the start get their crawler too."""
        try:
            if self.client.hget(CRAWL, "id") == self.keys.cid:
                self.start_sources()
        except Exception as exc:  # Redis away for a moment
            logger.warning("worker: %s: %s", type(exc).__name__, exc)

    def run(self) -> None:
        self.start_sources()  # the first crawler installs the reactor Scrapy is set for
        if not self.crawlers:
            return
        from twisted.internet import reactor, task

        poller = task.LoopingCall(self.poll)
        reactor.callWhenRunning(lambda: poller.start(1.0, now=False))
        self.process.start()


def run_worker(
    url: str,
    *,
    report: str | Path | None = None,
    extra: Iterable[tuple[str, Any]] = (),
    verbose: bool = False,
    wait_s: float = 60.0,
) -> dict[str, Any]:
    """Join the crawl served by the Redis database at ``url`` until it is done;
    returns (and writes to ``report``) what this worker did."""
    from archiver import __version__
    from archiver.extensions import ReportExtension

    started = time.monotonic()
    client = connect(url)
    me = member_id()
    result: dict[str, Any] = {"worker": me, "redis": public_url(url), "crawl": None}
    cid = _wait_for_crawl(client, wait_s)
    if cid is None:
        result["left"] = f"no crawl to join within {wait_s:g} s"
    else:
        version = client.hget(CRAWL, "version")
        if version and version != __version__:
            raise CrawlBusy(f"the crawl runs archiver {version}, this worker is {__version__}")
        result["crawl"] = cid
        run = _Run(client, url, cid, me, list(extra), verbose)
        run.run()
        sources = []
        for sid, crawler in run.crawlers.items():
            stats = crawler.stats.get_stats() if crawler.stats else {}
            try:
                extension = crawler.get_extension(ReportExtension)
            except RuntimeError:  # the crawler did not start
                extension = None
            own = getattr(extension, "report", None) or {}
            sources.append(
                {
                    "id": sid,
                    "spider": run.specs[sid]["spider"],
                    "finish_reason": stats.get("finish_reason", "not started"),
                    **{key: int(stats.get(name, 0)) for key, name in _COUNTS.items()},
                    "failed": own.get("failed", []),
                    "left": stats.get("archiver/redis/left", "the crawl is finished"),
                }
            )
        for key in _COUNTS:
            result[key] = sum(source[key] for source in sources)
        result["left"] = (
            "the archiving process is gone"
            if any(s["left"] != "the crawl is finished" for s in sources)
            else "the crawl is finished"
        )
        result["sources"] = sources
    for key in _COUNTS:
        result.setdefault(key, 0)
    result["elapsed_s"] = round(time.monotonic() - started, 3)
    if report:
        target = Path(report)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def summary(result: dict[str, Any]) -> str:
    """One line about a worker's run."""
    if result["crawl"] is None:
        return f"worker {result['worker']}: {result['left']}"
    return (
        f"worker {result['worker']}: {result['articles_handed_back']} articles and "
        f"{result['failures_handed_back']} failures handed back, "
        f"{result['requests_leased']} requests leased, {result['pages_fetched']} pages fetched "
        f"(crawl {result['crawl']}, {result['elapsed_s']:.1f}s; {result['left']})"
    )
