"""The options of a run, resolved once: one object for the CLI, ``archiver.crawl()``,
the sources file and the Scrapy settings.

Every option is an ``ARCHIVER_<NAME>`` Scrapy setting (the defaults live in
``archiver.settings``), so ``scrapy crawl ... -s ARCHIVER_SINCE=2024-05-01``,
``archiver tag ... --since 2024-05-01``, ``since = "2024-05-01"`` in a sources
file and ``archiver.crawl(..., since="2024-05-01")`` all mean the same and are
checked by the same code: :meth:`Options.parse`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from archiver.errors import BadInput

__all__ = ["DEFAULT_MAX_PAGES", "FRONT_MATTERS", "Options"]

FRONT_MATTERS = ("full", "classic")
DEFAULT_IMAGES_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_WARC_MAX_BYTES = 1024**3
DEFAULT_MAX_PAGES = 1000


def _bad(name: str, message: str) -> BadInput:
    flag = "--" + name.replace("_", "-")
    return BadInput("bad-option", f"{flag}: {message}")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off", "none"):
        return False
    raise _bad(name, f"expected true or false, got {value!r}")


def _int(name: str, value: Any, *, least: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _bad(name, f"expected a whole number, got {value!r}") from None
    if number < least:
        raise _bad(name, f"must be {least} or more, got {number}")
    return number


def _workers(value: Any) -> int:
    number = _int("workers", value, least=-1)
    return -1 if number is None else number


def _seconds(name: str, value: Any, default: float) -> float:
    if value is None or value == "":
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise _bad(name, f"expected a number of seconds, got {value!r}") from None
    if seconds <= 0:
        raise _bad(name, f"must be more than 0, got {seconds}")
    return seconds


def _max_pages(value: Any) -> int | None:
    number = _int("max_pages", value, least=0)
    if number is None:
        return DEFAULT_MAX_PAGES
    return number or None  # 0: no limit


def _since(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise _bad("since", f"not an ISO date: {value!r} (e.g. 2024-05-01)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _categories(value: Any) -> tuple[str, ...] | None:
    if value is None or value == "":
        return None
    parts = value.split("/") if isinstance(value, str) else [str(v) for v in value]
    names = tuple(part.strip() for part in parts)
    if not 1 <= len(names) <= 3 or not all(names):
        raise _bad("categories", f"one to three non-empty names, A/B/C; got {value!r}")
    return names


def _zone(value: Any) -> str | None:
    text = _text(value)
    if text is not None:
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise _bad("timezone", f"unknown time zone {text!r} (e.g. Asia/Shanghai)") from None
    return text


def _redis(value: Any) -> str | None:
    text = _text(value)
    if text is not None and not text.startswith(("redis://", "rediss://", "unix://")):
        raise _bad("redis", f"a Redis URL: redis://HOST:PORT/DB, got {text!r}")
    return text


@dataclass(frozen=True)
class Options:
    """What a run does. Build it with :meth:`parse` (checks every value) or
    :meth:`from_settings`; ``to_settings`` gives it back as Scrapy settings."""

    output: Path | None = None
    """The archive: a Hexo site folder. Unset, nothing is written."""
    site: str | None = None
    """Force a site module by name (mirrors, local copies)."""
    max_pages: int | None = DEFAULT_MAX_PAGES
    """Follow at most this many pages of a listing (default 1,000: a listing whose
    every page links a new next page would go on forever); None (0 given) for no limit."""
    since: datetime | None = None
    """Leave out articles published before this instant."""
    refresh: bool = False
    """Fetch archived articles again and rewrite those that changed."""
    categories: tuple[str, ...] | None = None
    """group / site / channel of every post of the run."""
    group: str | None = None
    """The first category, when ``categories`` is unset."""
    site_name: str | None = None
    """The posts' ``author`` (the site's name)."""
    timezone: str | None = None
    """IANA zone of the site's printed times, when the site module's is wrong."""
    front_matter: str = "full"
    """``full``: posts keep every field; ``classic``: the old archive's keys only."""
    image_placeholder: str = ""
    """headimg/thumbnail of a post without an image."""
    report: Path | None = None
    """Write the run report (JSON) here."""
    progress: bool = False
    """Show a progress line on a terminal."""
    fsync: bool = True
    """Flush each post to disk before its rename."""
    max_retry_runs: int = 3
    """Runs that retry a failed URL before giving up on it."""
    workers: int = -1
    """Extraction processes: -1 (default) the number of cores minus one, at
    least 1; 0 extracts in the crawl's own process (for debugging)."""
    worker_timeout: float = 60.0
    """Seconds a worker may take on one article before it is replaced."""
    images: bool = False
    """Download every body image and the lead image into the site (``archiver.images``)."""
    images_max_bytes: int = DEFAULT_IMAGES_MAX_BYTES
    """An image larger than this is not kept (its remote URL stays; reported)."""
    warc: bool = False
    """Write every response, with its request, to WARC files (``archiver.warc``)."""
    warc_max_bytes: int = DEFAULT_WARC_MAX_BYTES
    """Start a new WARC file past this size."""
    redis: str | None = None
    """Share the crawl through Redis (``redis://HOST:PORT/DB``): ``archiver worker``
    processes join it (``archiver.distributed``)."""

    @classmethod
    def parse(cls, **values: Any) -> Options:
        """Options from loose values (strings from a command line or a setting,
        or typed values); raises ``BadInput`` naming the option."""
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise BadInput("bad-option", f"unknown option(s): {', '.join(sorted(unknown))}")
        get = values.get
        front = _text(get("front_matter")) or "full"
        if front not in FRONT_MATTERS:
            raise _bad("front_matter", f"one of {', '.join(FRONT_MATTERS)}; got {front!r}")
        output = _text(get("output"))
        report = _text(get("report"))
        return cls(
            output=Path(output) if output else None,
            site=_text(get("site")),
            max_pages=_max_pages(get("max_pages")),
            since=_since(get("since")),
            refresh=_bool("refresh", get("refresh")),
            categories=_categories(get("categories")),
            group=_text(get("group")),
            site_name=_text(get("site_name")),
            timezone=_zone(get("timezone")),
            front_matter=front,
            image_placeholder=_text(get("image_placeholder")) or "",
            report=Path(report) if report else None,
            progress=_bool("progress", get("progress")),
            fsync=True if get("fsync") is None else _bool("fsync", get("fsync")),
            max_retry_runs=_int("max_retry_runs", get("max_retry_runs"), least=1) or 3,
            workers=_workers(get("workers")),
            worker_timeout=_seconds("worker_timeout", get("worker_timeout"), 60.0),
            images=_bool("images", get("images")),
            images_max_bytes=_int("images_max_bytes", get("images_max_bytes"), least=1)
            or DEFAULT_IMAGES_MAX_BYTES,
            warc=_bool("warc", get("warc")),
            warc_max_bytes=_int("warc_max_bytes", get("warc_max_bytes"), least=1)
            or DEFAULT_WARC_MAX_BYTES,
            redis=_redis(get("redis")),
        )

    @classmethod
    def from_settings(cls, settings: Any) -> Options:
        """The options held by Scrapy settings (``ARCHIVER_*``)."""
        return cls.parse(**{f.name: settings.get(_setting(f.name)) for f in fields(cls)})

    def to_settings(self) -> dict[str, Any]:
        """These options as ``ARCHIVER_*`` settings, as ``from_settings`` reads them."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = "/".join(value)
            elif f.name == "max_pages" and value is None:
                value = 0  # no limit, as parse reads it
            out[_setting(f.name)] = value
        return out

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes`` (loose values, checked as ``parse`` checks them)."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        return Options.parse(**{**current, **{k: v for k, v in changes.items()}})

    def merged(self, overrides: Mapping[str, Any]) -> Options:
        """A copy where each of ``overrides`` that is set (not None or empty) wins."""
        given = {k: v for k, v in overrides.items() if v not in (None, "")}
        return self.replace(**given) if given else self

    @property
    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    def __post_init__(self) -> None:
        if self.output is not None and not isinstance(self.output, Path):
            object.__setattr__(self, "output", Path(self.output))


def _setting(name: str) -> str:
    return f"ARCHIVER_{name.upper()}"


OPTION_NAMES = tuple(f.name for f in dataclasses.fields(Options))
