"""Running crawls: in this process for the command line, in a child for the library.

Scrapy's reactor runs once per process, so ``archiver.crawl()`` runs the crawl
in a child process (``multiprocessing``, the same code as the command line,
no command-line arguments built) and returns its report: a library user can
call it again and again.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from archiver.archive.session import close_session, open_session
from archiver.errors import ArchiverError
from archiver.options import Options
from archiver.report import COUNTS
from archiver.sniff import check_crawl

__all__ = ["Crawl", "crawl", "merge_reports", "run_crawls", "scrapy_settings"]


@dataclass(frozen=True)
class Crawl:
    """One crawl of a run: a spider, its start URLs and its options."""

    spider: str
    urls: tuple[str, ...] = ()
    options: Options = field(default_factory=Options)
    arguments: Mapping[str, str] = field(default_factory=dict)
    """Other spider arguments (``tag`` of the mydrivers spider...)."""


def scrapy_settings(
    options: Options | None, extra: Iterable[tuple[str, Any]] = (), *, verbose: bool = False
) -> Any:
    """The project's Scrapy settings with ``options`` and ``-s`` settings on top."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    for name, value in (options.to_settings() if options else {}).items():
        settings.set(name, value, priority="cmdline")
    # The command line shows a progress bar and a summary; Scrapy's INFO log is for -v.
    if not verbose:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    for name, value in extra:
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawls(
    crawls: Sequence[Crawl],
    extra_settings: Iterable[tuple[str, Any]] = (),
    *,
    verbose: bool = False,
) -> dict[str, Any]:
    """Run ``crawls`` together in this process, under the archive's lock; one report.

    All crawls write into the first one's ``output``; raises ``ArchiveLocked``
    when another run holds it (before anything starts)."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.spiderloader import SpiderLoader

    if not crawls:
        raise ValueError("nothing to crawl")
    extra = list(extra_settings)
    first = crawls[0].options
    if first.output is None:
        raise ValueError("no archive folder: give -o DIR")
    # The runner's settings are merged into each crawler's at equal priority:
    # they must not hold options, or the first crawl's would win over the others'.
    base = scrapy_settings(None, extra, verbose=verbose)
    loader = SpiderLoader.from_settings(base)
    for item in crawls:
        if item.spider not in loader.list():
            names = ", ".join(sorted(loader.list()))
            raise LookupError(f"no spider {item.spider!r}; spiders: {names}")
        check_crawl(item)  # http(s) start URLs, a known site module: before anything starts
    started = time.monotonic()
    try:
        if first.redis:  # shared through Redis: reachable, and not another archive's crawl
            from archiver.distributed.coordinator import check_redis

            check_redis(first.redis, first.output)
        session = open_session(
            first.output,
            image_placeholder=first.image_placeholder,
            durable=first.fsync,
            front_matter=first.front_matter,
        )
    except ArchiverError as exc:  # locked, read-only, corrupt ledger: nothing ran
        if first.report:
            empty = _empty_report(first, f"the run did not start: {exc}")
            empty["finish_reason"] = "not-started"
            _write_json(first.report, empty)
        raise
    try:
        process = CrawlerProcess(base)
        crawlers: list[Any] = []
        process._log_shutdown = _stopping_notice(crawlers)  # type: ignore[method-assign]
        for number, item in enumerate(crawls):
            options = item.options
            if len(crawls) > 1:
                options = options.replace(output=first.output, report=None)
            settings = scrapy_settings(options, extra, verbose=verbose)
            crawler = Crawler(loader.load(item.spider), settings, init_reactor=number == 0)
            process.crawl(crawler, url=" ".join(item.urls) or None, **dict(item.arguments))
            crawlers.append(crawler)
        process.start()
    finally:
        close_session(session)
    reports = []
    for item, crawler in zip(crawls, crawlers, strict=True):
        report = _report_of(crawler)
        if report is None:
            where = " ".join(item.urls) or item.spider
            report = _empty_report(first, f"{where}: the crawl ended without a report")
        reports.append(report)
    if len(reports) == 1:
        return reports[0]
    report = merge_reports(reports)
    report["elapsed_s"] = round(time.monotonic() - started, 3)
    report["output"] = str(first.output)
    if first.report:
        _write_json(first.report, report)
    return report


def _stopping_notice(crawlers: list[Any]) -> Any:
    """Scrapy's first-Ctrl-C log call, replaced: say at once on stderr what happens now."""

    def notice(signum: int) -> None:
        flying = 0
        for crawler in crawlers:
            slot = getattr(getattr(crawler, "engine", None), "_slot", None)
            for request in getattr(slot, "inprogress", ()):
                flying += getattr(request.callback, "__name__", "") == "parse_article"
        sys.stderr.write(
            f"\narchiver: stopping: finishing the {flying} articles in flight; "
            "press Ctrl-C again to stop now\n"
        )
        sys.stderr.flush()

    return notice


