"""The archiving process's side of a shared crawl: which crawl, which sources.

``archiver:crawl`` names the crawl the database serves and the archive it
belongs to (``host:/absolute/path``). An archiving process for that archive
adopts the crawl (an earlier run was killed: what it left in Redis is
written, its leases queued again at once); a crawl of another archive keeps
the database (``CrawlBusy``); else a new crawl starts. Every crawler of the
process (``archiver run`` has one per source) registers its source: the
spider and the settings given on the command line, which the workers use.
The crawl's keys are deleted when every source finished; a run that
stopped early (Ctrl-C) keeps them, for the next start to finish.
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

from archiver.distributed.errors import CrawlBusy
from archiver.distributed.keys import CRAWL, CrawlKeys, connect, member_id, public_url, source_id

__all__ = ["SharedCrawl", "archive_identity", "check_redis", "delete_crawl", "source_spec"]

logger = logging.getLogger(__name__)

ALIVE_S = 15
"""The archiving process's heartbeat lasts this long: workers take it for gone after."""

_NOT_SHARED = (
    "LOG_",
    "ARCHIVER_OUTPUT",
    "ARCHIVER_REPORT",
    "ARCHIVER_PROGRESS",
    "ARCHIVER_REDIS",
    "ARCHIVER_FSYNC",
    "ARCHIVER_WORKERS",
    "ARCHIVER_WORKER_TIMEOUT",
)
"""Settings of the archiving process that are not the workers' business."""

_CLAIM = """
-- KEYS: archiver:crawl; ARGV: new id, archive, owner, version, started, ttl
local id = redis.call('HGET', KEYS[1], 'id')
if id then
  if redis.call('HGET', KEYS[1], 'archive') ~= ARGV[2] then
    return {'busy', id, redis.call('HGET', KEYS[1], 'archive') or ''}
  end
  local previous = redis.call('HGET', KEYS[1], 'owner') or ''
  redis.call('HSET', KEYS[1], 'owner', ARGV[3], 'version', ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  return {'adopted', id, previous}
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'archive', ARGV[2], 'owner', ARGV[3],
           'version', ARGV[4], 'started', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {'new', ARGV[1], ''}
"""


def archive_identity(root: str | Path) -> str:
    """The archive a crawl writes to, as ``host:/absolute/path``."""
    return f"{socket.gethostname()}:{Path(root).resolve()}"


def _version() -> str:
    from archiver import __version__

    return __version__


def check_redis(url: str, root: str | Path) -> None:
    """Before a shared crawl opens its archive: Redis answers, and its database does
    not hold the crawl of another archive. Raises ``RedisUnavailable`` or ``CrawlBusy``."""
    client = connect(url)
    crawl = client.hgetall(CRAWL)
    if crawl and crawl.get("archive") != archive_identity(root):
        alive = client.exists(CrawlKeys(crawl.get("id", "")).alive)
        state = "running" if alive else "unfinished"
        raise CrawlBusy(
            f"the Redis database {public_url(url)} holds the {state} crawl of "
            f"{crawl.get('archive')}: give each archive its own database (redis://HOST:PORT/N)"
            + ("" if alive else ", or run that archive's command again to finish it")
        )


def delete_crawl(client: Any, keys: CrawlKeys) -> int:
    """Delete every key of the crawl ``keys``; ``archiver:crawl`` too if it names it."""
    names = list(client.scan_iter(match=keys.pattern, count=500))
    deleted = int(client.delete(*names)) if names else 0
    if client.hget(CRAWL, "id") == keys.cid:
        deleted += int(client.delete(CRAWL))
    return deleted


def source_spec(crawler: Any) -> tuple[str, dict[str, Any]]:
    """A source as the workers need it: the spider's name and the settings given on the
    command line (options, ``-s``, spider arguments), less this process's own."""
    from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

    settings = crawler.settings
    floor = SETTINGS_PRIORITIES["cmdline"]
    spec: dict[str, Any] = {}
    for name in settings:
        if settings.getpriority(name) < floor or name.startswith(_NOT_SHARED):
            continue
        value = settings[name]
        if isinstance(value, BaseSettings):
            value = value.copy_to_dict()
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            value = str(value)
        spec[name] = value
    return crawler.spider.name, spec


