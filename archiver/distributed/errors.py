"""Why a shared crawl cannot start: exit status 2 on the command line, one line."""

from __future__ import annotations

from archiver.errors import ArchiverError

__all__ = ["CrawlBusy", "RedisUnavailable"]


class RedisUnavailable(ArchiverError, ConnectionError):
    """Redis cannot be reached (or the redis extra is not installed)."""


class CrawlBusy(ArchiverError, ConnectionError):
    """The Redis database serves the crawl of another archive, or another version."""
