"""The ledger at scale: start-up time, cost per article and memory with N posts.

    python -m bench.ledger_bench            # N = 100,000
    python -m bench.ledger_bench -n 10000

Builds an archive of N posts through ``Archive.save`` (real files, real
ledger), then measures what a scheduled run pays before it fetches
anything (open the archive, repair, load the known URLs), the cost of one
more article, of a lookup, and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archiver import Archive, Article

BODY = "<p>" + "正文内容，用于测试账本的规模表现。" * 40 + "</p>"


def article(i: int) -> Article:
    return Article(
        url=f"https://news.example.com/1/{i // 1000}/{i}.htm",
        title=f"第{i}号测试新闻：账本规模",
        categories=["新媒体", "示例", f"频道{i % 20}"],
        site_name="示例",
        date_published=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
        body_html=BODY,
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    n = args.n
    root = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    try:
        started = time.perf_counter()
        # Building the archive is set-up, not what is measured: no fsync there.
        with Archive(root, durable=False) as archive:
            for i in range(n):
                archive.save(article(i))
        build = time.perf_counter() - started

        started = time.perf_counter()
        archive = Archive(root)
        opened = time.perf_counter() - started
        started = time.perf_counter()
        repaired = archive.repair()
        repair = time.perf_counter() - started
        started = time.perf_counter()
        known = archive.ledger.known_urls()
        load = time.perf_counter() - started

        rounds = 500
        started = time.perf_counter()
        for i in range(n, n + rounds):
            archive.save(article(i))
        per_new = (time.perf_counter() - started) / rounds
        started = time.perf_counter()
        for i in range(rounds):
            archive.save(article(i * (n // rounds)))
        per_unchanged = (time.perf_counter() - started) / rounds
        started = time.perf_counter()
        for i in range(10_000):
            _ = f"https://news.example.com/1/{i // 1000}/{i}.htm" in known
        per_lookup = (time.perf_counter() - started) / 10_000
        archive.close()
        size = sum(p.stat().st_size for p in (root / ".archiver").iterdir()) / 1e6

        print(f"| posts | {n:,} |")
        print("|---|---|")
        print(
            f"| build ({n:,} × Archive.save, new posts, no fsync) | {build:.1f} s "
            f"({build / n * 1e3:.2f} ms/post) |"
        )
        print(f"| start-up: open archive | {opened * 1e3:.1f} ms |")
        print(
            "| start-up: repair (one walk of the posts folder, temp files) | "
            f"{repair * 1e3:.0f} ms {repaired} |"
        )
        print(f"| start-up: load {len(known):,} known URLs | {load * 1e3:.0f} ms |")
        print(f"| one more new article (render, atomic write, ledger) | {per_new * 1e3:.2f} ms |")
        print(f"| one unchanged article (hash compare, no write) | {per_unchanged * 1e3:.2f} ms |")
        print(f"| is a link known (set lookup) | {per_lookup * 1e9:.0f} ns |")
        print(f"| ledger on disk | {size:.1f} MB |")
        print(f"| peak RSS of the process | {peak_mb():.0f} MB |")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
