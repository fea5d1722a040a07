"""Extraction in worker processes: the crawl's second core.

The reactor keeps networking, navigation and bookkeeping; decoding, parsing
and extracting each article (``extract_pages``) run in ``ARCHIVER_WORKERS``
processes (default: the number of cores minus one, at least 1; 0 runs them
in the crawl's own process).

Jobs go to the workers over socket pairs without ever blocking the reactor:
the asyncio transport buffers what the worker has not read yet, and each
worker holds up to ``depth`` jobs, so it starts the next page the moment it
answers the last one. A worker that dies or takes longer than
``ARCHIVER_WORKER_TIMEOUT`` seconds on a page fails that page with the
reason and is replaced; the jobs queued behind it go to the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import socket
import struct
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
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


def _frame(payload: bytes) -> bytes:
    """``payload`` framed as ``multiprocessing.Connection.recv_bytes`` reads it."""
    if len(payload) > 0x7FFFFFFF:
        return struct.pack("!iQ", -1, len(payload)) + payload
    return struct.pack("!i", len(payload)) + payload


@dataclass
class _Job:
    payload: bytes
    answer: asyncio.Future[Any]


@dataclass
class _Worker:
    process: Any
    sock: socket.socket
    jobs: deque[_Job] = field(default_factory=deque)
    """Sent and not answered yet; the first is the one being worked on."""
    writer: asyncio.StreamWriter | None = None
    reading: asyncio.Task[None] | None = None
    deadline: asyncio.TimerHandle | None = None
    gone: bool = False


class WorkerPool:
    """``size`` worker processes fed from the asyncio loop of the crawl."""

    def __init__(
        self,
        size: int,
        *,
        timeout: float = 60.0,
        job: Callable[..., Any] = extract_fetched,
        depth: int = 2,
    ) -> None:
        self.size = size
        self.timeout = timeout
        self.job = job
        """What a worker runs on each item (a module-level function)."""
        self.depth = max(1, depth)
        """Jobs a worker holds at once: the one it works on and the next ones."""
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._waiting: deque[_Job] = deque()
        self._started = False
        self.replaced = 0

    def start(self) -> None:
        """Start the processes (their connections open on the running loop)."""
        self._started = True
        for _ in range(self.size):
            self._spawn()

    async def extract(self, pages: Sequence[Any], options: Options, found: Found) -> Extracted:
        """The article of ``pages``, extracted in a worker."""
        if not self._started:
            self.start()
        loop = asyncio.get_running_loop()
        payload = bytes(ForkingPickler.dumps((self.job, list(pages), options, found)))
        job = _Job(payload, loop.create_future())
        self._waiting.append(job)
        self._dispatch()
        status, value = await job.answer
        if status == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop every worker (jobs in flight are the caller's to finish first)."""
        self._started = False
        for worker in list(self._workers):
            worker.gone = True
            if worker.writer is not None and worker.writer.transport.get_write_buffer_size():
                continue  # a job half sent: a stop frame would garble it; it is killed below
            with contextlib.suppress(OSError):
                worker.sock.setblocking(True)
                worker.sock.sendall(_frame(bytes(ForkingPickler.dumps(None))))
        for worker in list(self._workers):
            worker.process.join(timeout=2)
            self._kill(worker)
        for job in self._waiting:
            if not job.answer.done():
                job.answer.set_exception(WorkerFailed("the extraction workers were stopped"))
        self._waiting.clear()

    # -- the processes -------------------------------------------------------

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()  # a socket pair on POSIX
        process = self._context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        sock = socket.socket(fileno=os.dup(parent.fileno()))
        parent.close()
        worker = _Worker(process, sock)
        self._workers.append(worker)
        worker.reading = asyncio.ensure_future(self._read(worker))
        return worker

    async def _read(self, worker: _Worker) -> None:
        """Answers from ``worker``, in the order of its jobs."""
        sock = worker.sock
        sock.setblocking(False)
        reader, worker.writer = await asyncio.open_connection(sock=sock)
        self._dispatch()
        try:
            while True:
                (size,) = struct.unpack("!i", await reader.readexactly(4))
                if size == -1:
                    (size,) = struct.unpack("!Q", await reader.readexactly(8))
                answer = ForkingPickler.loads(await reader.readexactly(size))
                job = worker.jobs.popleft()
                if not job.answer.done():
                    job.answer.set_result(answer)
                self._watch(worker)
                self._dispatch()
        except (asyncio.IncompleteReadError, OSError, IndexError):
            if not worker.gone:
                self._replace(worker, "the extraction worker died")
        except asyncio.CancelledError:
            pass

    def _dispatch(self) -> None:
        """Send waiting jobs to the workers that hold fewest."""
        while self._waiting:
            ready = [w for w in self._workers if w.writer is not None and not w.gone]
            ready = [w for w in ready if len(w.jobs) < self.depth]
            if not ready:
                return
            worker = min(ready, key=lambda w: len(w.jobs))
            job = self._waiting.popleft()
            if job.answer.done():  # its caller gave up
                continue
            assert worker.writer is not None
            worker.jobs.append(job)
            worker.writer.write(_frame(job.payload))
            if len(worker.jobs) == 1:
                self._watch(worker)

    def _watch(self, worker: _Worker) -> None:
        """Time the job ``worker`` works on now."""
        if worker.deadline is not None:
            worker.deadline.cancel()
            worker.deadline = None
        if worker.jobs and not worker.gone:
            loop = asyncio.get_running_loop()
            worker.deadline = loop.call_later(self.timeout, self._hung, worker, worker.jobs[0])

    def _hung(self, worker: _Worker, job: _Job) -> None:
        if not worker.gone and worker.jobs and worker.jobs[0] is job:
            self._replace(
                worker,
                f"the extraction worker took over {self.timeout:.0f} s "
                "(ARCHIVER_WORKER_TIMEOUT) and was replaced",
            )

    def _replace(self, worker: _Worker, why: str) -> None:
        """Fail the job ``worker`` was on, give the others back, start a new worker."""
        self.replaced += 1
        worker.gone = True
        jobs = list(worker.jobs)
        worker.jobs.clear()
        self._kill(worker)
        if jobs and not jobs[0].answer.done():
            jobs[0].answer.set_exception(WorkerFailed(why))
        self._waiting.extendleft(reversed(jobs[1:]))
        if self._started:
            self._spawn()
        self._dispatch()

    def _kill(self, worker: _Worker) -> None:
        if worker in self._workers:
            self._workers.remove(worker)
        if worker.deadline is not None:
            worker.deadline.cancel()
        if worker.reading is not None and worker.reading is not _current_task():
            worker.reading.cancel()
        if worker.writer is not None:
            worker.writer.close()
        with contextlib.suppress(OSError):
            worker.sock.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None
