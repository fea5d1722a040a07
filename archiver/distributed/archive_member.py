"""The archiving process's part in a shared crawl (``--redis`` on a crawl
command): joins or starts it, seeds, crawls too, and writes every outcome the
workers hand back (see ``archiver.distributed.member``)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro

from archiver.distributed.chains import Chain
from archiver.distributed.codec import Outcome
from archiver.distributed.member import _REPLAYS, DEFAULT_TTL, Member, _kept, _log_replay_error
from archiver.signals import report_failure

__all__ = ["ArchiveMember"]

logger = logging.getLogger(__name__)


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
