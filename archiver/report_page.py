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

from html import escape
from pathlib import Path

from archiver.report_charts import _bar_chart, _disk_section, _failures, _site_section, _size
from archiver.report_facts import FIELDS, ArchiveFacts, gather

__all__ = ["FIELDS", "ArchiveFacts", "gather", "render", "write_report_page"]


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
