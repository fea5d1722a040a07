"""The publication and modification dates: JSON-LD, meta tags, ``<time>``,
then the text around the headline and labelled dates; each with the text it
was read from and where it was found."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo

from archiver.extraction.dates import parse_date, search_date
from archiver.extraction.generic.jsonld import JsonLd
from archiver.extraction.generic.metadata import MetaTags
from archiver.extraction.generic.page_dates import htmldate_day, url_day
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
# Lower case: searched in the lowered page (five times faster than IGNORECASE).
# Each alternative starts with a letter, none with a group or a look-behind:
# Python's regex engine then skips to the characters that can start a match
# (four to eight times faster on a page's text).
_PUBLISHED_VERBS = (
    *("发布时间", "发表时间", "发布日期", "发表日期", "发布于", "发表于"),
    *("published", "posted", "veröffentlicht", "erschienen", "publié", "publicado", "pubblicato"),
)
# The nouns ("Veröffentlichung: 04.02.2022") only as a label, with its colon.
_PUBLISHED_NOUNS = (
    r"veröffentlichung(?:sdatum)?",
    "erscheinungsdatum",
    "publication(?: date)?",
    "publicación",
    "pubblicazione",
    "publicatiedatum",
)
_PUBLISHED_LABEL = re.compile(
    "|".join(
        [rf"{verb}\s*(?:on|am|le|el|il)?\s*[:：]?\s*" for verb in _PUBLISHED_VERBS]
        + [rf"{noun}\s*[:：]\s*" for noun in _PUBLISHED_NOUNS]
    )
)
# "时间" not after 更新 or 修改, "日期" not after 更新, "date" not after "update ".
_DATE_LABEL = re.compile(
    r"(?:时(?<!更新时)(?<!修改时)间|日(?<!更新日)期|d(?<!update d)ate|datum)\s*[:：]?\s*"
)


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
    page: Callable[[], str],
    code: str = "",
    html: str = "",
    scope: Callable[[], str] | None = None,
    scoped_text: Callable[[], str] | None = None,
    url: str = "",
    lead: str = "",
    modified: DateFound | None,
    tz: tzinfo,
    now: datetime | None,
) -> tuple[DateFound | None, bool]:
    """The publication date, and whether the page dates itself as articles do.

    Meta tags, JSON-LD, ``<time>`` (not in comments or sidebars) — unless the
    URL carries another day (``/2017/7/12/``: the structured date is a
    republication's, or, a day off, the same moment in UTC: the URL's day is
    the site's own), or the byline prints another day (``_printed``: the
    page's own word against a CMS's creation date, or the local day of a
    moment the markup gives in UTC; never the update's day) — then the text
    around the headline (``after``, up to the body, and ``before``), then a
    date labelled as the publication's (发布日期：..., Published:) anywhere in
    ``page()`` (the page's text without scripts, made only when needed) or
    named so in a script's data (``code``: "publishDate": "..."), then the
    URL's date, then a dateline opening the body or its first paragraph
    (``lead``: "01.02.2022 – ...", "BERLIN, 5. März 2022 –", "(5. März
    2022) ..."), then htmldate's search of the markup (``scope()``: the
    article's block and the page's head, else ``html``), then any labelled
    date ("Datum:") in the article's block (``scoped_text()``, else the
    page). Never the modification date
    ``modified``, never a date more than a day after ``now`` (the fetch
    time), never a month-day without a year (the fetch's year is a guess).
    The second value is False for a date found only where listings have
    dates too, and True for a page that only says when it was updated.
    """
    latest = now + timedelta(days=1) if now is not None else None
    in_url = url_day(url, latest.date() if latest is not None else None)
    # Meta tags before JSON-LD, as htmldate reads them: where the two differ,
    # the JSON-LD is more often a stale copy (a republished article's first date).
    found = _from_values(meta.all(*PUBLISHED_META), "meta", tz, now)
    if found is None or (modified is not None and found.value > modified.value):
        # A publication after the update contradicts it: the JSON-LD then.
        found = (
            _from_values([ld.date_published] if ld.date_published else [], "json-ld", tz, now)
            or found
        )
    if found is None:
        found = _from_values(_time_stamps(tree), "selector", tz, now)
    if found is not None:
        if in_url is not None and found.value.date() != in_url:
            return _day(in_url, in_url.isoformat(), "url", tz), True
        printed = _printed(after, before, lead, tz, now)
        if printed is not None and _overrides(printed, found, modified, now):
            return printed, True
        if len(found.raw) <= 10:
            # A date without a time (people.cn's publishdate): the byline may
            # print the same day with its time.
            for zone in (after, before):
                hit = search_date(zone, tz=tz, now=now, year_less=False)
                if hit is not None and hit[0].date() == found.value.date():
                    return DateFound(hit[0], clean_text(hit[1]), "text"), True
        return found, True
    for zone in (_short_lines(after, first=True), _short_lines(before, first=False)):
        hit = search_date(zone, tz=tz, now=now, year_less=False)
        if hit is None and modified is not None:
            # 发布时间：10-08 12:00 and an update of 2019-10-08: the year is the
            # update's (or the one before), not the fetch's.
            hit = search_date(zone, tz=tz, now=modified.value, year_less=True)
            hit = hit if hit is not None and hit[0] <= modified.value else None
        if hit is not None:
            return DateFound(hit[0], clean_text(hit[1]), "text"), True
    text = page()
    found = _labelled(_PUBLISHED_LABEL, text, tz, now)
    if found is None:
        found = _from_script(code, tz, now)
    if found is not None:
        return found, True
    if in_url is not None:
        return _day(in_url, in_url.isoformat(), "url", tz), True
    found = _dateline(lead, tz, now, paragraph=True)
    if found is not None:
        return found, True
    markup = scope() if scope is not None else html
    day = htmldate_day(markup, url, latest) if markup else None
    if day is not None and not (modified is not None and modified.value.date() == day):
        # (htmldate falls back on the update's date: that is never the answer.)
        return _day(day, day.isoformat(), "selector", tz), modified is not None
    # A bare "Date:" label anywhere is weak: only the article's block's.
    found = _labelled(_DATE_LABEL, scoped_text() if scoped_text is not None else text, tz, now)
    return found, modified is not None


# What may stand before a dateline's date: a place or an agency and a mark
# ("BERLIN (dpa) – ", "Paris, "), not the start of a sentence ("Am ").
# ("(21. November 2022) Der Verband ...": in brackets.)
_DATELINE_PREFIX = re.compile(r"^(?:[^\W\d][^.!?\n]{0,28}[,:(–—-]\)?|\()\s*$")
# The first paragraph may follow this many heading lines (a subheading, a kicker, the author).
_DATELINE_HEADINGS = 3


def _dateline(
    lead: str, tz: tzinfo, now: datetime | None, *, paragraph: bool = False
) -> DateFound | None:
    """The date a body's first line opens with, press-release style; with
    ``paragraph``, else the date its first paragraph opens with, after
    heading-sized lines."""
    lines = lead.strip().split("\n", _DATELINE_HEADINGS + 1)
    candidates = lines[:1]
    if paragraph:
        candidates += [
            line for line in lines[1 : _DATELINE_HEADINGS + 1] if len(line) > _BYLINE_LINE_CHARS
        ][:1]
    for line in candidates:
        line = line.strip()[:80]
        hit = search_date(line, tz=tz, now=now, year_less=False, relative=False) if line else None
        if hit is None:
            continue
        where = line.find(hit[1])
        if where < 0 or (where > 0 and not _DATELINE_PREFIX.match(line[:where])):
            continue
        return DateFound(hit[0], clean_text(hit[1]), "text")
    return None


# Labels of an update's date ("Aktualisiert am", "mis à jour le", "Stand:").
_UPDATE_LABEL = re.compile(
    r"modif|updat|aktualisier|edit|geändert|\bstand\b|mis à jour|actualiz|aggiornat|bijgewerkt",
    re.IGNORECASE,
)
_AMBIGUOUS = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}")


def _printed(
    after: str, before: str, lead: str, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    """The date the byline prints: the first date in the short lines between
    the headline and the body (``after``, not when it is the body's own
    start, ``lead``), else just above the headline; None when that date is
    an update's."""
    probe = lead.strip()[:15]
    if len(probe) >= 5 and after.lstrip().startswith(probe):
        # No header between the headline and the body: only a dateline
        # opening the body, not a date in its sentences.
        found = _dateline(lead, tz, now)
        if found is not None:
            return found
        after = ""
    for zone in (_short_lines(after, first=True), _short_lines(before, first=False)):
        hit = search_date(zone, tz=tz, now=now, year_less=False, relative=False)
        if hit is None:
            continue
        where = zone.find(hit[1])
        if _UPDATE_LABEL.search(zone[max(0, where - 30) : max(0, where)]):
            return None
        return DateFound(hit[0], clean_text(hit[1]), "text")
    return None


# How far a byline's date may be from the markup's and still be the same
# publication's, drafted, scheduled or issued.
_WEEKS_APART = timedelta(days=60)


def _overrides(
    printed: DateFound, found: DateFound, modified: DateFound | None, now: datetime | None
) -> bool:
    """The byline's date ``printed`` is another day than the markup's
    ``found``, weeks apart at most: the page's own word (the markup's is a
    CMS's creation date, or a moment in UTC whose local day is the one
    before). Months apart, the two date different things, and the markup,
    written for machines, dates the publication. Not the update's day
    (``modified``), nor the fetch's (``now``: a top bar's today's date)."""
    if _same_day(printed, found.value.date()) or abs(printed.value - found.value) > _WEEKS_APART:
        return False
    if modified is not None and _same_day(printed, modified.value.date()):
        return False
    return now is None or printed.value.date() != now.date()


def _same_day(found: DateFound, day: date) -> bool:
    """``found`` is on ``day``, or is ``day`` written month first (05/08/2019)."""
    value = found.value.date()
    if value == day:
        return True
    return (
        _AMBIGUOUS.fullmatch(found.raw.split()[0]) is not None
        and value.day <= 12
        and date(value.year, value.day, value.month) == day
    )


_BYLINE_LINES = 8
_BYLINE_LINE_CHARS = 120
_LISTED_DATES = 3


_DATED_LINE = re.compile(
    r"\d{4}[-/.年]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}\.? \w+ \d{4}"
)


def _short_lines(zone: str, *, first: bool) -> str:
    """The byline-sized lines of ``zone`` nearest the headline: a date in a
    sentence ("the centres close on 28 February") dates an event, not the
    page; and a list of dated items (a listing under its heading) has no byline."""
    lines = zone.split("\n")
    lines = lines[:_BYLINE_LINES] if first else lines[-_BYLINE_LINES:]
    lines = [line for line in lines if len(line.strip()) <= _BYLINE_LINE_CHARS]
    if sum(1 for line in lines if _DATED_LINE.search(line)) >= _LISTED_DATES:
        return ""
    return "\n".join(lines)


def _day(day: date, raw: str, source: FieldSource, tz: tzinfo) -> DateFound:
    return DateFound(datetime(day.year, day.month, day.day, tzinfo=tz), raw, source)


_NOT_PUBLISHED = re.compile(r"modif|updat|aktualisiert|edit|geändert", re.IGNORECASE)
_ELSEWHERE = re.compile(r"comment|sidebar|widget|related|recommend|teaser|footer", re.IGNORECASE)


def _time_stamps(tree: Element) -> list[str]:
    """``datetime`` of the page's ``<time>`` elements that date the article:
    itemprop=datePublished or pubdate first; not an update's, not in comments,
    sidebars or lists of other posts."""
    first: list[str] = []
    rest: list[str] = []
    for count, element in enumerate(tree.iter("time")):
        value = element.get("datetime")
        if count >= 20 or not value:
            continue
        names = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
        if _NOT_PUBLISHED.search(names):
            continue
        if any(
            _ELSEWHERE.search(f"{a.get('class') or ''} {a.get('id') or ''}")
            for a in element.iterancestors()
            if a.tag not in {"body", "html"}
        ):
            continue
        published = "datePublished" in names or element.get("pubdate") is not None
        (first if published else rest).append(value)
    return (first + rest)[:3]


# A publication date that a script names: state JSON ("publishDate": "...") or
# a variable (publish_time = "..."). Nothing else is read from scripts.
# (It starts with the names: a leading optional quote would keep the engine
# from skipping to the letters that can start a match.)
_SCRIPT_PUBLISHED = re.compile(
    r"""(?:datePublished|publishDate|publishedDate|publish_?[Tt]ime|pubDate|publishedAt"""
    r"""|published_at|firstPublished\w*)["']?\s*[:=]\s*["']([^"'\n]{8,40})["']"""
)


def _from_script(code: str, tz: tzinfo, now: datetime | None) -> DateFound | None:
    for match in _SCRIPT_PUBLISHED.finditer(code):
        hit = search_date(match.group(1), tz=tz, now=now, year_less=False, relative=False)
        if hit is not None:
            return DateFound(hit[0], clean_text(hit[1]), "text")
    return None


def _labelled(
    label: re.Pattern[str], page: str, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    """The first date after ``label`` (a lower-case pattern) in ``page``."""
    page = page[:200_000]
    lowered = page.lower()
    if len(lowered) != len(page):  # a letter whose lower case is longer: İ
        lowered, label = page, re.compile(label.pattern, re.IGNORECASE)
    for match in label.finditer(lowered):
        hit = search_date(page[match.end() : match.end() + 40], tz=tz, now=now, year_less=False)
        if hit is not None:
            return DateFound(hit[0], clean_text(hit[1]), "text")
    return None


def extract_date_modified(
    ld: JsonLd, meta: MetaTags, *, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    """The last modification date: JSON-LD, then meta tags."""
    found = _from_values([ld.date_modified] if ld.date_modified else [], "json-ld", tz, now)
    return found or _from_values(meta.all(*MODIFIED_META), "meta", tz, now)
