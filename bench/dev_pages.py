"""Generic extraction on labelled pages: ours beside trafilatura, newspaper4k, GNE, htmldate.

    python -m bench.dev_pages [--dev] [--zh] [--tools ours trafilatura ...]
                              [--repeat 3] [--json FILE] [--record]

Data (third-party, read in place, never copied): ``../shared/data/web-pages-dev``
(482 pages, ``truth.json``) and ``../shared/data/zh-news-pages`` (64 pages,
labelled by the tables of ``tests/test_zh_news_pages.py``). Without
``--dev``/``--zh``, both sets are run.

Input: ours gets the raw bytes (``archiver.extract(bytes, url,
site="generic")``, decoding included, as a spider gives them); each peer gets
the same decoded text (our ``decode_html``). The time is CPU time
(``time.process_time``) of one call, the fastest of ``--repeat`` passes per
page; the table gives the median over pages. Peers run as their documentation
shows: ``trafilatura.bare_extraction(html, url=url, with_metadata=True)``;
newspaper4k ``Article(url, fetch_images=False)`` (``language="zh"`` on the
Chinese set) with ``download(input_html=html)`` and ``parse()``; GNE
``GeneralNewsExtractor().extract(html)``; htmldate ``find_date(html, url=url,
original_date=True)`` (dates only). The network is off: a connection attempt
fails at once.

Scoring, the same for every tool (``score``):

- title: equal after whitespace is collapsed and stripped;
- author: a page scores when any labelled name equals any name the tool gives;
  names compare after NFKC, case folding, collapsing whitespace and stripping
  surrounding punctuation; a tool's single string is also split at ``;``,
  ``,``, ``/``, ``|``, ``、`` (``A; B`` is trafilatura's list);
- date: the same calendar day as the label, read in the zone the value was
  given in (the page's own); pages labelled "no date" score when left empty;
- body: the share of ``body_with`` snippets found in the tool's text and of
  ``body_without`` snippets not found, whitespace collapsed on both sides;
- NotAnArticle: ours raising it on a labelled page (every labelled page has
  article text) is a false alarm; on the Chinese set, list pages must raise it.

``--record`` writes our scores to ``bench/dev_scores.json``, the floor that
``tests/test_dev_pages.py`` holds them to.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DEV_DATA = SHARED / "web-pages-dev"
ZH_DATA = SHARED / "zh-news-pages"
SCORES = ROOT / "bench" / "dev_scores.json"
TOOLS = ("ours", "trafilatura", "newspaper4k", "gne", "htmldate")


@dataclass
class Case:
    """One labelled page. ``None`` means not labelled."""

    key: str
    path: Path
    url: str | None
    title: str | None = None
    authors: list[str] | None = None
    date: str | None = None
    no_date: bool = False
    body_with: list[str] = field(default_factory=list)
    body_without: list[str] = field(default_factory=list)
    listing: bool = False
    language: str | None = None


@dataclass
class Output:
    """What one tool found on one page."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: date | None = None
    text: str | None = None
    not_article: bool = False
    error: str | None = None
    seconds: float = 0.0


def load_dev(data: Path = DEV_DATA) -> list[Case]:
    truth = json.loads((data / "truth.json").read_text(encoding="utf-8"))
    return [
        Case(
            key=key,
            path=data / item["file"],
            url=item.get("url"),
            title=item.get("title"),
            authors=item.get("authors") or None,
            date=item.get("date"),
            no_date=bool(item.get("no_date")),
            body_with=list(item.get("body_with") or []),
            body_without=list(item.get("body_without") or []),
        )
        for key, item in sorted(truth.items())
    ]


