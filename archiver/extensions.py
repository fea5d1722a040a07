"""Scrapy extensions of the archiver: the run report and the progress line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from scrapy import signals

from archiver.extraction.article import Found
from archiver.options import Options
from archiver.report import build_report
from archiver.signals import url_failed

__all__ = ["ReportExtension"]


class ReportExtension:
    """Collects the failures of the run, builds the report when the spider
    closes (``report``, and the ``ARCHIVER_REPORT`` file), shows progress on a
    terminal (``ARCHIVER_PROGRESS``)."""

    def __init__(self, crawler: Any, options: Options) -> None:
        self.crawler = crawler
        self.started = time.monotonic()
        self.options = options
        self.progress = options.progress and sys.stderr.isatty()
        self.failed: list[dict[str, str]] = []
        self.report: dict[str, Any] | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.url_failed, signal=url_failed)
        if self.progress:
            crawler.signals.connect(self.tick, signal=signals.response_received)
            crawler.signals.connect(self.tick, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReportExtension:
        return cls(crawler, Options.from_settings(crawler.settings))

    def url_failed(self, url: str, reason: str, retry: bool, found: Found) -> None:
        self.failed.append({"url": url, "reason": reason})

    def tick(self, **_: Any) -> None:
        stats = self.crawler.stats.get_stats()
        done = sum(
            int(stats.get(f"archiver/articles_{k}", 0)) for k in ("written", "updated", "unchanged")
        )
        asked = int(stats.get("archiver/articles_requested", 0))
        width = 30
        filled = min(width, width * done // asked) if asked else 0
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(
            f"\r[{bar}] {done}/{asked} articles, "
            f"{int(stats.get('archiver/pages_fetched', 0))} pages, {len(self.failed)} failed "
        )
        sys.stderr.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.progress:
            sys.stderr.write("\n")
        report = build_report(
            self.crawler.stats.get_stats(),
            self.failed,
            time.monotonic() - self.started,
            self.options.output,
        )
        report["finish_reason"] = reason
        if reason != "finished":
            # start_error, shutdown (Ctrl-C), closespider...: the run did not do its job.
            report["failed"].append({"url": "", "reason": f"the crawl ended early: {reason}"})
        self.report = report
        if self.options.report:
            target = Path(self.options.report)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
