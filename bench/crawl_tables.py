"""The tables and the targets of ``python -m bench.run`` (issue 13), from its figures."""

from __future__ import annotations

from statistics import median
from typing import Any

__all__ = ["summary", "tables"]

RATIO_TARGET = 0.9
MEMORY_TIMES = 1.3
MEMORY_MB = 400


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds else 0.0


def _table(head: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def _ms(seconds: float, count: int) -> float:
    return seconds / count * 1000 if count else 0.0


def _written(data: dict[str, Any]) -> int:
    return int(data["report"].get("articles_written", 0))


def ratio(size: dict[str, Any]) -> float:
    """Median, pair by pair, of archiver articles/s ÷ bare spider articles/s."""
    pairs = size.get("pairs") or [{"bare": size["bare"], "archive": size["archive"]}]
    ratios = []
    for pair in pairs:
        bare = _rate(pair["bare"]["report"].get("articles", 0), pair["bare"]["run"]["wall_s"])
        ours = _rate(_written(pair["archive"]), pair["archive"]["run"]["wall_s"])
        if bare:
            ratios.append(ours / bare)
    return median(ratios) if ratios else 0.0


def _tree_mb(run: dict[str, Any]) -> float:
    return float(run.get("tree_rss_mb") or run["peak_rss_mb"])


def _memory_base(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    return next((s for s in sizes if s["n"] == 10_000), sizes[-1])


def tables(results: dict[str, Any]) -> str:
    out: list[str] = []
    sizes: list[dict[str, Any]] = results["sizes"]

    rows = []
    for size in sizes:
        bare, arch = size["bare"], size["archive"]
        bare_run, arch_run = bare["run"], arch["run"]
        written, fetched = _written(arch), bare["report"].get("articles", 0)
        main = arch_run.get("main_cpu_s") or 0.0
        ref = size.get("reference") or {}
        same = "" if "same" not in ref else ("yes" if ref["same"] else "**no**")
        r = ratio(size)
        rows.append([
            size["n"], len(size.get("pairs") or [1]), f"{bare_run['wall_s']:.1f}",
            _rate(fetched, bare_run["wall_s"]), _ms(bare_run["cpu_s"], fetched),
            f"{written:,}", f"{arch_run['wall_s']:.1f}", _rate(written, arch_run["wall_s"]),
            _ms(arch_run["cpu_s"], written), _ms(main, written),
            _ms(arch_run["cpu_s"] - main, written) if main else "",
            f"**{r:.2f}**", _ok(r >= RATIO_TARGET), same,
        ])  # fmt: skip
    out.append("### End to end: `archiver tag` vs a bare Scrapy spider, alternated\n")
    out.append(_table([
        "N", "pairs", "bare: wall s", "bare: articles/s", "bare: CPU ms/article",
        "archiver: written", "archiver: wall s", "archiver: articles/s",
        "archiver: CPU ms/article (all processes)", "of which the crawl process",
        "of which the workers", "ratio (articles/s, median of pairs)",
        f"target ≥ {RATIO_TARGET}", "same posts and ledger",
    ], rows))  # fmt: skip
    refs = {s["reference"].get("label") for s in sizes if s.get("reference")}
    out.append(
        "\nBare spider and archiver run in turn (B A B A ...), each a new process and the "
        "archiver into a new archive; walls are the pair of median archiver wall. Wall time is "
        "start to exit (Python and Scrapy start-up included). CPU: user + system of the process "
        "and its children (the extraction workers). Same posts and ledger: every post (path "
        "and bytes, the fetch time left out) and ledger row equal to the reference run's "
        f"({', '.join(sorted(r for r in refs if r)) or 'none'})."
    )

    ext = results.get("extraction") or {}
    tools = ext.get("tools", {})
    if tools:
        ours = tools.get("archiver", {}).get("pages_per_s", 0)
        labels = ext.get("labels", {})
        rows = []
        for name, data in tools.items():
            speedup = ours / data["pages_per_s"] if data["pages_per_s"] else 0.0
            target = _ok(speedup >= 10) if name == "trafilatura" else ""
            rows.append([
                labels.get(name, name), data["ms_per_page"], data["pages_per_s"],
                "" if name == "archiver" else f"{speedup:.1f}×", target,
                f"{data['title_ok']:.0%}", f"{data['title_contains']:.0%}",
            ])  # fmt: skip
        kb = ext["page_kb"]
        out.append(
            f"\n### Extraction, one core ({tools['archiver']['pages']} article pages, "
            f"{kb['min']}-{kb['max']} KB, mean {kb['mean']} KB; best of "
            f"{tools['archiver']['passes']} passes)\n"
        )
        out.append(_table([
            "tool", "ms/page", "pages/s", "archiver is … faster", "target ≥ 10× trafilatura",
            "title exact", "title in tool's title",
        ], rows))  # fmt: skip
        stages = ext.get("stages_ms", {})
        if stages:
            total = sum(v for k, v in stages.items() if not k.startswith("  "))
            out.append("\nWhat the spider runs per article page (ms, one core, same pages):\n")
            out.append(_table(
                ["stage", "ms/page", "share"],
                [[k.strip() if not k.startswith("  ") else f"↳ {k.strip()}", v,
                  f"{v / total:.0%}"] for k, v in stages.items()] + [["total", total, "100%"]],
            ))  # fmt: skip
        pool = ext.get("pool")
        if pool:
            out.append(
                f"\nExtract + render on a pool of {pool['workers']} processes: "
                f"{pool['pages_per_s']:.1f} pages/s ({pool['pages_per_s'] / ours:.2f}× one core)."
            )

    rows = []
    base = _memory_base(sizes)
    base_tree = _tree_mb(base["archive"]["run"])
    for size in sizes:
        run, data = size["archive"]["run"], size["archive"]
        written = _written(data)
        rows.append([
            size["n"], _rate(written, run["wall_s"]), _ms(run["cpu_s"], written),
            _tree_mb(run), f"{_tree_mb(run) / base_tree:.2f}", run["peak_rss_mb"],
            size["bare"]["run"]["peak_rss_mb"], data.get("posts", 0), data.get("ledger_mb", 0.0),
            data.get("archive_mb", 0.0),
        ])  # fmt: skip
    out.append("\n### Scale: memory and throughput against N (archive and ledger included)\n")
    out.append(_table([
        "N", "archiver articles/s", "CPU ms/article", "peak RSS MB, all processes together",
        f"÷ N={base['n']:,}", "peak RSS MB, largest process", "bare spider peak RSS MB",
        "posts in ledger", "ledger MB", "archive on disk MB",
    ], rows))  # fmt: skip
    out.append(
        "\nAll processes together: the largest sum, over psutil samples every 0.2 s, of the "
        "RSS of the crawl process and its children (workers, resource tracker); largest "
        "process: the kernel's high-water mark from `wait4`."
    )

    rows = []
    for size in sizes:
        run, report = size["again"]["run"], size["again"]["report"]
        requested = report.get("articles_requested", -1)
        rows.append([
            size["n"], f"{run['wall_s']:.2f}", report.get("elapsed_s", 0.0), requested,
            report.get("articles_known", 0), report.get("pages_fetched", 0),
            size["again"]["server"].get("article", 0), run["peak_rss_mb"], _ok(requested == 0),
        ])  # fmt: skip
    out.append("\n### Incremental: the same command again, archive of N posts, site unchanged\n")
    out.append(_table([
        "N", "wall s", "crawl s (report)", "articles_requested", "articles_known",
        "listing pages fetched", "article requests at the server", "peak RSS MB",
        "target: 0 requested",
    ], rows))  # fmt: skip
    return "\n".join(out) + "\n"


def summary(results: dict[str, Any]) -> str:
    """One line per target of issue 13, from the tables' figures."""
    sizes = results["sizes"]
    lines = []
    ns = ", ".join(f"{size['n']:,}" for size in sizes)
    ratios = [ratio(s) for s in sizes]
    lines.append(
        f"- archiver ≥ {RATIO_TARGET}× the bare spider's articles/s: "
        f"{', '.join(f'{r:.2f}' for r in ratios)} (N = {ns}): "
        f"{_ok(bool(ratios) and min(ratios) >= RATIO_TARGET)}"
    )
    same = [s["reference"]["same"] for s in sizes if "same" in (s.get("reference") or {})]
    if same:
        lines.append(f"- same posts and ledger as the reference run: {same}: {_ok(all(same))}")
    else:
        lines.append("- same posts and ledger: not checked (--no-reference)")
    base = next((s for s in sizes if s["n"] == 10_000), None)
    big = next((s for s in sizes if s["n"] == 100_000), None)
    if base and big:
        peak, ref = _tree_mb(big["archive"]["run"]), _tree_mb(base["archive"]["run"])
        fine = peak / ref <= MEMORY_TIMES and peak < MEMORY_MB
        lines.append(
            f"- memory flat (all processes, 100,000 within {MEMORY_TIMES}× of 10,000, "
            f"< {MEMORY_MB} MB): {peak:.0f} MB, {peak / ref:.2f}×: {_ok(fine)}"
        )
    else:
        lines.append("- memory at N = 100,000: run with `--full`")
    requested = [s["again"]["report"].get("articles_requested", -1) for s in sizes]
    lines.append(
        f"- incremental re-run requests no article: {requested}: {_ok(set(requested) == {0})}"
    )
    tools = (results.get("extraction") or {}).get("tools", {})
    if "archiver" in tools and "trafilatura" in tools:
        times = tools["archiver"]["pages_per_s"] / tools["trafilatura"]["pages_per_s"]
        lines.append(f"- extraction speed against trafilatura: {times:.1f}×")
    return "Targets (issue 13):\n\n" + "\n".join(lines) + "\n"
