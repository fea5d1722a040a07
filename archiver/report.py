"""The run report: what a crawl did, as JSON, for people and for monitoring.

Keys: ``pages_fetched``, ``articles_requested``, ``articles_written``,
``articles_updated``, ``articles_unchanged``, ``articles_rejected``,
``articles_known`` (skipped, already archived), ``not_articles``,
``failed`` (a list of ``{url, reason}``), ``elapsed_s``, ``stopped`` (why
pagination stopped), ``sites`` (per site, how often each field was found,
with ``layout_changed`` when rates fell against earlier runs).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from scrapy import signals

from archiver.crawlstate import state_of

__all__ = ["ReportExtension", "build_report", "summary"]

_COUNTS = (
    "pages_fetched",
    "articles_requested",
    "articles_written",
    "articles_updated",
    "articles_unchanged",
    "articles_rejected",
    "articles_known",
)
_DROP = 0.25  # a field found this much less often than before flags the site


def _rates(counts: dict[str, int]) -> dict[str, float]:
    total = max(counts.get("articles", 0), 1)
    return {k: round(v / total, 3) for k, v in counts.items() if k != "articles"}


def build_report(stats: dict[str, Any], state: Any, elapsed: float) -> dict[str, Any]:
    """The report of a run from its Scrapy stats and shared crawl state."""
    report: dict[str, Any] = {k: int(stats.get(f"archiver/{k}", 0)) for k in _COUNTS}
    report["not_articles"] = int(stats.get("archiver/not_an_article", 0))
    report["failed"] = list(state.failed)
    report["elapsed_s"] = round(elapsed, 3)
    report["stopped"] = {
        k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("archiver/stopped/")
    }
    sites: dict[str, Any] = {}
    ledger = state.archive.ledger
    for site, counts in state.field_counts.items():
        rates = _rates(counts)
        before = [json.loads(r) for r in ledger.previous_runs(site)]
        fell = sorted(
            field
            for field, rate in rates.items()
            if before and rate + _DROP < sum(b.get(field, 0) for b in before) / len(before)
        )
        sites[site] = {"articles": counts["articles"], "field_rates": rates, "layout_changed": fell}
        ledger.record_run(site, counts["articles"], json.dumps(rates))
    report["sites"] = sites
    report["output"] = str(state.archive.root)
    return report


def summary(report: dict[str, Any]) -> str:
    """A short human summary of a report."""
    failed = report["failed"]
    lines = [
        f"{report['articles_written']} written, {report['articles_updated']} updated, "
        f"{report['articles_unchanged']} unchanged, {report['articles_known']} already archived, "
        f"{report['articles_rejected']} rejected, {len(failed)} failed "
        f"({report['pages_fetched']} listing pages, {report['articles_requested']} articles "
        f"requested, {report['elapsed_s']:.1f}s)",
        f"posts in {report['output']}/source/_posts",
    ]
    lines += [f"  failed: {f['url']}: {f['reason']}" for f in failed[:20]]
    if len(failed) > 20:
        lines.append(f"  ... and {len(failed) - 20} more (see the report)")
    for site, info in report.get("sites", {}).items():
        if info["layout_changed"]:
            lines.append(
                f"  warning: {site}: fewer {', '.join(info['layout_changed'])} than before"
            )
    return "\n".join(lines)


class ReportExtension:
    """Builds the report when the spider closes; shows progress on a terminal."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.started = time.monotonic()
        self.path = crawler.settings.get("ARCHIVER_REPORT")
        self.progress = crawler.settings.getbool("ARCHIVER_PROGRESS") and sys.stderr.isatty()
        self.report: dict[str, Any] | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        if self.progress:
            crawler.signals.connect(self.tick, signal=signals.response_received)
            crawler.signals.connect(self.tick, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReportExtension:
        return cls(crawler)

    def tick(self, **_: Any) -> None:
        stats = self.crawler.stats.get_stats()
        done = sum(
            int(stats.get(f"archiver/articles_{k}", 0)) for k in ("written", "updated", "unchanged")
        )
        asked = int(stats.get("archiver/articles_requested", 0))
        width = 30
        filled = width * done // asked if asked else 0
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(
            f"\r[{bar}] {done}/{asked} articles, "
            f"{int(stats.get('archiver/pages_fetched', 0))} pages, "
            f"{len(state_of(self.crawler).failed)} failed "
        )
        sys.stderr.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.progress:
            sys.stderr.write("\n")
        state = state_of(self.crawler)
        report = build_report(
            self.crawler.stats.get_stats(), state, time.monotonic() - self.started
        )
        report["finish_reason"] = reason
        if reason != "finished":
            # start_error, shutdown (Ctrl-C), closespider...: the run did not do its job.
            report["failed"].append({"url": "", "reason": f"the crawl ended early: {reason}"})
        self.report = report
        self.crawler.archiver_report = report
        if self.path:
            target = Path(self.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        state.archive.close()
