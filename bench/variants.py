"""Experiments on the archiver's crawl, switched on with settings, for ``bench.run``.

    archiver tag URL ... -s SPIDER_MODULES=bench.variants -s BENCH_VARIANTS=fastcont,offload

This module holds one spider, ``tag``: the archiver's own ``TagSpider``
with, per name in ``BENCH_VARIANTS`` (comma-separated):

- ``fastcont``: ``MyDrivers.continuation_urls`` reading only the ``<a>``
  whose ``href`` holds ``<id>_`` (the fix proposed for the hot spot) instead
  of absolutizing and parsing every link of the page;
- ``nofsync``: ``os.fsync`` made a no-op: an upper bound of what taking the
  post writes off the reactor thread would give (not a proposal: durability
  needs the fsync, just not on the reactor thread);
- ``offload``: decoding, parsing and extraction of article pages in a pool
  of ``BENCH_WORKERS`` processes (default 1), the reactor thread keeping the
  network, the ledger and the writes: what the second core gives.

A prototype for measurement, patched from outside (nothing of the archiver
is changed on disk); everything the spider decides is still decided by the
archiver's own code.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from scrapy.http import Response

import spiders.base as spider_base
from archiver.sites import Site, site_for_url
from spiders.tag import TagSpider as _ArchiverTagSpider

__all__ = ["TagSpider", "fast_continuation_urls"]


def _make_page(*args: Any, **kwargs: Any) -> Any:
    try:
        from archiver.extraction import make_page
    except ImportError:  # before the module was renamed
        from archiver.extract import make_page  # type: ignore[no-redef]
    return make_page(*args, **kwargs)


def fast_continuation_urls(self: Any, page: Any) -> list[str]:
    """``MyDrivers.continuation_urls``, reading only links that can be a further page."""
    from archiver.clean import absolutize
    from archiver.sites import mydrivers

    here = mydrivers._article_id(page.url)
    if here is None:
        return []
    ident, current = here
    needle = f"{ident}_"
    pages: dict[int, str] = {}
    for element in page.tree.iter("a"):
        href = element.get("href")
        if not href or needle not in href:
            continue
        found = mydrivers._article_id(absolutize(href, page.url))
        if found and found[0] == ident and found[1] > current:
            pages.setdefault(found[1], mydrivers._article_url(page.url, ident, found[1]))
    return [pages[n] for n in sorted(pages)]


# ------------------------------------------------------------------ offload

_WORKER_SITE: str | None = None


def _worker_init(site_name: str | None, fastcont: bool) -> None:
    global _WORKER_SITE
    _WORKER_SITE = site_name
    if fastcont:
        from archiver.sites.mydrivers import MyDrivers

        MyDrivers.continuation_urls = fast_continuation_urls  # type: ignore[method-assign]


def _extract(body: bytes, url: str, headers: Mapping[str, str]) -> tuple[Any, list[str]] | None:
    """In a worker: the article and its continuation URLs, or None (the reactor retries)."""
    try:
        site = site_for_url(url, _WORKER_SITE)
        page = _make_page(body, url, headers=dict(headers))
        return site.extract_article(page), site.continuation_urls(page)
    except Exception:
        return None


class _Done:
    """A page stand-in: extraction already happened in a worker."""

    def __init__(self, url: str, article: Any, more: list[str]) -> None:
        self.url = url
        self.article = article
        self.more = more


class _SiteProxy:
    """The site module, answering from a worker's result when there is one."""

    def __init__(self, site: Site) -> None:
        self._site = site

    def __getattr__(self, name: str) -> Any:
        return getattr(self._site, name)

    def extract_article(self, page: Any) -> Any:
        return page.article if isinstance(page, _Done) else self._site.extract_article(page)

    def continuation_urls(self, page: Any) -> list[str]:
        return page.more if isinstance(page, _Done) else self._site.continuation_urls(page)


class TagSpider(_ArchiverTagSpider):
    """The archiver's ``tag`` spider with the variants of ``BENCH_VARIANTS``."""

    name = "tag"
    pool: ProcessPoolExecutor | None = None
    done: dict[str, _Done]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.done = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> TagSpider:
        spider: TagSpider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[assignment]
        variants = {v.strip() for v in str(crawler.settings.get("BENCH_VARIANTS", "")).split(",")}
        spider.variants = variants - {""}
        unknown = spider.variants - {"fastcont", "nofsync", "offload"}
        if unknown:
            raise ValueError(f"unknown BENCH_VARIANTS: {', '.join(sorted(unknown))}")
        if "fastcont" in variants:
            from archiver.sites.mydrivers import MyDrivers

            MyDrivers.continuation_urls = fast_continuation_urls  # type: ignore[method-assign]
        if "nofsync" in variants:
            os.fsync = lambda fd: None
        if "offload" in variants:
            workers = crawler.settings.getint("BENCH_WORKERS", 1)
            spider.pool = ProcessPoolExecutor(
                workers,
                initializer=_worker_init,
                initargs=(spider.site_name, "fastcont" in variants),
            )
            original = spider_base.make_page  # type: ignore[attr-defined]

            def make_page(body: bytes, url: str, **kw: Any) -> Any:
                done = spider.done.pop(url, None)
                return done if done is not None else original(body, url, **kw)

            spider_base.make_page = make_page  # type: ignore[attr-defined,assignment]
        return spider

    variants: set[str]

    def site(self, url: str) -> Any:
        site = super().site(url)
        return _SiteProxy(site) if self.pool is not None else site

    async def parse_article(  # type: ignore[override]
        self, response: Response, key: str, listing: Any, parts: Any
    ) -> AsyncIterator[Any]:
        if self.pool is not None and self.timezone is None:
            headers = spider_base._headers(response)
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(
                self.pool, _extract, response.body, response.url, headers
            )
            if result is not None:
                self.done[response.url] = _Done(response.url, *result)
        for output in super().parse_article(response, key, listing, parts):
            yield output

    def closed(self, reason: str) -> None:
        super().closed(reason)
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
