"""The images kept in a site: their files, by content hash, under
``source/images/``, and ``.archiver/images.sqlite`` (which URL is which file,
which failed and how often)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import time
from pathlib import Path

__all__ = ["SITE_FOLDER", "ImageIndex"]

SITE_FOLDER = "images"
"""Under ``source/``: Hexo copies it to the public site as ``/images/``."""

# ------------------------------------------------------------------ the store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS images (
    url TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    fetched REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT NOT NULL,
    article TEXT NOT NULL,
    referer TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_attempt REAL NOT NULL,
    PRIMARY KEY (url, article)
);
"""


class ImageIndex:
    """The images kept in a site: ``source/images/`` and the URL index in
    ``.archiver/images.sqlite`` (which URL is which file, which failed)."""

    def __init__(self, root: str | os.PathLike[str], *, durable: bool = True) -> None:
        self.root = Path(root)
        self.folder = self.root / "source" / SITE_FOLDER
        self.durable = durable
        path = self.root / ".archiver" / "images.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def copy_of(self, url: str) -> str | None:
        """The site-root path of ``url``'s copy, if it is kept (and its file is there)."""
        row = self.db.execute("SELECT path FROM images WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        path = str(row[0])
        return path if (self.root / "source" / path.lstrip("/")).is_file() else None

    def copies(self, urls: list[str]) -> dict[str, str]:
        """``copy_of`` for each of ``urls`` that has a copy."""
        found = {url: self.copy_of(url) for url in urls}
        return {url: path for url, path in found.items() if path is not None}

    def keep(self, url: str, data: bytes, ext: str) -> str:
        """Store ``data`` (once per content) and index it under ``url``; its site path."""
        path = self.store(data, ext)
        self.add(url, path, len(data))
        return path

    def store(self, data: bytes, ext: str) -> str:
        """Write ``data`` under its content hash (once); its site path. No
        database: a crawl calls it in a thread, the disk's wait off the reactor."""
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{digest[:2]}/{digest}.{ext}"
        target = self.folder / relative
        if not (target.is_file() and target.stat().st_size == len(data)):
            _write_bytes(target, data, durable=self.durable)
        return f"/{SITE_FOLDER}/{relative}"

    def add(self, url: str, path: str, size: int) -> None:
        """Index the stored copy ``path`` under ``url``."""
        self.db.execute(
            "INSERT OR REPLACE INTO images VALUES (?, ?, ?, ?)", (url, path, size, time.time())
        )

    # ----------------------------------------------------------- failures

    def record(self, article: str, referer: str, failed: dict[str, str], kept: list[str]) -> None:
        """What became of ``article``'s images this time: ``failed`` (URL: reason)
        counts one more attempt; ``kept`` are done."""
        now = time.time()
        for url in kept:
            self.db.execute("DELETE FROM failures WHERE url = ? AND article = ?", (url, article))
        for url, reason in failed.items():
            self.db.execute(
                """INSERT INTO failures VALUES (?, ?, ?, ?, 1, ?)
                   ON CONFLICT(url, article) DO UPDATE SET reason = excluded.reason,
                     referer = excluded.referer, attempts = failures.attempts + 1,
                     last_attempt = excluded.last_attempt""",
                (url, article, referer, reason[:500], now),
            )

    def pending(self, max_attempts: int) -> list[tuple[str, str]]:
        """(article, referer) of the posts with an image to try again."""
        rows = self.db.execute(
            "SELECT article, MAX(referer) FROM failures WHERE attempts < ? "
            "GROUP BY article ORDER BY article",
            (max_attempts,),
        )
        return [(str(article), str(referer)) for article, referer in rows]

    def failures(self) -> list[tuple[str, str, str, int]]:
        """(url, article, reason, attempts) of every image that failed."""
        rows = self.db.execute(
            "SELECT url, article, reason, attempts FROM failures ORDER BY article, url"
        )
        return [(str(u), str(a), str(r), int(n)) for u, a, r, n in rows]

    def forget(self, article: str) -> None:
        self.db.execute("DELETE FROM failures WHERE article = ?", (article,))


def _write_bytes(target: Path, data: bytes, *, durable: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
