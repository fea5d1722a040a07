"""The archive: a Hexo site's ``source/_posts`` folder and its ledger.

``Archive`` owns where a post goes, writing it atomically and idempotently,
and the ledger that maps each article's URL to its post.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from archiver.archive.clean_close import forget, record, unchanged_folders
from archiver.archive.ledger import Ledger, PostRow
from archiver.archive.names import safe_name, title_key, unique_suffix
from archiver.errors import PostFormatError
from archiver.models import Article
from archiver.post import check_front_matter, read_post, render_post

__all__ = ["Archive", "SaveResult", "atomic_write", "content_hash", "ledger_row"]

Status = Literal["written", "updated", "unchanged"]


@dataclass(frozen=True)
class SaveResult:
    """What ``Archive.save`` did: the post's path and whether it changed."""

    path: Path
    status: Status


def atomic_write(path: Path, text: str, *, durable: bool = True) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename in the
    same folder: a crash leaves the old file or the new one, never half.

    ``durable`` flushes the file to disk before the rename, so that even a
    power cut cannot leave an empty file under the name; a killed process
    needs no flush (the rename alone is atomic), so bulk imports may skip it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def content_hash(article: Article) -> str:
    """What decides whether an article changed: title, body and lead image."""
    digest = hashlib.sha256()
    for part in (article.title, article.lead_image or "", article.body_html):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:32]