def _report_of(crawler: Any) -> dict[str, Any] | None:
    from archiver.extensions import ReportExtension

    manager = getattr(crawler, "extensions", None)
    for extension in getattr(manager, "middlewares", ()):
        if isinstance(extension, ReportExtension):
            return extension.report
    return None


def _empty_report(options: Options, reason: str) -> dict[str, Any]:
    report: dict[str, Any] = dict.fromkeys(COUNTS, 0)
    report.update(failed=[{"url": "", "reason": reason}], elapsed_s=0.0, stopped={}, sites={})
    report.update(not_articles=0, output=str(options.output))
    return report


def _write_json(path: Any, data: dict[str, Any]) -> None:
    import json
    from pathlib import Path

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report of several crawls of one run."""
    merged: dict[str, Any] = {"sources": len(reports)}
    for report in reports:
        for key, value in report.items():
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float) and key != "elapsed_s":
                merged[key] = merged.get(key, 0) + value
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            else:
                merged.setdefault(key, value)
    merged["elapsed_s"] = max((r.get("elapsed_s", 0) for r in reports), default=0)
    for key in COUNTS:
        merged.setdefault(key, 0)
    merged.setdefault("failed", [])
    return merged


def _child(crawls: list[Crawl], extra: list[tuple[str, Any]], results: Any) -> None:
    try:
        results.put(("ok", run_crawls(crawls, extra)))
    except BaseException as exc:  # the parent raises it again, by kind
        results.put(("error", type(exc).__name__, str(exc)))


def crawl(
    urls: str | Iterable[str],
    output: str | os.PathLike[str],
    site: str | None = None,
    max_pages: int | None = None,
    since: str | date | None = None,
    *,
    refresh: bool = False,
    spider: str = "tag",
    settings: Mapping[str, Any] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Archive ``urls`` (tag, listing or article pages) into ``output``; returns the report.

    ``spider`` is ``tag`` (listings and articles), ``article``, ``feed`` or
    ``sitemap``; further keyword arguments are options (``categories``,
    ``front_matter``...: see ``archiver.options.Options``), ``settings`` any
    Scrapy settings. The crawl runs in a child process (Scrapy's reactor
    cannot restart in one process) with the same code as ``archiver tag``.
    """
    url_list = [urls] if isinstance(urls, str) else list(urls)
    if not url_list:
        raise ValueError("crawl() needs at least one URL")
    resolved = Options.parse(
        output=os.fspath(output), site=site, max_pages=max_pages, since=since,
        refresh=refresh, **options,
    )  # fmt: skip
    job = Crawl(spider, tuple(url_list), resolved)
    context = multiprocessing.get_context("spawn")
    results = context.SimpleQueue()
    child = context.Process(target=_child, args=([job], list((settings or {}).items()), results))
    child.start()
    child.join()
    if results.empty():
        raise RuntimeError(f"the crawl process died (exit {child.exitcode}) without a report")
    outcome = results.get()
    if outcome[0] == "error":
        kind, message = outcome[1], outcome[2]
        if kind == "ArchiveLocked":
            from archiver.archive.lock import ArchiveLocked

            raise ArchiveLocked(message)
        if kind in ("BadInput", "ValueError", "LookupError", "UnknownSite"):
            raise ValueError(message)
        raise RuntimeError(f"the crawl failed: {kind}: {message}")
    report: dict[str, Any] = outcome[1]
    return report
