"""The ledger: what the archive holds, in SQLite under ``<root>/.archiver/``.

One row per post: the article's key (its canonical URL; none for a post
imported from an old archive, which records no URL), the post's path, a
hash of its content, the title key used to match URL-less posts, dates, and
when it was first and last seen. Failed URLs are kept to be retried.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.errors import ArchiveUnavailable

__all__ = ["Ledger", "PostRow"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    path TEXT PRIMARY KEY,
    url TEXT UNIQUE,
    title_key TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    date_published TEXT,
    date_modified TEXT,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS posts_title_key ON posts(title_key);
CREATE TABLE IF NOT EXISTS aliases (
    url TEXT PRIMARY KEY,
    path TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_attempt REAL NOT NULL,
    found TEXT
);
CREATE TABLE IF NOT EXISTS crawls (
    start_url TEXT PRIMARY KEY,
    complete INTEGER NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    site TEXT NOT NULL,
    articles INTEGER NOT NULL,
    field_rates TEXT NOT NULL
);
"""


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def unavailable(path: Path, exc: BaseException) -> ArchiveUnavailable:
    """The error for a ledger that cannot be used: corrupt, or not writable."""
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        root = path.parent.parent
        return ArchiveUnavailable(
            f"the ledger {path} is corrupt ({exc}): run `archiver check --fix {root}` "
            "to rebuild it from the posts",
            corrupt_ledger=True,
        )
    return ArchiveUnavailable(f"cannot write the ledger {path}: {_why(exc)}")


@dataclass(frozen=True)
class PostRow:
    """One ledger row; ``path`` is relative to the archive root, with ``/``."""

    path: str
    url: str | None
    title_key: str
    content_hash: str
    date_published: str | None
    date_modified: str | None


