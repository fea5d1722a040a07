"""``archiver import`` and ``archiver check``: the ledger against the posts on disk."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from archiver.archive.store import Archive, atomic_write, content_hash, ledger_row
from archiver.errors import ArchiveUnavailable, PostFormatError
from archiver.post import read_post

__all__ = ["CheckResult", "check_archive", "import_posts", "open_for_check"]


def open_for_check(root: Path, *, fix: bool) -> Archive:
    """The archive at ``root`` for ``check``; with ``fix``, a corrupt ledger is
    moved aside (``ledger.sqlite.corrupt-<time>``) and rebuilt from the posts,
    which keep their URLs."""
    try:
        return Archive(root)
    except ArchiveUnavailable as exc:
        if not (fix and exc.corrupt_ledger):
            raise
    ledger = root / ".archiver" / "ledger.sqlite"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        part = ledger.with_name(ledger.name + suffix)
        if part.exists():
            part.rename(part.with_name(f"{part.name}.corrupt-{stamp}"))
    archive = Archive(root)
    for path in archive:
        try:
            article = read_post(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, PostFormatError):
            continue  # check lists it as unreadable
        relative = path.relative_to(archive.root).as_posix()
        archive.ledger.put(ledger_row(article, relative, article.key_url))
    return archive


def import_posts(folder: Path, archive: Archive) -> dict[str, object]:
    """Index the old-format posts under ``folder`` into ``archive``'s ledger.

    Posts already under the archive's ``source/_posts`` are indexed in place;
    others are copied there first, keeping their relative path. Posts that
    do not parse are listed with the reason, never half-imported.
    """
    folder = folder.resolve()
    posts_dir = archive.posts_dir.resolve()
    in_place = folder == posts_dir or posts_dir in folder.parents
    imported, skipped, broken = 0, 0, []
    for path in sorted(folder.rglob("*.md")):
        if path.name.startswith("."):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            article = read_post(text)
        except PostFormatError as exc:
            broken.append({"path": str(path), "reason": str(exc)})
            continue
        target = path if in_place else archive.posts_dir / path.relative_to(folder)
        relative = target.resolve().relative_to(archive.root.resolve()).as_posix()
        if archive.ledger.by_path(relative) is not None:
            skipped += 1
            continue
        if not in_place:
            atomic_write(target, text, durable=archive.durable)
        archive.ledger.put(ledger_row(article, relative, article.key_url))
        imported += 1
    return {"imported": imported, "already_indexed": skipped, "broken": broken}


@dataclass
class CheckResult:
    """What ``check_archive`` found (and fixed, with ``fix``)."""

    posts: int = 0
    unreadable: list[dict[str, str]] = field(default_factory=list)
    not_in_ledger: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    stray_temp_files: list[str] = field(default_factory=list)
    fixed: int = 0

    @property
    def ok(self) -> bool:
        return not (self.unreadable or self.not_in_ledger or self.missing_files or self.changed
                    or self.stray_temp_files)  # fmt: skip


def check_archive(archive: Archive, *, fix: bool = False) -> CheckResult:
    """Every post parses and matches its ledger row; with ``fix``, repair the ledger
    (index unindexed posts, drop rows without a file, refresh hashes of edited
    posts) and remove temporary files left by a killed run."""
    result = CheckResult()
    seen: set[str] = set()
    root = archive.root.resolve()
    if archive.posts_dir.is_dir():
        for tmp in archive.posts_dir.rglob(".tmp-*"):
            result.stray_temp_files.append(str(tmp))
            if fix:
                tmp.unlink(missing_ok=True)
                result.fixed += 1
    for path in archive:
        relative = path.resolve().relative_to(root).as_posix()
        seen.add(relative)
        result.posts += 1
        try:
            article = read_post(path.read_text(encoding="utf-8"))
        except (PostFormatError, UnicodeDecodeError) as exc:
            result.unreadable.append({"path": relative, "reason": str(exc)})
            continue
        row = archive.ledger.by_path(relative)
        digest = content_hash(article)
        if row is None:
            result.not_in_ledger.append(relative)
        elif row.content_hash != digest:
            result.changed.append(relative)
        else:
            continue
        if fix:
            archive.ledger.put(
                ledger_row(article, relative, row.url if row else None, digest)
            )  # fmt: skip
            result.fixed += 1
    for row in list(archive.ledger.rows()):
        if row.path not in seen and not os.path.exists(archive.root / row.path):
            result.missing_files.append(row.path)
            if fix:
                archive.ledger.remove(row.path)
                result.fixed += 1
    return result