def load_zh(data: Path = ZH_DATA) -> list[Case]:
    """The Chinese pages with the labels of ``tests/test_zh_news_pages.py``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests import test_zh_news_pages as zh

    cases = []
    for key, title in sorted(zh.EXPECTED_TITLES.items()):
        credits = zh.EXPECTED_CREDITS.get(key, {})
        authors = credits.get("authors")
        when = zh.EXPECTED_DATES.get(key)
        cases.append(
            Case(
                key=key,
                path=data / key,
                url=f"https://zh-news-pages.example/{key}",
                title=title,
                authors=list(authors) if isinstance(authors, list) else None,
                date=when.date().isoformat() if when else None,
                language="zh",
            )
        )
    for key in zh.LIST_PAGES:
        cases.append(Case(key, data / key, f"https://zh-news-pages.example/{key}", listing=True))
    return cases


# Scoring ---------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_NAME_SPLIT = re.compile(r"\s*[;,/|、]\s*")
_EDGE_PUNCTUATION = " \t\n.,;:!?·-–—|/()[]{}\"'“”‘’«»"


def squash(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def name_key(name: str) -> str:
    return squash(unicodedata.normalize("NFKC", name)).casefold().strip(_EDGE_PUNCTUATION)


def name_keys(names: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for name in names:
        for part in (name, *_NAME_SPLIT.split(name)):
            if name_key(part):
                keys.add(name_key(part))
    return keys


def score(cases: list[Case], outputs: dict[str, Output]) -> dict[str, tuple[int, int]]:
    """``{field: (hits, total)}`` of one tool over ``cases``."""
    counts: dict[str, list[int]] = {}

    def count(name: str, hit: bool) -> None:
        entry = counts.setdefault(name, [0, 0])
        entry[0] += int(hit)
        entry[1] += 1

    for case in cases:
        out = outputs[case.key]
        if case.listing:
            count("list pages rejected", out.not_article)
            continue
        if case.title is not None:
            count("title", squash(out.title or "") == squash(case.title))
        if case.authors:
            count("author", bool(name_keys(case.authors) & name_keys(out.authors)))
        if case.date is not None:
            hit = out.date is not None and out.date.isoformat() == case.date
            count("date", hit)
            count("date: dated pages", hit)
        elif case.no_date:
            count("date", out.date is None)
            count("date: no-date pages left empty", out.date is None)
        if case.body_with or case.body_without:
            text = squash(out.text or "")
            for snippet in case.body_with:
                count("body: with found", squash(snippet) in text)
            for snippet in case.body_without:
                count("body: without kept out", squash(snippet) not in text)
        count("not an article (false alarms)", out.not_article)
        count("crashes", out.error is not None)
    return {name: (hits, total) for name, (hits, total) in counts.items()}


# Tools -----------------------------------------------------------------------

_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th dd dt dl figure "
    "figcaption section article header footer hr".split()
)


def html_text(html: str) -> str:
    """The text of a body's HTML, a space at each block."""
    if not html.strip():
        return ""
    root = etree.fromstring(f"<div>{html}</div>", etree.HTMLParser())
    parts: list[str] = []
    for event, node in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(node.tag, str):
            continue
        if event == "start":
            parts.append(" " if node.tag in _BLOCKS else "")
            parts.append(node.text or "")
        else:
            parts.append(" " if node.tag in _BLOCKS else "")
            parts.append(node.tail or "")
    return "".join(parts)


def as_day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        from archiver.extraction.dates import parse_date

        parsed = parse_date(value)
        if parsed is not None:
            return parsed.date()
        try:
            from dateutil import parser as du

            return du.parse(value, fuzzy=True).date()
        except (ValueError, OverflowError):
            return None
    return None


def run_ours(case: Case, raw: bytes, html: str) -> Output:
    from archiver import extract
    from archiver.errors import NotAnArticle

    try:
        article = extract(raw, case.url, site="generic")
    except NotAnArticle:
        return Output(not_article=True)
    published = article.date_published
    return Output(
        title=article.title,
        authors=list(article.authors),
        date=published.date() if published else None,
        text=article.body_html,  # to text after the clock stops (see run)
    )


def run_trafilatura(case: Case, raw: bytes, html: str) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=case.url, with_metadata=True)
    if doc is None:
        return Output()
    get: Callable[[str], Any] = (
        doc.get if isinstance(doc, dict) else lambda name: getattr(doc, name, None)
    )
    return Output(
        title=get("title"),
        authors=[get("author")] if get("author") else [],
        date=as_day(get("date")),
        text=get("text") or "",
    )


def run_newspaper(case: Case, raw: bytes, html: str) -> Output:
    import newspaper

    # fetch_images=False: by default it downloads images to size them.
    options: dict[str, Any] = {"fetch_images": False}
    if case.language:
        options["language"] = case.language
    article = newspaper.Article(case.url or "", **options)
    article.download(input_html=html)
    article.parse()
    return Output(
        title=article.title,
        authors=list(article.authors),
        date=as_day(article.publish_date),
        text=article.text,
    )


_gne: Any = None


def run_gne(case: Case, raw: bytes, html: str) -> Output:
    global _gne
    if _gne is None:
        from gne import GeneralNewsExtractor

        _gne = GeneralNewsExtractor()
    result = _gne.extract(html)
    author = result.get("author") or ""
    return Output(
        title=result.get("title"),
        authors=[author] if author else [],
        date=as_day(result.get("publish_time")),
        text=result.get("content") or "",
    )


