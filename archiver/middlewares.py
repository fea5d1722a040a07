"""Downloader middlewares: what the crawler refuses to fetch, and how it backs off.

- ``SiteBoundaryMiddleware``: a redirect or a meta refresh is followed only
  to the crawl's own hosts (the hosts it was started on or linked to, and the
  site module's hosts), never to a loopback, private or link-local address
  the crawl did not start on.
- ``HeadMetaRefreshMiddleware``: only a ``<meta http-equiv="refresh">`` in the
  page's ``<head>`` counts; one in an article body is text, not navigation.
- ``RetryAfterMiddleware``: a 429 or 503 with ``Retry-After`` is retried after
  the delay the server asked for, up to ``ARCHIVER_RETRY_AFTER_MAX``
  (600 s); past it the URL fails with that reason and a later run retries it.
- ``StrictRobotsTxtMiddleware``: a robots.txt that answers 5xx or cannot be
  fetched means "disallow everything" on that host for this run (RFC 9309,
  2.3.1.4), and the report says so.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from w3lib.html import get_meta_refresh

from archiver.signals import report_failure

__all__ = [
    "HeadMetaRefreshMiddleware",
    "RetryAfterMiddleware",
    "SiteBoundaryMiddleware",
    "StrictRobotsTxtMiddleware",
    "netloc_of",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def netloc_of(url: str) -> str:
    """``host[:port]`` of ``url``, lower case, without the scheme's default port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        return host
    return f"{host}:{port}"


def _is_internal(host: str) -> bool:
    """A loopback, private, link-local or unspecified address (or ``localhost``)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
    )


class SiteBoundaryMiddleware:
    """Refuse redirected requests (HTTP or meta refresh) that leave the crawl's hosts.

    The spider says which hosts are its own with an ``allowed_hosts`` set of
    netlocs (``archiver.spiders`` keep it); a spider without one is not
    bounded, except that nothing redirects to an internal address."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteBoundaryMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("redirect_urls"):
            return
        spider = self.crawler.spider
        allowed: set[str] = getattr(spider, "allowed_hosts", None) or set()
        first = request.meta["redirect_urls"][0]
        target = netloc_of(request.url)
        if self._allowed(target, allowed, netloc_of(first)):
            return
        reason = f"redirect to {target} leaves the site ({netloc_of(first)})"
        request.meta["archiver_refused"] = reason
        self.crawler.stats.inc_value("archiver/refused/offsite_redirect")
        raise IgnoreRequest(reason)

    @staticmethod
    def _allowed(target: str, allowed: set[str], origin: str) -> bool:
        host = target.split(":", 1)[0] if not target.startswith("[") else target
        if _is_internal(host) and not any(
            _is_internal(h.split(":", 1)[0]) and h == target for h in allowed | {origin}
        ):
            return False  # internal, and not the very host:port the crawl started on
        if not allowed:
            return True
        if target in allowed or target == origin:
            return True
        bare = target.removeprefix("www.")
        return any(bare == a.removeprefix("www.") for a in allowed)


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh handling, reading the ``<head>`` only."""

    _BODY = re.compile(r"<body[\s>]", re.IGNORECASE)

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if (
            request.meta.get("dont_redirect", False)
            or request.method == "HEAD"
            or not isinstance(response, HtmlResponse)
            or urlparse_cached(request).scheme not in {"http", "https"}
        ):
            return response
        # The head is at the start: decode only that, not the whole page (the
        # reactor would otherwise decode every article it fetches).
        text = response.body[:4096].decode(response.encoding, "replace")
        cut = self._BODY.search(text)
        head = text[: cut.start()] if cut else text
        interval, url = get_meta_refresh(
            head, response.url, response.encoding, ignore_tags=self._ignore_tags
        )
        if not url:
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if float(interval or 0) < self._maxdelay:
            return self._redirect(redirected, request, "meta refresh")
        return response


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """The delay a ``Retry-After`` header asks for: seconds, or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as ``Retry-After`` asks (up to a cap)."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.cap = crawler.settings.getfloat("ARCHIVER_RETRY_AFTER_MAX", 600.0)
        return middleware

    cap: float

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        if delay is not None and response.status in (429, 503):
            if delay > self.cap:
                request.meta["archiver_refused"] = (
                    f"HTTP {response.status}, Retry-After {delay:.0f} s is over the "
                    f"{self.cap:.0f} s cap (ARCHIVER_RETRY_AFTER_MAX): retried next run"
                )
                return response
            self.crawler.stats.inc_value("archiver/retry_after_waits")
            await _sleep(delay)
        return self._retry(request, f"HTTP {response.status}") or response


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt as RFC 9309 reads it: unreachable (5xx, timeout, reset) is "disallow all"."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._refuse(netloc, f"robots.txt answered HTTP {response.status}")
            return
        if 400 <= response.status < 500:  # "unavailable": everything is allowed
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):
            super()._robots_error(exc, netloc)
            return
        self._refuse(netloc, f"robots.txt could not be fetched ({type(exc).__name__})")

    def _refuse(self, netloc: str, why: str) -> None:
        self.crawler.stats.inc_value("archiver/robots_unreachable")
        report_failure(
            self.crawler,
            f"robots.txt of {netloc}",
            f"{why}: nothing fetched from {netloc} this run (RFC 9309)",
            retry=False,
        )
        waiting = self._parsers[netloc]
        refuse: Any = _DisallowAll()
        self._parsers[netloc] = refuse
        if isinstance(waiting, Deferred):
            waiting.callback(refuse)


class _DisallowAll:
    """A robots parser that allows nothing."""

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False
