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
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from archiver.distributed import chains as chains_module
from archiver.distributed.chains import Chain, Chains
from archiver.distributed.codec import Outcome
from archiver.distributed.keys import CRAWL, CrawlKeys, SourceKeys, connect, member_id
from archiver.distributed.queue import LeasedQueue
from archiver.distributed.scheduler import SeenSet
from archiver.extraction.article import Found
from archiver.signals import report_failure, url_failed

__all__ = ["ArchiveMember", "Member", "WorkerMember", "member_of"]

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


class ArchiveMember(Member):
    """The archiving process's part: seeds, crawls too, writes every outcome."""

    role = "archive"

    def __init__(self, crawler: Any, client: Any, shared: Any, sid: str) -> None:
        super().__init__(crawler, client, shared.keys, sid, shared.owner)
        self.shared = shared
        self.replaying = 0
        self.replay_limit = _REPLAYS
        recovered = self.queue.recover()
        requeued = self.queue.requeue_held_by(shared.previous_owner) if shared.previous_owner else 0
        if recovered or requeued:
            logger.info("shared crawl %s resumed: %d outcomes to write again, %d requests "
                        "queued again", shared.keys.cid, recovered, requeued)  # fmt: skip

    @classmethod
    def create(cls, crawler: Any, url: str) -> ArchiveMember:
        from archiver.distributed.coordinator import SharedCrawl, source_spec
        from archiver.options import Options

        options = Options.from_settings(crawler.settings)
        if options.output is None:
            raise ValueError("a crawl shared through Redis needs its archive: ARCHIVER_OUTPUT")
        shared = SharedCrawl.join(url, options.output, ttl_s=crawler.settings.getint(
            "ARCHIVER_REDIS_TTL", DEFAULT_TTL))  # fmt: skip
        spider_name, settings = source_spec(crawler)
        sid = shared.register(spider_name, settings)
        return cls(crawler, shared.client, shared, sid)

    def _chain_ended(self, chain: Chain) -> None:
        if chain.stalled:
            found = chain.outcome.found
            report_failure(self.crawler, found.link or "", f"no outcome after "
                           f"{self.chains.stall_s:.0f} s", found=found)  # fmt: skip
        if not chain.kept:
            self.forget(chain.fingerprint)
        self.queue.release(chain.token)
        self.wake()

    def forget(self, fingerprint: str) -> None:
        """A request that kept no article leaves the seen-set: started again, the crawl
        requests it again, as a one-process crawl retries what failed."""
        if fingerprint:
            self.client.srem(self.keys.seen, fingerprint)

    def item_scraped(self, item: Any, **kwargs: Any) -> None:
        from archiver.distributed.handoff import HandedBack

        if isinstance(item, HandedBack):
            if item.article is not None and item.outcome is not None:
                self.mark_done(item.outcome.fingerprint)
            return
        chain = self.chains.of_item(item)
        if chain is not None and _kept(item):
            self.mark_done(chain.fingerprint)
        super().item_scraped(item, **kwargs)

    # ------------------------------------------------------------ results

    def tick(self) -> None:
        super().tick()
        self.take_outcomes()

    def take_outcomes(self) -> None:
        """Move handed-back outcomes to ``processing`` and write them, up to
        ``replay_limit`` at a time (the post writer commits them in batches)."""
        engine = self.crawler.engine
        if self.closing or engine is None or getattr(engine, "spider", None) is None:
            return
        while self.replaying < self.replay_limit:
            raw = self.client.rpoplpush(self.keys.results, self.keys.processing)
            if raw is None:
                return
            self.replaying += 1
            deferred_from_coro(self._replay(raw)).addErrback(_log_replay_error)

    async def _replay(self, raw: str) -> None:
        from archiver.distributed.handoff import handed_back_items

        stats = self.crawler.stats
        try:
            try:
                outcome = Outcome.loads(raw)
            except Exception as exc:
                logger.error("a handed-back outcome cannot be read, dropped: %s", exc)
                stats.inc_value("archiver/redis/unreadable")
                return
            stats.inc_value("archiver/redis/handed_back")
            scraper = self.crawler.engine.scraper
            for item in handed_back_items(outcome):
                await scraper.start_itemproc_async(item, response=None)
            fingerprint = outcome.fingerprint
            if fingerprint and not self.client.sismember(self.keys.done, fingerprint):
                self.forget(fingerprint)
        finally:
            self.client.lrem(self.keys.processing, 1, raw)
            self.replaying -= 1
            self.take_outcomes()  # the next one now, not at the next tick
            self.wake()  # the crawl may be drained now: the engine sees it at once

    def chores(self) -> None:
        super().chores()
        self.shared.beat()

    def has_work(self) -> bool:
        """Until the source is drained the archiving process is not idle: its spider
        (finishing the listings it walked, in the ledger) waits for the workers' work."""
        return bool(self.replaying or not self.queue.state().drained)

    def spider_idle(self, spider: Any) -> None:
        if self.has_work():
            raise DontCloseSpider

    def spider_closed(self, spider: Any, reason: str) -> None:
        super().spider_closed(spider, reason)
        finished = reason == "finished"
        if not finished:  # what it held goes back now, for the workers or the next start
            self.queue.give_back(list(self.chains.active))
        self.shared.leave(self.sid, finished=finished)


