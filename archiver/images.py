"""Images kept in the Hexo site: ``--images`` (``ARCHIVER_IMAGES``).

``ImagesPipeline`` is Scrapy's ``FilesPipeline`` (the media pipeline
machinery: requests through the engine and its middlewares, one download per
URL per run, results per item) between validation and the archive::

    ITEM_PIPELINES = {..., "archiver.images.ImagesPipeline": 200, ...}
    ARCHIVER_IMAGES = True

For every article it downloads the lead image, every ``Image`` of
``article.images``, every ``<img src>`` of the body and every full-size link
(``<a href>`` to an image file) around one, sending the article's URL as the
``Referer`` (image hosts refuse other pages' requests). What comes back is
checked: the status, the bytes (an image signature: an HTML error page
served with 200 is not kept), the size (``ARCHIVER_IMAGES_MAX_BYTES``,
20 MB) and completeness (``Content-Length`` against what arrived, the end
marker of a PNG, JPEG or GIF).

A kept image is stored once, by content hash, inside the site:
``<root>/source/images/ab/<sha256>.<ext>``, shared by every post that shows
it; ``<root>/.archiver/images.sqlite`` maps each URL to its file, so a later
run requests only what is missing. The post points at the copy with a
site-root URL and keeps the original next to it:

- ``<img src="/images/ab/….jpg" data-src-original="https://…">``, and the
  same for the link around it (``href`` / ``data-href-original``);
- ``headimg``/``thumbnail`` are the lead image's copy, ``archiver.lead_image``
  the original; each ``archiver.images`` item gets ``local:``.

An image that fails keeps its remote URL in the post; the report lists it
with the reason, ``images.sqlite`` remembers it, and the next run with
``--images`` tries it again (``ARCHIVER_MAX_RETRY_RUNS`` runs), rewriting
the post when it succeeds. Without ``--images`` the pipeline is off
(``NotConfigured``) and posts are written exactly as before.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import os
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import FileException, FileInfo, FileInfoOrError, MediaPipeline
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.reactor import is_asyncio_reactor_installed
from twisted.internet.defer import Deferred, succeed
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from archiver.archive.store import atomic_write, ledger_row
from archiver.items import ArticlePages
from archiver.models import Article
from archiver.options import Options
from archiver.post import read_post, render_post
from archiver.post.read import ORIGINAL_HREF, ORIGINAL_SRC
from archiver.signals import report_failure

__all__ = [
    "ImageIndex",
    "ImagesPipeline",
    "image_urls",
    "localize",
    "sniff_image",
]

logger = logging.getLogger(__name__)

SITE_FOLDER = "images"
"""Under ``source/``: Hexo copies it to the public site as ``/images/``."""

# ------------------------------------------------------------------ the bytes

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
    (b"\xff\x0a", "jxl"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "jxl"),
)
_ISO_BRANDS = {b"avif": "avif", b"avis": "avif", b"heic": "heic", b"heix": "heic", b"mif1": "heic"}
_SVG = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]",
    re.IGNORECASE | re.DOTALL,
)


def sniff_image(data: bytes) -> str | None:
    """The file extension of the image format ``data`` is in, by its first
    bytes; None when it is not an image (an HTML page, JSON, nothing)."""
    for signature, ext in _SIGNATURES:
        if data.startswith(signature):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _ISO_BRANDS:
        return _ISO_BRANDS[data[8:12]]
    if _SVG.match(data[:2048]):
        return "svg"
    return None


def _what_it_is(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head:
        return "an HTML page"
    if head.startswith((b"{", b"[")):
        return "JSON"
    return "no image format we know"


def _cut_short(data: bytes, ext: str) -> bool:
    """True when an image of a format with an end marker lacks it."""
    if ext == "png":
        return b"IEND" not in data[-64:]
    if ext == "jpg":
        return b"\xff\xd9" not in data[-4096:]
    if ext == "gif":
        return not data.rstrip(b"\x00").endswith(b";")
    return False


# ------------------------------------------------------------------ the post

# One start tag, attributes quoted or not (a ">" inside quotes does not end it).
_TAG = re.compile(r"""<(img|a)(\s(?:[^>"']|"[^"]*"|'[^']*')*)?>""", re.IGNORECASE)
_ATTR = r"""(?<=\s)({name})(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
_SRC = re.compile(_ATTR.format(name="src"), re.IGNORECASE)
_HREF = re.compile(_ATTR.format(name="href"), re.IGNORECASE)
_HTTP = re.compile(r"(?i)https?://[^\s/?#]+\S*")
_IMAGE_FILE = re.compile(r"(?i)\.(?:jpe?g|jfif|png|gif|webp|avif|bmp|heic|svg)$")


def _value(raw: str) -> str:
    if raw[:1] in ("'", '"'):
        raw = raw[1:-1]
    return html.unescape(raw).strip()


def _is_image_link(url: str, images: set[str]) -> bool:
    return url in images or bool(_IMAGE_FILE.search(urlsplit(url).path))


def _body_urls(body: str, images: set[str]) -> Iterator[str]:
    for tag in _TAG.finditer(body):
        attrs = tag.group(2) or ""
        if ORIGINAL_SRC in attrs or ORIGINAL_HREF in attrs:
            continue  # already a copy
        found = (_SRC if tag.group(1).lower() == "img" else _HREF).search(attrs)
        if not found:
            continue
        url = _value(found.group(3))
        if _HTTP.fullmatch(url) and (tag.group(1).lower() == "img" or _is_image_link(url, images)):
            yield url


def image_urls(article: Article) -> list[str]:
    """Every image of ``article`` that has no copy yet, in order, once each:
    the lead image, ``images``, the body's ``<img src>`` and full-size links."""
    known = {image.url for image in article.images}
    urls: list[str] = []
    if article.lead_image and article.lead_image_local is None:
        urls.append(article.lead_image)
    urls += [image.url for image in article.images if image.local is None]
    urls += _body_urls(article.body_html, known)
    return list(dict.fromkeys(urls))


def _localize_body(body: str, copies: dict[str, str]) -> str:
    def tag(match: re.Match[str]) -> str:
        attrs = match.group(2) or ""
        if not attrs or ORIGINAL_SRC in attrs or ORIGINAL_HREF in attrs:
            return match.group(0)
        is_img = match.group(1).lower() == "img"
        pattern, original = (_SRC, ORIGINAL_SRC) if is_img else (_HREF, ORIGINAL_HREF)
        found = pattern.search(attrs)
        if not found:
            return match.group(0)
        local = copies.get(_value(found.group(3)))
        if local is None:
            return match.group(0)
        raw = found.group(3)
        if raw[:1] not in ("'", '"'):
            raw = f'"{raw}"'
        new = f'{found.group(1)}="{local}" {original}={raw}'
        start, end = match.start(2) + found.start(), match.start(2) + found.end()
        whole = match.group(0)
        offset = match.start()
        return whole[: start - offset] + new + whole[end - offset :]

    return _TAG.sub(tag, body)


def localize(article: Article, copies: dict[str, str]) -> Article:
    """``article`` pointing at the site's copies (``copies``: original URL to
    site-root path) wherever it shows one of those images; the originals stay
    (``data-src-original``, ``data-href-original``, ``lead_image``, ``Image.url``)."""
    if not copies:
        return article
    update: dict[str, Any] = {}
    body = _localize_body(article.body_html, copies)
    if body != article.body_html:
        update["body_html"] = body
    if article.lead_image and article.lead_image_local is None and article.lead_image in copies:
        update["lead_image_local"] = copies[article.lead_image]
    if any(image.local is None and image.url in copies for image in article.images):
        update["images"] = [
            image.model_copy(update={"local": copies[image.url]})
            if image.local is None and image.url in copies
            else image
            for image in article.images
        ]
    return article.model_copy(update=update) if update else article


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


# ------------------------------------------------------------------ the pipeline


_CLAIMED: set[Path] = set()
"""Archives whose earlier failures a crawl of this process is trying again."""
_CLAIM_GUARD = threading.Lock()


@dataclass
class _Retry:
    """A post whose images failed in an earlier run, tried again."""

    article: Article
    referer: str
    key: str
    path: Path


def _article_of(item: Any) -> Article | None:
    if isinstance(item, Article):
        return item
    if isinstance(item, ArticlePages | _Retry):
        return item.article
    if isinstance(item, dict):
        found = item.get("article")
        return found if isinstance(found, Article) else None
    return None


def _with_article(item: Any, article: Article) -> Any:
    if isinstance(item, Article):
        return article
    if isinstance(item, ArticlePages | _Retry):
        item.article = article
        return item
    if isinstance(item, dict):
        return {**item, "article": article}
    return item


def _referer(item: Any, article: Article) -> str:
    if isinstance(item, _Retry):
        return item.referer
    return article.url or article.canonical_url or ""


def _failure_reason(failure: Failure, request: Request) -> str:
    value = failure.value
    if isinstance(value, FileException) and str(value):
        return str(value)  # a check of media_downloaded: its reason as it is
    refused = request.meta.get("archiver_refused")
    if refused:
        return f"refused: {refused}"
    text = str(value).strip() or type(value).__name__
    if isinstance(value, IgnoreRequest):
        return f"refused: {text}"
    if "max size" in text or "maxsize" in text:
        limit = request.meta.get("download_maxsize")
        return f"too large (over {limit} bytes)"
    if "DataLoss" in type(value).__name__ or "dataloss" in text.lower() or "DataLoss" in text:
        return "cut short: the connection closed before the whole image came"
    return f"{type(value).__name__}: {text}"[:300]


class ImagesPipeline(FilesPipeline):
    """Keep the images of every written post in the site (see the module's text)."""

    MEDIA_NAME = "image"

    def __init__(self, crawler: Any, options: Options) -> None:
        assert options.output is not None
        self.options = options
        self.index = ImageIndex(options.output, durable=options.fsync)
        super().__init__(str(self.index.folder.resolve()), crawler=crawler)
        self.allow_redirects = True
        self._handle_statuses(True)
        self.reported: set[str] = set()
        self.asked: dict[int, list[str]] = {}
        self.done_keys: set[str] = set()
        self.pending: list[tuple[str, str]] = []
        self.retrying: Any = None
        self.claimed = False
        crawler.signals.connect(self._spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self._spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ImagesPipeline:
        options = Options.from_settings(crawler.settings)
        if not options.images:
            raise NotConfigured("ARCHIVER_IMAGES is off")
        if options.output is None:
            raise NotConfigured("ARCHIVER_OUTPUT is not set: no site to keep images in")
        return cls(crawler, options)

    def close_spider(self) -> None:
        self.index.close()
        if self.claimed:
            with _CLAIM_GUARD:
                _CLAIMED.discard(self.index.root.resolve())

    # ------------------------------------------------------------ requests

    def get_media_requests(self, item: Any, info: MediaPipeline.SpiderInfo) -> list[Request]:
        article = _article_of(item)
        if article is None:
            return []
        referer = _referer(item, article)
        requests = []
        asked = self.asked.setdefault(id(item), [])
        for url in image_urls(article):
            headers = {"Accept": "image/avif,image/webp,image/*,*/*;q=0.8"}
            headers["Accept-Encoding"] = "identity"  # sizes and lengths as sent
            if referer:
                headers["Referer"] = referer
            meta = {
                "archiver_image": url,
                "download_maxsize": self.options.images_max_bytes,
                "download_fail_on_dataloss": False,  # a short body is checked below
            }
            try:
                requests.append(Request(url, headers=headers, meta=meta, dont_filter=True))
            except ValueError:  # not a URL Scrapy can fetch: the remote URL stays
                continue
            asked.append(url)
        return requests

    def media_to_download(
        self, request: Request, info: MediaPipeline.SpiderInfo, *, item: Any = None
    ) -> Deferred[FileInfo | None] | None:
        url = request.meta.get("archiver_image", request.url)
        path = self.index.copy_of(url)
        if path is None:
            return None  # not kept yet: download it
        self.crawler.stats.inc_value("archiver/images_known")
        return succeed({"url": url, "path": path, "checksum": None, "status": "uptodate"})

    def media_failed(
        self, failure: Failure, request: Request, info: MediaPipeline.SpiderInfo
    ) -> NoReturn:
        raise FileException(_failure_reason(failure, request))

    async def media_downloaded(
        self,
        response: Response,
        request: Request,
        info: MediaPipeline.SpiderInfo,
        *,
        item: Any = None,
    ) -> FileInfo:
        url = request.meta.get("archiver_image", request.url)
        data = response.body
        if response.status != 200:
            raise FileException(f"HTTP {response.status}")
        limit = self.options.images_max_bytes
        if len(data) > limit:
            raise FileException(f"too large ({len(data)} bytes, over {limit})")
        if "dataloss" in response.flags or "partial" in response.flags:
            raise FileException(f"cut short: {len(data)} bytes came, the connection closed")
        declared = response.headers.get(b"Content-Length")
        encoded = response.headers.get(b"Content-Encoding")
        if (
            declared is not None
            and not encoded
            and declared.strip().isdigit()
            and int(declared) != len(data)
        ):
            raise FileException(f"cut short: {len(data)} of {int(declared)} bytes")
        if not data:
            raise FileException("empty: no bytes came")
        ext = sniff_image(data)
        if ext is None:
            raise FileException(f"not an image: {_what_it_is(data)} ({len(data)} bytes)")
        if _cut_short(data, ext):
            raise FileException(f"cut short: the {ext.upper()} has no end marker")
        path = await maybe_deferred_to_future(deferToThread(self.index.store, data, ext))
        self.index.add(url, path, len(data))
        self.crawler.stats.inc_value("archiver/images_downloaded")
        return {"url": url, "path": path, "checksum": None, "status": "downloaded"}

    def file_path(
        self,
        request: Request,
        response: Response | None = None,
        info: MediaPipeline.SpiderInfo | None = None,
        *,
        item: Any = None,
    ) -> str:
        # Named by content, known only once downloaded: see ImageIndex.keep.
        return str(request.meta.get("archiver_image", request.url))

    # ------------------------------------------------------------ results

    def item_completed(
        self, results: list[FileInfoOrError], item: Any, info: MediaPipeline.SpiderInfo
    ) -> Any:
        article = _article_of(item)
        if article is None:
            return item
        urls = self.asked.pop(id(item), [])
        copies: dict[str, str] = {}
        failed: dict[str, str] = {}
        for url, (ok, value) in zip(urls, results, strict=True):
            if ok:
                assert isinstance(value, dict)
                copies[url] = value["path"]
            else:
                assert isinstance(value, Failure)
                failed[url] = str(value.value) or type(value.value).__name__
        referer = _referer(item, article)
        key = item.key if isinstance(item, _Retry) else (article.key_url or referer)
        if key:
            self.index.record(key, referer, failed, list(copies))
            self.done_keys.add(key)
        for url, reason in failed.items():
            self.crawler.stats.inc_value("archiver/images_failed")
            if url not in self.reported:
                self.reported.add(url)
                where = f" (in {referer})" if referer else ""
                report_failure(self.crawler, url, f"image: {reason}{where}", retry=False)
                logger.info("image %s not kept: %s%s", url, reason, where)
        return _with_article(item, localize(article, copies))

    # ------------------------------------------------------------ earlier runs

    def _spider_opened(self, spider: Any) -> None:
        # One crawl of a run tries the earlier runs' failures (`archiver run`
        # has several), taken now, before this run records failures of its own.
        with _CLAIM_GUARD:
            if self.index.root.resolve() in _CLAIMED:
                return
            _CLAIMED.add(self.index.root.resolve())
            self.claimed = True
        self.pending = self.index.pending(self.options.max_retry_runs)

    def _spider_idle(self, spider: Any) -> None:
        """When the crawl has nothing left, the images that failed in earlier
        runs are tried again (not before: a post is never written by both)."""
        if self.retrying is None:
            pending = [p for p in self.pending if p[0] not in self.done_keys]
            if not pending:
                return
            self.retrying = deferred_from_coro(self._retry(pending))
        if not self.retrying.called:
            raise DontCloseSpider

    async def _retry(self, pending: list[tuple[str, str]]) -> None:
        """Try again the images that failed in earlier runs, post by post. The
        archive is read and written on its writer thread, as every post is."""
        from archiver.pipelines import ArchivePipeline

        pipeline = self.crawler.get_item_pipeline(ArchivePipeline)
        session = getattr(pipeline, "session", None)
        writer = getattr(pipeline, "writer", None)
        if session is None or writer is None:
            return
        archive = session.archive

        def write(path: Path, text: str, new: Article, key: str) -> None:
            atomic_write(path, text, durable=archive.durable)
            relative = path.relative_to(archive.root).as_posix()
            archive.ledger.put(ledger_row(new, relative, key))

        def load(key: str) -> tuple[Path, Article, str] | None:
            path = archive.find(key)
            if path is None:
                return None
            try:
                text = path.read_text(encoding="utf-8")
                return path, read_post(text), text
            except Exception:  # gone or unreadable: `archiver check` reports it
                return None

        for key, referer in pending:
            try:
                found = await _on_writer(writer, partial(load, key))
                if found is None:
                    self.index.forget(key)
                    continue
                path, article, old = found
                self.crawler.stats.inc_value("archiver/images_retried_posts")
                done = await self.process_item(_Retry(article, referer, key, path))
                new = done.article
                # The post's own front matter, whatever this run's is: nothing lost.
                full = re.search(r"(?m)^(?:tags|archiver):", old.split("\n---\n\n", 1)[0])
                text = render_post(
                    new, image_placeholder=archive.image_placeholder,
                    front_matter="full" if full else "classic",
                )  # fmt: skip
                if old == text:
                    continue

                await _on_writer(writer, partial(write, path, text, new, key))
                self.crawler.stats.inc_value("archiver/images_posts_rewritten")
            except Exception as exc:  # one post must not stop the others
                logger.warning("retrying the images of %s: %s", key, exc)


async def _on_writer(writer: Any, job: Any) -> Any:
    """``job`` run on the archive's writer thread (``PostWriter``), awaited."""
    future = writer.submit(job)
    if is_asyncio_reactor_installed():
        return await asyncio.wrap_future(future)
    return await maybe_deferred_to_future(deferToThread(future.result))
