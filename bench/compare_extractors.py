"""Compare our generic extractor with trafilatura and newspaper4k on real pages.

Reads the saved Chinese news pages of ``../shared/data/zh-news-pages`` (or
``--data DIR``), runs the three extractors on each page in one process, one
page at a time and one after the other (so machine load hits all three
alike), and prints two markdown tables: how often each finds a value per
field, and the CPU time per page of each.

    python bench/compare_extractors.py [--data DIR] [--repeat 3] [--json FILE]

The input of every extractor is the same decoded HTML text; ours is timed
from that text to a validated ``Article`` (parse included). CPU time
(``time.process_time``) is reported, not wall time, so that other work on the
machine does not skew the ratio. trafilatura runs as
``bare_extraction(html, url=..., with_metadata=True)``; newspaper4k as
``Article(url, language="zh")`` when jieba is installed (else auto language),
``download(input_html=html)`` then ``parse()``. Both are benchmark-only
dependencies (the ``bench`` extra; newspaper4k's Chinese mode needs jieba).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html

from archiver.errors import NotAnArticle
from archiver.extraction.encoding import decode_html
from archiver.extraction.page import Page
from archiver.sites.generic import GenericSite

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "zh-news-pages"
FIELDS = (
    "title",
    "title right",
    "date",
    "author",
    "editor",
    "source",
    "byline (any of the three)",
    "tags",
    "lead image",
    "body (>= 200 chars)",
    "site name",
    "language",
)


@dataclass
class Result:
    """What one extractor found on one page."""

    values: dict[str, bool] = field(default_factory=dict)
    title: str | None = None
    not_article: bool = False
    error: str | None = None
    seconds: float = 0.0
    body_html: str | None = None
    """Our body, kept to be measured once the timing is done."""


def _text_length(html: str) -> int:
    if not html.strip():
        return 0
    return len(lxml.html.fragment_fromstring(html, create_parent="div").text_content().strip())


def run_ours(url: str, html: str) -> Result:
    site = GenericSite()
    try:
        article = site.extract_article(Page(url=url, html=html))
    except NotAnArticle:
        return Result(not_article=True)
    return Result(
        values={
            "title": bool(article.title),
            "date": article.date_published is not None,
            "author": bool(article.authors),
            "editor": bool(article.editor),
            "source": bool(article.source),
            "byline (any of the three)": bool(article.authors or article.editor or article.source),
            "tags": bool(article.tags),
            "lead image": bool(article.lead_image),
            # Measured after the clock stops (see main): parsing our HTML
            # again is the benchmark's work, not the extractor's.
            "body (>= 200 chars)": False,
            "site name": bool(article.site_name),
            "language": bool(article.language),
        },
        title=article.title,
        body_html=article.body_html,
    )


def run_trafilatura(url: str, html: str) -> Result:
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return Result(not_article=True)
    get: Callable[[str], Any] = (
        document.get if isinstance(document, dict) else lambda name: getattr(document, name, None)
    )
    return Result(
        values={
            "title": bool(get("title")),
            "date": bool(get("date")),
            "author": bool(get("author")),
            "byline (any of the three)": bool(get("author")),
            "tags": bool(get("tags") or get("categories")),
            "lead image": bool(get("image")),
            "body (>= 200 chars)": len(get("text") or "") >= 200,
            "site name": bool(get("sitename")),
            "language": bool(get("language")),
        },
        title=get("title"),
    )


def _newspaper_language() -> str | None:
    return "zh" if importlib.util.find_spec("jieba") else None


def run_newspaper(url: str, html: str) -> Result:
    import newspaper

    language = _newspaper_language()
    article = newspaper.Article(url, language=language) if language else newspaper.Article(url)
    article.download(input_html=html)
    article.parse()
    return Result(
        values={
            "title": bool(article.title),
            "date": article.publish_date is not None,
            "author": bool(article.authors),
            "byline (any of the three)": bool(article.authors),
            "tags": bool(article.tags or article.meta_keywords),
            "lead image": bool(article.top_image),
            "body (>= 200 chars)": len(article.text or "") >= 200,
            "site name": bool(article.meta_site_name),
            "language": bool(article.meta_lang),
        },
        title=article.title,
    )


EXTRACTORS: dict[str, Callable[[str, str], Result]] = {
    "ours": run_ours,
    "trafilatura": run_trafilatura,
    "newspaper4k": run_newspaper,
}


def load_expected_titles() -> dict[str, str]:
    """The hand-checked titles of tests/test_zh_news_pages.py, if the tests are there."""
    if not (ROOT / "tests" / "test_zh_news_pages.py").exists():
        return {}
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    module = importlib.import_module("tests.test_zh_news_pages")
    titles = getattr(module, "EXPECTED_TITLES", {})
    return dict(titles) if isinstance(titles, dict) else {}


def _timed(function: Callable[[str, str], Result], url: str, html: str, repeat: int) -> Result:
    best = float("inf")
    result = Result()
    for _ in range(repeat):
        start = time.process_time()
        try:
            result = function(url, html)
        except Exception as error:
            result = Result(error=f"{type(error).__name__}: {error}")
        best = min(best, time.process_time() - start)
    result.seconds = best
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=3, help="runs per page; the fastest counts")
    parser.add_argument("--only", nargs="*", choices=sorted(EXTRACTORS), default=None)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    pages = sorted(args.data.glob("articles/*/*.html")) + sorted(
        args.data.glob("list-pages/*/*.html")
    )
    if not pages:
        print(f"no pages under {args.data}", file=sys.stderr)
        return 2
    names = args.only or list(EXTRACTORS)
    expected = load_expected_titles()
    inputs = []
    for path in pages:
        key = path.relative_to(args.data).as_posix()
        html, _, _ = decode_html(path.read_bytes())
        inputs.append((key, f"https://zh-news-pages.example/{key}", html))

    # Warm up: imports, jieba's dictionary, trafilatura's caches.
    for name in names:
        _timed(EXTRACTORS[name], inputs[0][1], inputs[0][2], 1)

    results: dict[str, dict[str, Result]] = {name: {} for name in names}
    for key, url, html in inputs:
        for name in names:
            result = _timed(EXTRACTORS[name], url, html, args.repeat)
            if result.body_html is not None:
                result.values["body (>= 200 chars)"] = _text_length(result.body_html) >= 200
                result.body_html = None
            results[name][key] = result

    articles = [key for key, _, _ in inputs if key.startswith("articles/")]
    listings = [key for key, _, _ in inputs if key.startswith("list-pages/")]
    print(f"{len(articles)} article pages, {len(listings)} list pages, from {args.data}\n")
    print("| field | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for name_field in FIELDS:
        row = []
        for name in names:
            if name_field == "title right":
                checked = [k for k in articles if k in expected]
                right = sum(
                    1 for k in checked if (results[name][k].title or "").strip() == expected[k]
                )
                row.append(f"{right}/{len(checked)}")
                continue
            found = sum(1 for k in articles if results[name][k].values.get(name_field))
            supported = any(name_field in results[name][k].values for k in articles)
            row.append(f"{found}/{len(articles)}" if supported else "n/a")
        print(f"| {name_field} | " + " | ".join(row) + " |")
    row = [
        f"{sum(1 for k in listings if results[name][k].not_article)}/{len(listings)}"
        for name in names
    ]
    print("| list pages reported as not articles | " + " | ".join(row) + " |")
    row = [str(sum(1 for k in results[name] if results[name][k].error)) for name in names]
    print("| crashes | " + " | ".join(row) + " |")

    print("\n| CPU time per page | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    means = {n: statistics.mean(r.seconds for r in results[n].values()) for n in names}
    medians = {n: statistics.median(r.seconds for r in results[n].values()) for n in names}
    print("| mean (ms) | " + " | ".join(f"{means[n] * 1000:.1f}" for n in names) + " |")
    print("| median (ms) | " + " | ".join(f"{medians[n] * 1000:.1f}" for n in names) + " |")
    if "ours" in names:
        ratios = [f"{means[n] / means['ours']:.1f}x" for n in names]
        print("| mean time / ours | " + " | ".join(ratios) + " |")
    for name in names:
        for key, result in results[name].items():
            if result.error:
                print(f"\n{name} crashed on {key}: {result.error}", file=sys.stderr)
    if args.json:
        payload = {
            name: {
                key: {
                    "values": r.values,
                    "title": r.title,
                    "not_article": r.not_article,
                    "error": r.error,
                    "seconds": r.seconds,
                }
                for key, r in per_page.items()
            }
            for name, per_page in results.items()
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
