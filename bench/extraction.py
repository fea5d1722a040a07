"""Extraction on one core: archiver vs trafilatura vs newspaper4k on the same generated pages.

    python -m bench.extraction --pages 100 --json out.json

Pages are article pages of the generated site, rendered with the real host
(``//news.mydrivers.com`` links, ``https://news.mydrivers.com/1/…`` URLs).
Each tool gets the same pages, in one thread, after a short warm-up; the
best of ``--passes`` passes counts (the machine is shared: the best pass is
the one least disturbed). What each tool is given:

- archiver: the raw bytes, as the spider gets them: ``extract(body, url,
  headers={"Content-Type": "text/html"})`` then ``render_post(article)``;
- trafilatura: the decoded text, ``bare_extraction(html, url=url,
  with_metadata=True)`` (its defaults otherwise: fallbacks on), and the same
  with ``fast=True`` for reference;
- newspaper4k: the decoded text, ``Article(url); a.download(input_html=html);
  a.parse()``.

``title_ok`` is the share of pages where the tool's title equals the
generated one, ``title_contains`` where it contains it (``<title>`` with the
site's suffix): a check that each tool did real work, not a quality study.
Also measured: the archiver's cost per stage (decode, parse, extract,
``continuation_urls`` as the spider calls it, ``render_post``) and the
archiver on a pool of 2 processes (what the second core gives extraction).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from bench.sitegen import BenchSite

__all__ = ["main", "sample_pages"]

HEADERS = {"Content-Type": "text/html"}


def sample_pages(count: int, n: int = 10_000, seed: int = 7) -> list[tuple[str, bytes, str]]:
    """``count`` article pages spread over a site of ``n``: (url, body, expected title)."""
    site = BenchSite(n, seed=seed)
    ids = list(site.ids())
    step = max(1, len(ids) // count)
    out = []
    for ident in ids[::step][:count]:
        path = site.article_path(ident)
        body = site.render(path)
        assert body is not None
        out.append((f"https://news.mydrivers.com{path}", body, site.meta(ident).title))
    return out


def _archiver() -> Callable[[str, bytes], str | None]:
    import archiver

    extract, render_post = archiver.extract, archiver.render_post

    def run(url: str, body: bytes) -> str | None:
        article = extract(body, url, headers=HEADERS)
        render_post(article)
        return article.title

    return run


def _trafilatura(fast: bool) -> Callable[[str, bytes], str | None]:
    from trafilatura import bare_extraction

    def run(url: str, body: bytes) -> str | None:
        doc = bare_extraction(body.decode("utf-8"), url=url, with_metadata=True, fast=fast)
        if doc is None:
            return None
        return doc.get("title") if isinstance(doc, dict) else getattr(doc, "title", None)

    return run


def _newspaper() -> Callable[[str, bytes], str | None]:
    warnings.filterwarnings("ignore")
    import newspaper

    def run(url: str, body: bytes) -> str | None:
        article = newspaper.Article(url)
        article.download(input_html=body.decode("utf-8"))
        article.parse()
        return str(article.title)

    return run


TOOLS: dict[str, Callable[[], Callable[[str, bytes], str | None]]] = {
    "archiver": _archiver,
    "trafilatura": lambda: _trafilatura(False),
    "trafilatura-fast": lambda: _trafilatura(True),
    "newspaper4k": _newspaper,
}
LABELS = {
    "archiver": "archiver: extract + render_post",
    "trafilatura": "trafilatura: bare_extraction(with_metadata=True)",
    "trafilatura-fast": "trafilatura: same, fast=True",
    "newspaper4k": "newspaper4k: download(input_html) + parse",
}


def time_tool(
    make: Callable[[], Callable[[str, bytes], str | None]],
    pages: list[tuple[str, bytes, str]],
    passes: int,
    budget_s: float,
) -> dict[str, Any]:
    run = make()
    for url, body, _ in pages[:3]:  # warm-up: imports, caches, lazy setup
        run(url, body)
    best = float("inf")
    right = near = 0
    done_passes = 0
    spent = 0.0
    for _ in range(passes):
        right = near = 0
        started = time.perf_counter()
        for url, body, title in pages:
            try:
                found = run(url, body)
            except Exception:
                found = None
            right += found is not None and found.strip() == title
            near += found is not None and title in found
        elapsed = time.perf_counter() - started
        best = min(best, elapsed)
        spent += elapsed
        done_passes += 1
        if spent > budget_s:
            break
    return {
        "pages": len(pages),
        "passes": done_passes,
        "seconds": round(best, 4),
        "pages_per_s": round(len(pages) / best, 2),
        "ms_per_page": round(best / len(pages) * 1000, 3),
        "title_ok": round(right / len(pages), 3),
        "title_contains": round(near / len(pages), 3),
    }


def make_page(body: bytes, url: str) -> Any:
    """The spider's first step (``archiver.extraction.make_page``, formerly ``extract``)."""
    from archiver.extraction import make_page as make

    return make(body, url, headers=HEADERS)


