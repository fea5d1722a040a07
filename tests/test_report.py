"""The run report: counts, failures, and the layout-change flag per site."""

from __future__ import annotations

from pathlib import Path

from archiver.archive import Archive
from archiver.crawlstate import CrawlState
from archiver.report import build_report, summary

FIELDS = ("title", "date_published", "authors", "tags", "lead_image", "body_html")


def state(root: Path, counts: dict[str, int]) -> CrawlState:
    crawl = CrawlState(Archive(root), set())
    crawl.field_counts = {"示例": {"articles": 10, **counts}}
    return crawl


def test_counts_and_failures(tmp_path: Path) -> None:
    crawl = state(tmp_path, dict.fromkeys(FIELDS, 10))
    crawl.fail("https://e.org/a", "HTTP 404")
    stats = {"archiver/pages_fetched": 3, "archiver/articles_written": 7,
             "archiver/stopped/no_new_article": 1}  # fmt: skip
    report = build_report(stats, crawl, 1.23456)
    assert report["pages_fetched"] == 3 and report["articles_written"] == 7
    assert report["articles_requested"] == 0 and report["elapsed_s"] == 1.235
    assert report["failed"] == [{"url": "https://e.org/a", "reason": "HTTP 404"}]
    assert report["stopped"] == {"no_new_article": 1}
    assert report["sites"]["示例"]["field_rates"]["title"] == 1.0
    text = summary(report)
    assert "7 written" in text and "HTTP 404" in text
    assert crawl.archive.ledger.failures() == [("https://e.org/a", "HTTP 404", 1)]


def test_a_site_whose_rates_fell_is_flagged(tmp_path: Path) -> None:
    for _ in range(3):
        first = build_report({}, state(tmp_path, dict.fromkeys(FIELDS, 10)), 1)
        assert first["sites"]["示例"]["layout_changed"] == []
    fallen = dict.fromkeys(FIELDS, 10) | {"date_published": 2, "authors": 0}
    report = build_report({}, state(tmp_path, fallen), 1)
    assert report["sites"]["示例"]["layout_changed"] == ["authors", "date_published"]
    assert "fewer authors, date_published than before" in summary(report)
