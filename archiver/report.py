"""The run report: what a crawl did, as JSON, for people and for monitoring.

Keys: ``pages_fetched``, ``articles_requested``, ``articles_written``,
``articles_updated``, ``articles_unchanged``, ``articles_rejected``,
``articles_known`` (skipped, already archived), ``articles_too_old``
(skipped, before ``--since``), ``not_articles``, ``failed`` (a list of
``{url, reason}``), ``elapsed_s``, ``stopped`` (why pagination stopped),
``sites`` (per site, how often each field was found, with
``layout_changed`` when rates fell against earlier runs).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["COUNTS", "build_report", "fallen_fields", "site_rates", "summary"]

_DROP = 0.25  # a field found this much less often than before flags the site

COUNTS = (
    "pages_fetched",
    "articles_requested",
    "articles_written",
    "articles_updated",
    "articles_unchanged",
    "articles_rejected",
    "articles_known",
    "articles_too_old",
)


def fallen_fields(rates: dict[str, float], before: list[dict[str, float]]) -> list[str]:
    """The fields whose rate fell well below their mean over the ``before`` runs."""
    return sorted(
        name
        for name, rate in rates.items()
        if before and rate + _DROP < sum(b.get(name, 0) for b in before) / len(before)
    )


def site_rates(field_counts: dict[str, dict[str, int]], ledger: Any) -> dict[str, Any]:
    """Per site: how often each field was found in this run, and which fields
    fell against the site's earlier runs (``layout_changed``); the run's rates
    are recorded in the ledger for the next run to compare with."""
    sites: dict[str, Any] = {}
    for site, counts in field_counts.items():
        total = max(counts.get("articles", 0), 1)
        rates = {k: round(v / total, 3) for k, v in counts.items() if k != "articles"}
        fell = fallen_fields(rates, [json.loads(r) for r in ledger.previous_runs(site)])
        sites[site] = {"articles": counts["articles"], "field_rates": rates, "layout_changed": fell}
        ledger.record_run(site, counts["articles"], json.dumps(rates))
    return sites


def build_report(
    stats: dict[str, Any], failed: list[dict[str, str]], elapsed: float, output: Any
) -> dict[str, Any]:
    """The report of a run from its Scrapy stats and its failures."""
    report: dict[str, Any] = {k: int(stats.get(f"archiver/{k}", 0)) for k in COUNTS}
    report["not_articles"] = int(stats.get("archiver/not_an_article", 0))
    report["failed"] = list(failed)
    report["elapsed_s"] = round(elapsed, 3)
    report["stopped"] = {
        k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("archiver/stopped/")
    }
    report["sites"] = dict(stats.get("archiver/sites") or {})
    report["output"] = str(output) if output is not None else None
    return report


def summary(report: dict[str, Any]) -> str:
    """A short human summary of a report."""
    failed = report["failed"]
    too_old = report.get("articles_too_old", 0)
    lines = [
        f"{report['articles_written']} written, {report['articles_updated']} updated, "
        f"{report['articles_unchanged']} unchanged, {report['articles_known']} already archived, "
        + (f"{too_old} before --since, " if too_old else "")
        + f"{report['articles_rejected']} rejected, {len(failed)} failed "
        f"({report['pages_fetched']} listing pages, {report['articles_requested']} articles "
        f"requested, {report['elapsed_s']:.1f}s)",
        f"posts in {report['output']}/source/_posts",
    ]
    lines += [f"  failed: {f['url'] + ': ' if f['url'] else ''}{f['reason']}" for f in failed[:20]]
    if len(failed) > 20:
        lines.append(f"  ... and {len(failed) - 20} more (see the report)")
    for site, info in report.get("sites", {}).items():
        if info["layout_changed"]:
            lines.append(
                f"  warning: {site}: fewer {', '.join(info['layout_changed'])} than before"
            )
    return "\n".join(lines)
