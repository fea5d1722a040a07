"""Running crawls: in this process for the command line, in a child for the library.

Scrapy's reactor runs once per process, so ``archiver.crawl()`` starts the
command line in a child process and returns its report: a library user can
call it again and again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from archiver.archive.lock import ArchiveLock

__all__ = ["crawl", "run_spider", "scrapy_settings"]


def scrapy_settings(options: Mapping[str, Any]) -> Any:
    """The project's Scrapy settings with this run's options on top."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("archiver.settings", priority="project")
    mapping = {
        "output": "ARCHIVER_OUTPUT",
        "site": "ARCHIVER_SITE",
        "max_pages": "ARCHIVER_MAX_PAGES",
        "since": "ARCHIVER_SINCE",
        "refresh": "ARCHIVER_REFRESH",
        "categories": "ARCHIVER_CATEGORIES",
        "report": "ARCHIVER_REPORT",
    }
    for option, name in mapping.items():
        value = options.get(option)
        if value not in (None, False, ""):
            settings.set(name, str(value) if option == "output" else value, priority="cmdline")
    settings.set("ARCHIVER_PROGRESS", not options.get("quiet"), priority="cmdline")
    # The command line shows a progress bar and a summary; Scrapy's INFO log is for -v.
    if not options.get("verbose"):
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    for name, value in options.get("settings") or []:
        settings.set(name, value, priority="cmdline")
    return settings


def run_spider(
    spider: str, arguments: Mapping[str, Any], options: Mapping[str, Any]
) -> dict[str, Any]:
    """Run one spider in this process, under the archive's lock; returns the report."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiderloader import SpiderLoader

    settings = scrapy_settings(options)
    if options.get("since"):
        _check_since(str(options["since"]))
    root = Path(settings.get("ARCHIVER_OUTPUT"))
    loader = SpiderLoader.from_settings(settings)
    if spider not in loader.list():
        raise LookupError(f"no spider {spider!r}; spiders: {', '.join(sorted(loader.list()))}")
    with ArchiveLock(root):
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(spider)
        process.crawl(crawler, **{k: v for k, v in arguments.items() if v not in (None, "")})
        process.start()
    report: dict[str, Any] | None = getattr(crawler, "archiver_report", None)
    if report is None:
        raise RuntimeError("the crawl ended without a report (see the log above)")
    return report


def _check_since(text: str) -> None:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--since: not an ISO date: {text!r} (e.g. 2024-05-01)") from None


def crawl(
    urls: str | Iterable[str],
    output: str | os.PathLike[str],
    site: str | None = None,
    max_pages: int | None = None,
    since: str | date | None = None,
    *,
    refresh: bool = False,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Archive ``urls`` (tag, listing or article pages) into ``output``; returns the report.

    The crawl runs in a child process (Scrapy's reactor cannot restart), with
    the same code and options as ``archiver tag URL... -o DIR``.
    """
    url_list = [urls] if isinstance(urls, str) else list(urls)
    if not url_list:
        raise ValueError("crawl() needs at least one URL")
    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "archiver", "tag", *url_list, "-o", str(output),
                   "--report", str(report_path), "--quiet"]  # fmt: skip
        if site:
            command += ["--site", site]
        if max_pages is not None:
            command += ["--max-pages", str(max_pages)]
        if since is not None:
            command += ["--since", since.isoformat() if isinstance(since, date) else str(since)]
        if refresh:
            command.append("--refresh")
        for name, value in (settings or {}).items():
            command += ["-s", f"{name}={value}"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if not report_path.exists():
            raise RuntimeError(f"crawl failed (exit {done.returncode}): {done.stderr[-2000:]}")
        report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
        return report


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
    return merged


def run_sources(path: Path, options: Mapping[str, Any]) -> dict[str, Any]:
    """Crawl every source of a sources file in one process and one report."""
    import time

    from scrapy.crawler import CrawlerProcess

    from archiver.sources import load_sources

    sources = load_sources(path)
    settings = scrapy_settings({**options, "report": None})
    root = Path(settings.get("ARCHIVER_OUTPUT"))
    started = time.monotonic()
    with ArchiveLock(root):
        process = CrawlerProcess(settings)
        crawlers = []
        for source in sources:
            spider, arguments = source.spider()
            crawler = process.create_crawler(spider)
            process.crawl(crawler, **{k: v for k, v in arguments.items() if v not in (None, "")})
            crawlers.append(crawler)
        process.start()
    reports = [getattr(c, "archiver_report", None) for c in crawlers]
    missing = [s.url or s.site for s, r in zip(sources, reports, strict=True) if r is None]
    report = merge_reports([r for r in reports if r is not None])
    report["elapsed_s"] = round(time.monotonic() - started, 3)
    report.setdefault("failed", [])
    report["failed"] += [
        {"url": str(m), "reason": "the crawl ended without a report"} for m in missing
    ]
    for key in ("pages_fetched", "articles_requested", "articles_written", "articles_updated",
                "articles_unchanged", "articles_rejected", "articles_known"):  # fmt: skip
        report.setdefault(key, 0)
    report["output"] = str(root)
    if options.get("report"):
        target = Path(str(options["report"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report
