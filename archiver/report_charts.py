"""The parts of the ``archiver report`` page: inline SVG charts (articles over
time, field rates run over run), the failures, disk use."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import Any

from archiver.report_facts import _BEFORE, FIELDS, ArchiveFacts

_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#7f7f7f")
_RUNS_SHOWN = 30


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
