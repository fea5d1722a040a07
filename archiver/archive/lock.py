"""One run at a time per archive: an advisory lock the OS drops when a run dies."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from archiver.errors import ArchiverError

__all__ = ["ArchiveLock", "ArchiveLocked"]


class ArchiveLocked(ArchiverError):
    """Another run is working on this archive."""


class ArchiveLock:
    """``flock`` on ``<root>/.archiver/lock``. A run killed with SIGKILL loses
    the lock with its process, so a stale lock never blocks the next run."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / ".archiver" / "lock"
        self._handle: IO[str] | None = None

    def acquire(self) -> ArchiveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise ArchiveLocked(
                f"another archiver run (pid {holder}) is working on {self.path.parent.parent}; "
                "wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
