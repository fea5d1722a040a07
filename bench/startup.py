"""What opening an archive for a crawl costs at N posts (issue 13, point 3).

    python -m bench.startup -n 100000 [--work DIR]

Builds (once, kept in ``--work``) an archive of N posts as the crawl writes
them, then times ``open_session`` + ``close_session`` (lock, repair, known
URLs, writer thread) three ways, best of 5: after a clean close (no walk),
with the clean-close record removed (the walk every open used to make), and
the walk alone (``Archive.repair`` with no record).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archiver.archive.session import close_session, open_session
from archiver.archive.store import Archive
from archiver.models import Article

__all__ = ["main"]


def build(root: Path, n: int) -> None:
    with Archive(root, durable=False) as archive:
        have = archive.ledger.count()
        start = datetime(2020, 1, 1, tzinfo=UTC)
        with archive.ledger.batch():
            for i in range(have, n):
                tag = f"标签{i % 400}"  # 400 folders, as tag archives make
                archive.save(
                    Article(
                        url=f"https://news.example.com/1/{i // 1000}/{i}.htm",
                        title=f"文章 {i}",
                        categories=["新媒体", "示例", tag],
                        date_published=start + timedelta(minutes=i),
                        body_html=f"<p>正文 {i}</p>",
                    )
                )


def _best(seconds: list[float]) -> float:
    return round(min(seconds) * 1000, 1)


def time_open(root: Path, *, walk: bool, passes: int = 5) -> float:
    spent = []
    for _ in range(passes):
        if walk:
            with Archive(root) as archive:
                archive.ledger.set_state("post_folders", None)
        t0 = time.perf_counter()
        session = open_session(root, durable=False)
        close_session(session)
        spent.append(time.perf_counter() - t0)
    return _best(spent)


def time_walk(root: Path, passes: int = 5) -> float:
    spent = []
    for _ in range(passes):
        with Archive(root) as archive:
            archive.ledger.set_state("post_folders", None)
            t0 = time.perf_counter()
            archive.repair()
            spent.append(time.perf_counter() - t0)
    return _best(spent)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/archiver-startup"))
    args = parser.parse_args(argv)
    root = args.work / f"n{args.n}"
    t0 = time.perf_counter()
    build(root, args.n)
    print(f"archive of {args.n:,} posts ready in {time.perf_counter() - t0:.1f} s: {root}")
    walked = time_open(root, walk=True)
    clean = time_open(root, walk=False)
    print(f"open + close, the posts walked (no clean-close record): {walked} ms")
    print(f"open + close after a clean close:                         {clean} ms")
    print(f"the walk alone (Archive.repair without a record):         {time_walk(root)} ms")


if __name__ == "__main__":
    main()
