"""Pages per second of extract-and-render on the saved fixture pages, one core.

    python -m bench.fixtures_speed [--rounds 20]

Runs ``archiver.extract`` + ``render_post`` over every article page of the
fixture cases (``fixtures/sites/<site>/<case>/page.html``, one set per site)
and of ``archiver/demo/site`` (as the crawl does: bytes in, post text out)
and prints pages/s per set.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from archiver import NotAnArticle, extract, render_post

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "fixtures" / "sites"
DEMO = ROOT / "archiver" / "demo" / "site"

Item = tuple[bytes, str, dict[str, Any]]
"""A page's bytes, its URL and the keyword arguments of ``extract``."""


def pages() -> dict[str, list[Item]]:
    sets: dict[str, list[Item]] = {}
    for meta_path in sorted(SITES.glob("*/*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        fetched = meta.get("fetched_at")
        options = {
            "site": meta.get("site"),
            "headers": meta.get("headers"),
            "fetched_at": datetime.fromisoformat(fetched) if fetched else None,
        }
        name = meta_path.parent.parent.relative_to(ROOT).as_posix()
        sets.setdefault(name, []).append(
            ((meta_path.parent / "page.html").read_bytes(), meta["url"], options)
        )
    sets["archiver/demo/site"] = [
        (path.read_bytes(), "https://news.mydrivers.com/" + path.relative_to(DEMO).as_posix(), {})
        for path in sorted((DEMO / "1").rglob("*.htm"))
    ]
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print("| pages | n | KB/page | pages/s (extract + render) | ms/page |")
    print("|---|---|---|---|---|")
    for name, items in pages().items():
        articles = []
        for body, url, options in items:
            try:
                extract(body, url, **options)
                articles.append((body, url, options))
            except NotAnArticle:
                pass
        started = time.perf_counter()
        for _ in range(args.rounds):
            for body, url, options in articles:
                render_post(extract(body, url, **options))
        elapsed = time.perf_counter() - started
        count = args.rounds * len(articles)
        size = sum(len(b) for b, _, _ in articles) / max(len(articles), 1) / 1024
        print(f"| {name} | {len(articles)} | {size:.0f} | {count / elapsed:.0f} | "
              f"{elapsed / count * 1e3:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
