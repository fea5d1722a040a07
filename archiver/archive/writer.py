"""Post writes off the reactor thread, ledger commits batched.

One thread writes: posts (atomic file writes, fsync'd) and ledger rows. The
jobs queued while it works are taken together and their ledger rows
committed in one transaction, so a fast crawl does not pay one SQLite commit
per article. A SIGKILL loses at most the batch being written: each post is
renamed into place whole, and the next run's repair brings ledger and posts
back in step.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from archiver.archive.store import Archive

__all__ = ["PostWriter"]

T = TypeVar("T")
_BATCH = 64


class PostWriter:
    """A thread that runs archive jobs in order, committing each batch once."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="archiver-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Run ``job`` on the writer thread; its result (or error) in the future."""
        future: Future[T] = Future()
        self._jobs.put((job, future))
        return future

    def close(self) -> None:
        """Finish every queued job, then stop the thread."""
        self._jobs.put(None)
        self._thread.join()

    def _run(self) -> None:
        stop = False
        while not stop:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < _BATCH:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._run_batch(batch)

    def _run_batch(self, batch: list[tuple[Callable[[], Any], Future[Any]]]) -> None:
        results: list[tuple[Future[Any], bool, Any]] = []
        try:
            with self.archive.ledger.batch():
                for job, future in batch:
                    try:
                        results.append((future, True, job()))
                    except Exception as exc:  # this job fails; the batch goes on
                        results.append((future, False, exc))
        except Exception as exc:  # the commit itself failed: every job of the batch did
            results = [(future, False, exc) for _, future in batch]
        for future, ok, value in results:
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
