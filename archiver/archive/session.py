"""An archive opened for crawling: locked, repaired, its known URLs loaded.

Every crawler of one process that writes to the same root shares one
session (``archiver run`` crawls several sources at once into one archive):
the first to open it takes the lock and repairs the ledger, the last to
close it releases both.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from archiver.archive.ledger import unavailable
from archiver.archive.lock import ArchiveLock
from archiver.archive.store import Archive
from archiver.archive.writer import PostWriter
from archiver.errors import ArchiveUnavailable

__all__ = ["ArchiveSession", "close_session", "open_session"]


@dataclass
class ArchiveSession:
    """The open archive of a run and what a crawl asks of it on every link."""

    archive: Archive
    lock: ArchiveLock
    known_urls: set[str]
    has_urlless_posts: bool
    repaired: dict[str, int] = field(default_factory=dict)
    users: int = 0
    writer: PostWriter | None = None
    """The one thread that writes this archive's posts and ledger rows: every
    crawl of the process queues its writes there, so two crawls that meet the
    same article write it once, in turn."""


_SESSIONS: dict[Path, ArchiveSession] = {}
_GUARD = threading.Lock()


def open_session(
    root: str | Path,
    *,
    image_placeholder: str = "",
    durable: bool = True,
    front_matter: str = "full",
) -> ArchiveSession:
    """The session of ``root`` in this process, opened (locked, repaired) if new.

    Raises ``ArchiveLocked`` when another process holds the archive."""
    key = Path(root).resolve()
    with _GUARD:
        session = _SESSIONS.get(key)
        if session is None:
            session = _open(Path(root), image_placeholder, durable, front_matter)
            _SESSIONS[key] = session
        session.users += 1
        return session


def _open(root: Path, image_placeholder: str, durable: bool, front_matter: str) -> ArchiveSession:
    try:
        lock = ArchiveLock(root).acquire()
    except OSError as exc:
        raise ArchiveUnavailable(f"cannot write to the archive {root}: {exc.strerror}") from exc
    try:
        archive = Archive(
            root, image_placeholder=image_placeholder, durable=durable, front_matter=front_matter
        )
        try:
            repaired = archive.repair()
            ledger = archive.ledger
            known = ledger.known_urls()
            urlless = ledger.db.execute("SELECT 1 FROM posts WHERE url IS NULL LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            archive.close()
            raise unavailable(archive.ledger.path, exc) from exc
        except OSError as exc:
            archive.close()
            raise ArchiveUnavailable(f"cannot repair the archive {root}: {exc.strerror}") from exc
    except BaseException:
        lock.release()
        raise
    session = ArchiveSession(archive, lock, known, urlless is not None, repaired)
    session.writer = PostWriter(archive)
    return session


def close_session(session: ArchiveSession) -> None:
    """Give ``session`` back; the last user closes the ledger and releases the lock."""
    with _GUARD:
        session.users -= 1
        if session.users > 0:
            return
        for key, value in list(_SESSIONS.items()):
            if value is session:
                del _SESSIONS[key]
        try:
            if session.writer is not None:
                session.writer.close()  # every queued write is done first
            # Posts and ledger agree now: the next run need not walk the posts.
            session.archive.close_cleanly()
        finally:
            session.lock.release()
