"""Printed dates: Chinese forms, ISO 8601, RFC 822, relative forms."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from archiver.extraction.dates import BEIJING, MAX_SEARCH_CHARS, parse_date, search_date

NOW = datetime(2022, 7, 29, 16, 51, 41, tzinfo=BEIJING)
TOKYO = ZoneInfo("Asia/Tokyo")


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=BEIJING)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019年09月05日 11:10", bj(2019, 9, 5, 11, 10)),
        ("2019年9月5日11:10:22", bj(2019, 9, 5, 11, 10, 22)),
        ("2019年09月05日", bj(2019, 9, 5)),
        ("2019 年 9 月 5 日 星期四 11:10", bj(2019, 9, 5, 11, 10)),
        ("2019年09月05日 下午3:10", bj(2019, 9, 5, 15, 10)),
        ("2019年09月05日 11时10分", bj(2019, 9, 5, 11, 10)),
        ("2019-09-05 11:10", bj(2019, 9, 5, 11, 10)),
        ("2019-09-05 11:10:33", bj(2019, 9, 5, 11, 10, 33)),
        ("2019-9-5", bj(2019, 9, 5)),
        ("2019/9/5", bj(2019, 9, 5)),
        ("2019/09/05 08:00", bj(2019, 9, 5, 8, 0)),
        ("2019.09.05", bj(2019, 9, 5)),
        ("发布时间：2019-09-05 11:10 来源：新华网", bj(2019, 9, 5, 11, 10)),
        ("September 5, 2019", bj(2019, 9, 5)),
        ("Sep. 5, 2019 3:10 pm", bj(2019, 9, 5, 15, 10)),
        ("5 September 2019", bj(2019, 9, 5)),
    ],
)
def test_naive_dates_in_site_zone(text: str, expected: datetime) -> None:
    assert parse_date(text, tz=BEIJING, now=None) == expected


def test_naive_date_takes_given_zone() -> None:
    got = parse_date("2019-09-05 11:10", tz=TOKYO, now=None)
    assert got is not None
    assert got.utcoffset() == timedelta(hours=9)
    assert got.astimezone(UTC) == datetime(2019, 9, 5, 2, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-09-05T11:10:00+08:00", datetime(2019, 9, 5, 3, 10, tzinfo=UTC)),
        ("2019-09-05T03:10:00Z", datetime(2019, 9, 5, 3, 10, tzinfo=UTC)),
        ("2019-09-05T03:10:00.123456Z", datetime(2019, 9, 5, 3, 10, tzinfo=UTC)),
        ("2019-09-05T11:10:00+0800", datetime(2019, 9, 5, 3, 10, tzinfo=UTC)),
        ("2019-09-05T05:10:00-05:00", datetime(2019, 9, 5, 10, 10, tzinfo=UTC)),
        ("Fri, 29 Jul 2022 16:51:41 GMT", datetime(2022, 7, 29, 16, 51, 41, tzinfo=UTC)),
        ("Fri, 29 Jul 2022 16:51:41 +0800", datetime(2022, 7, 29, 8, 51, 41, tzinfo=UTC)),
        ("29 Jul 2022 16:51:41 UTC", datetime(2022, 7, 29, 16, 51, 41, tzinfo=UTC)),
        # Zone abbreviations with one meaning.
        ("Mar. 5, 2021 at 10:00 a.m. EST", datetime(2021, 3, 5, 15, 0, tzinfo=UTC)),
        ("Fr, 17 Mai 2019 13:38:23 MESZ", datetime(2019, 5, 17, 11, 38, 23, tzinfo=UTC)),
        ("05.03.2021, 10:00 Uhr MEZ", datetime(2021, 3, 5, 9, 0, tzinfo=UTC)),
        ("July 4, 2021 9:15 PM PDT", datetime(2021, 7, 5, 4, 15, tzinfo=UTC)),
        ("5 March 2021 10:00 BST", datetime(2021, 3, 5, 9, 0, tzinfo=UTC)),
        # CST names China's zone and America's Central: the site's zone decides.
        ("2021-03-05 10:00 CST", datetime(2021, 3, 5, 1, 0, tzinfo=UTC)),
    ],
)
def test_explicit_offsets_are_honoured(text: str, expected: datetime) -> None:
    got = parse_date(text, tz=TOKYO, now=None)
    assert got is not None
    assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚", NOW),
        ("10分钟前", NOW - timedelta(minutes=10)),
        ("3小时前", NOW - timedelta(hours=3)),
        ("半小时前", NOW - timedelta(minutes=30)),
        ("2天前", NOW - timedelta(days=2)),
        ("今天 08:00", bj(2022, 7, 29, 8, 0)),
        ("今天", bj(2022, 7, 29)),
        ("昨天 11:10", bj(2022, 7, 28, 11, 10)),
        ("前天", bj(2022, 7, 27)),
        ("07月28日 11:10", bj(2022, 7, 28, 11, 10)),
        ("12月30日 11:10", bj(2021, 12, 30, 11, 10)),  # in the past: last year
        ("2 hours ago", NOW - timedelta(hours=2)),
    ],
)
def test_relative_dates_against_now(text: str, expected: datetime) -> None:
    assert parse_date(text, tz=BEIJING, now=NOW) == expected


def test_relative_date_uses_site_zone_for_day_boundaries() -> None:
    # 23:30 UTC on the 28th is already the 29th in Beijing: 昨天 is the 28th.
    now = datetime(2022, 7, 28, 23, 30, tzinfo=UTC)
    assert parse_date("昨天 10:00", tz=BEIJING, now=now) == bj(2022, 7, 28, 10, 0)


@pytest.mark.parametrize("text", ["3小时前", "昨天 11:10", "刚刚", "07月28日 11:10"])
def test_relative_dates_without_now_are_none(text: str) -> None:
    assert parse_date(text, tz=BEIJING, now=None) is None


@pytest.mark.parametrize(
    "text",
    ["", "abc", "2019-13-05", "2019-02-30", "1850-01-01", "阅读 12345", "第2019期", None],
)
def test_no_date(text: str | None) -> None:
    assert parse_date(text, tz=BEIJING, now=NOW) is None


def test_absolute_date_beats_relative() -> None:
    assert parse_date("3小时前 2019-09-05 11:10", tz=BEIJING, now=NOW) == bj(2019, 9, 5, 11, 10)


def test_search_date_returns_raw_text() -> None:
    found = search_date("编辑：张三  2019年09月05日 11:10 来源：新华网", tz=BEIJING)
    assert found == (bj(2019, 9, 5, 11, 10), "2019年09月05日 11:10")


def test_search_date_earliest_wins() -> None:
    found = search_date("发布 2020-01-02 10:00 更新 2019年09月05日 11:10", tz=BEIJING)
    assert found is not None
    assert found[0] == bj(2020, 1, 2, 10, 0)


def test_aware_result() -> None:
    got = parse_date("2019-09-05", tz=BEIJING, now=None)
    assert got is not None and got.tzinfo is not None
    assert got.utcoffset() == timedelta(hours=8)
    assert got.astimezone(UTC).hour == 16


def test_fast_on_long_text() -> None:
    text = "2019-09-05 11:10 " + "没有日期的正文 with some English words. " * 50_000
    start = time.perf_counter()
    for _ in range(100):
        assert parse_date(text, tz=BEIJING, now=NOW) == bj(2019, 9, 5, 11, 10)
    assert time.perf_counter() - start < 1.0


def test_search_is_bounded() -> None:
    text = "正文" * MAX_SEARCH_CHARS + "2019-09-05 11:10"
    start = time.perf_counter()
    assert parse_date(text, tz=BEIJING, now=NOW) is None
    assert time.perf_counter() - start < 0.5


UTC_ZONE = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("am 25.08.2015 22:30", datetime(2015, 8, 25, 22, 30, tzinfo=UTC_ZONE)),
        ("31.10.2023, 10.19 Uhr", datetime(2023, 10, 31, 10, 19, tzinfo=UTC_ZONE)),
        ("4.\u20092.\u20092022", datetime(2022, 2, 4, tzinfo=UTC_ZONE)),
        ("6. August 2009", datetime(2009, 8, 6, tzinfo=UTC_ZONE)),
        ("Veröffentlicht: 3. Mai 2021 um 12:00 Uhr", datetime(2021, 5, 3, 12, 0, tzinfo=UTC_ZONE)),
        ("25 mars 2020", datetime(2020, 3, 25, tzinfo=UTC_ZONE)),
        ("1er mars 2020 à 10h30", datetime(2020, 3, 1, 10, 30, tzinfo=UTC_ZONE)),
        ("5 de marzo de 2020", datetime(2020, 3, 5, tzinfo=UTC_ZONE)),
        ("12 settembre 2019", datetime(2019, 9, 12, tzinfo=UTC_ZONE)),
        ("28 września 2020, 18:00", datetime(2020, 9, 28, 18, 0, tzinfo=UTC_ZONE)),
        ("02/10/2020", datetime(2020, 10, 2, tzinfo=UTC_ZONE)),  # day first
        ("09/25/2015", datetime(2015, 9, 25, tzinfo=UTC_ZONE)),  # no 25th month
    ],
)
def test_european_forms(text: str, expected: datetime) -> None:
    assert parse_date(text, tz=UTC_ZONE) == expected


def test_version_numbers_are_no_dates() -> None:
    assert parse_date("version 1.2.3.2020", tz=UTC_ZONE) is None


def test_a_date_after_the_fetch_is_passed_over() -> None:
    # A cookie's expiry or an event announced: never a publication date.
    found = search_date("expires 31 Dec 2099 23:59:59 UTC; posted 2022-07-01", now=NOW)
    assert found is not None and found[0].year == 2022
    assert search_date("31 Dec 2099", now=NOW) is None
    # Up to a day ahead is a time zone's difference, not the future.
    assert search_date("2022-07-30", now=NOW) is not None


def test_year_less_dates_are_left_unread_on_request() -> None:
    assert search_date("09月05日 11:10", now=NOW) is not None
    assert search_date("09月05日 11:10", now=NOW, year_less=False) is None
    assert search_date("3小时前", now=NOW, relative=False) is None


# Which date a whole page gives (archiver.extract) ------------------------------

_PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the report, with enough words and clauses to read as prose.</p>"
    for i in range(12)
)


def _page_day(head: str = "", header: str = "", body: str = _PARAGRAPHS) -> str | None:
    """The publication day ``archiver.extract`` gives a page with ``head`` in
    its ``<head>``, ``header`` between the headline and the body, and ``body``."""
    import archiver

    html = (
        f"<html><head><title>Council backs the plan</title>{head}</head><body>"
        "<div class='menu'><a href='/'>Home</a></div><article><h1>Council backs the plan</h1>"
        f"{header}<div class='entry-content'>{body}</div></article></body></html>"
    )
    article = archiver.extract(html.encode(), "https://news.example.org/politics/council-plan")
    return article.date_published.date().isoformat() if article.date_published else None


def _meta(published: str, modified: str | None = None) -> str:
    tags = f'<meta property="article:published_time" content="{published}">'
    if modified is not None:
        tags += f'<meta property="article:modified_time" content="{modified}">'
    return tags


@pytest.mark.parametrize(
    ("head", "byline", "expected"),
    [
        # The CMS's creation date in the markup, the page's own date in the byline.
        (_meta("2022-01-21T09:43:00+01:00"), "<p class='meta'>25.01.2022</p>", "2022-01-25"),
        # A moment in UTC: the byline prints its local day, the evening before.
        (_meta("2022-05-04T02:41:00Z"), "<p class='meta'>3/5/2022 22:41</p>", "2022-05-03"),
        # The same day written month first is no other day.
        (_meta("2019-05-08T05:30:00Z"), "<p class='meta'>05/08/2019</p>", "2019-05-08"),
        # An update's date, labelled or the markup's modification day, is never the publication's.
        (_meta("2021-12-06T14:36:00Z"), "<p>Aktualisiert am 15.12.2022</p>", "2021-12-06"),
        (
            _meta("2021-12-06T14:36:00Z", "2022-12-15T08:13:00Z"),
            "<p class='meta'>15.12.2022</p>",
            "2021-12-06",
        ),
    ],
)
def test_the_byline_date_overrides_another_day_in_the_markup(
    head: str, byline: str, expected: str
) -> None:
    assert _page_day(head, byline) == expected


def test_a_date_in_the_body_does_not_override_the_markup() -> None:
    # No header between the headline and the body: the body's sentences
    # (an event announced) do not date the page.
    body = "<p>The next meeting is on 21.02.2020, in the town hall.</p>" + _PARAGRAPHS
    assert _page_day(_meta("2019-11-27T15:21:21+01:00"), body=body) == "2019-11-27"


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("(21. November 2022) Energy customers", "2022-11-21"),
        ("01.02.2022 The labour market", "2022-02-01"),
    ],
)
def test_a_dateline_opening_the_first_paragraph_after_headings(opening: str, expected: str) -> None:
    first = (
        f"<p>{opening} saw another month of change, and this report tells how it went, "
        "what the figures say and what comes next.</p>"
    )
    body = "<h2>The figures</h2><p>By Ann Smith</p>" + first + _PARAGRAPHS
    assert _page_day(body=body) == expected


def test_a_reviews_date_does_not_date_the_page() -> None:
    review = (
        '<div itemprop="review" itemscope itemtype="https://schema.org/Review">'
        '<span itemprop="author">A reader</span>'
        '<span itemprop="datePublished" content="2020-06-08 00:00:00"></span>'
        "<p>Works well.</p></div>"
    )
    assert _page_day(body=_PARAGRAPHS + review) is None
