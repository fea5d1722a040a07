"""A worker's part in a shared crawl (``archiver worker``): fetch and extract
what it leases, hand every outcome back (see ``archiver.distributed.member``)."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.exceptions import DontCloseSpider

from archiver.distributed import chains as chains_module
from archiver.distributed.chains import Chain
from archiver.distributed.codec import Outcome
from archiver.distributed.keys import CRAWL, CrawlKeys, connect, member_id
from archiver.distributed.member import _CHORES, Member
from archiver.extraction.article import Found
from archiver.signals import url_failed

__all__ = ["WorkerMember"]

logger = logging.getLogger(__name__)


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