def run_htmldate(case: Case, raw: bytes, html: str) -> Output:
    from htmldate import find_date

    return Output(date=as_day(find_date(html, url=case.url, original_date=True)))


RUNNERS: dict[str, Callable[[Case, bytes, str], Output]] = {
    "ours": run_ours,
    "trafilatura": run_trafilatura,
    "newspaper4k": run_newspaper,
    "gne": run_gne,
    "htmldate": run_htmldate,
}
FIELDS_OF = {"htmldate": {"date", "date: dated pages", "date: no-date pages left empty"}}


def run(
    tools: Iterable[str], cases: list[Case], repeat: int = 1
) -> dict[str, dict[str, Output]]:
    """Each tool on each page, one after the other per page; fastest of ``repeat``."""
    from archiver.extraction.encoding import decode_html

    tools = list(tools)
    results: dict[str, dict[str, Output]] = {tool: {} for tool in tools}
    for case in cases:
        raw = case.path.read_bytes()
        html = decode_html(raw)[0]
        for tool in tools:
            best, out = float("inf"), Output()
            for _ in range(repeat):
                start = time.process_time()
                try:
                    out = RUNNERS[tool](case, raw, html)
                except Exception as error:  # a peer's crash is a result too
                    out = Output(error=f"{type(error).__name__}: {error}"[:300])
                best = min(best, time.process_time() - start)
            out.seconds = best
            if tool == "ours" and out.text:
                out.text = html_text(out.text)
            results[tool][case.key] = out
    return results


def table(
    title: str, cases: list[Case], results: dict[str, dict[str, Output]]
) -> tuple[str, dict[str, float]]:
    """A Markdown table of every tool's scores; and ours as fractions."""
    tools = list(results)
    scores = {tool: score(cases, results[tool]) for tool in tools}
    fields: list[str] = []
    for tool in tools:
        fields += [f for f in scores[tool] if f not in fields]
    lines = [f"{title}\n", "| field | pages | " + " | ".join(tools) + " |"]
    lines.append("|---|---:|" + "---:|" * len(tools))
    for name in fields:
        cells, total = [], 0
        for tool in tools:
            hits, total_here = scores[tool].get(name, (0, 0))
            total = max(total, total_here)
            supported = tool not in FIELDS_OF or name in FIELDS_OF[tool]
            counted = name in {"crashes", "not an article (false alarms)"}
            if not supported and not counted:
                cells.append("n/a")
            elif counted:
                cells.append(str(hits))
            else:
                cells.append(f"{100 * hits / total_here:.1f}%" if total_here else "-")
        lines.append(f"| {name} | {total} | " + " | ".join(cells) + " |")
    medians = {t: statistics.median(o.seconds for o in results[t].values()) for t in tools}
    lines.append(
        "| median ms per page | | " + " | ".join(f"{medians[t] * 1000:.1f}" for t in tools) + " |"
    )
    ours: dict[str, float] = {}
    if "ours" in scores:
        ours = {f: h / n for f, (h, n) in scores["ours"].items() if n and f != "crashes"}
        ours.pop("not an article (false alarms)", None)
    return "\n".join(lines), ours


def _no_network() -> None:
    """Any connection fails at once: a tool that would fetch (images, lists) must not wait."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no network in the benchmark")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", action="store_true", help="only the development pages")
    parser.add_argument("--zh", action="store_true", help="only the Chinese pages")
    parser.add_argument("--tools", nargs="*", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--repeat", type=int, default=3, help="passes per page; fastest counts")
    parser.add_argument("--json", type=Path, help="also write every tool's output here")
    parser.add_argument("--record", action="store_true", help=f"write our scores to {SCORES}")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    _no_network()
    sets = []
    if args.dev or not args.zh:
        sets.append(("dev", f"{DEV_DATA.name}", load_dev()))
    if args.zh or not args.dev:
        sets.append(("zh", f"{ZH_DATA.name}", load_zh()))
    recorded: dict[str, dict[str, float]] = {}
    dump: dict[str, Any] = {}
    for name, label, cases in sets:
        # Warm up: imports, caches, dictionaries.
        run(args.tools, cases[:2])
        results = run(args.tools, cases, args.repeat)
        text, ours = table(f"{label}: {len(cases)} pages", cases, results)
        print(text + "\n", flush=True)
        recorded[name] = {k: round(v, 4) for k, v in ours.items()}
        dump[name] = {
            t: {k: {**o.__dict__, "date": str(o.date) if o.date else None} for k, o in r.items()}
            for t, r in results.items()
        }
    if args.json:
        args.json.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.record:
        SCORES.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded our scores in {SCORES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
