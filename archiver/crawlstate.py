"""What the spider and the pipelines of one crawl share: the archive and the run's ledger view."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archiver.archive import Archive

__all__ = ["CrawlState", "state_of"]


@dataclass
class CrawlState:
    """One per crawler: the open archive, the URLs it knows, what failed."""

    archive: Archive
    known_urls: set[str]
    failed: list[dict[str, str]] = field(default_factory=list)
    has_urlless_posts: bool = False
    field_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def fail(self, url: str, reason: str, *, retry: bool = True) -> None:
        """Record a failed URL in the report and, to retry it later, in the ledger."""
        self.failed.append({"url": url, "reason": reason})
        if retry:
            self.archive.ledger.record_failure(url, reason)


def state_of(crawler: Any) -> CrawlState:
    """The crawl's shared state, opened on first use from the crawler's settings."""
    state: CrawlState | None = getattr(crawler, "archiver_state", None)
    if state is None:
        settings = crawler.settings
        archive = Archive(
            settings.get("ARCHIVER_OUTPUT"),
            image_placeholder=settings.get("ARCHIVER_IMAGE_PLACEHOLDER") or "",
            durable=settings.getbool("ARCHIVER_FSYNC", True),
        )
        repaired = archive.repair()
        if any(repaired.values()):
            crawler.stats.set_value("archiver/repaired", repaired)
        ledger = archive.ledger
        urlless = ledger.db.execute("SELECT 1 FROM posts WHERE url IS NULL LIMIT 1").fetchone()
        state = CrawlState(archive, ledger.known_urls(), has_urlless_posts=urlless is not None)
        crawler.archiver_state = state
    return state
