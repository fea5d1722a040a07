"""Pages per second of extract-and-render on the saved fixture pages, one core.

    python -m bench.fixtures_speed [--rounds 20]

Runs ``archiver.extract`` + ``render_post`` over every article page of
``fixtures/mydrivers/pages`` and ``archiver/demo/site`` (as the crawl
does: bytes in, post text out) and prints pages/s per set.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from archiver import NotAnArticle, extract, render_post

ROOT = Path(__file__).resolve().parent.parent / "fixtures"


def pages() -> dict[str, list[tuple[bytes, str, dict[str, str]]]]:
    saved = []
    for meta_path in sorted((ROOT / "mydrivers" / "pages").glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        saved.append((meta_path.with_suffix(".html").read_bytes(), meta["url"], meta["headers"]))
    demo = [
        (path.read_bytes(), "https://news.mydrivers.com/" + path.relative_to(site).as_posix(), {})
        for site in [ROOT / "archiver" / "demo" / "site"]
        for path in sorted((site / "1").rglob("*.htm"))
    ]
    return {"fixtures/mydrivers/pages": saved, "archiver/demo/site": demo}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print("| pages | n | KB/page | pages/s (extract + render) | ms/page |")
    print("|---|---|---|---|---|")
    for name, items in pages().items():
        articles = []
        for body, url, headers in items:
            try:
                extract(body, url, headers=headers)
                articles.append((body, url, headers))
            except NotAnArticle:
                pass
        started = time.perf_counter()
        for _ in range(args.rounds):
            for body, url, headers in articles:
                render_post(extract(body, url, headers=headers))
        elapsed = time.perf_counter() - started
        count = args.rounds * len(articles)
        size = sum(len(b) for b, _, _ in articles) / max(len(articles), 1) / 1024
        print(f"| {name} | {len(articles)} | {size:.0f} | {count / elapsed:.0f} | "
              f"{elapsed / count * 1e3:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
