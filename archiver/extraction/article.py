"""The one path from fetched page(s) to the Article that is written.

``extract_article`` is called by the extraction pipeline of a crawl, by
``archiver.extract``, by the tests and by the benchmarks: the same pages with
the same options give the same post, wherever they come from. Every default a
post needs is decided here, never in a spider:

- categories: the run's ``categories``, else the page's or the site module's,
  else group / the site's name (or host) / 最新, as the old archive did for
  every feed; the tag a listing was found on replaces the third, a feed's
  title the second, the run's ``group`` the first;
- the post's ``author`` (``site_name``): the run's, else a feed's title, else
  the page's, else the second category;
- the date: the page's; else the date the feed or sitemap gave; else none
  (the post is then dated by its fetch time, ``render_post`` says so);
- a multi-page article: the bodies joined, tags and images of every page;
- the key (``canonical_url``): the site module's canonical form of the URL the
  article was linked by; the page's own rel=canonical and the fetched URL
  become aliases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from archiver.errors import ArchiverError, ExtractionError, InvalidArticle, NotAnArticle
from archiver.extraction.encoding import text_warnings
from archiver.extraction.page import Page
from archiver.models import Article, has_control_chars
from archiver.options import Options

if TYPE_CHECKING:
    from archiver.sites import Site

__all__ = ["DEFAULT_CHANNEL", "DEFAULT_GROUP", "Extracted", "Found", "extract_article"]

DEFAULT_GROUP = "新媒体"
DEFAULT_CHANNEL = "最新"


@dataclass(frozen=True)
class Found:
    """Where a crawl found an article: what the listing, tag page, feed or
    sitemap said of it. Plain values only, so it can be stored and given back
    when a failed article is retried in a later run."""

    link: str | None = None
    """The URL as it was linked; the article's key is derived from it."""
    listing: str | None = None
    """The listing, tag page, feed or sitemap it was found on."""
    tag: str | None = None
    """The tag or list name of that listing: the post's third category."""
    feed_title: str | None = None
    """A feed's title: the post's second category and ``author``."""
    title: str | None = None
    """The title the feed or sitemap gave."""
    published: datetime | None = None
    """The date the feed or sitemap gave, used when the page has none."""

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        if self.published is not None:
            data["published"] = self.published.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Found:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if known.get("published"):
            known["published"] = datetime.fromisoformat(known["published"])
        return cls(**known)


@dataclass(frozen=True)
class Extracted:
    """An article and the other URLs it is known by (for the archive's ledger)."""

    article: Article
    aliases: tuple[str, ...] = field(default=())


def _one_page(site: Site, page: Page) -> Article:
    try:
        return site.extract_article(page)
    except ArchiverError:
        raise
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "article"
        raise InvalidArticle(where, first["msg"], url=page.url) from exc
    except Exception as exc:  # an extractor's bug must name the page, not crash the run
        raise ExtractionError(f"{type(exc).__name__}: {exc}", url=page.url) from exc


def _merge_pages(first: Article, later: list[Article]) -> dict[str, Any]:
    pages = [first, *later]
    update: dict[str, Any] = {"body_html": "\n".join(p.body_html for p in pages)}
    update["tags"] = next((p.tags for p in pages if p.tags), [])
    by_url = {image.url: image for page in reversed(pages) for image in page.images}
    update["images"] = list(by_url.values())[::-1]
    if first.lead_image is None:
        update["lead_image"] = next((p.lead_image for p in pages if p.lead_image), None)
    return update


def _categories(
    article: Article, site: Site, options: Options, found: Found, url: str
) -> list[str]:
    if options.categories:
        return list(options.categories)
    categories = list(article.categories or site.defaults.categories)
    if not categories:
        name = article.site_name or site.defaults.site_name or urlsplit(url).hostname or "?"
        categories = [DEFAULT_GROUP, name, DEFAULT_CHANNEL]
    if found.tag and len(categories) >= 3:
        categories = [*categories[:2], found.tag]
    if options.group and categories:
        categories[0] = options.group
    if found.feed_title and len(categories) >= 2:
        categories[1] = found.feed_title
    return categories


def extract_pages(
    pages: Sequence[Page],
    options: Options | None = None,
    found: Found | None = None,
    *,
    module: Site | None = None,
) -> Extracted:
    """The article on ``pages`` (its first page, then pages 2..n) with the run's
    ``options`` and where it was ``found``; raises ``NotAnArticle`` (not an
    article), ``InvalidArticle`` (refused by the model) or ``ExtractionError``.
    ``module`` is a site module to use instead of the one ``options`` or the
    URL gives."""
    if not pages:
        raise NotAnArticle("no-page", "no page to extract from")
    options = options or Options()
    found = found or Found()
    first_page = pages[0]
    # Imported here: site modules import the extraction helpers of this package.
    from archiver.sites import site_for_url

    site = module or site_for_url(first_page.url or "", options.site)
    zone = options.zone
    if zone is not None:
        for page in pages:
            page.timezone = zone
    articles = [_one_page(site, page) for page in pages]
    article = articles[0]
    link = found.link or article.url or first_page.url
    key = site.canonical_url(link) if link else None
    update: dict[str, Any] = _merge_pages(article, articles[1:]) if len(articles) > 1 else {}
    if key:
        update["canonical_url"] = key
    # The page's check reads a sample of the whole page; the article's own
    # text is what the post keeps, so it is checked whole (any site).
    body = update.get("body_html", article.body_html)
    said = [
        w for w in text_warnings(f"{article.title}\n{body[:100_000]}") if w not in article.warnings
    ]
    if said:
        update["warnings"] = [*article.warnings, *said]
    categories = _categories(article, site, options, found, link or "")
    update["categories"] = categories
    if options.site_name:
        update["site_name"] = options.site_name
    elif found.feed_title and not options.categories:
        update["site_name"] = found.feed_title
    elif not article.site_name and len(categories) >= 2:
        update["site_name"] = categories[1]
    if article.date_published is None and found.published is not None:
        update["date_published"] = found.published
        update["field_sources"] = {**article.field_sources, "date_published": "feed"}
    aliases = tuple(
        dict.fromkeys(u for u in (article.canonical_url, article.url, link) if u and u != key)
    )
    # What joins the page's fields from outside (options, listing, feed) is
    # checked as the model checks it; the rest was validated by the site module.
    names = [("categories", name) for name in categories]
    if update.get("site_name") is not None:
        names.append(("site_name", update["site_name"]))
    for field_name, name in names:
        if has_control_chars(name) or not name.strip():
            raise InvalidArticle(field_name, f"unusable name {name!r}", url=first_page.url)
    published = update.get("date_published")
    if published is not None and published.utcoffset() is None:
        raise InvalidArticle("date_published", "naive datetime", url=first_page.url)
    return Extracted(article.model_copy(update=update), aliases)


def extract_article(
    pages: Sequence[Page], options: Options | None = None, found: Found | None = None
) -> Article:
    """The Article that is written for ``pages``; see :func:`extract_pages`."""
    return extract_pages(pages, options, found).article
