"""Each crawler's part in a shared crawl (a Scrapy extension), by role.

``ArchiveMember`` (the archiving process, ``--redis`` on a crawl command):
joins or starts the crawl (``coordinator.SharedCrawl``), registers its
source, writes what workers hand back (it moves each outcome from
``results`` to ``processing``, sends it through its item pipelines, and
deletes it once the post is written: a reliable queue), and keeps its spider
open while the source is not drained. ``WorkerMember`` (``archiver worker``):
hands back the outcome of each chain, and closes once the archiving process
says the source is finished, or is gone and nothing is left to fetch.

Both renew their leases, return expired ones to the queue, and wake their
engine when the shared queue has work: Scrapy polls an idle scheduler only
every five seconds.

Settings: ``ARCHIVER_REDIS`` (the URL), ``ARCHIVER_REDIS_ROLE`` (``archive``
or ``worker``), ``ARCHIVER_REDIS_LEASE`` (seconds a lease lasts unless
renewed, 60), ``ARCHIVER_REDIS_PREFETCH`` (leased requests a process
fetches at once, default ``CONCURRENT_REQUESTS_PER_DOMAIN``; 0 in the
archiving process: it only walks the listings and writes, the workers fetch
every article, and the crawl waits for one), ``ARCHIVER_REDIS_GRACE``
(seconds a worker waits, idle, after the archiving process is gone, 30),
``ARCHIVER_REDIS_STALL`` (seconds without a sign of life that end a chain,
900: more than the longest Retry-After waited for), ``ARCHIVER_REDIS_TTL``
(the keys' backstop TTL, 7 days).
"""

from __future__ import annotations

import itertools
import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archiver.distributed.chains import Chain, Chains
from archiver.distributed.keys import CrawlKeys, SourceKeys
from archiver.distributed.queue import LeasedQueue
from archiver.distributed.scheduler import SeenSet

__all__ = ["Member", "member_of"]

logger = logging.getLogger(__name__)

DEFAULT_TTL = 7 * 24 * 3600
_TICK = 0.25
_CHORES = 1.0
"""Seconds between renewals, expiry checks and heartbeats."""
_REPLAYS = 32
"""Outcomes the archiving process writes at once."""


def member_of(crawler: Any) -> Any:
    """The crawler's member of a shared crawl; raises when the crawl is not shared."""
    member = crawler.get_extension(Member)
    if member is None:
        raise RuntimeError("a shared crawl's scheduler needs its member (ARCHIVER_REDIS)")
    return member


