"""``archiver reextract DIR``: every post rebuilt from the responses a crawl kept.

A crawl run with ``--warc`` keeps every response it received and, for each
article, a metadata record: its pages in order (which response each one is,
the headers and fetch time the extractor saw), where it was found and the
options of the run (``archiver.warc``). ``reextract`` reads them back
without the network and runs the same ``extract_pages`` (``extract_fetched``,
as the crawl's extraction pipeline calls it) with today's
extractors and site modules, then writes through ``Archive.save``: a fixed
site module reaches the whole archive in one command, and a deleted post
comes back byte for byte.

- Each article is rebuilt from its latest capture (a ``--refresh`` run
  captures it again); pages 2..n are the responses its capture names.
- The options are those the article was crawled with (categories, group,
  time zone, front matter, placeholder, ``--images``...), not today's.
- With ``--images`` the post points at the copies ``source/images`` holds
  (``images.sqlite``); an image never kept stays remote (nothing is fetched).
- A post whose text changes is ``updated`` (its ``updated:`` line, if a
  refresh gave it one, is kept); the same text is ``unchanged``; a post
  that was missing is ``written``. What extraction refuses today is listed
  with the reason and changes nothing.

The archive is locked while it runs, as a crawl locks it.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archiver.archive.session import close_session, open_session
from archiver.archive.store import Archive, atomic_write
from archiver.errors import ArchiverError, InvalidArticle, NotAnArticle, PostFormatError
from archiver.extraction.article import Found
from archiver.items import Fetched
from archiver.options import Options
from archiver.post import read_post, render_post
from archiver.warc import OPEN, WARC_FOLDER, iter_members, seal, warc_files
from archiver.workers import extract_fetched

__all__ = ["PostResult", "reextract", "run_reextract"]

_BLOCKING_WARNINGS = {"mojibake", "replacement-chars"}  # as ValidationPipeline refuses


@dataclass(frozen=True)
class PostResult:
    """What became of one captured article."""

    url: str
    status: str
    """written, updated, unchanged; or not-an-article, rejected, too-old, failed."""
    path: str | None = None
    reason: str = ""
    images_remote: int = 0
    """Images shown by the post that have no copy in the site (with --images)."""


@dataclass
class _Capture:
    found: dict[str, Any]
    pages: list[dict[str, Any]]
    options: dict[str, Any]


class _Responses:
    """Where each captured response is: by record ID, and the latest by URL."""

    def __init__(self) -> None:
        self.by_id: dict[str, tuple[Path, int]] = {}
        self.by_url: dict[str, tuple[Path, int]] = {}

    def body(self, record_id: str | None, url: str) -> bytes:
        where = self.by_id.get(record_id or "") or self.by_url.get(url)
        if where is None:
            raise LookupError(f"no captured response for {url}")
        for _, data in iter_members(where[0], where[1]):
            return _payload(data)
        raise LookupError(f"the captured response for {url} is cut short")


def _payload(data: bytes) -> bytes:
    """The body of a response record as the spider saw it: content encodings
    undone the way Scrapy's HttpCompressionMiddleware undid them."""
    import io

    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
    from warcio.archiveiterator import ArchiveIterator

    record = next(iter(ArchiveIterator(io.BytesIO(data), check_digests=False)))
    body: bytes = record.raw_stream.read()
    headers = record.http_headers
    encodings = [
        value.encode("latin-1")
        for name, value in (headers.headers if headers else [])
        if name.lower() == "content-encoding"
    ]
    if encodings:
        to_decode, _keep = HttpCompressionMiddleware._split_encodings(encodings)
        for encoding in to_decode:
            body = HttpCompressionMiddleware._decode(body, encoding, 0)
    return body


def _scan(folder: Path) -> tuple[_Responses, dict[str, _Capture], int]:
    """Every response record and the latest capture of each article."""
    import io

    from warcio.archiveiterator import ArchiveIterator

    responses = _Responses()
    captures: dict[str, _Capture] = {}
    files = warc_files(folder)
    for path in files:
        for offset, data in iter_members(path):
            record = next(iter(ArchiveIterator(io.BytesIO(data), check_digests=False)))
            kind = record.rec_type
            uri = str(record.rec_headers.get_header("WARC-Target-URI") or "")
            if kind == "response":
                where = (path, offset)
                responses.by_id[str(record.rec_headers.get_header("WARC-Record-ID"))] = where
                responses.by_url[uri] = where
            elif kind == "metadata" and "json" in str(record.content_type or ""):
                try:
                    payload = json.loads(record.content_stream().read())
                except ValueError:
                    continue
                if not isinstance(payload, dict) or payload.get("archiver") != "article":
                    continue
                found = payload.get("found") or {}
                pages = payload.get("pages") or []
                if not pages:
                    continue
                key = str(found.get("link") or pages[0]["url"])
                captures.pop(key, None)  # the latest capture, in the order of the latest
                captures[key] = _Capture(found, pages, payload.get("options") or {})
    return responses, captures, len(files)


def _date_modified_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return read_post(text).date_modified
    except PostFormatError:
        return None


