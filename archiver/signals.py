"""The archiver's own Scrapy signals: how the spider and the pipelines tell the
archive and the report about a URL that failed, without sharing state.

Connect with ``crawler.signals.connect(handler, signal=archiver.signals.url_failed)``.
"""

from __future__ import annotations

from typing import Any

from archiver.extraction.article import Found

__all__ = ["report_failure", "url_failed"]

url_failed = object()
"""A URL failed. Arguments: ``url``, ``reason`` (one line), ``retry`` (True:
a later run tries it again), ``found`` (a ``Found``: where it was found, so
the retry files it where a clean crawl would)."""


def report_failure(
    crawler: Any, url: str, reason: str, *, retry: bool = True, found: Found | None = None
) -> None:
    """Send ``url_failed`` for ``url``."""
    crawler.signals.send_catch_log(
        signal=url_failed, url=url, reason=reason, retry=retry, found=found or Found()
    )
