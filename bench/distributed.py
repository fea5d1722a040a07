"""Articles per second of one crawl shared through Redis by 1, 2 and 3 processes.

    python -m bench.distributed -n 600 --delay 0.2 --concurrency 4 --repeat 2

Serves a generated site (``bench.server``) that answers every request
``--delay`` seconds late, so that fetching, not the CPU, sets the pace; starts
a private Redis (``tests/redis_support.py``); then, for 1, 2 and 3
processes, archives the site into a new archive: ``archiver tag ... --redis``
(the archiving process) and 0, 1 or 2 ``archiver worker`` processes, each
with ``CONCURRENT_REQUESTS_PER_DOMAIN=--concurrency``. A one-process crawl
without Redis is the reference. Articles per second: articles written over
the archiving process's wall time. Every archive must equal the reference's,
post for post (the fetch time aside).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def _digest(root: Path) -> str:
    """Every post's path and text (without its fetch time): equal archives, equal digest."""
    digest = hashlib.sha256()
    base = root / "source" / "_posts"
    for path in sorted(base.rglob("*.md")):
        text = re.sub(r"(?m)^  fetched_at: .*\n", "", path.read_text(encoding="utf-8"))
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + text.encode())
    return digest.hexdigest()[:16]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stats(url: str, reset: bool = False) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_stats{'?reset=1' if reset else ''}") as answer:
        data: dict[str, Any] = json.load(answer)
        return data


def run_once(
    processes: int,
    start: str,
    redis_url: str | None,
    work: Path,
    settings: list[str],
    archive_settings: list[str] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """One crawl into a new archive by ``processes`` processes; its figures."""
    out = work / f"archive-{processes}-{time.monotonic_ns()}"
    report = out.with_suffix(".json")
    command = [PY, "-m", "archiver", "tag", start, "-o", str(out), "--site", "mydrivers",
               "--quiet", "--report", str(report), *settings]  # fmt: skip
    workers = []
    if redis_url:
        command += ["--redis", redis_url, *archive_settings]
        worker = [PY, "-m", "archiver", "worker", "--redis", redis_url, "--quiet"]
        for _ in range(processes - 1):
            grace = ["-s", "ARCHIVER_REDIS_GRACE=5"]
            workers.append(subprocess.Popen([*worker, *grace, *settings], cwd=ROOT))
        time.sleep(3)  # the workers are up and waiting, as they would be on other machines
    cpu = _children_cpu()
    began = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, check=False)
    wall = time.monotonic() - began
    for process in workers:
        process.wait(120)
    cpu = _children_cpu() - cpu
    written = json.loads(report.read_text())["articles_written"] if report.exists() else 0
    return {
        "processes": processes,
        "redis": bool(redis_url),
        "exit": done.returncode,
        "written": written,
        "wall_s": round(wall, 2),
        "articles_per_s": round(written / wall, 1),
        "cpu_s": round(cpu, 1),
        "digest": _digest(out),
    }


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.redis_support import RedisServer
    from tests.support import free_port

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=600, help="articles of the site")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds per answer")
    parser.add_argument("--concurrency", type=int, default=4, help="requests per process")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    # CONCURRENT_REQUESTS bounds a process's requests in flight; the per-domain
    # setting alone does not with DOWNLOAD_DELAY=0 in Scrapy 2.19 (a slot starts
    # every queued request at once), but it sets how many articles a process of
    # a shared crawl takes at once (ARCHIVER_REDIS_PREFETCH's default).
    settings = ["-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=False",
                "-s", f"CONCURRENT_REQUESTS={args.concurrency}",
                "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}"]  # fmt: skip
    server = subprocess.Popen(
        [PY, "-m", "bench.server", "-n", str(args.n), "--port", str(free_port()),
         "--delay", str(args.delay)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    site = server.stdout.readline().split()[-1]
    start = f"{site}/tag/keji.htm"
    rows: list[dict[str, Any]] = []
    try:
        with RedisServer() as redis, tempfile.TemporaryDirectory() as tmp:
            plans = [(1, None)] + [(k, redis.url(0)) for k in (1, 2, 3)]
            for processes, url in plans:
                runs = []
                for _ in range(args.repeat):
                    redis.client(0).flushdb()
                    _stats(site, reset=True)
                    runs.append(run_once(processes, start, url, Path(tmp), settings))
                    runs[-1]["articles_fetched"] = _stats(site).get("article", 0)
                    print(json.dumps(runs[-1]), flush=True)
                best = dict(runs[0])
                best["wall_s"] = statistics.median(r["wall_s"] for r in runs)
                best["articles_per_s"] = statistics.median(r["articles_per_s"] for r in runs)
                best["cpu_s"] = statistics.median(r["cpu_s"] for r in runs)
                rows.append(best)
    finally:
        server.kill()
        server.wait()
    reference = rows[0]["digest"]
    base = rows[1]["articles_per_s"]
    setup = f"{args.concurrency} requests in flight per process, median of {args.repeat}"
    print(f"\n{args.n} articles, {args.delay * 1000:.0f} ms per answer, {setup}\n")
    print("| processes | Redis | wall s | articles/s | × 1 process | CPU s | archive |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        same = "= reference" if row["digest"] == reference else "DIFFERS"
        print(f"| {row['processes']} | {'yes' if row['redis'] else 'no'} | {row['wall_s']} | "
              f"{row['articles_per_s']} | {row['articles_per_s'] / base:.2f} | {row['cpu_s']} | "
              f"{same} |")  # fmt: skip


if __name__ == "__main__":
    main()
