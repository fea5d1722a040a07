"""The scheduler of a shared crawl: articles through Redis, the rest in this process.

scrapy-redis's ``Scheduler`` puts every request in Redis. Ours shares only
what can be fetched anywhere: an article's first page (the spider's
``parse_article`` requests). Listing pages, feeds and sitemaps stay in the
archiving process: their navigation (when to stop, ``--since``, the pages
already done in the ledger) needs the archive, which only that process
opens. Pages 2..n of an article stay in the process that fetched page 1:
they travel with it. Those local requests go to Scrapy's own scheduler.

A shared request passes scrapy-redis's dupefilter (the crawl's ``seen``
set), even with ``dont_filter``: an archiving process started again over
the same crawl does not queue twice what its first life queued. Taking one
is a lease (``archiver.distributed.queue``); each process holds at most
``ARCHIVER_REDIS_PREFETCH`` leases, so that the others get their share.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.core.scheduler import Scheduler as LocalScheduler
from scrapy.http import Request
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from archiver.distributed.chains import TOKEN

__all__ = ["SHARED_CALLBACKS", "SeenSet", "SharedScheduler"]

logger = logging.getLogger(__name__)

SHARED_CALLBACKS = frozenset({"parse_article"})
"""Spider methods whose requests any process may fetch (first pages only)."""


class SeenSet(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis's dupefilter on the crawl's ``seen`` set, with its TTL."""

    def __init__(self, server: Any, key: str, ttl_s: int) -> None:
        super().__init__(server, key=key)
        self.ttl_s = ttl_s

    def request_seen(self, request: Request) -> bool:
        pipe = self.server.pipeline(transaction=False)
        pipe.sadd(self.key, self.request_fingerprint(request))
        pipe.expire(self.key, self.ttl_s)
        added, _ = pipe.execute()
        return int(added) == 0


class SharedScheduler(RedisScheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler, leasing, with a local scheduler for what stays here."""

    def __init__(self, crawler: Any, member: Any, local: LocalScheduler) -> None:
        super().__init__(server=member.client, persist=True, dupefilter=member.seen)
        self.crawler = crawler
        self.member = member
        self.local = local
        self.stats = crawler.stats
        self.queue = member.queue
        self._refused: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedScheduler:
        from archiver.distributed.member import member_of

        return cls(crawler, member_of(crawler), LocalScheduler.from_crawler(crawler))

    def open(self, spider: Any) -> Any:
        self.spider = spider
        return self.local.open(spider)

    def close(self, reason: str) -> Any:
        # The crawl's keys are the member's business (kept for a restart, deleted at the end).
        return self.local.close(reason)

    def __len__(self) -> int:
        return len(self.local) + len(self.queue)

    def has_pending_requests(self) -> bool:
        return bool(self.local.has_pending_requests() or self.member.has_work())

    def shared(self, request: Request) -> bool:
        """Whether any process may fetch ``request``: an article's first page."""
        callback = request.callback
        return (
            TOKEN not in request.meta
            and getattr(callback, "__name__", None) in SHARED_CALLBACKS
            and getattr(callback, "__self__", None) is self.spider
            and not request.cb_kwargs.get("pages")
        )

    def enqueue_request(self, request: Request) -> bool:
        if not self.shared(request):
            return bool(self.local.enqueue_request(request))
        try:
            data = self.queue.encode(request)
        except (TypeError, ValueError) as exc:  # it cannot travel: fetched here
            if str(exc) not in self._refused:
                self._refused.add(str(exc))
                logger.warning("%s stays in this process: %s", request.url, exc)
            return bool(self.local.enqueue_request(request))
        # Seen and queued in one step (see LeasedQueue.push_new).
        fingerprint = self.df.request_fingerprint(request)
        if not self.queue.push_new(request, data, self.df.key, fingerprint):
            self.stats.inc_value("archiver/redis/already_queued")
            return False
        self.stats.inc_value("archiver/redis/queued")
        return True

    def next_request(self) -> Request | None:
        request = self.local.next_request()
        if request is not None:
            return request
        leased: Request | None = self.member.lease_next()
        return leased