def _rebuild(archive: Archive, capture: _Capture, responses: _Responses, images: Any) -> PostResult:
    from archiver.images import image_urls, localize

    url = str(capture.found.get("link") or capture.pages[0]["url"])
    try:
        options = Options.from_settings(capture.options)
        found = Found.from_json(capture.found)
        pages = []
        for page in capture.pages:
            when = page.get("fetched_at")
            fetched = Fetched(
                page["url"],
                responses.body(page.get("response"), page["url"]),
                dict(page.get("headers") or {}),
            )
            if when:
                fetched.fetched_at = datetime.fromisoformat(when)
            pages.append(fetched)
        extracted = extract_fetched(pages, options, found)  # as the crawl's pipeline does
    except NotAnArticle as exc:
        return PostResult(url, "not-an-article", reason=exc.said)
    except InvalidArticle as exc:
        return PostResult(url, "rejected", reason=f"{exc.field}: {exc.reason}")
    except (ArchiverError, LookupError, ValueError, OSError) as exc:
        return PostResult(url, "failed", reason=f"{type(exc).__name__}: {exc}")
    article = extracted.article
    published = article.date_published
    if options.since is not None and published is not None and published < options.since:
        return PostResult(url, "too-old", reason="published before --since")
    blocking = _BLOCKING_WARNINGS.intersection(article.warnings)
    if blocking:
        return PostResult(url, "rejected", reason=f"body_html: garbled ({', '.join(blocking)})")
    remote = 0
    if options.images:
        wanted = image_urls(article)
        copies = images.copies(wanted)
        remote = len(wanted) - len(copies)
        article = localize(article, copies)
    archive.front_matter = options.front_matter
    archive.image_placeholder = options.image_placeholder
    path = archive.path_for(article, aliases=extracted.aliases)
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    kept = _date_modified_of(existing)
    if kept is not None and article.date_modified is None:
        article = article.model_copy(update={"date_modified": kept})  # a refresh saw it change
    text = render_post(
        article, image_placeholder=options.image_placeholder, front_matter=options.front_matter
    )
    try:
        result = archive.save(article, mark_updated=False, aliases=extracted.aliases)
        status = result.status
        if status == "unchanged" and existing != text:
            # Same title, lead image and body; another field changed (tags, author...).
            atomic_write(result.path, text, durable=archive.durable)
            status = "updated"
    except OSError as exc:
        return PostResult(url, "failed", reason=f"write: {exc}")
    relative = result.path.relative_to(archive.root).as_posix()
    return PostResult(url, status, relative, images_remote=remote)


def reextract(
    root: str | Path, *, on_result: Callable[[PostResult], None] | None = None
) -> dict[str, Any]:
    """Rebuild every captured article of the archive at ``root``; the summary
    (counts by status, ``posts``: one ``PostResult`` each as a dict).
    Raises ``ArchiveLocked`` when a crawl holds the archive."""
    started = time.monotonic()
    root = Path(root)
    session = open_session(root)
    try:
        folder = root / WARC_FOLDER
        for path in warc_files(folder):  # left open by a killed run: made whole
            if path.name.endswith(OPEN):
                seal(path)
        responses, captures, files = _scan(folder)
        images: Any = None
        if any(Options.from_settings(c.options).images for c in captures.values()):
            from archiver.images import ImageIndex

            images = ImageIndex(root)
        results = []
        try:
            for capture in captures.values():
                result = _rebuild(session.archive, capture, responses, images)
                results.append(result)
                if on_result is not None:
                    on_result(result)
        finally:
            if images is not None:
                images.close()
    finally:
        close_session(session)
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    saved = ("written", "updated", "unchanged")
    return {
        "warc_files": files,
        "captured_articles": len(captures),
        **{status: counts.get(status, 0) for status in saved},
        "not_rebuilt": {k: v for k, v in counts.items() if k not in saved},
        "posts": [asdict(result) for result in results],
        "elapsed_s": round(time.monotonic() - started, 3),
    }


def run_reextract(root: Path, *, report: str | None = None, quiet: bool = False) -> int:
    """``archiver reextract``: a line per post written or updated (and per
    article not rebuilt), a summary; 1 when an article could not be rebuilt."""

    def show(result: PostResult) -> None:
        if quiet or result.status == "unchanged":
            return
        where = result.path or result.url
        extra = f": {result.reason}" if result.reason else ""
        if result.images_remote:
            extra += f" ({result.images_remote} image(s) with no copy)"
        print(f"{result.status:>14}  {where}{extra}")

    summary = reextract(root, on_result=show)
    if report:
        target = Path(report)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    others = ", ".join(f"{n} {k}" for k, n in sorted(summary["not_rebuilt"].items()))
    print(
        f"{summary['written']} written, {summary['updated']} updated, "
        f"{summary['unchanged']} unchanged"
        + (f"; not rebuilt: {others}" if others else "")
        + f" ({summary['captured_articles']} captured articles in {summary['warc_files']} "
        f"WARC files, {summary['elapsed_s']}s)"
    )
    if not summary["captured_articles"]:
        print(f"archiver: nothing captured in {root / WARC_FOLDER}: crawl with --warc first",
              file=sys.stderr)  # fmt: skip
    failed = summary["not_rebuilt"].get("failed", 0)
    return 1 if failed else 0
