"""Skip the start-up repair walk when the last run closed cleanly.

A crawl opens an archive by bringing the ledger in step with the posts
(``Archive.repair``): one walk of the posts folder, 0.3 s at 100,000 posts.
That walk is needed only after a run that did not close cleanly (killed,
the machine down) or when someone changed the folders by hand. So a clean
close records each post folder with its modification time; the next run
compares them (one ``stat`` per folder, not per post) and walks only if a
folder changed or went, or when there is no record. A run that is open
holds no record, so a kill always means a walk next time.

Deleting or renaming a post changes its folder's time, and removing a
folder changes its parent's: hand edits are seen. A post added by hand
needs no walk (it is adopted when its article comes again).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from archiver.archive.ledger import Ledger

__all__ = ["forget", "record", "unchanged_folders"]

_KEY = "post_folders"


def unchanged_folders(ledger: Ledger, posts_dir: Path) -> set[str] | None:
    """The post folders recorded at the last clean close (relative to
    ``posts_dir``, ``.`` for itself) if none changed since; else None."""
    raw = ledger.state(_KEY)
    if raw is None:
        return None
    try:
        recorded = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(recorded, dict):
        return None
    for folder, mtime in recorded.items():
        try:
            if os.stat(posts_dir / folder).st_mtime_ns != mtime:
                return None
        except OSError:
            return None
    return set(recorded)


def forget(ledger: Ledger) -> None:
    """A run is open: until it closes cleanly, the next one walks."""
    ledger.set_state(_KEY, None)


def record(ledger: Ledger, posts_dir: Path, folders: Iterable[str]) -> None:
    """Record ``folders`` (relative to ``posts_dir``) as they are now: a clean close."""
    state: dict[str, int] = {}
    for folder in folders:
        try:
            state[folder] = os.stat(posts_dir / folder).st_mtime_ns
        except OSError:
            continue  # gone: not recorded, and its parent's time tells
    ledger.set_state(_KEY, json.dumps(state, ensure_ascii=False, sort_keys=True))