class SharedCrawl:
    """The crawl this process writes, shared by its crawlers (one per source)."""

    _open: ClassVar[dict[tuple[str, str], SharedCrawl]] = {}
    _guard = threading.Lock()

    def __init__(self, client: Any, url: str, keys: CrawlKeys, previous_owner: str,
                 ttl_s: int) -> None:  # fmt: skip
        self.client = client
        self.url = url
        self.keys = keys
        self.owner = member_id()
        self.previous_owner = previous_owner
        """The archiving process of an earlier start of this crawl (dead: we hold the
        archive's lock), whose leases are queued again at once."""
        self.ttl_s = ttl_s
        self.users = 0
        self.sources: dict[str, bool] = {}
        """This process's sources: finished or not."""
        self._key: tuple[str, str] = ("", "")

    @classmethod
    def join(cls, url: str, root: str | Path, *, ttl_s: int) -> SharedCrawl:
        archive = archive_identity(root)
        with cls._guard:
            shared = cls._open.get((url, archive))
            if shared is None:
                shared = cls._claim(url, archive, ttl_s)
                shared._key = (url, archive)
                cls._open[shared._key] = shared
                shared.beat()
            shared.users += 1
            return shared

    @classmethod
    def _claim(cls, url: str, archive: str, ttl_s: int) -> SharedCrawl:
        client = connect(url)
        claim = client.register_script(_CLAIM)
        owner = member_id()
        status, cid, other = claim(
            keys=[CRAWL],
            args=[secrets.token_hex(4), archive, owner, _version(), f"{time.time():.0f}", ttl_s],
        )
        if status == "busy":
            check_redis(url, archive.split(":", 1)[1])  # raises CrawlBusy, saying why
        previous = other if status == "adopted" else ""
        if status == "adopted":
            logger.info("shared crawl %s: an earlier start of this archive's crawl is resumed", cid)
        shared = cls(client, url, CrawlKeys(cid), previous, ttl_s)
        shared.owner = owner
        return shared

    def register(self, spider: str, settings: dict[str, Any]) -> str:
        """Record a source of this process; returns its id (the same source twice in
        one run gets a second id)."""
        sid = base = source_id(spider, settings)
        again = 1
        while sid in self.sources:
            again += 1
            sid = f"{base}-{again}"
        keys = self.keys
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(keys.sources, sid, json.dumps({"spider": spider, "settings": settings}))
        pipe.hdel(keys.finished, sid)
        pipe.expire(keys.sources, self.ttl_s)
        pipe.execute()
        self.sources[sid] = False
        return sid

    def beat(self) -> None:
        """The heartbeat workers watch, and the TTL of the crawl's own keys."""
        keys = self.keys
        pipe = self.client.pipeline(transaction=False)
        pipe.set(keys.alive, self.owner, ex=ALIVE_S)
        for name in (CRAWL, keys.sources, keys.finished):
            pipe.expire(name, self.ttl_s)
        pipe.execute()

    def leave(self, sid: str, *, finished: bool) -> None:
        """A crawler closed. A finished source's keys go now (its workers close); the
        last crawler out deletes the crawl when every source finished."""
        if finished:
            source = self.keys.source(sid)
            pipe = self.client.pipeline(transaction=True)
            pipe.hset(self.keys.finished, sid, "1")
            pipe.expire(self.keys.finished, self.ttl_s)
            pipe.delete(*source.all())
            pipe.execute()
            self.sources[sid] = True
        with self._guard:
            self.users -= 1
            if self.users > 0:
                return
            self._open.pop(self._key, None)
        if all(self.sources.values()):
            delete_crawl(self.client, self.keys)
        else:  # stopped early: the keys stay for the next start; workers see us gone
            self.client.delete(self.keys.alive)
