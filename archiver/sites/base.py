"""What a site module provides.

A site module knows one site: which URLs it owns, what its article pages
mean, and how its listing pages link articles and paginate. The generic
site (``archiver.sites.generic``) serves every URL no module owns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from archiver.extraction.dates import BEIJING
from archiver.extraction.page import Page
from archiver.models import Article, Listing

__all__ = ["Site", "SiteDefaults", "host_matches"]


def host_matches(host: str, hosts: Iterable[str]) -> bool:
    """True when ``host`` is one of ``hosts`` or a subdomain of one (any case)."""
    host = host.lower().rstrip(".")
    return any(host == known or host.endswith("." + known) for known in hosts)


@dataclass(frozen=True)
class SiteDefaults:
    """What a post of this site gets when the page does not say."""

    categories: tuple[str, ...] = ()
    """group / site / channel, e.g. ("新媒体", "快科技（原驱动之家）", "最新新闻")."""
    site_name: str | None = None
    """Written as the post's ``author``."""
    timezone: ZoneInfo = field(default=BEIJING)
    """Where the site's printed wall-clock times are."""


class Site:
    """Base class of site modules; subclasses override what differs."""

    name: str = ""
    """Short name used by ``--site`` and the registry, e.g. ``mydrivers``."""
    defaults: SiteDefaults = SiteDefaults()
    latest_url: str | None = None
    """The site's latest-news list, crawled by ``archiver crawl NAME``."""
    hosts: tuple[str, ...] = ()
    """The host names this module owns, subdomains included (``news.example.com``,
    ``m.example.com``...); empty for a module that owns no host of its own."""

    def owns(self, url: str) -> bool:
        """True when this module knows the page at ``url``: by default, its host is in ``hosts``."""
        try:
            host = urlsplit(url.strip()).hostname or ""
        except ValueError:
            return False
        return host_matches(host, self.hosts)

    def is_article_url(self, url: str) -> bool:
        """True when ``url`` looks like one of this site's article pages."""
        return False

    def canonical_url(self, url: str) -> str:
        """The one key of the article at ``url`` (mobile/desktop, http/https...)."""
        return url

    def extract_article(self, page: Page) -> Article:
        """The article on ``page``; raises ``NotAnArticle`` for anything else."""
        raise NotImplementedError

    def parse_listing(self, page: Page) -> Listing:
        """The article links and next page of a listing or tag page."""
        raise NotImplementedError

    def continuation_urls(self, page: Page) -> list[str]:
        """Further pages of a multi-page article (page 2, 3...), absolute URLs."""
        return []

    def may_continue(self, body: bytes, url: str) -> bool:
        """Whether the article fetched as ``body`` may have further pages: a cheap
        look at the bytes, so that one-page articles are not decoded by the
        crawl's own process (extraction does that, maybe in a worker). The
        default: yes when the module finds continuation pages at all."""
        return type(self).continuation_urls is not Site.continuation_urls