class Member:
    """What every process of a shared crawl does for one of its crawlers."""

    role = ""

    def __init__(self, crawler: Any, client: Any, crawl: CrawlKeys, sid: str, me: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.client = client
        self.crawl_keys = crawl
        self.sid = sid
        self.keys: SourceKeys = crawl.source(sid)
        self.id = me
        self.ttl_s = settings.getint("ARCHIVER_REDIS_TTL", DEFAULT_TTL)
        lease_s = settings.getfloat("ARCHIVER_REDIS_LEASE", 60.0)
        prefetch = settings.get("ARCHIVER_REDIS_PREFETCH")
        if prefetch is None or prefetch == "":
            prefetch = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 4)
        # 0: an archiving process that leaves every article to the workers.
        self.prefetch = max(0 if self.role == "archive" else 1, int(prefetch))
        spider = crawler.spider
        self.queue = LeasedQueue(client, spider, self.keys, lease_s=lease_s, ttl_s=self.ttl_s)
        self.seen = SeenSet(client, self.keys.seen, self.ttl_s)
        self.chains = Chains(
            spider,
            self._chain_ended,
            stall_s=settings.getfloat("ARCHIVER_REDIS_STALL", 900.0),
            on_answer=self.wake,
        )
        self._tokens = itertools.count(1)
        self._loop: task.LoopingCall | None = None
        self._last_chores = 0.0
        self.closing = False
        connect_signal = crawler.signals.connect
        connect_signal(self.spider_opened, signal=signals.spider_opened)
        connect_signal(self.spider_idle, signal=signals.spider_idle)
        connect_signal(self.spider_closed, signal=signals.spider_closed)
        connect_signal(self.item_scraped, signal=signals.item_scraped)
        connect_signal(self.item_left, signal=signals.item_dropped)
        connect_signal(self.item_left, signal=signals.item_error)
        connect_signal(self.request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> Member:
        from archiver.distributed.archive_member import ArchiveMember
        from archiver.distributed.worker_member import WorkerMember

        settings = crawler.settings
        url = settings.get("ARCHIVER_REDIS")
        if not url:
            raise NotConfigured("ARCHIVER_REDIS is not set: the crawl is not shared")
        role = settings.get("ARCHIVER_REDIS_ROLE") or "archive"
        if role == "worker":
            return WorkerMember.create(crawler, url)
        if role != "archive":
            raise ValueError(f"ARCHIVER_REDIS_ROLE: archive or worker, got {role!r}")
        return ArchiveMember.create(crawler, url)

    # ------------------------------------------------------------ leases

    def lease_next(self) -> Any:
        """The next shared request for this process, leased; None when there is none,
        or when this process fetches ``prefetch`` requests of its leases already."""
        stats = self.crawler.stats
        while self.chains.waiting() < self.prefetch and not self.closing:
            token = f"{self.id}/{next(self._tokens)}"
            data = self.queue.lease(token)
            if data is None:
                return None
            try:
                request = self.queue.decode(data)
            except Exception as exc:  # another version's request, or a broken one: dropped
                logger.error("a shared request cannot be read here, dropped: %s", exc)
                stats.inc_value("archiver/redis/unreadable")
                self.queue.release(token)
                continue
            fingerprint = self.seen.request_fingerprint(request)
            if self.client.sismember(self.keys.done, fingerprint):  # kept already
                stats.inc_value("archiver/redis/done_already")
                self.queue.release(token)
                continue
            self.chains.start(token, fingerprint, request, self.id)
            spider = self.crawler.spider
            if hasattr(spider, "allow"):  # redirects may stay on the article's host
                spider.allow(request.url)
            stats.inc_value("archiver/redis/leased")
            return request
        return None

    def _chain_ended(self, chain: Chain) -> None:
        raise NotImplementedError

    def has_work(self) -> bool:
        """Whether the shared crawl has work for this process's engine: a queued request."""
        return len(self.queue) > 0

    def wake(self) -> None:
        """Have the engine ask the scheduler for requests now, not at its next heartbeat."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    # ------------------------------------------------------------ signals

    def spider_opened(self, spider: Any) -> None:
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(_TICK, now=True).addErrback(
            lambda failure: logger.error("shared crawl loop: %s", failure.getErrorMessage())
        )

    def _tick(self) -> None:
        try:
            self.tick()
            now = time.monotonic()
            if now - self._last_chores >= _CHORES:
                self._last_chores = now
                self.chores()
        except Exception as exc:  # Redis away for a moment: the next tick tries again
            logger.warning("shared crawl: %s: %s", type(exc).__name__, exc)

    def tick(self) -> None:
        if self.chains.waiting() < self.prefetch and len(self.queue) > 0:
            self.wake()

    def chores(self) -> None:
        lost = self.queue.renew(list(self.chains.active))
        if lost:
            logger.warning("%d leases expired before their outcome was handed back", len(lost))
        self.queue.requeue_expired()
        for chain in self.chains.stalled():
            logger.warning("%s: no outcome after %.0f s", chain.outcome.found.link,
                           self.chains.stall_s)  # fmt: skip

    def spider_idle(self, spider: Any) -> None:
        raise NotImplementedError

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.closing = True
        if self._loop is not None and self._loop.running:
            self._loop.stop()

    def item_scraped(self, item: Any, **_: Any) -> None:
        self.chains.item_left(item, kept=_kept(item))

    def item_left(self, item: Any, **_: Any) -> None:
        self.chains.item_left(item)

    def request_dropped(self, request: Any, **_: Any) -> None:
        self.chains.request_dropped(request)

    def mark_done(self, fingerprint: str) -> None:
        if fingerprint:
            pipe = self.client.pipeline(transaction=False)
            pipe.sadd(self.keys.done, fingerprint)
            pipe.expire(self.keys.done, self.ttl_s)
            pipe.execute()


def _log_replay_error(failure: Any) -> None:
    logger.error("writing a handed-back outcome: %s", failure.getErrorMessage())


def _kept(item: Any) -> bool:
    from archiver.items import ArticlePages

    return isinstance(item, ArticlePages) and item.article is not None
