"""``ImagesPipeline``: the images of every written post downloaded, checked and
kept in the site; those that failed in earlier runs tried again (see
``archiver.images``)."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.http import Request, Response
from scrapy.pipelines.files import FilesPipeline
from scrapy.pipelines.media import FileException, FileInfo, FileInfoOrError, MediaPipeline
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.reactor import is_asyncio_reactor_installed
from twisted.internet.defer import Deferred, succeed
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from archiver.archive.store import atomic_write, ledger_row
from archiver.images.checks import _cut_short, _failure_reason, _what_it_is, sniff_image
from archiver.images.items import _article_of, _referer, _Retry, _with_article
from archiver.images.rewrite import image_urls, localize
from archiver.images.store import ImageIndex
from archiver.models import Article
from archiver.options import Options
from archiver.post import read_post, render_post
from archiver.signals import report_failure

__all__ = ["ImagesPipeline"]

logger = logging.getLogger(__name__)

_CLAIMED: set[Path] = set()
"""Archives whose earlier failures a crawl of this process is trying again."""
_CLAIM_GUARD = threading.Lock()


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
