"""The publication and modification dates: JSON-LD, meta tags, ``<time>``,
then the text around the headline and labelled dates; each with the text it
was read from and where it was found."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from archiver.extraction.dates import parse_date, search_date
from archiver.extraction.generic.jsonld import JsonLd
from archiver.extraction.generic.metadata import MetaTags
from archiver.extraction.generic.tree import Element
from archiver.extraction.text import clean_text
from archiver.models import FieldSource

__all__ = ["DateFound", "extract_date_modified", "extract_date_published"]

PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "publishtime",
    "publish_time",
    "pubdate",
    "og:time",
    "weibo:article:create_at",
    "apub:time",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "datecreated",
    "createdate",
    "firstpublishedtime",
    "release_date",
    "date",
)
MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "weibo:article:update_at",
    "dateupdate",
    "dcterms.modified",
    "last-modified",
    "lastmodifiedtime",
    "updated_time",
)
# A label before a date in running text: the page says which date it is.
_PUBLISHED_LABEL = re.compile(
    r"(?:发布时间|发表时间|发布日期|发表日期|发布于|发表于|Published|Posted)\s*(?:on)?\s*[:：]?\s*",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(r"(?:更新时间|时间|日期|Updated|Date)\s*[:：]?\s*", re.IGNORECASE)


class DateFound:
    """A date, the text it was read from, and where."""

    __slots__ = ("raw", "source", "value")

    def __init__(self, value: datetime, raw: str, source: FieldSource) -> None:
        self.value = value
        self.raw = raw
        self.source = source


def _from_values(
    values: list[str], source: FieldSource, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    for raw in values:
        value = parse_date(raw, tz=tz, now=now)
        if value is not None:
            return DateFound(value, clean_text(raw), source)
    return None


def extract_date_published(
    ld: JsonLd,
    meta: MetaTags,
    tree: Element,
    *,
    after: str,
    before: str,
    page: str,
    modified: DateFound | None,
    tz: tzinfo,
    now: datetime | None,
) -> tuple[DateFound | None, bool]:
    """The publication date, and whether it was found where articles print theirs.

    JSON-LD, meta tags, ``<time>``, then the text around the headline
    (``after``, up to the body, and ``before``), then a date labelled as
    the publication's (发布日期：...) anywhere in ``page``, the page's text,
    then the modification date ``modified`` (a page that only says when it
    was updated), then any labelled date, then the first date in ``page``.
    The second value is False for a date found only in the page's text at
    large, which a listing has too.
    """
    found = _from_values([ld.date_published] if ld.date_published else [], "json-ld", tz, now)
    if found is None:
        found = _from_values(meta.all(*PUBLISHED_META), "meta", tz, now)
    if found is None:
        stamps = [t.get("datetime") or "" for t in tree.iter("time")][:3]
        found = _from_values([s for s in stamps if s], "selector", tz, now)
    if found is not None:
        if len(found.raw) <= 10:
            # A date without a time (people.cn's publishdate): the byline may
            # print the same day with its time.
            for zone in (after, before):
                hit = search_date(zone, tz=tz, now=now)
                if hit is not None and hit[0].date() == found.value.date():
                    return DateFound(hit[0], clean_text(hit[1]), "text"), True
        return found, True
    for zone in (after, before):
        hit = search_date(zone, tz=tz, now=now)
        if hit is not None:
            return DateFound(hit[0], clean_text(hit[1]), "text"), True
    found = _labelled(_PUBLISHED_LABEL, page, tz, now)
    if found is not None:
        return found, True
    if modified is not None:
        return modified, True
    found = _labelled(_DATE_LABEL, page, tz, now)
    if found is not None:
        return found, False
    hit = search_date(page, tz=tz, now=None)
    if hit is not None:
        return DateFound(hit[0], clean_text(hit[1]), "text"), False
    return None, False


def _labelled(
    label: re.Pattern[str], page: str, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    for match in label.finditer(page, 0, min(len(page), 200_000)):
        hit = search_date(page[match.end() : match.end() + 40], tz=tz, now=now)
        if hit is not None:
            return DateFound(hit[0], clean_text(hit[1]), "text")
    return None


def extract_date_modified(
    ld: JsonLd, meta: MetaTags, *, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    """The last modification date: JSON-LD, then meta tags."""
    found = _from_values([ld.date_modified] if ld.date_modified else [], "json-ld", tz, now)
    return found or _from_values(meta.all(*MODIFIED_META), "meta", tz, now)