class Ledger:
    """A small SQLite store; every write is its own transaction (crash-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Serialized SQLite (threadsafety 3): the crawl writes from its writer
            # thread and reads from the reactor's.
            self.db = sqlite3.connect(
                path, timeout=30, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise ArchiveUnavailable(f"cannot open the ledger {path}: {_why(exc)}") from exc
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(failures)")}
            if "found" not in columns:  # a ledger of an earlier version
                self.db.execute("ALTER TABLE failures ADD COLUMN found TEXT")
        except sqlite3.Error as exc:
            self.db.close()
            raise unavailable(path, exc) from exc

    def close(self) -> None:
        self.db.close()

    # ---------------------------------------------------------------- posts

    def by_url(self, url: str) -> PostRow | None:
        return self._one("SELECT * FROM posts WHERE url = ?", (url,))

    def path_of(self, url: str) -> str | None:
        """The post path of ``url``, whether it is a post's key or an alias of one."""
        row = self.db.execute(
            "SELECT path FROM posts WHERE url = ? UNION ALL SELECT path FROM aliases WHERE url = ?",
            (url, url),
        ).fetchone()
        return str(row[0]) if row else None

    def add_alias(self, url: str, path: str) -> None:
        """Another URL of the same article (its rel=canonical, a mobile address...)."""
        self.db.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?)", (url, path))

    def by_path(self, path: str) -> PostRow | None:
        return self._one("SELECT * FROM posts WHERE path = ?", (path,))

    def by_title_key(self, key: str) -> list[PostRow]:
        rows = self.db.execute("SELECT * FROM posts WHERE title_key = ?", (key,))
        return [PostRow(*row[:6]) for row in rows]

    def has_title_key(self, key: str) -> bool:
        query = "SELECT 1 FROM posts WHERE title_key = ? LIMIT 1"
        return self.db.execute(query, (key,)).fetchone() is not None

    def state(self, key: str) -> str | None:
        """A value the archive keeps about itself (``archiver.archive.clean_close``)."""
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_state(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM state WHERE key = ?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, value))

    def known_urls(self) -> set[str]:
        """Every URL in the ledger: a set, so a crawl checks links without queries."""
        query = "SELECT url FROM posts WHERE url IS NOT NULL UNION SELECT url FROM aliases"
        return {url for (url,) in self.db.execute(query)}

    def put(self, row: PostRow) -> None:
        """Insert or update the row of ``row.path`` (and take over its URL)."""
        now = time.time()
        with self._transaction():
            if row.url is not None:
                self.db.execute(
                    "DELETE FROM posts WHERE url = ? AND path != ?", (row.url, row.path)
                )
            self.db.execute(
                """INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(path) DO UPDATE SET
                     url = COALESCE(excluded.url, posts.url),
                     title_key = excluded.title_key, content_hash = excluded.content_hash,
                     date_published = excluded.date_published,
                     date_modified = excluded.date_modified, last_seen = excluded.last_seen""",
                (row.path, row.url, row.title_key, row.content_hash, row.date_published,
                 row.date_modified, now, now),
            )  # fmt: skip
            if row.url is not None:
                self.db.execute("DELETE FROM failures WHERE url = ?", (row.url,))

    def remove(self, path: str) -> None:
        with self._transaction():
            self.db.execute("DELETE FROM posts WHERE path = ?", (path,))
            self.db.execute("DELETE FROM aliases WHERE path = ?", (path,))

    def rows(self) -> Iterator[PostRow]:
        for row in self.db.execute("SELECT * FROM posts ORDER BY path"):
            yield PostRow(*row[:6])

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM posts").fetchone()[0])

    # ------------------------------------------------------------- failures

    def record_failure(self, url: str, reason: str, found: dict[str, Any] | None = None) -> int:
        """Count one more failed attempt at ``url``; returns the attempts so far.

        ``found`` (where the crawl found it: listing, tag, feed title...) is
        kept, so a retry in a later run files the article where a clean crawl
        would; a later failure without it keeps the one recorded."""
        context = json.dumps(found, ensure_ascii=False) if found else None
        self.db.execute(
            """INSERT INTO failures VALUES (?, ?, 1, ?, ?)
               ON CONFLICT(url) DO UPDATE SET reason = excluded.reason,
                 attempts = failures.attempts + 1, last_attempt = excluded.last_attempt,
                 found = COALESCE(excluded.found, failures.found)""",
            (url, reason[:500], time.time(), context),
        )
        row = self.db.execute("SELECT attempts FROM failures WHERE url = ?", (url,)).fetchone()
        return int(row[0])

    def clear_failure(self, url: str) -> None:
        self.db.execute("DELETE FROM failures WHERE url = ?", (url,))

    def found_of(self, url: str) -> dict[str, Any]:
        """Where the crawl had found a failed ``url`` (empty if not recorded)."""
        row = self.db.execute("SELECT found FROM failures WHERE url = ?", (url,)).fetchone()
        return dict(json.loads(row[0])) if row and row[0] else {}

    def failures(self, max_attempts: int | None = None) -> list[tuple[str, str, int]]:
        """(url, reason, attempts) of failed URLs, those under ``max_attempts`` if given."""
        query = "SELECT url, reason, attempts FROM failures"
        if max_attempts is not None:
            rows = self.db.execute(query + " WHERE attempts < ? ORDER BY url", (max_attempts,))
        else:
            rows = self.db.execute(query + " ORDER BY url")
        return [(str(u), str(r), int(a)) for u, r, a in rows]

    # ------------------------------------------------------------ crawls

    def begin_crawl(self, start_url: str) -> bool:
        """Mark a listing crawl as under way; True when the last one did not finish
        (killed, interrupted), so this one must walk past already-known pages."""
        row = self.db.execute("SELECT complete FROM crawls WHERE start_url = ?", (start_url,))
        found = row.fetchone()
        self.db.execute("INSERT OR REPLACE INTO crawls VALUES (?, 0, ?)", (start_url, time.time()))
        return found is not None and not found[0]

    def finish_crawl(self, start_url: str) -> None:
        self.db.execute("UPDATE crawls SET complete = 1, updated = ? WHERE start_url = ?",
                        (time.time(), start_url))  # fmt: skip

    # ------------------------------------------------------------ run stats

    def record_run(self, site: str, articles: int, field_rates: str) -> None:
        self.db.execute(
            "INSERT INTO runs (started, site, articles, field_rates) VALUES (?, ?, ?, ?)",
            (time.time(), site, articles, field_rates),
        )

    def previous_runs(self, site: str, limit: int = 5) -> list[str]:
        query = "SELECT field_rates FROM runs WHERE site = ? ORDER BY id DESC LIMIT ?"
        return [str(rates) for (rates,) in self.db.execute(query, (site, limit))]

    # ------------------------------------------------------------- internals

    def _one(self, query: str, args: tuple[object, ...]) -> PostRow | None:
        row = self.db.execute(query, args).fetchone()
        return PostRow(*row[:6]) if row else None

    def _transaction(self) -> _Transaction:
        return _Transaction(self)

    def batch(self) -> _Transaction:
        """One transaction around many writes (each ``put`` joins it): the crawl's
        writer commits its queued posts together."""
        return _Transaction(self)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; nested ones join the outer one."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.outer = False

    def __enter__(self) -> None:
        if not self.ledger.db.in_transaction:
            self.ledger.db.execute("BEGIN IMMEDIATE")
            self.outer = True

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        if self.outer:
            self.ledger.db.execute("COMMIT" if kind is None else "ROLLBACK")
