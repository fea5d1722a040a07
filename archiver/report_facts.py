"""What ``archiver report`` (the HTML page) shows of an archive, gathered once:
from the ledger (read only), the posts' files and the run reports given."""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from archiver.report import fallen_fields

__all__ = ["FIELDS", "ArchiveFacts", "gather"]

FIELDS = {"title": "title", "date_published": "date", "authors": "author", "tags": "tags",
          "lead_image": "image", "body_html": "body"}  # fmt: skip
"""The field rates the run reports record, and their names on the page."""
_BEFORE = 5  # runs a run is compared with, as the crawl does (Ledger.previous_runs)


@dataclass
class ArchiveFacts:
    """Everything the page shows, gathered once (tests read it too)."""

    root: Path
    generated: datetime
    posts: int = 0
    published: Counter[date] = field(default_factory=Counter)
    archived: Counter[date] = field(default_factory=Counter)
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per site, its runs in order: ``started``, ``articles``, ``rates``, ``fell``."""
    failures: list[dict[str, Any]] = field(default_factory=list)
    """URLs failing in the ledger, waiting for a retry: url, reason, attempts, when."""
    run_reports: list[dict[str, Any]] = field(default_factory=list)
    """The run reports given: ``file``, ``when`` and the report."""
    disk: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per site folder (``group/site``): posts and bytes."""
    other_bytes: dict[str, int] = field(default_factory=dict)


def _day(moment: datetime) -> date:
    return moment.astimezone().date()


def _ledger(root: Path) -> sqlite3.Connection | None:
    path = root / ".archiver" / "ledger.sqlite"
    if not path.is_file():
        return None
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return sqlite3.connect(path)


def gather(root: Path, runs: list[Path] | None = None) -> ArchiveFacts:
    """The facts of the archive at ``root`` and of the run reports ``runs``."""
    facts = ArchiveFacts(root=root, generated=datetime.now(UTC))
    _disk(facts)
    db = _ledger(root)
    if db is not None:
        try:
            _from_ledger(facts, db)
        except sqlite3.DatabaseError as exc:
            facts.failures.append({"url": "", "reason": f"the ledger is unreadable: {exc}",
                                   "attempts": 0, "when": None})  # fmt: skip
        finally:
            db.close()
    if not facts.published:
        _from_posts(facts)
    for path in runs or []:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{path}: not a run report (JSON): {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: not a run report (a JSON object)")
        when = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
        facts.run_reports.append({"file": str(path), "when": when, "report": data})
    facts.run_reports.sort(key=lambda r: r["when"], reverse=True)
    return facts


def _from_ledger(facts: ArchiveFacts, db: sqlite3.Connection) -> None:
    for published, first_seen in db.execute("SELECT date_published, first_seen FROM posts"):
        seen = datetime.fromtimestamp(first_seen, UTC)
        facts.archived[_day(seen)] += 1
        try:
            moment = datetime.fromisoformat(published) if published else seen
        except ValueError:
            moment = seen
        facts.published[_day(moment)] += 1
    rows = db.execute("SELECT site, started, articles, field_rates FROM runs ORDER BY id")
    for site, started, articles, rates in rows:
        history = facts.runs.setdefault(site, [])
        rates = json.loads(rates)
        before = [run["rates"] for run in history[-_BEFORE:]]
        history.append({"started": datetime.fromtimestamp(started, UTC), "articles": articles,
                        "rates": rates, "fell": fallen_fields(rates, before)})  # fmt: skip
    query = "SELECT url, reason, attempts, last_attempt FROM failures ORDER BY last_attempt DESC"
    for url, reason, attempts, last in db.execute(query):
        when = datetime.fromtimestamp(last, UTC)
        facts.failures.append({"url": url, "reason": reason, "attempts": attempts, "when": when})


def _from_posts(facts: ArchiveFacts) -> None:
    """No ledger: the dates the posts themselves give."""
    from archiver.export import post_rows

    for _path, article in post_rows(facts.root):
        if not isinstance(article, str) and article.date_published is not None:
            facts.published[_day(article.date_published)] += 1


def _disk(facts: ArchiveFacts) -> None:
    posts = facts.root / "source" / "_posts"
    count = 0
    for folder, _dirs, files in os.walk(posts):
        parts = Path(folder).relative_to(posts).parts
        key = "/".join(parts[:2]) or "."
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                n, size = facts.disk.get(key, (0, 0))
                facts.disk[key] = (n + 1, size + (Path(folder) / name).stat().st_size)
                count += 1
    facts.posts = count
    for label, path in (("ledger", facts.root / ".archiver"),
                        ("rejects.jsonl", facts.root / "rejects.jsonl")):  # fmt: skip
        if path.is_file():
            facts.other_bytes[label] = path.stat().st_size
        elif path.is_dir():
            facts.other_bytes[label] = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
