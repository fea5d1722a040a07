"""The crawl benchmarks, in one run: ``python -m bench.run`` (``--full`` adds N=100,000).

For each size N (2,000 and 10,000 by default) a generated site of N
articles (``bench.sitegen``) is served by ``bench.server`` in its own
process, and measured, each command as its own process (wall time, CPU time
of the process and its children, peak RSS of the largest process from
``wait4`` and of all processes together from psutil samples):

- the bare Scrapy spider (``bench.bare_spider``) fetching the same pages and
  ``archiver tag`` archiving them into a new archive, in turn, ``--repeat``
  pairs: the ratio of articles/s is the median of the pairs';
- a reference run: the same crawl in one process (``ARCHIVER_WORKERS=0``),
  or with the code of ``--reference DIR`` (a checkout of another commit);
  its posts and ledger must equal the archiver's (the fetch time left out);
- the same ``archiver tag`` again over that archive and the unchanged site
  (incremental: time, articles requested).

Then extraction on one core (``bench.extraction``: archiver vs trafilatura
vs newspaper4k, per-stage costs, a pool of 2 processes).

Tables are printed as Markdown (``bench.crawl_tables``), the targets of
issue 13 first; ``--write-benchmarks`` also puts them in the ``## Crawl
benchmarks`` section of BENCHMARKS.md (only that section).
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

from bench.crawl_tables import summary, tables

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
    "-s",
    "ARCHIVER_MAX_PAGES=0",  # every listing page: N = 100,000 is 5,000 of them
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
    tree_rss_mb: float = 0.0
    """Peak of the RSS of the process and all its children together (psutil samples)."""
    log: str = ""


def measure(
    command: list[str], log: Path, timeout: float | None = None, env: Any = None
) -> Measured:
    """Run ``command`` (output to ``log``); peak RSS from ``wait4`` and psutil samples."""
    with log.open("wb") as out:
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        sampled = [0]
        tree = [0]
        own_cpu = [0.0]
        stop = threading.Event()

        def sample() -> None:
            try:
                import psutil

                handle = psutil.Process(proc.pid)
                while not stop.is_set():
                    rss = handle.memory_info().rss
                    sampled[0] = max(sampled[0], rss)
                    for child in handle.children(recursive=True):
                        with contextlib.suppress(psutil.Error):
                            rss += child.memory_info().rss
                    tree[0] = max(tree[0], rss)
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
        # Samples can miss a short peak: never below the largest process's high-water mark.
        tree_rss_mb=round(max(tree[0] / 2**20, usage.ru_maxrss / 1024), 1),
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
    pairs: list[dict[str, Any]] = field(default_factory=list)
    """Each alternated pair: the bare spider's and the archiver's run."""
    reference: dict[str, Any] = field(default_factory=dict)
    """The run the archive is compared with, and whether posts and ledger are equal."""


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
    """A hash of every post (path and bytes, the fetch time left out) and the
    ledger's rows: archives of the same pages, equal hash."""
    import hashlib
    import re

    fetched = re.compile(rb"(?m)^\s*fetched_at: .*$")
    digest = hashlib.sha256()
    posts = root / "source" / "_posts"
    for path in sorted(posts.rglob("*.md")) if posts.is_dir() else []:
        text = fetched.sub(b"", path.read_bytes())
        digest.update(path.relative_to(posts).as_posix().encode() + b"\0" + text)
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


def _archive_run(
    command: list[str], archive: Path, report: Path, log: Path, server: Server, env: Any = None
) -> dict[str, Any]:
    done = measure(command, log, env=env)
    return {
        "run": done.__dict__,
        "report": _report(report),
        "server": server.stats(),
        "posts": _posts(archive),
    }