def ledger_row(article: Article, path: str, url: str | None, digest: str | None = None) -> PostRow:
    """The ledger row of ``article``'s post at ``path`` (relative, with ``/``)."""
    return PostRow(
        path=path,
        url=url,
        title_key=title_key(article.title),
        content_hash=digest or content_hash(article),
        date_published=_iso(article.date_published),
        date_modified=_iso(article.date_modified),
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


class Archive:
    """A Hexo site root whose posts live in ``source/_posts/<c1>/<c2>/<c3>/<name>.md``.

    >>> archive = Archive("site")            # doctest: +SKIP
    >>> path = archive.write(article)        # doctest: +SKIP
    >>> archive.find(article.url) == path    # doctest: +SKIP
    """

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        image_placeholder: str = "",
        durable: bool = True,
        front_matter: str = "full",
    ) -> None:
        self.root = Path(root)
        self.durable = durable
        self.posts_dir = self.root / "source" / "_posts"
        self.image_placeholder = image_placeholder
        # "full" (tags and the `archiver:` mapping) or "classic" (the old keys only).
        self.front_matter = check_front_matter(front_matter)
        self.ledger = Ledger(self.root / ".archiver" / "ledger.sqlite")
        self._folders: set[str] | None = None
        """Post folders, relative to ``posts_dir``: known once ``repair`` ran."""

    def close(self) -> None:
        self.ledger.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- reading

    def read(self, path: str | os.PathLike[str]) -> Article:
        """The article of the post at ``path`` (absolute, or relative to the root)."""
        full = self._full(Path(path))
        return read_post(full.read_text(encoding="utf-8"))

    def __iter__(self) -> Iterator[Path]:
        """Every post file, in sorted order."""
        if self.posts_dir.is_dir():
            yield from sorted(p for p in self.posts_dir.rglob("*.md") if not p.name.startswith("."))

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and self.find(url) is not None

    def find(self, url: str) -> Path | None:
        """The post of the article at ``url`` (its key or a known alias), if archived;
        ``url`` in any form the crawl folds into one key (``archiver.sniff.url_forms``:
        tracking parameters, fragment, http/https, the site module's canonical URL)."""
        from archiver.sniff import url_forms

        for form in url_forms(url):
            path = self.ledger.path_of(form)
            if path:
                return self.root / path
        return None

    def repair(self) -> dict[str, int]:
        """Bring the ledger back in step after a killed run: drop rows whose post
        is gone (so the article is fetched again) and temporary files left
        behind. A post without a row is adopted when its article comes again.

        One walk of the posts folder (names only, no stat per post) keeps this
        cheap at 100,000 posts; after a clean close (``close_cleanly``) with no
        folder changed since, there is nothing to repair and no walk at all
        (``archiver.archive.clean_close``)."""
        folders = unchanged_folders(self.ledger, self.posts_dir)
        self._folders = folders if folders is not None else set()
        forget(self.ledger)
        if folders is not None:
            return {"rows_dropped": 0, "temp_files_removed": 0}
        existing: set[str] = set()
        removed = 0
        for folder, _dirs, files in os.walk(self.posts_dir):
            base = Path(folder).relative_to(self.root).as_posix()
            self._folders.add(Path(folder).relative_to(self.posts_dir).as_posix())
            for name in files:
                if name.startswith(".tmp-"):
                    (Path(folder) / name).unlink(missing_ok=True)
                    removed += 1
                else:
                    existing.add(f"{base}/{name}")
        dropped = 0
        for (path,) in self.ledger.db.execute("SELECT path FROM posts").fetchall():
            if path not in existing:
                self.ledger.remove(path)
                dropped += 1
        return {"rows_dropped": dropped, "temp_files_removed": removed}

    def close_cleanly(self) -> None:
        """Close after a run that wrote everything it meant to: the next
        ``repair`` need not walk the posts unless a folder changes meanwhile."""
        if self._folders is not None:
            record(self.ledger, self.posts_dir, self._folders | {"."})
        self.close()

    def _note_folder(self, path: Path) -> None:
        """Remember ``path``'s folder and those above it, for ``close_cleanly``."""
        if self._folders is None:
            return
        folder = path.parent
        while folder != self.posts_dir and self.posts_dir in folder.parents:
            relative = folder.relative_to(self.posts_dir).as_posix()
            if relative in self._folders:
                return
            self._folders.add(relative)
            folder = folder.parent

    # ------------------------------------------------------------- writing

    def write(self, article: Article) -> Path:
        """Write ``article``'s post; returns its path. Idempotent."""
        return self.save(article).path

    def save(
        self, article: Article, *, mark_updated: bool = False, aliases: tuple[str, ...] = ()
    ) -> SaveResult:
        """Write ``article``'s post unless the archive already holds it unchanged.

        With ``mark_updated``, a changed article gets ``updated:`` (its
        ``date_modified``, or its fetch time) so readers see it changed.
        """
        digest = content_hash(article)
        path = self.path_for(article, aliases=aliases)
        relative = self._relative(path)
        row = self.ledger.by_path(relative)
        status: Status = "written"
        if path.exists():
            if row is None or row.content_hash != digest:
                old = self._read_or_none(path)
                if old is not None and content_hash(old) == digest:
                    status = "unchanged"
                else:
                    status = "updated"
            else:
                status = "unchanged"
        if status == "updated" and mark_updated and article.date_modified is None:
            moment = article.fetched_at or datetime.now(UTC)
            article = article.model_copy(update={"date_modified": moment})
        if status != "unchanged":
            text = render_post(
                article, image_placeholder=self.image_placeholder, front_matter=self.front_matter
            )
            atomic_write(path, text, durable=self.durable)
            self._note_folder(path)
        self.ledger.put(ledger_row(article, relative, article.key_url, digest))
        for alias in {article.url, *aliases} - {article.key_url, None}:
            assert alias is not None
            self.ledger.add_alias(alias, relative)
        return SaveResult(path, status)

    def path_for(self, article: Article, *, aliases: tuple[str, ...] = ()) -> Path:
        """Where ``article``'s post goes. The same article always gets the same
        file, whichever of its URLs (``aliases``: its rel=canonical...) it came
        by; two articles with one title never share one."""
        key = article.key_url
        for url in (key, article.url, *aliases):
            known = self.ledger.path_of(url) if url else None
            if known is not None:
                return self.root / known
        folder = self.posts_dir.joinpath(*(safe_name(c) for c in article.categories))
        plain = folder / f"{safe_name(article.title)}.md"
        if self._is_free_for(plain, article):
            return plain
        suffix = unique_suffix(key or f"{article.title}\0{_iso(article.date_published)}")
        return folder / f"{safe_name(article.title)}{suffix}.md"

    # ------------------------------------------------------------ internals

    def _is_free_for(self, path: Path, article: Article) -> bool:
        row = self.ledger.by_path(self._relative(path))
        if row is not None:
            if row.url is not None:
                return row.url == article.key_url
            return self._same_article(row.date_published, article)
        if not path.exists():
            return True
        old = self._read_or_none(path)
        return (
            old is not None
            and old.title == article.title
            and _iso(old.date_published) == _iso(article.date_published)
        )

    @staticmethod
    def _same_article(date_published: str | None, article: Article) -> bool:
        return date_published == _iso(article.date_published)

    def _read_or_none(self, path: Path) -> Article | None:
        try:
            return read_post(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, PostFormatError):
            return None

    def _full(self, path: Path) -> Path:
        return path if path.is_absolute() else self.root / path

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()
