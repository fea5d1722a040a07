"""Experiments on the archiver's crawl, switched on with settings, for ``bench.run``.

    archiver tag URL ... -s SPIDER_MODULES=bench.variants -s BENCH_VARIANTS=fastcont,offload

This module holds one spider, ``tag``: the archiver's own ``TagSpider``
with, per name in ``BENCH_VARIANTS`` (comma-separated):

- ``fastcont``: ``MyDrivers.continuation_urls`` reading only the ``<a>``
  whose ``href`` holds ``<id>_`` (one XPath; the fix proposed for the hot
  spot) instead of absolutizing and parsing every link of the page;
- ``fastlist``: ``MyDrivers._article_links`` absolutizing only hrefs that
  can be an article (``<digits>.htm``), and ``MyDrivers._next_page`` taking
  the first valid candidate lazily, each link's text computed once;
- ``writer``: post files written (temporary file, fsync, rename) by one
  writer thread, the ledger row put at once on the reactor thread as
  before (a crash between the two leaves a row without post, which the
  next run's repair drops): what writes off the reactor thread give;
- ``offload``: decoding, parsing and extraction of article pages in a pool
  of ``BENCH_WORKERS`` processes (default 1), the reactor thread keeping the
  network, the ledger and the writes: what the second core gives.

A prototype for measurement, patched from outside (nothing of the archiver
is changed on disk); everything the spider decides is still decided by the
archiver's own code.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import archiver.spiders.base as spider_base
from archiver.spiders.tag import TagSpider as _ArchiverTagSpider
from scrapy.http import Response

from archiver.sites import Site, site_for_url

__all__ = ["TagSpider", "fast_continuation_urls"]


def _make_page(*args: Any, **kwargs: Any) -> Any:
    try:
        from archiver.extraction import make_page
    except ImportError:  # before the module was renamed
        from archiver.extraction import make_page  # type: ignore[no-redef]
    return make_page(*args, **kwargs)


def fast_continuation_urls(self: Any, page: Any) -> list[str]:
    """``MyDrivers.continuation_urls``, reading only links that can be a further page."""
    from archiver.extraction.clean import absolutize
    from archiver.sites import mydrivers

    here = mydrivers._article_id(page.url)
    if here is None:
        return []
    ident, current = here
    needle = f"{ident}_"
    if needle not in page.html:  # most articles have one page: a substring search decides
        return []
    pages: dict[int, str] = {}
    # Only links that name "<id>_" can be a further page: XPath picks them in C.
    for href in page.tree.xpath("//a[contains(@href, $needle)]/@href", needle=needle):
        found = mydrivers._article_id(absolutize(str(href), page.url))
        if found and found[0] == ident and found[1] > current:
            pages.setdefault(found[1], mydrivers._article_url(page.url, ident, found[1]))
    return [pages[n] for n in sorted(pages)]


_DIGITS_HTM = re.compile(r"\d\.html?", re.IGNORECASE)


def fast_article_links(self: Any, page: Any) -> list[str]:
    """``MyDrivers._article_links``, absolutizing only hrefs that can be an article:
    every article URL's path ends in ``<digits>.htm`` or ``<digits>.html`` (or the
    href is empty, a fragment or a query: the page's own URL)."""
    from archiver.extraction.clean import absolutize
    from archiver.sites import mydrivers

    links: dict[str, str] = {}
    for element in page.tree.iter("a", "li"):
        if element.tag == "li":
            ident = (element.get("data-id") or "").strip()
            url = mydrivers._article_url(page.url, int(ident)) if ident.isdigit() else ""
        else:
            href = element.get("href") or ""
            bare = href.strip()
            # "", "#x" and "?x" resolve to the page itself, which may be an article.
            if bare and bare[0] not in "#?" and not _DIGITS_HTM.search(href):
                continue
            url = absolutize(href, page.url)
        if url.lower().startswith(("http://", "https://")) and self.is_article_url(url):
            key = self.canonical_url(url)
            links.setdefault(key, key)
    return list(links)


def fast_next_page(self: Any, page: Any, number: int) -> str | None:
    """``MyDrivers._next_page`` with lazy candidates (the first valid one wins, as
    before) and each link's text computed once."""
    from archiver.extraction.clean import absolutize
    from archiver.sites import mydrivers

    here = page.url.split("#", 1)[0]
    seen: list[tuple[Any, str]] = []

    def by_text() -> Iterator[Any]:
        for anchor in page.tree.iter("a"):
            text = mydrivers._text(anchor)
            seen.append((anchor, text))
            if mydrivers._NEXT_TEXT.match(text):
                yield anchor

    def by_number() -> Iterator[Any]:  # runs once by_text is exhausted: seen is complete
        wanted = str(number + 1)
        for anchor, text in seen:
            if text == wanted and mydrivers._in_pager(anchor):
                yield anchor

    rel = mydrivers._select(
        page.tree, "a[rel~=next], link[rel~=next], a.next, a.nextpage, a.page_next"
    )
    for element in itertools.chain(rel, by_text(), by_number()):
        href = (element.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        url = absolutize(href, page.url).split("#", 1)[0]
        is_web = url.lower().startswith(("http://", "https://"))
        if is_web and url != here and not self.is_article_url(url):
            return str(url)
    return None


def _patch_mydrivers(fastcont: bool, fastlist: bool) -> None:
    from archiver.sites.mydrivers import MyDrivers

    if fastcont:
        MyDrivers.continuation_urls = fast_continuation_urls  # type: ignore[method-assign]
    if fastlist:
        MyDrivers._article_links = fast_article_links  # type: ignore[method-assign]
        MyDrivers._next_page = fast_next_page  # type: ignore[method-assign]


# ------------------------------------------------------------------ offload

_WORKER_SITE: str | None = None


def _worker_init(site_name: str | None, fastcont: bool) -> None:
    global _WORKER_SITE
    _WORKER_SITE = site_name
    _patch_mydrivers(fastcont, False)


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
    writer: ThreadPoolExecutor | None = None
    done: dict[str, _Done]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.done = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> TagSpider:
        spider: TagSpider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[assignment]
        variants = {v.strip() for v in str(crawler.settings.get("BENCH_VARIANTS", "")).split(",")}
        spider.variants = variants - {""}
        unknown = spider.variants - {"fastcont", "fastlist", "offload", "writer"}
        if unknown:
            raise ValueError(f"unknown BENCH_VARIANTS: {', '.join(sorted(unknown))}")
        _patch_mydrivers("fastcont" in variants, "fastlist" in variants)
        if "writer" in variants:
            import archiver.archive as archive_module

            spider.writer = ThreadPoolExecutor(1, thread_name_prefix="writer")
            write = archive_module.atomic_write
            writer = spider.writer

            def atomic_write(path: Any, text: str, **kw: Any) -> None:
                writer.submit(write, path, text, **kw)

            archive_module.atomic_write = atomic_write
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
        if self.writer is not None:
            self.writer.shutdown(wait=True)
        super().closed(reason)
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
