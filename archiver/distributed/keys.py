"""The names of a shared crawl's Redis keys, and the connection.

One Redis database serves one archive's crawl at a time::

    archiver:crawl                       hash: id, archive, owner, version, started
    archiver:{ID}:alive                  the archiving process's heartbeat (expires)
    archiver:{ID}:sources                hash: source id -> its spider and settings
    archiver:{ID}:finished               hash: source id -> 1, once drained and closed
    archiver:{ID}:member:WORKER          a worker's heartbeat (expires)
    archiver:{ID}:SOURCE:queue           zset: requests to fetch (score: -priority)
    archiver:{ID}:SOURCE:seen            set: fingerprints of requests ever queued
    archiver:{ID}:SOURCE:leases          zset: lease token -> deadline (ms, Redis clock)
    archiver:{ID}:SOURCE:leased          hash: lease token -> "score|request"
    archiver:{ID}:SOURCE:results         list: outcomes handed back, oldest on the right
    archiver:{ID}:SOURCE:processing      list: outcomes the archiving process is writing
    archiver:{ID}:SOURCE:done            set: fingerprints of requests whose outcome is kept

``{ID}`` is written with its braces: every key of a crawl hashes to one
Redis Cluster slot, so the scripts that touch several of them run there too.
Every key but ``archiver:crawl`` is deleted when the crawl ends, and each
carries a TTL (``ARCHIVER_REDIS_TTL``, 7 days) as a backstop.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "CRAWL",
    "PREFIX",
    "CrawlKeys",
    "SourceKeys",
    "connect",
    "member_id",
    "public_url",
    "source_id",
]

PREFIX = "archiver"
CRAWL = f"{PREFIX}:crawl"
"""The one key that says which crawl this database serves."""


@dataclass(frozen=True)
class SourceKeys:
    """The keys of one source (one spider and its options) of a crawl."""

    base: str

    @property
    def queue(self) -> str:
        return f"{self.base}:queue"

    @property
    def seen(self) -> str:
        return f"{self.base}:seen"

    @property
    def leases(self) -> str:
        return f"{self.base}:leases"

    @property
    def leased(self) -> str:
        return f"{self.base}:leased"

    @property
    def results(self) -> str:
        return f"{self.base}:results"

    @property
    def processing(self) -> str:
        return f"{self.base}:processing"

    @property
    def done(self) -> str:
        return f"{self.base}:done"

    def all(self) -> tuple[str, ...]:
        return (self.queue, self.seen, self.leases, self.leased, self.results,
                self.processing, self.done)  # fmt: skip


@dataclass(frozen=True)
class CrawlKeys:
    """The keys of one crawl, ``cid`` its id."""

    cid: str

    @property
    def base(self) -> str:
        return f"{PREFIX}:{{{self.cid}}}"

    @property
    def alive(self) -> str:
        return f"{self.base}:alive"

    @property
    def sources(self) -> str:
        return f"{self.base}:sources"

    @property
    def finished(self) -> str:
        return f"{self.base}:finished"

    @property
    def pattern(self) -> str:
        """Every key of the crawl, for SCAN (braces are no glob characters)."""
        return f"{self.base}:*"

    def member(self, member: str) -> str:
        return f"{self.base}:member:{member}"

    def source(self, sid: str) -> SourceKeys:
        return SourceKeys(f"{self.base}:{sid}")


def member_id() -> str:
    """This process in a crawl: ``host:pid:random`` (unique, and says where it runs)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def source_id(spider: str, settings: dict[str, Any]) -> str:
    """A source's id: the same spider and settings (the same command) give the same id,
    so that an archiving process started again finds its crawl's keys."""
    text = json.dumps({"spider": spider, "settings": settings}, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def public_url(url: str) -> str:
    """``url`` without its password, for reports and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def connect(url: str) -> Any:
    """A Redis client for ``url`` (scrapy-redis's defaults: timeouts, retry on timeout),
    answering ``str``; checked with a PING. Raises ``RedisUnavailable``."""
    from archiver.distributed.errors import RedisUnavailable

    try:
        from redis.exceptions import RedisError
        from scrapy_redis.connection import get_redis
    except ImportError as exc:
        raise RedisUnavailable(
            f"--redis needs the redis extra: pip install 'hexo-news-archiver[redis]' ({exc})"
        ) from exc
    client = get_redis(
        url=url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True,
        decode_responses=True,
    )  # fmt: skip
    try:
        client.ping()
    except RedisError as exc:
        raise RedisUnavailable(f"cannot reach Redis at {public_url(url)}: {exc}") from exc
    return client
