"""Which leased request a callback, a failure or an item belongs to.

A leased request starts a *chain*: its callback or errback, the requests it
yields with the same callback (pages 2..n of a long article), and the items
they yield until those leave the item pipelines. The chain ends when none of
these is left; then its lease is released (the archiving process) or its
outcome handed back (a worker). The spider is not changed for this: the
leased request's callback and errback are wrapped, the spider's own methods
run inside, and ``current`` names the chain while they run, so that a
``url_failed`` signal or a stats count is put on the right chain.

A chain that shows no sign of life for ``stall_s`` seconds (a request some
middleware dropped without a word) ends as a failure, retried by a later
run: no lease is held forever.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Request
from scrapy.utils.misc import arg_to_iter

from archiver.distributed.codec import Outcome
from archiver.extraction.article import Found

__all__ = ["Chain", "Chains", "current"]

TOKEN = "archiver_lease"
_CALLBACK = "archiver_callback"
_ERRBACK = "archiver_errback"
_ITEM = "_archiver_lease"

current: Chain | None = None
"""The chain whose spider code runs right now (set only around synchronous steps)."""


@dataclass(eq=False)
class Chain:
    """One leased request and what came of it so far."""

    token: str
    outcome: Outcome
    callback: str | None
    """The name of the spider method of the leased request: yielded requests with the
    same callback continue the chain (pages 2..n)."""
    parts: int = 1
    """Requests of the chain whose callback or errback has not finished."""
    waiting: int = 1
    """Requests of the chain not answered yet (in the scheduler or the downloader)."""
    items: int = 0
    """Items of the chain still in the item pipelines."""
    kept: bool = False
    """An article of the chain was kept (written, updated or unchanged)."""
    ended: bool = False
    stalled: bool = False
    """Ended by the watchdog, not by its spider code: the article failed."""
    touched: float = field(default_factory=time.monotonic)

    @property
    def fingerprint(self) -> str:
        return self.outcome.fingerprint


class Chains:
    """The chains of one crawler; ``on_end`` is called once per chain."""

    def __init__(
        self,
        spider: Any,
        on_end: Callable[[Chain], None],
        *,
        stall_s: float,
        on_answer: Callable[[], None] = lambda: None,
    ) -> None:
        self.spider = spider
        self.on_end = on_end
        self.on_answer = on_answer
        """Called when a request of a chain got its answer: the process may fetch another."""
        self.stall_s = stall_s
        self.active: dict[str, Chain] = {}

    def __len__(self) -> int:
        return len(self.active)

    def waiting(self) -> int:
        """Requests of every chain not answered yet: what the process fetches now."""
        return sum(chain.waiting for chain in self.active.values())

    def start(self, token: str, fingerprint: str, request: Request, member: str) -> Chain:
        """``request`` was leased under ``token``: wrap it, and follow what comes of it."""
        found = request.cb_kwargs.get("found")
        if not isinstance(found, Found):
            found = Found(link=request.url)
        elif found.link is None:
            found = Found(**{**found.__dict__, "link": request.url})
        outcome = Outcome(fingerprint, found, by=member)
        chain = Chain(token, outcome, _name(request.callback))
        self.active[token] = chain
        self._wrap(chain, request)
        return chain

    def of_item(self, item: Any) -> Chain | None:
        return self.active.get(getattr(item, _ITEM, None) or "")

    def item_left(self, item: Any, *, kept: bool = False) -> Chain | None:
        """``item`` left the item pipelines (scraped, dropped or failed)."""
        chain = self.of_item(item)
        if chain is not None:
            chain.items -= 1
            chain.kept = chain.kept or kept
            chain.touched = time.monotonic()
            self._check(chain)
        return chain

    def request_dropped(self, request: Request) -> None:
        chain = self.active.get(request.meta.get(TOKEN) or "")
        if chain is not None:
            chain.parts -= 1
            chain.waiting -= 1
            self._check(chain)

    def stalled(self) -> list[Chain]:
        """End the chains that showed no sign of life for ``stall_s`` seconds."""
        limit = time.monotonic() - self.stall_s
        stale = [c for c in self.active.values() if c.touched < limit]
        for chain in stale:
            chain.parts = chain.items = 0
            chain.stalled = True
            self._check(chain)
        return stale

    # ------------------------------------------------------------ wrapping

    def _wrap(self, chain: Chain, request: Request) -> None:
        request.meta[TOKEN] = chain.token
        request.meta[_CALLBACK] = _name(request.callback)
        request.meta[_ERRBACK] = _name(request.errback)
        request.callback = self.callback
        request.errback = self.errback

    def _method(self, name: str | None) -> Callable[..., Any] | None:
        if name is None:
            return None
        method: Callable[..., Any] = getattr(self.spider, name)
        return method

    def callback(self, response: Any, **kwargs: Any) -> Any:
        request = response.request
        chain = self.active.get(request.meta.get(TOKEN) or "")
        original = self._method(request.meta.get(_CALLBACK)) or self.spider._parse
        if chain is None:  # ended already (stalled): the spider's own callback, untracked
            return original(response, **kwargs)
        return self._steps(chain, lambda: original(response, **kwargs))

    def errback(self, failure: Any) -> Any:
        request = failure.request
        chain = self.active.get(request.meta.get(TOKEN) or "")
        original = self._method(request.meta.get(_ERRBACK))
        if chain is None:
            return original(failure) if original is not None else failure
        if original is None:  # Scrapy logs the failure; the chain's part is over
            chain.parts -= 1
            chain.waiting -= 1
            self._check(chain)
            return failure
        return self._steps(chain, lambda: original(failure))

    def _steps(self, chain: Chain, call: Callable[[], Any]) -> Iterator[Any]:
        """Run the spider's callback (or errback) as ``chain``'s, one output at a time."""
        global current
        chain.touched = time.monotonic()
        chain.waiting -= 1
        self.on_answer()
        try:
            current = chain
            try:
                output = call()
            finally:
                current = None
            iterator = iter(arg_to_iter(output))
            while True:
                current = chain
                try:
                    value = next(iterator)
                except StopIteration:
                    return
                finally:
                    current = None
                self._note(chain, value)
                yield value
        finally:
            chain.parts -= 1
            self._check(chain)

    def _note(self, chain: Chain, value: Any) -> None:
        if isinstance(value, Request):
            if chain.callback is not None and _name(value.callback) == chain.callback:
                chain.parts += 1  # the next page of the same article
                chain.waiting += 1
                self._wrap(chain, value)
            return
        if value is None:
            return
        try:
            setattr(value, _ITEM, chain.token)
        except (AttributeError, TypeError):  # an item that takes no attribute: not followed
            return
        chain.items += 1

    def _check(self, chain: Chain) -> None:
        if chain.ended or chain.parts > 0 or chain.items > 0:
            return
        chain.ended = True
        self.active.pop(chain.token, None)
        self.on_end(chain)


def _name(method: Any) -> str | None:
    """The name of a spider method given as callback (None: the spider's default)."""
    if method is None:
        return None
    return getattr(method, "__name__", None)