def run_size(n: int, args: argparse.Namespace, work: Path, say: Any) -> SizeResult:
    """N articles: bare spider and archiver alternated ``--repeat`` times, the
    reference run and the identical-output check, then the incremental re-run."""
    result = SizeResult(n)
    server = Server(n, args.seed)
    archive = work / f"archive-{n}"
    try:
        start = f"{server.url}/tag/keji.htm"
        server.stats()
        for turn in range(1, args.repeat + 1):
            say(f"N={n}: pair {turn}/{args.repeat}: bare Scrapy spider ...")
            report = work / f"bare-{n}.json"
            bare = measure(
                [PY, "-m", "bench.bare_spider", start, "--report", str(report), *SETTINGS],
                work / f"bare-{n}-{turn}.log",
            )
            bare_data = {"run": bare.__dict__, "report": _report(report), "server": server.stats()}
            say(f"N={n}: pair {turn}/{args.repeat}: archiver, new archive ...")
            shutil.rmtree(archive, ignore_errors=True)
            report = work / f"archive-{n}.json"
            command = archiver_command(start, archive, report)
            data = _archive_run(command, archive, report, work / f"archive-{n}-{turn}.log", server)
            result.pairs.append({"bare": bare_data, "archive": data})
        result.bare = _median_run([p["bare"] for p in result.pairs])
        result.archive = _median_run([p["archive"] for p in result.pairs])
        result.archive["archive_mb"] = _du_mb(archive)
        result.archive["ledger_mb"] = round(
            sum(p.stat().st_size for p in (archive / ".archiver").glob("ledger.sqlite*")) / 2**20,
            1,
        )
        result.archive["digest"] = _digest(archive)
        if not args.no_reference:
            result.reference = _reference(n, args, work, server, start, say)
            result.reference["same"] = result.reference["digest"] == result.archive["digest"]
        say(f"N={n}: archiver, re-run ...")
        report = work / f"again-{n}.json"
        result.again = _archive_run(
            archiver_command(start, archive, report), archive, report, work / f"again-{n}.log",
            server,
        )  # fmt: skip
        if not args.keep:
            shutil.rmtree(archive, ignore_errors=True)
    finally:
        server.close()
    return result


def _reference(
    n: int, args: argparse.Namespace, work: Path, server: Server, start: str, say: Any
) -> dict[str, Any]:
    """The archive the same crawl makes in one process (``ARCHIVER_WORKERS=0``:
    no worker processes), or with the code of ``--reference`` (a checkout)."""
    root = work / f"reference-{n}"
    shutil.rmtree(root, ignore_errors=True)
    report = work / f"reference-{n}.json"
    env = None
    if args.reference:
        label = f"the code in {args.reference}"
        command = archiver_command(start, root, report)
        env = {**os.environ, "PYTHONPATH": str(Path(args.reference).resolve())}
    else:
        label = "one process (ARCHIVER_WORKERS=0)"
        command = archiver_command(start, root, report, ["-s", "ARCHIVER_WORKERS=0"])
    say(f"N={n}: reference run, {label} ...")
    data = _archive_run(command, root, report, work / f"reference-{n}.log", server, env=env)
    data["label"] = label
    data["digest"] = _digest(root)
    shutil.rmtree(root, ignore_errors=True)
    return data


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time (its report and figures kept whole)."""
    ordered = sorted(runs, key=lambda r: r["run"]["wall_s"])
    return dict(ordered[(len(ordered) - 1) // 2])


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
        "Reproduce: `pip install -e '.[test,bench]'` then `python -m bench.run` (N = 2,000 and "
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
    parser.add_argument("--sizes", help="comma-separated N (default 2000,10000)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="alternated pairs (bare, archiver) per N (default 3)"
    )
    parser.add_argument(
        "--reference",
        help="a checkout of another commit: its archive is the one compared (default: the "
        "same code in one process, ARCHIVER_WORKERS=0)",
    )
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
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the reference run (memory-only runs)"
    )
    parser.add_argument(
        "--no-extraction", action="store_true", help="skip the one-core extraction comparison"
    )
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
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [2000, 10_000]
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
    if args.no_extraction:
        return _finish(results, args, work, began, say)
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
    return _finish(results, args, work, began, say)


def _finish(
    results: dict[str, Any], args: argparse.Namespace, work: Path, began: float, say: Any
) -> int:
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
