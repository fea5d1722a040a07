"""The crawl benchmarks, in one run: ``python -m bench.run`` (``--full`` adds N=100,000).

For each size N (1,000 and 10,000 by default) a generated site of N
articles (``bench.sitegen``) is served by ``bench.server`` in its own
process, and measured:

- the bare Scrapy spider (``bench.bare_spider``) fetching the same pages;
- ``archiver tag`` archiving them into a new archive (the exact command
  printed in the report), each as its own process: wall time, CPU time, peak
  RSS (kernel high-water mark from ``wait4``, and psutil samples);
- the same ``archiver tag`` again over that archive and the unchanged site
  (incremental: time, articles requested).

Then extraction on one core (``bench.extraction``: archiver vs trafilatura
vs newspaper4k, per-stage costs, a pool of 2 processes). The crawl
variants of earlier runs (prototypes of the continuation fix, a writer
thread, extraction in worker processes) became ``archiver.workers`` and
``archiver.archive.writer``; ``--from-json`` still prints their old tables.

Tables are printed as Markdown; ``--write-benchmarks`` also puts them in
the ``## Crawl benchmarks`` section of BENCHMARKS.md (only that section).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["main", "measure"]

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SETTINGS = [
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    "ROBOTSTXT_OBEY=False",
    "-s",
    "CONCURRENT_REQUESTS=32",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=32",
]
SECTION = "## Crawl benchmarks"
FINDINGS = ROOT / "bench" / "findings.md"
"""Hand-written profile findings, put in the section after the tables."""


# ------------------------------------------------------------ measuring


@dataclass
class Measured:
    """One command's run: its exit code, wall and CPU seconds, peak RSS."""

    command: list[str]
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    sampled_rss_mb: float
    main_cpu_s: float = 0.0
    """CPU seconds of the process itself, without its children (psutil, last sample)."""
    log: str = ""


def measure(command: list[str], log: Path, timeout: float | None = None) -> Measured:
    """Run ``command`` (output to ``log``); peak RSS from ``wait4`` and psutil samples."""
    with log.open("wb") as out:
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        sampled = [0]
        own_cpu = [0.0]
        stop = threading.Event()

        def sample() -> None:
            try:
                import psutil

                handle = psutil.Process(proc.pid)
                while not stop.is_set():
                    sampled[0] = max(sampled[0], handle.memory_info().rss)
                    times = handle.cpu_times()
                    own_cpu[0] = times.user + times.system
                    stop.wait(0.2)
            except Exception:  # psutil missing, or the process is gone
                return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        if timer:
            timer.cancel()
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        command=command,
        returncode=proc.returncode,
        wall_s=round(wall, 3),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 3),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        sampled_rss_mb=round(sampled[0] / 2**20, 1),
        main_cpu_s=round(own_cpu[0], 3),
        log=str(log),
    )


class Server:
    """``bench.server`` in its own process, for one generated site."""

    def __init__(self, n: int, seed: int) -> None:
        command = [PY, "-m", "bench.server", "-n", str(n), "--seed", str(seed), "--port", "0"]
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.close()
            raise RuntimeError(f"bench.server did not start: {line!r}")
        self.url = line.removeprefix("listening on ")

    def stats(self, reset: bool = True) -> dict[str, Any]:
        query = "?reset=1" if reset else ""
        with urllib.request.urlopen(f"{self.url}/_stats{query}", timeout=10) as answer:
            data: dict[str, Any] = json.loads(answer.read())
        return data

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# ------------------------------------------------------------ the runs


@dataclass
class SizeResult:
    n: int
    bare: dict[str, Any] = field(default_factory=dict)
    archive: dict[str, Any] = field(default_factory=dict)
    again: dict[str, Any] = field(default_factory=dict)


