"""The run report: counts, failures, and the layout-change flag per site."""

from __future__ import annotations

from pathlib import Path

from archiver.archive import Archive
from archiver.report import build_report, site_rates, summary

FIELDS = ("title", "date_published", "authors", "tags", "lead_image", "body_html")


def rates(root: Path, counts: dict[str, int]) -> dict[str, object]:
    with Archive(root) as archive:
        return site_rates({"示例": {"articles": 10, **counts}}, archive.ledger)


def test_counts_and_failures(tmp_path: Path) -> None:
    stats = {"archiver/pages_fetched": 3, "archiver/articles_written": 7,
             "archiver/stopped/no_new_article": 1, "archiver/articles_too_old": 2,
             "archiver/sites": rates(tmp_path, dict.fromkeys(FIELDS, 10))}  # fmt: skip
    failed = [{"url": "https://e.org/a", "reason": "HTTP 404"}]
    report = build_report(stats, failed, 1.23456, tmp_path)
    assert report["pages_fetched"] == 3 and report["articles_written"] == 7
    assert report["articles_requested"] == 0 and report["elapsed_s"] == 1.235
    assert report["articles_too_old"] == 2
    assert report["failed"] == [{"url": "https://e.org/a", "reason": "HTTP 404"}]
    assert report["stopped"] == {"no_new_article": 1}
    assert report["sites"]["示例"]["field_rates"]["title"] == 1.0
    text = summary(report)
    assert "7 written" in text and "HTTP 404" in text and "2 before --since" in text


def test_a_site_whose_rates_fell_is_flagged(tmp_path: Path) -> None:
    for _ in range(3):
        first = rates(tmp_path, dict.fromkeys(FIELDS, 10))
        assert first["示例"]["layout_changed"] == []  # type: ignore[index]
    fallen = dict.fromkeys(FIELDS, 10) | {"date_published": 2, "authors": 0}
    sites = rates(tmp_path, fallen)
    assert sites["示例"]["layout_changed"] == ["authors", "date_published"]  # type: ignore[index]
    report = build_report({"archiver/sites": sites}, [], 1, tmp_path)
    assert "fewer authors, date_published than before" in summary(report)
