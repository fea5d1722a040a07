"""What a site module provides.

A site module knows one site: which URLs it owns, what its article pages
mean, and how its listing pages link articles and paginate. The generic
site (``archiver.sites.generic``) serves every URL no module owns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from archiver.extraction.page import Page
from archiver.models import Article, Listing

__all__ = ["Site", "SiteDefaults"]

BEIJING = ZoneInfo("Asia/Shanghai")


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

    def owns(self, url: str) -> bool:
        """True when this module knows the page at ``url``."""
        return False

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
