"""``archiver report DIR -o report.html``: one self-contained page about an archive.

What a person wants to see, where the JSON report makes them read: articles
per day over time, per site the share of posts with each field run over run
(with the layout-change flags of ``archiver.report``), the failures of the
last runs with their reasons, and disk use.

The page loads nothing: inline CSS, inline SVG charts, no script, and a
Content-Security-Policy of ``default-src 'none'`` so that a browser would
refuse anything else. Its data comes from the ledger (read only: the
``posts``, ``runs`` and ``failures`` tables), the posts' files (sizes; their
dates when there is no ledger) and the run reports given (``--report`` files).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

from archiver.report import fallen_fields

__all__ = ["FIELDS", "ArchiveFacts", "gather", "render", "write_report_page"]

FIELDS = {"title": "title", "date_published": "date", "authors": "author", "tags": "tags",
          "lead_image": "image", "body_html": "body"}  # fmt: skip
"""The field rates the run reports record, and their names on the page."""
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#7f7f7f")
_RUNS_SHOWN = 30
_BEFORE = 5  # runs a run is compared with, as the crawl does (Ledger.previous_runs)


@dataclass
class ArchiveFacts:
    """Everything the page shows, gathered once (tests read it too)."""

    root: Path
    generated: datetime
    posts: int = 0
    published: Counter[date] = field(default_factory=Counter)
    archived: Counter[date] = field(default_factory=Counter)
    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per site, its runs in order: ``started``, ``articles``, ``rates``, ``fell``."""
    failures: list[dict[str, Any]] = field(default_factory=list)
    """URLs failing in the ledger, waiting for a retry: url, reason, attempts, when."""
    run_reports: list[dict[str, Any]] = field(default_factory=list)
    """The run reports given: ``file``, ``when`` and the report."""
    disk: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per site folder (``group/site``): posts and bytes."""
    other_bytes: dict[str, int] = field(default_factory=dict)


def _day(moment: datetime) -> date:
    return moment.astimezone().date()


def _ledger(root: Path) -> sqlite3.Connection | None:
    path = root / ".archiver" / "ledger.sqlite"
    if not path.is_file():
        return None
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return sqlite3.connect(path)


def gather(root: Path, runs: list[Path] | None = None) -> ArchiveFacts:
    """The facts of the archive at ``root`` and of the run reports ``runs``."""
    facts = ArchiveFacts(root=root, generated=datetime.now(UTC))
    _disk(facts)
    db = _ledger(root)
    if db is not None:
        try:
            _from_ledger(facts, db)
        except sqlite3.DatabaseError as exc:
            facts.failures.append({"url": "", "reason": f"the ledger is unreadable: {exc}",
                                   "attempts": 0, "when": None})  # fmt: skip
        finally:
            db.close()
    if not facts.published:
        _from_posts(facts)
    for path in runs or []:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except ValueError as exc:
            raise ValueError(f"{path}: not a run report (JSON): {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: not a run report (a JSON object)")
        when = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
        facts.run_reports.append({"file": str(path), "when": when, "report": data})
    facts.run_reports.sort(key=lambda r: r["when"], reverse=True)
    return facts


def _from_ledger(facts: ArchiveFacts, db: sqlite3.Connection) -> None:
    for published, first_seen in db.execute("SELECT date_published, first_seen FROM posts"):
        seen = datetime.fromtimestamp(first_seen, UTC)
        facts.archived[_day(seen)] += 1
        try:
            moment = datetime.fromisoformat(published) if published else seen
        except ValueError:
            moment = seen
        facts.published[_day(moment)] += 1
    rows = db.execute("SELECT site, started, articles, field_rates FROM runs ORDER BY id")
    for site, started, articles, rates in rows:
        history = facts.runs.setdefault(site, [])
        rates = json.loads(rates)
        before = [run["rates"] for run in history[-_BEFORE:]]
        history.append({"started": datetime.fromtimestamp(started, UTC), "articles": articles,
                        "rates": rates, "fell": fallen_fields(rates, before)})  # fmt: skip
    query = "SELECT url, reason, attempts, last_attempt FROM failures ORDER BY last_attempt DESC"
    for url, reason, attempts, last in db.execute(query):
        when = datetime.fromtimestamp(last, UTC)
        facts.failures.append({"url": url, "reason": reason, "attempts": attempts, "when": when})


def _from_posts(facts: ArchiveFacts) -> None:
    """No ledger: the dates the posts themselves give."""
    from archiver.export import post_rows

    for _path, article in post_rows(facts.root):
        if not isinstance(article, str) and article.date_published is not None:
            facts.published[_day(article.date_published)] += 1


def _disk(facts: ArchiveFacts) -> None:
    posts = facts.root / "source" / "_posts"
    count = 0
    for folder, _dirs, files in os.walk(posts):
        parts = Path(folder).relative_to(posts).parts
        key = "/".join(parts[:2]) or "."
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                n, size = facts.disk.get(key, (0, 0))
                facts.disk[key] = (n + 1, size + (Path(folder) / name).stat().st_size)
                count += 1
    facts.posts = count
    for label, path in (("ledger", facts.root / ".archiver"),
                        ("rejects.jsonl", facts.root / "rejects.jsonl")):  # fmt: skip
        if path.is_file():
            facts.other_bytes[label] = path.stat().st_size
        elif path.is_dir():
            facts.other_bytes[label] = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ---------------------------------------------------------------- rendering


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _buckets(days: Counter[date]) -> tuple[str, list[tuple[date, int]]]:
    """Per day, per week or per month, whichever gives at most ~180 bars."""
    if not days:
        return "day", []
    first, last = min(days), max(days)
    span = (last - first).days
    if span <= 180:
        unit, start = "day", first
        keys = [start + timedelta(days=i) for i in range(span + 1)]
        return unit, [(k, days.get(k, 0)) for k in keys]
    if span <= 3 * 366:
        weeks: Counter[date] = Counter()
        for day, n in days.items():
            weeks[day - timedelta(days=day.weekday())] += n
        start = first - timedelta(days=first.weekday())
        keys = [start + timedelta(weeks=i) for i in range((last - start).days // 7 + 1)]
        return "week", [(k, weeks.get(k, 0)) for k in keys]
    months: Counter[date] = Counter()
    for day, n in days.items():
        months[day.replace(day=1)] += n
    keys, cursor = [], first.replace(day=1)
    while cursor <= last:
        keys.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return "month", [(k, months.get(k, 0)) for k in keys]


def _nice(top: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10**4, 10**5):
        if top <= step * 4:
            return float(step * 4)
    return float(top)


def _bar_chart(title: str, days: Counter[date]) -> str:
    unit, bars = _buckets(days)
    if not bars:
        return f"<h3>{escape(title)}</h3><p class=muted>no dated posts</p>"
    width, height, left, right, bottom = 900, 220, 44, 40, 28
    top = _nice(max(n for _, n in bars))
    step = (width - left - right) / len(bars)
    bar = min(step * 0.8, 48.0)
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">']
    for i in range(5):
        y = height - bottom - (height - bottom - 10) * i / 4
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'class=grid /><text x="{left - 6}" y="{y + 4:.1f}" class=axis '
                   f"text-anchor=end>{top * i / 4:g}</text>")  # fmt: skip
    for i, (key, n) in enumerate(bars):
        h = (height - bottom - 10) * n / top
        x = left + (i + 0.5) * step - bar / 2
        out.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" '
                   f'width="{max(bar, 0.5):.1f}" height="{h:.1f}" class=bar>'
                   f"<title>{unit} of {key.isoformat()}: {n}</title></rect>")  # fmt: skip
    every = max(1, -(-len(bars) * 80 // (width - left - right)))  # labels ~80 units apart
    labels = list(range(0, len(bars), every))
    if len(bars) - 1 - labels[-1] >= every * 0.75:
        labels.append(len(bars) - 1)
    for i in labels:
        x = left + (i + 0.5) * step
        out.append(f'<text x="{x:.1f}" y="{height - 8}" class=axis text-anchor=middle>'
                   f"{bars[i][0].isoformat()}</text>")  # fmt: skip
    out.append("</svg>")
    total = sum(n for _, n in bars)
    return (f"<h3>{escape(title)} <small>per {unit}, {total} posts, days in local time"
            f"</small></h3>{''.join(out)}")  # fmt: skip


def _rates_chart(site: str, history: list[dict[str, Any]]) -> str:
    runs = history[-_RUNS_SHOWN:]
    width, height, left, bottom = 900, 200, 44, 26
    step = (width - left - 110) / max(len(runs) - 1, 1)
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="field rates of {escape(site)}">']  # fmt: skip
    for i in range(5):
        y = height - bottom - (height - bottom - 10) * i / 4
        out.append(f'<line x1="{left}" x2="{width - 110}" y1="{y:.1f}" y2="{y:.1f}" class=grid />'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" class=axis text-anchor=end>'
                   f"{25 * i}%</text>")  # fmt: skip
    for colour, (name, label) in zip(_COLOURS, FIELDS.items(), strict=True):
        points = []
        for i, run in enumerate(runs):
            rate = float(run["rates"].get(name, 0))
            x = left + i * step
            y = height - bottom - (height - bottom - 10) * rate
            points.append(f"{x:.1f},{y:.1f}")
            flag = name in run["fell"]
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{5 if flag else 2.5}" '
                       f'fill="{"#fff" if flag else colour}" stroke="{colour}" stroke-width=2>'
                       f"<title>{label}: {rate:.0%} in the run of "
                       f"{run['started']:%Y-%m-%d %H:%M} UTC{' (fell)' if flag else ''}"
                       "</title></circle>")  # fmt: skip
        out.append(f'<polyline points="{" ".join(points)}" fill=none stroke="{colour}" '
                   'stroke-width=1.5 />')  # fmt: skip
        legend_y = 18 + 22 * list(FIELDS).index(name)
        out.append(f'<rect x="{width - 100}" y="{legend_y - 9}" width=12 height=12 '
                   f'fill="{colour}" /><text x="{width - 82}" y="{legend_y + 1}" class=axis>'
                   f"{label}</text>")  # fmt: skip
    short = runs[-1]["started"] - runs[0]["started"] < timedelta(days=3)
    for i in sorted({0, len(runs) - 1}):
        x = left + i * step
        when = format(runs[i]["started"], "%m-%d %H:%M UTC" if short else "%Y-%m-%d")
        anchor = "end" if i and i == len(runs) - 1 else "start"
        out.append(f'<text x="{x:.1f}" y="{height - 6}" class=axis text-anchor={anchor}>'
                   f"{when}</text>")  # fmt: skip
    out.append("</svg>")
    return "".join(out)


def _site_section(site: str, history: list[dict[str, Any]]) -> str:
    last = history[-1]
    before = history[-1 - _BEFORE : -1]
    cells = []
    for name, label in FIELDS.items():
        rate = float(last["rates"].get(name, 0))
        mean = sum(float(r["rates"].get(name, 0)) for r in before) / len(before) if before else None
        fell = name in last["fell"]
        was = f" <small>(was {mean:.0%})</small>" if mean is not None else ""
        cells.append(f'<td class="{"fell" if fell else ""}">{label}<br><b>{rate:.0%}</b>{was}'
                     f"{' <b>fell</b>' if fell else ''}</td>")  # fmt: skip
    fewer = ", ".join(FIELDS[n] for n in last["fell"])
    flag = (f"<p class=flag>Layout change? fewer {escape(fewer)} than in the runs before: "
            "the site module needs a look.</p>" if fewer else "")  # fmt: skip
    return (f"<h3>{escape(site)} <small>{len(history)} runs, last "
            f"{last['started']:%Y-%m-%d %H:%M} UTC with {last['articles']} articles</small></h3>"
            f"{flag}<table class=rates><tr>{''.join(cells)}</tr></table>"
            f"{_rates_chart(site, history)}")  # fmt: skip


def _failures(facts: ArchiveFacts) -> str:
    rows = []
    for run in facts.run_reports[:5]:
        report = run["report"]
        written = report.get("articles_written", 0)
        failed = report.get("failed") or []
        reason = report.get("finish_reason")
        ended = f", ended: {escape(str(reason))}" if reason not in (None, "finished") else ""
        rows.append(f"<tr class=run><td colspan=3>{run['when']:%Y-%m-%d %H:%M} UTC, "
                    f"{escape(Path(run['file']).name)}: {written} written, {len(failed)} failed"
                    f"{ended}</td></tr>")  # fmt: skip
        for item in failed[:50]:
            rows.append(f"<tr><td></td><td>{_link(str(item.get('url', '')))}</td>"
                        f"<td>{escape(str(item.get('reason', '')))}</td></tr>")  # fmt: skip
    ledger = [
        f"<tr><td>{f['attempts']}</td><td>{_link(f['url'])}</td>"
        f"<td>{escape(f['reason'])}"
        f"{' <small>' + format(f['when'], '%Y-%m-%d %H:%M') + ' UTC</small>' if f['when'] else ''}"
        "</td></tr>"
        for f in facts.failures[:100]
    ]
    parts = ["<h2>Failures</h2>"]
    if rows:
        parts.append("<h3>The last runs</h3><table class=list><tr><th></th><th>URL</th>"
                     f"<th>reason</th></tr>{''.join(rows)}</table>")  # fmt: skip
    parts.append(f"<h3>Waiting for a retry <small>{len(facts.failures)} URLs</small></h3>")
    parts.append("<table class=list><tr><th>tries</th><th>URL</th><th>reason</th></tr>"
                 f"{''.join(ledger)}</table>" if ledger else "<p class=muted>none</p>")  # fmt: skip
    return "".join(parts)


def _link(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{escape(url)}" rel="noreferrer noopener">{escape(url)}</a>'
    return escape(url)


def _disk_section(facts: ArchiveFacts) -> str:
    total = sum(size for _, size in facts.disk.values())
    top = max((size for _, size in facts.disk.values()), default=1) or 1
    rows = []
    for key, (n, size) in sorted(facts.disk.items(), key=lambda item: -item[1][1]):
        rows.append(f"<tr><td>{escape(key)}</td><td class=num>{n}</td>"
                    f"<td class=num>{_size(size)}</td><td class=barcell><svg viewBox='0 0 300 14' "
                    f"preserveAspectRatio=none><rect width='{300 * size / top:.1f}' height=14 "
                    "class=bar /></svg></td></tr>")  # fmt: skip
    others = ", ".join(f"{escape(k)} {_size(v)}" for k, v in facts.other_bytes.items())
    return (f"<h2>Disk use <small>{_size(total + sum(facts.other_bytes.values()))}</small></h2>"
            f"<p>posts {_size(total)}{'; ' + others if others else ''}</p>"
            "<table class=list><tr><th>folder</th><th>posts</th><th>size</th><th></th></tr>"
            f"{''.join(rows)}</table>")  # fmt: skip


_CSS = """
body{font:15px/1.45 system-ui,"Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:960px;
padding:1em 1.5em;color:#222;background:#fff}
h1{margin:.2em 0}h2{border-bottom:1px solid #ddd;margin-top:1.6em}h3{margin:1.2em 0 .3em}
small,.muted{color:#777;font-weight:normal}svg{width:100%;height:auto;display:block}
.grid{stroke:#e5e5e5}.axis{font-size:11px;fill:#555}.bar{fill:#4a7fb5}
.summary{display:flex;gap:1em;flex-wrap:wrap}.summary div{background:#f4f6f8;padding:.5em 1em;
border-radius:6px}.summary b{display:block;font-size:1.4em}
table{border-collapse:collapse;width:100%}td,th{padding:.25em .5em;text-align:left;
vertical-align:top}.list tr:nth-child(even){background:#f8f8f8}.list td{word-break:break-all}
.rates td{border:1px solid #ddd;text-align:center}.fell{background:#fde8e8;color:#a00}
.flag{background:#fde8e8;border-left:4px solid #d62728;padding:.4em .8em}
.run td{background:#eef3f8;font-weight:bold}.num{text-align:right}.barcell{width:40%}
"""


def render(facts: ArchiveFacts) -> str:
    """The page: HTML, self-contained."""
    failing = len(facts.failures)
    flagged = [site for site, runs in facts.runs.items() if runs and runs[-1]["fell"]]
    summary = "".join(f"<div>{label}<b>{value}</b></div>" for label, value in (
        ("posts", facts.posts), ("sites", len(facts.runs) or len(facts.disk)),
        ("waiting for a retry", failing), ("layout changes", len(flagged)),
        ("disk", _size(sum(s for _, s in facts.disk.values()) + sum(facts.other_bytes.values()))),
    ))  # fmt: skip
    sites = "".join(_site_section(site, runs) for site, runs in sorted(facts.runs.items()) if runs)
    name = escape(facts.root.resolve().name)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>archive {name}: report</title><style>{_CSS}</style></head><body>
<h1>Archive {name}</h1>
<p class=muted>{escape(str(facts.root))}, report of {facts.generated:%Y-%m-%d %H:%M} UTC</p>
<div class=summary>{summary}</div>
<h2>Articles over time</h2>
{_bar_chart("Published per day", facts.published)}
{_bar_chart("Archived per day", facts.archived) if facts.archived else ""}
<h2>Fields found, per site, run over run</h2>
{sites or "<p class=muted>no run recorded yet</p>"}
{_failures(facts)}
{_disk_section(facts)}
</body></html>
"""


def write_report_page(root: Path, output: Path, *, runs: list[str] | None = None) -> Path:
    """Write the page about the archive at ``root`` to ``output``; returns it."""
    facts = gather(root, [Path(r) for r in runs or []])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render(facts), encoding="utf-8")
    return output