def _report(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def archiver_command(url: str, out: Path, report: Path, extra: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    return [
        PY,
        "-m",
        "archiver",
        "tag",
        url,
        "-o",
        str(out),
        "--report",
        str(report),
        "--quiet",
        *SETTINGS,
        "--site",
        "mydrivers",
        *extra,
    ]


def _posts(root: Path) -> int:
    ledger = root / ".archiver" / "ledger.sqlite"
    if not ledger.exists():
        return 0
    with sqlite3.connect(ledger) as db:
        return int(db.execute("SELECT COUNT(*) FROM posts").fetchone()[0])


def _digest(root: Path) -> str:
    """A hash of every post (path and bytes) and the ledger's rows: equal archives, equal hash."""
    import hashlib

    digest = hashlib.sha256()
    posts = root / "source" / "_posts"
    for path in sorted(posts.rglob("*.md")) if posts.is_dir() else []:
        digest.update(path.relative_to(posts).as_posix().encode() + b"\0" + path.read_bytes())
    ledger = root / ".archiver" / "ledger.sqlite"
    if ledger.exists():
        with sqlite3.connect(ledger) as db:
            query = "SELECT path, url, content_hash FROM posts ORDER BY path"
            for row in db.execute(query):
                digest.update(repr(row).encode())
    return digest.hexdigest()[:16]


def _du_mb(root: Path) -> float:
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
    return round(total / 2**20, 1)


def run_size(n: int, args: argparse.Namespace, work: Path, say: Any) -> SizeResult:
    result = SizeResult(n)
    server = Server(n, args.seed)
    try:
        start = f"{server.url}/tag/keji.htm"
        server.stats()
        say(f"N={n}: bare Scrapy spider ...")
        report = work / f"bare-{n}.json"
        bare = measure(
            [PY, "-m", "bench.bare_spider", start, "--report", str(report), *SETTINGS],
            work / f"bare-{n}.log",
        )
        result.bare = {"run": bare.__dict__, "report": _report(report), "server": server.stats()}
        archive = work / f"archive-{n}"
        shutil.rmtree(archive, ignore_errors=True)
        for key, label in (("archive", "archiver, new archive"), ("again", "archiver, re-run")):
            say(f"N={n}: {label} ...")
            report = work / f"{key}-{n}.json"
            command = archiver_command(start, archive, report)
            done = measure(command, work / f"{key}-{n}.log")
            data = {
                "run": done.__dict__,
                "report": _report(report),
                "server": server.stats(),
                "posts": _posts(archive),
            }
            if key == "archive":
                data["archive_mb"] = _du_mb(archive)
                data["ledger_mb"] = round(
                    sum(p.stat().st_size for p in (archive / ".archiver").glob("ledger.sqlite*"))
                    / 2**20,
                    1,
                )
            setattr(result, key, data)
        if not args.keep:
            shutil.rmtree(archive, ignore_errors=True)
    finally:
        server.close()
    return result


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


def tables(results: dict[str, Any]) -> str:
    out: list[str] = []
    sizes: list[dict[str, Any]] = results["sizes"]

    rows = []
    for size in sizes:
        bare_run, arch_run = size["bare"]["run"], size["archive"]["run"]
        written = size["archive"]["report"].get("articles_written", 0)
        bare_articles = size["bare"]["report"].get("articles", 0)
        bare_rate = _rate(bare_articles, bare_run["wall_s"])
        arch_rate = _rate(written, arch_run["wall_s"])
        ratio = arch_rate / bare_rate if bare_rate else 0.0
        bare_cpu = _ms(bare_run["cpu_s"], bare_articles)
        arch_cpu = _ms(arch_run["cpu_s"], written)
        rows.append([
            size["n"], f"{bare_run['wall_s']:.1f}", bare_rate, bare_cpu,
            f"{written:,}", f"{arch_run['wall_s']:.1f}", arch_rate, arch_cpu,
            f"**{ratio:.2f}**", _ok(ratio >= 0.65),
            f"{bare_cpu / arch_cpu:.2f}" if arch_cpu else "",
        ])  # fmt: skip
    out.append("### End to end: `archiver tag` vs a bare Scrapy spider\n")
    out.append(_table([
        "N", "bare: wall s", "bare: articles/s", "bare: CPU ms/article", "archiver: written",
        "archiver: wall s", "archiver: articles/s", "archiver: CPU ms/article",
        "ratio (articles/s)", "target ≥ 0.65", "ratio of CPU per article",
    ], rows))  # fmt: skip
    out.append(
        "\nWall time of each process, start to exit (Python and Scrapy start-up, opening the "
        "ledger and the report included). CPU ms/article: user + system time of the crawl "
        "process per article; their ratio (bare ÷ archiver) is what the articles/s ratio would "
        "be if both ran alone on one core without waiting, and barely moves with the load of "
        "the machine."
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
    base = next((s for s in sizes if s["n"] == 10_000), sizes[-1])
    base_rss = base["archive"]["run"]["peak_rss_mb"]
    for size in sizes:
        run, data = size["archive"]["run"], size["archive"]
        written = data["report"].get("articles_written", 0)
        rows.append([
            size["n"], _rate(written, run["wall_s"]), _ms(run["cpu_s"], written),
            run["peak_rss_mb"], run["sampled_rss_mb"], f"{run['peak_rss_mb'] / base_rss:.2f}",
            size["bare"]["run"]["peak_rss_mb"], data.get("posts", 0), data.get("ledger_mb", 0.0),
            data.get("archive_mb", 0.0),
        ])  # fmt: skip
    out.append("\n### Scale: memory and throughput against N (archive and ledger included)\n")
    out.append(_table([
        "N", "archiver articles/s", "CPU ms/article", "peak RSS MB (wait4)",
        "peak RSS MB (psutil samples)", f"÷ N={base['n']:,}", "bare spider peak RSS MB",
        "posts in ledger", "ledger MB", "archive on disk MB",
    ], rows))  # fmt: skip
    big = [s for s in sizes if s["n"] > base["n"]]
    if big:
        peak = big[-1]["archive"]["run"]["peak_rss_mb"]
        out.append(
            f"\nTarget: N={big[-1]['n']:,} within 1.3× of N={base['n']:,} and under 300 MB: "
            f"{peak / base_rss:.2f}×, {peak:.0f} MB: {_ok(peak / base_rss <= 1.3 and peak < 300)}."
        )
    else:
        out.append("\nN=100,000 runs with `--full`.")

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

    variants = results.get("variants") or []
    if variants:
        first = variants[0]
        base_rate = _rate(first["written"], first["run"]["wall_s"])
        bare = next((s for s in sizes if s["n"] == results["variants_n"]), None)
        bare_rate = (
            _rate(bare["bare"]["report"].get("articles", 0), bare["bare"]["run"]["wall_s"])
            if bare else 0.0
        )  # fmt: skip
        rows = []
        for row in variants:
            run, written = row["run"], row["written"]
            rate = _rate(written, run["wall_s"])
            total = _ms(run["cpu_s"], written)
            main = _ms(run.get("main_cpu_s") or run["cpu_s"], written)
            # A CPU-bound ceiling on an idle machine: one core for the crawl, one for the worker.
            ceiling = 1000 / max(main, total - main) if row.get("offload") else 1000 / total
            same = "yes" if row.get("digest") == first.get("digest") else "**no**"
            rows.append([
                row["label"], written, rate, f"{rate / base_rate:.2f}×",
                f"{rate / bare_rate:.2f}" if bare_rate else "", total, main, ceiling,
                run["peak_rss_mb"], same,
            ])  # fmt: skip
        out.append(
            f"\n### Where the time goes, and the second core (N={results['variants_n']:,}; "
            "prototypes in `bench/variants.py`, settings with `-s`)\n"
        )
        out.append(_table([
            "crawl", "written", "articles/s", "vs as is", "vs bare spider", "CPU ms/article",
            "of which crawl process", "CPU-bound ceiling, articles/s", "peak RSS MB (crawl)",
            "same posts and ledger",
        ], rows))  # fmt: skip
        out.append(
            "\nCPU-bound ceiling: 1000 ÷ CPU ms per article, or with a worker process "
            "1000 ÷ the larger of the crawl process's and the worker's share: what the run "
            "would reach with its cores to itself (the server takes ~0.3 ms a page). vs bare "
            "spider: against the bare spider's run at the same N (start-up weighs on both at "
            "1,000). Variants (`bench/variants.py`): fastcont, `continuation_urls` with an early "
            "return and one XPath; fastlist, listing links prefiltered; writer, post files "
            "written by a thread; offload, extraction in a worker process. Same posts "
            "and ledger: every post file (path and bytes) and ledger row equal to the as-is run's."
        )
    return "\n".join(out) + "\n"


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("scrapy", "twisted", "lxml", "pydantic", "trafilatura", "newspaper4k"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "-"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_gb": round(mem, 1),
        "versions": versions,
    }


def summary(results: dict[str, Any]) -> str:
    """One line per target of issue 7, from the tables' figures."""
    sizes = results["sizes"]
    lines = []

    def rate(size: dict[str, Any], key: str) -> float:
        count = size[key]["report"].get("articles" if key == "bare" else "articles_written", 0)
        return _rate(count, size[key]["run"]["wall_s"])

    ratios = [rate(s, "archive") / rate(s, "bare") for s in sizes if rate(s, "bare")]
    if ratios:
        ns = ", ".join(f"{size['n']:,}" for size in sizes)
        lines.append(
            f"- end to end ≥ 0.65 of the bare spider: {', '.join(f'{r:.2f}' for r in ratios)} "
            f"(N = {ns}): {_ok(min(ratios) >= 0.65)}"
        )
    tools = (results.get("extraction") or {}).get("tools", {})
    if "archiver" in tools and "trafilatura" in tools:
        times = tools["archiver"]["pages_per_s"] / tools["trafilatura"]["pages_per_s"]
        lines.append(f"- extraction ≥ 10× trafilatura: {times:.1f}×: {_ok(times >= 10)}")
    base = next((s for s in sizes if s["n"] == 10_000), None)
    big = next((s for s in sizes if s["n"] == 100_000), None)
    if base and big:
        peak, ref = big["archive"]["run"]["peak_rss_mb"], base["archive"]["run"]["peak_rss_mb"]
        lines.append(
            f"- memory flat (100,000 within 1.3× of 10,000, < 300 MB): {peak:.0f} MB, "
            f"{peak / ref:.2f}×: {_ok(peak / ref <= 1.3 and peak < 300)}"
        )
        fall = rate(big, "archive") / rate(base, "archive")
        lines.append(
            f"- throughput not falling: {rate(base, 'archive'):.1f} → {rate(big, 'archive'):.1f} "
            f"articles/s ({fall - 1:+.0%}): {_ok(fall >= 0.95)} (5% margin for noise)"
        )
    requested = [s["again"]["report"].get("articles_requested", -1) for s in sizes]
    lines.append(
        f"- incremental re-run requests no article: {requested}: {_ok(set(requested) == {0})}"
    )
    return "Targets (issue 7):\n\n" + "\n".join(lines) + "\n"


def _commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=False)  # fmt: skip
    except OSError:
        return "?"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           text=True, capture_output=True, check=False).stdout.strip()  # fmt: skip
    return done.stdout.strip() + (" with uncommitted changes" if dirty else "") or "?"


def section(results: dict[str, Any]) -> str:
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    load = results["load"]
    lines = [
        SECTION,
        "",
        f"Measured {results['date']} by `{results['command']}` "
        f"({results['total_s'] / 60:.1f} min), at commit `{results.get('commit', '?')}`.",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']} "
        f"on {m['platform']}; {versions}. Load average before / after: "
        f"{load['before']} / {load['after']} (the machine is shared: other runs on it make "
        "the figures noisy).",
        "",
        "Site: generated by `bench/sitegen.py` (seed 7), mydrivers markup (2022 and 2021 "
        "desktop layouts, 2% of articles on two pages), article pages 57-155 KB, tag pages of "
        "20 articles with 下一页; served by `bench/server.py` (asyncio, pages rendered on "
        "request) in its own process on 127.0.0.1.",
        "",
        "The archiver command of each run:",
        "",
        "```",
        "python -m archiver tag http://127.0.0.1:PORT/tag/keji.htm -o DIR --report FILE --quiet "
        + " ".join(SETTINGS)
        + " --site mydrivers",
        "```",
        "",
        summary(results),
        tables(results),
        *([FINDINGS.read_text(encoding="utf-8").strip(), ""] if FINDINGS.exists() else []),
        "Reproduce: `pip install -e '.[test,bench]'` then `python -m bench.run` (N = 1,000 and "
        "10,000), `python -m bench.run --full` (adds N = 100,000); `--write-benchmarks` "
        "rewrites this section, `--json FILE` keeps every figure.",
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace (or append) the ``## Crawl benchmarks`` section, leaving the rest as is."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + text + ("\n" + tail if tail else "")
    path.write_text(new, encoding="utf-8")


# ------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the crawl benchmarks, in one run")
    parser.add_argument("--full", action="store_true", help="add N=100,000")
    parser.add_argument("--sizes", help="comma-separated N (default 1000,10000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--extract-pages", type=int, default=100)
    parser.add_argument(
        "--extract-tools", default="archiver,trafilatura,trafilatura-fast,newspaper4k"
    )
    parser.add_argument(
        "--no-variants", action="store_true",
        help="accepted for old command lines: the crawl variants (prototypes that issue 13 "
        "replaced with archiver.workers and the writer thread) are gone",
    )  # fmt: skip
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the archives made")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument(
        "--write-benchmarks",
        action="store_true",
        help="rewrite the '## Crawl benchmarks' section of BENCHMARKS.md",
    )
    parser.add_argument(
        "--from-json", type=Path, help="only print (and write) the tables of a --json file"
    )
    args = parser.parse_args(argv)
    if args.from_json:
        text = section(json.loads(args.from_json.read_text(encoding="utf-8")))
        print(text)
        if args.write_benchmarks:
            write_section(ROOT / "BENCHMARKS.md", text)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1000, 10_000]
    if args.full and 100_000 not in sizes:
        sizes.append(100_000)
    work = args.work or Path(
        __import__("tempfile").mkdtemp(prefix="archiver-bench-", dir=os.environ.get("TMPDIR"))
    )
    work.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()

    def say(text: str) -> None:
        print(f"[{time.monotonic() - began:6.0f}s] {text}", file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": "python -m bench.run"
        + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip(),
        "machine": machine(),
        "commit": _commit(),
        "load": {"before": " ".join(f"{x:.1f}" for x in os.getloadavg())},
        "sizes": [],
    }
    for n in sizes:
        results["sizes"].append(run_size(n, args, work, say).__dict__)
    say("extraction, one core ...")
    ext_json = work / "extraction.json"
    done = measure(
        [
            PY,
            "-m",
            "bench.extraction",
            "--pages",
            str(args.extract_pages),
            "--json",
            str(ext_json),
            "--tools",
            args.extract_tools,
            "--seed",
            str(args.seed),
        ],
        work / "extraction.log",
    )
    if done.returncode == 0:
        from bench.extraction import LABELS

        results["extraction"] = {**_report(ext_json), "labels": LABELS}
    else:
        say(f"extraction failed, see {done.log}")
    results["load"]["after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    results["total_s"] = round(time.monotonic() - began, 1)
    text = section(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.write_benchmarks:
        write_section(ROOT / "BENCHMARKS.md", text)
        say("BENCHMARKS.md: ## Crawl benchmarks rewritten")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    say(f"done in {results['total_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