class WorkerMember(Member):
    """A worker's part: fetch and extract what it leases, hand every outcome back."""

    role = "worker"

    def __init__(self, crawler: Any, client: Any, crawl: CrawlKeys, sid: str) -> None:
        super().__init__(crawler, client, crawl, sid, crawler.settings.get("ARCHIVER_REDIS_MEMBER")
                         or member_id())  # fmt: skip
        self.grace_s = crawler.settings.getfloat("ARCHIVER_REDIS_GRACE", 30.0)
        self.idle_since: float | None = None
        crawler.signals.connect(self.url_failed, signal=url_failed)

    @classmethod
    def create(cls, crawler: Any, url: str) -> WorkerMember:
        settings = crawler.settings
        cid, sid = settings.get("ARCHIVER_REDIS_CRAWL"), settings.get("ARCHIVER_REDIS_SOURCE")
        if not cid or not sid:
            raise ValueError("a worker's crawler needs ARCHIVER_REDIS_CRAWL and _SOURCE")
        return cls(crawler, connect(url), CrawlKeys(cid), sid)

    def url_failed(self, url: str, reason: str, retry: bool, found: Found) -> None:
        chain = chains_module.current
        if chain is not None:
            chain.outcome.failures.append((url, reason, retry, found))
            return
        # Not of a chain (robots.txt of a host, say): handed back on its own.
        loose = Outcome("", found if found.link else Found(link=url), by=self.id)
        loose.failures.append((url, reason, retry, found))
        self.hand_back_loose(loose)

    def hand_back_loose(self, outcome: Outcome) -> None:
        """An outcome of no lease (its chain ended already): handed back all the same."""
        pipe = self.client.pipeline(transaction=False)
        pipe.lpush(self.keys.results, outcome.dumps())
        pipe.expire(self.keys.results, self.ttl_s)
        pipe.execute()
        self.crawler.stats.inc_value("archiver/redis/handed_back_loose")

    def _chain_ended(self, chain: Chain) -> None:
        outcome = chain.outcome
        stats = self.crawler.stats
        if chain.stalled:
            found = outcome.found
            outcome.failures.append(
                (found.link or "", f"no outcome after {self.chains.stall_s:.0f} s", True, found)
            )
        if self.queue.release(chain.token, outcome.dumps()):
            stats.inc_value("archiver/redis/handed_back")
            stats.inc_value("archiver/redis/articles", len(outcome.articles))
            failed = len(outcome.failures) + len(outcome.rejected)
            stats.inc_value("archiver/redis/failures", failed)
        else:  # the lease expired meanwhile: the request was queued again, someone redoes it
            stats.inc_value("archiver/redis/lease_lost")
            logger.warning("lease of %s lost: its outcome is not handed back", outcome.found.link)
        self.wake()

    def over(self) -> bool:
        """The crawl ended, or this source is finished."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hget(CRAWL, "id")
        pipe.hexists(self.crawl_keys.finished, self.sid)
        cid, finished = pipe.execute()
        return cid != self.crawl_keys.cid or bool(finished)

    def chores(self) -> None:
        super().chores()
        self.client.set(self.crawl_keys.member(self.id), self.sid, ex=max(5, int(_CHORES * 10)))
        if not self.chains.active and (self.over() or len(self.queue) == 0):
            self.wake()  # an idle engine checks whether to close

    def spider_idle(self, spider: Any) -> None:
        if self.over():
            return
        state = self.queue.state()
        if state.queued or state.leased or self.client.exists(self.crawl_keys.alive):
            self.idle_since = None
            raise DontCloseSpider
        # The archiving process is gone and nothing is left to fetch: what was handed
        # back waits in Redis for it to start again. Wait a grace period, then leave.
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.grace_s:
            raise DontCloseSpider
        self.crawler.stats.set_value("archiver/redis/left", "the archiving process is gone")

    def spider_closed(self, spider: Any, reason: str) -> None:
        super().spider_closed(spider, reason)
        if self.chains.active:  # stopped before done (Ctrl-C): the others take them now
            self.queue.give_back(list(self.chains.active))
        self.client.delete(self.crawl_keys.member(self.id))
