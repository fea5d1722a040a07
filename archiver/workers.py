"""Extraction in worker processes: the crawl's second core.

The reactor keeps networking, navigation and bookkeeping; decoding, parsing
and extracting each article (``extract_pages``) run in ``ARCHIVER_WORKERS``
processes (default: the number of cores minus one, at least 1; 0 runs them
in the crawl's own process). Each worker takes one job at a time over a pipe.
A worker that dies or takes longer than ``ARCHIVER_WORKER_TIMEOUT`` seconds
on a page fails that page with the reason and is replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from archiver.errors import ArchiverError, ExtractionError
from archiver.extraction.article import Extracted, Found, extract_pages
from archiver.options import Options

__all__ = ["WorkerFailed", "WorkerPool", "default_workers", "extract_fetched"]


def default_workers() -> int:
    """The number of cores minus one, at least 1."""
    return max(1, (os.cpu_count() or 2) - 1)


class WorkerFailed(ExtractionError):
    """A worker died or hung on a page; it was replaced."""


def extract_fetched(pages: Sequence[Any], options: Options, found: Found) -> Extracted:
    """Decode ``pages`` (``archiver.items.Fetched``) and extract the article: one job."""
    return extract_pages([page.page() for page in pages], options, found)


def _serve(conn: Connection) -> None:
    """A worker's loop: a job in, ``("ok", Extracted)`` or ``("error", exc)`` out."""
    # Ctrl-C goes to the whole process group: the crawl decides, not the worker
    # (it finishes the articles in flight, then closes the pool).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        function, pages, options, found = job
        try:
            result: tuple[str, Any] = ("ok", function(pages, options, found))
        except ArchiverError as exc:
            result = ("error", exc)
        except Exception as exc:  # an extractor's bug: the page fails, the worker lives
            result = ("error", ExtractionError(f"{type(exc).__name__}: {exc}"))
        try:
            conn.send(result)
        except Exception as exc:  # e.g. an exception that does not pickle
            conn.send(("error", ExtractionError(f"{type(exc).__name__}: {exc}")))


@dataclass
class _Worker:
    process: Any
    conn: Connection


class WorkerPool:
    """``size`` worker processes fed from the asyncio loop of the crawl."""

    def __init__(
        self, size: int, *, timeout: float = 60.0, job: Callable[..., Any] = extract_fetched
    ) -> None:
        self.size = size
        self.timeout = timeout
        self.job = job
        """What a worker runs on each item (a module-level function)."""
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self.replaced = 0

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.append(worker)
        return worker

    def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    async def extract(self, pages: Sequence[Any], options: Options, found: Found) -> Extracted:
        """The article of ``pages``, extracted in a worker."""
        if self._idle is None:
            self.start()
        assert self._idle is not None
        worker = await self._idle.get()
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()

        def readable() -> None:
            if answer.done():
                return
            try:
                answer.set_result(worker.conn.recv())
            except (EOFError, OSError) as exc:
                answer.set_exception(exc)

        try:
            worker.conn.send((self.job, list(pages), options, found))
            loop.add_reader(worker.conn.fileno(), readable)
            try:
                status, value = await asyncio.wait_for(answer, self.timeout)
            finally:
                loop.remove_reader(worker.conn.fileno())
        except TimeoutError:  # before OSError, of which it is a subclass
            self._replace(worker)
            raise WorkerFailed(
                f"the extraction worker took over {self.timeout:.0f} s "
                "(ARCHIVER_WORKER_TIMEOUT) and was replaced"
            ) from None
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise WorkerFailed(f"the extraction worker died ({type(exc).__name__})") from None
        self._idle.put_nowait(worker)
        if status == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def _replace(self, worker: _Worker) -> None:
        self.replaced += 1
        self._kill(worker)
        assert self._idle is not None
        self._idle.put_nowait(self._spawn())

    def _kill(self, worker: _Worker) -> None:
        if worker in self._all:
            self._all.remove(worker)
        with contextlib.suppress(OSError):
            worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)

    def close(self) -> None:
        """Stop every worker (jobs in flight are the caller's to finish first)."""
        for worker in list(self._all):
            with contextlib.suppress(OSError, BrokenPipeError):
                worker.conn.send(None)
        for worker in list(self._all):
            worker.process.join(timeout=2)
            self._kill(worker)
        self._idle = None
