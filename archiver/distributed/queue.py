"""scrapy-redis's priority queue, where a pop is a lease.

scrapy-redis pops a request and forgets it: a worker that dies loses every
request it had popped. Here a pop moves the request, in one script, from the
queue into ``leased`` under a token, with a deadline in ``leases``. The
holder renews its leases while it lives; it hands the outcome back (or, in
the archiving process, acknowledges it) with the same token, which removes
the lease in the same script, and only if the lease is still its own. A
lease whose deadline passed (its holder was killed, or lost Redis) goes back
to the queue, moved by whichever process notices first. Deadlines are read
on the Redis clock, so the machines' clocks do not matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.http import Request
from scrapy_redis.queue import PriorityQueue

from archiver.distributed import codec
from archiver.distributed.keys import SourceKeys

__all__ = ["LeasedQueue", "QueueState"]

_NOW = """
if redis.replicate_commands then redis.replicate_commands() end  -- Redis < 7: TIME, then writes
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

_LEASE = (
    _NOW
    + """
-- KEYS: queue, leases, leased; ARGV: lease ms, token, ttl s
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], item[2] .. '|' .. item[1])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return item[1]
"""
)

_RELEASE = """
-- KEYS: leases, leased, results; ARGV: token, outcome ('' to acknowledge), ttl s
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('LPUSH', KEYS[3], ARGV[2])
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
return 1
"""

_RENEW = (
    _NOW
    + """
-- KEYS: leases; ARGV: lease ms, tokens...; returns the tokens that are no longer leased
local lost = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
"""
)

_REQUEUE = (
    _NOW
    + """
-- KEYS: queue, leases, leased; ARGV: mode (expired | prefix | tokens), ttl s, prefix or tokens
local tokens = {}
if ARGV[1] == 'expired' then
  tokens = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
elseif ARGV[1] == 'prefix' then
  for _, token in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    if string.sub(token, 1, #ARGV[3]) == ARGV[3] then table.insert(tokens, token) end
  end
else
  for i = 3, #ARGV do table.insert(tokens, ARGV[i]) end
end
local n = 0
for _, token in ipairs(tokens) do
  if redis.call('ZREM', KEYS[2], token) == 1 then
    local v = redis.call('HGET', KEYS[3], token)
    if v then
      local bar = string.find(v, '|', 1, true)
      redis.call('ZADD', KEYS[1], tonumber(string.sub(v, 1, bar - 1)), string.sub(v, bar + 1))
      redis.call('EXPIRE', KEYS[1], ARGV[2])
      n = n + 1
    end
  end
  redis.call('HDEL', KEYS[3], token)
end
return n
"""
)

_PUSH_NEW = """
-- KEYS: seen, queue; ARGV: fingerprint, request, score, ttl s
-- One step: a process killed between "seen" and "queued" would lose the request
-- (its next life finds it seen and does not queue it again).
local added = redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
if added == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""

_RECOVER = """
-- KEYS: processing, results: outcomes a dead archiving process was writing go back
local n = 0
while redis.call('RPOPLPUSH', KEYS[1], KEYS[2]) do n = n + 1 end
return n
"""


@dataclass(frozen=True)
class QueueState:
    """One snapshot of a source's shared work."""

    queued: int
    leased: int
    results: int
    processing: int

    @property
    def drained(self) -> bool:
        """Nothing to fetch, nothing in flight, nothing handed back and not yet written."""
        return not (self.queued or self.leased or self.results or self.processing)


class LeasedQueue(PriorityQueue):  # type: ignore[misc]
    """The requests of one source, in a sorted set (score: -priority), leased on pop."""

    def __init__(
        self, server: Any, spider: Any, keys: SourceKeys, *, lease_s: float, ttl_s: int
    ) -> None:
        super().__init__(server, spider, keys.queue, serializer=codec)
        self.keys = keys
        self.lease_ms = max(1, int(lease_s * 1000))
        self.ttl_s = ttl_s
        self._lease = server.register_script(_LEASE)
        self._release = server.register_script(_RELEASE)
        self._renew = server.register_script(_RENEW)
        self._requeue = server.register_script(_REQUEUE)
        self._recover = server.register_script(_RECOVER)
        self._push_new = server.register_script(_PUSH_NEW)

    def encode(self, request: Request) -> str:
        """The request as queued; raises ``TypeError`` or ``ValueError`` when it
        cannot travel (a callback that is no spider method, an object in meta)."""
        data: str = self._encode_request(request)
        return data

    def push(self, request: Request, data: str | None = None) -> None:
        data = data if data is not None else self.encode(request)
        pipe = self.server.pipeline(transaction=False)
        pipe.zadd(self.keys.queue, {data: -request.priority})
        pipe.expire(self.keys.queue, self.ttl_s)
        pipe.execute()

    def push_new(self, request: Request, data: str, seen: str, fingerprint: str) -> bool:
        """Queue ``request`` (as ``data``) unless ``fingerprint`` is in the set
        ``seen``, and add it there, in one step; False when it was seen already."""
        keys = [seen, self.keys.queue]
        args = [fingerprint, data, -request.priority, self.ttl_s]
        return bool(self._push_new(keys=keys, args=args))

    def lease(self, token: str) -> str | None:
        """Take the first request under ``token``: its queued form, or None when empty."""
        keys = [self.keys.queue, self.keys.leases, self.keys.leased]
        data: str | None = self._lease(keys=keys, args=[self.lease_ms, token, self.ttl_s])
        return data

    def decode(self, data: str) -> Request:
        request: Request = self._decode_request(data)
        return request

    def release(self, token: str, outcome: str = "") -> bool:
        """End the lease ``token``, handing ``outcome`` back in the same step; False
        when the lease was no longer held (it expired, and the request was queued
        again): the outcome is then not handed back."""
        keys = [self.keys.leases, self.keys.leased, self.keys.results]
        return bool(self._release(keys=keys, args=[token, outcome, self.ttl_s]))

    def renew(self, tokens: list[str]) -> list[str]:
        """Push back the deadlines of ``tokens``; returns those no longer leased."""
        if not tokens:
            return []
        lost: list[str] = self._renew(keys=[self.keys.leases], args=[self.lease_ms, *tokens])
        return lost

    def requeue_expired(self) -> int:
        return int(self._requeue(keys=self._lease_keys, args=["expired", self.ttl_s]))

    def requeue_held_by(self, prefix: str) -> int:
        """Queue again every request leased under tokens starting with ``prefix``
        (a member known to be dead)."""
        return int(self._requeue(keys=self._lease_keys, args=["prefix", self.ttl_s, prefix]))

    def give_back(self, tokens: list[str]) -> int:
        """Queue ``tokens``' requests again now (a member closing before it is done)."""
        if not tokens:
            return 0
        return int(self._requeue(keys=self._lease_keys, args=["tokens", self.ttl_s, *tokens]))

    def recover(self) -> int:
        """Outcomes left in ``processing`` by an archiving process that died go back to
        ``results``; only the archiving process (holding the archive's lock) calls it."""
        return int(self._recover(keys=[self.keys.processing, self.keys.results]))

    def state(self) -> QueueState:
        pipe = self.server.pipeline(transaction=True)
        pipe.zcard(self.keys.queue)
        pipe.zcard(self.keys.leases)
        pipe.llen(self.keys.results)
        pipe.llen(self.keys.processing)
        queued, leased, results, processing = pipe.execute()
        return QueueState(int(queued), int(leased), int(results), int(processing))

    @property
    def _lease_keys(self) -> list[str]:
        return [self.keys.queue, self.keys.leases, self.keys.leased]
