"""The labelled pages of ``bench.dev_pages`` and how a tool's output is scored.

- ``load_dev``: ``../shared/data/web-pages-dev/truth.json``; ``load_zh``: the
  Chinese pages with the tables of ``tests/test_zh_news_pages.py``.
- ``score``: title equal after whitespace is collapsed; author: any labelled
  name equals a name the tool gives (``name_keys``: NFKC, case-folded,
  whitespace-collapsed, surrounding punctuation stripped; a single string also
  split at ``; , / | 、``); date: the same day, "no date" pages left empty;
  body: ``body_with`` snippets found, ``body_without`` snippets kept out.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lxml import etree

__all__ = [
    "DEV_DATA",
    "ROOT",
    "SCORES",
    "ZH_DATA",
    "Case",
    "Output",
    "html_text",
    "load_dev",
    "load_zh",
    "name_keys",
    "score",
    "squash",
]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DEV_DATA = SHARED / "web-pages-dev"
ZH_DATA = SHARED / "zh-news-pages"
SCORES = ROOT / "bench" / "dev_scores.json"


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


_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr td th dd dt dl "  # noqa: SIM905
    "figure figcaption section article header footer hr".split()
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