def stages(pages: list[tuple[str, bytes, str]]) -> dict[str, float]:
    """The archiver's cost per stage, in ms per page (what the spider runs per article)."""
    from archiver.archive import content_hash
    from archiver.extraction.encoding import text_warnings
    from archiver.post import render_post
    from archiver.sites import site_for_url

    mojibake = "  of which: text_warnings (mojibake check)"
    totals: dict[str, float] = dict.fromkeys(
        (
            "decode (make_page)",
            mojibake,
            "parse (lxml)",
            "extract_article",
            "continuation_urls",
            "render_post",
            "content_hash",
        ),
        0.0,
    )
    for url, body, _ in pages:
        site = site_for_url(url)
        t0 = time.perf_counter()
        page = make_page(body, url)
        t1 = time.perf_counter()
        page.tree  # noqa: B018 - parsed once, on first use
        t2 = time.perf_counter()
        article = site.extract_article(page)
        t3 = time.perf_counter()
        site.continuation_urls(page)
        t4 = time.perf_counter()
        render_post(article)
        t5 = time.perf_counter()
        content_hash(article)
        t6 = time.perf_counter()
        text_warnings(page.html)
        totals[mojibake] += time.perf_counter() - t6
        steps = [k for k in totals if k != mojibake]
        for key, spent in zip(
            steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True
        ):
            totals[key] += spent
    return {k: round(v / len(pages) * 1000, 3) for k, v in totals.items()}


_POOL_RUN: Callable[[str, bytes], str | None] | None = None


def _pool_init() -> None:
    global _POOL_RUN
    _POOL_RUN = _archiver()


def _pool_task(item: tuple[str, bytes]) -> str | None:
    assert _POOL_RUN is not None
    return _POOL_RUN(*item)


def pool(pages: list[tuple[str, bytes, str]], workers: int, passes: int) -> dict[str, Any]:
    """The archiver over the pages on ``workers`` processes (bodies sent to workers)."""
    items = [(url, body) for url, body, _ in pages]
    with ProcessPoolExecutor(workers, initializer=_pool_init) as executor:
        list(executor.map(_pool_task, items[: workers * 2]))
        best = float("inf")
        for _ in range(passes):
            started = time.perf_counter()
            list(executor.map(_pool_task, items, chunksize=4))
            best = min(best, time.perf_counter() - started)
    return {"workers": workers, "pages": len(pages), "pages_per_s": round(len(pages) / best, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="extraction on one core, side by side")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per tool at most")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", required=True)
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset")
    args = parser.parse_args(argv)
    pages = sample_pages(args.pages, seed=args.seed)
    sizes = [len(body) for _, body, _ in pages]
    result: dict[str, Any] = {
        "page_kb": {
            "min": min(sizes) // 1024,
            "mean": sum(sizes) // len(sizes) // 1024,
            "max": max(sizes) // 1024,
        },
        "tools": {},
    }
    wanted = args.tools.split(",")
    for name, make in TOOLS.items():
        if name in wanted:
            result["tools"][name] = time_tool(make, pages, args.passes, args.budget)
    result["stages_ms"] = stages(pages)
    if (os.cpu_count() or 1) >= 2:
        result["pool"] = pool(pages, 2, args.passes)
    with open(args.json, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
