"""Read the dates news pages print, Chinese forms first.

``parse_date`` turns one printed date into a timezone-aware datetime;
``search_date`` finds the first date in running text (a byline such as
``2019年09月05日 11:10 来源：新华网``) and also returns the text it read.

Naive times are wall-clock times of the site's time zone (Beijing unless the
site says otherwise); ISO 8601 offsets and RFC 822 zones are honoured.
Relative forms (``3小时前``, ``昨天 11:10``, ``刚刚``) are resolved against
``now``, the time the page was fetched; without ``now`` they give None
rather than a guess.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["BEIJING", "MAX_SEARCH_CHARS", "parse_date", "search_date"]

BEIJING = ZoneInfo("Asia/Shanghai")

_MIN_YEAR = 1990
# search_date reads this much of a text: dates are looked for in bylines and
# short fields, and a regex scan of a whole 20 MB page would be slow.
MAX_SEARCH_CHARS = 20_000
_MAX_YEAR = 2100

_TIME = (
    r"(?:\s*(?P<ampm>上午|下午|晚上|凌晨|中午)?\s*(?P<H>\d{1,2})\s*[:：时時]\s*(?P<M>\d{2})\s*分?"
    r"(?:\s*[:：]\s*(?P<S>\d{2})(?:\.\d+)?)?)"
)
# Zone abbreviations printed after a time, with one meaning each (CST, IST
# and the like name several zones: left out, the site's zone is used).
_ZONE_NAMES = {
    "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "BST": 1, "WET": 0, "WEST": 1, "CET": 1,
    "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9,
    "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}  # fmt: skip
_ZONE = (
    r"(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|"
    + "|".join(sorted(_ZONE_NAMES, key=len, reverse=True))
    + r")(?![A-Za-z]))"
)

_CHINESE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
    r"(?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*[,，]?" + _TIME + ")?"
)
_NUMERIC = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"(?:(?:T|\s+|\s*[,，]\s*)?" + _TIME + _ZONE + "?)?"
)
# Month names and abbreviations: English, German, French, Spanish, Italian,
# Portuguese, Dutch and Polish (genitive), accents optional where people drop them.
_MONTH_NAMES = (
    "jan january januar jänner janvier janv enero ene gennaio gen janeiro januari stycznia",
    "feb february februar feber février fevrier févr fevr febrero febbraio fevereiro februari"
    " lutego",
    "mar march märz maerz mrz mär mars marzo março marco maart mrt marca",
    "apr april avril avr abril aprile kwietnia",
    "may mai mayo maggio mag maio mei maja",
    "jun june juni juin junio giugno giu junho czerwca",
    "jul july juli juillet juil julio luglio lug julho lipca",
    "aug august août aout agosto augustus sierpnia",
    "sep sept september septembre septiembre setiembre settembre setembro set września wrzesnia",
    "oct october oktober okt octobre octubre ottobre ott outubro października pazdziernika",
    "nov november novembre noviembre novembro listopada",
    "dec december dezember dez décembre decembre déc diciembre dicembre dic dezembro grudnia",
)
_MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_EN_TIME = (
    r"(?:\s*(?:,|at)?\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?" + _ZONE + "?)?"
)
# RFC 822 / 1123: "Fri, 29 Jul 2022 16:51:41 GMT"; also "29 July 2022".
_DAY_MONTH_YEAR = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b" + _EN_TIME,
    re.IGNORECASE,
)
# "September 5, 2019 11:10 AM", "Sep. 5 2019".
_MONTH_DAY_YEAR = re.compile(
    # The lookahead lets the engine skip non-letters fast.
    r"(?=[A-Za-z])(?<![A-Za-z])"
    + _MONTH
    + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b"
    + _EN_TIME,
    re.IGNORECASE,
)
# European forms: "25.08.2015 22:30", "am 25.08.2015 um 10.19 Uhr", "25/08/2015"
# (day first), "6. August 2009", "25 mars 2020", "1er mars", "5 de marzo de 2020".
_EU_TIME = (
    r"(?:\s*(?:,|um|à|a las|alle|às|om|o|-|–|\||/)?\s*(?P<H>\d{1,2})\s*[:.h]\s*(?P<M>\d{2})"
    r"(?:[:.](?P<S>\d{2}))?(?!\d)\s*(?:uhr|h)?" + _ZONE + "?)?"
)
_DAY_FIRST = re.compile(
    r"(?<![\d.,/-])(?P<d>\d{1,2})(?:(?P<sep>[/-])|\.\s?)(?P<m>\d{1,2})(?(sep)(?P=sep)|\.\s?)"
    r"(?P<y>\d{4})(?![\d.,/-]\d)" + _EU_TIME,
    re.IGNORECASE,
)
_DAY_MONTH_NAME = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})(?:\.|er|º|°|st|nd|rd|th)?\s*(?:de\s+)?"
    r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+(?:de\s+)?"
    r"(?P<y>\d{4})(?!\d)" + _EU_TIME,
    re.IGNORECASE,
)
# Month and day without a year (toutiao, weibo, baijiahao): 09月05日 11:10,
# 09-05 11:10, 09-0511:10 (date and time in two spans, nothing between).
_NO_YEAR = re.compile(
    r"(?<![\d-])(?P<m>\d{1,2})\s*(?:月\s*(?P<d1>\d{1,2})\s*日|-(?P<d2>\d{2}|\d(?=\s)))" + _TIME
)
# A two-digit year, only with a time: 18-03-08 23:16 (baijiahao).
_SHORT_YEAR = re.compile(r"(?<![\d-])(?P<yy>\d{2})-(?P<m>\d{1,2})-(?P<d>\d{2})(?!\d{3})" + _TIME)
_RELATIVE = re.compile(
    r"(?P<n>\d+|半|一|两|几)\s*(?P<unit>秒|分钟|分|小时|个小时|天|日|周|星期|个月|月|年)"
    r"前"
)
_NAMED_DAY = re.compile(r"(?P<day>刚刚|今天|昨天|前天|昨日|今日)(?:" + _TIME + ")?")
_ENGLISH_RELATIVE = re.compile(
    r"\b(?P<n>\d+|an?|one)\s+(?P<unit>second|minute|min|hour|day|week|month|year)s?\s+ago\b",
    re.IGNORECASE,
)

_UNIT_SECONDS = {
    "秒": 1,
    "分钟": 60,
    "分": 60,
    "小时": 3600,
    "个小时": 3600,
    "天": 86400,
    "日": 86400,
    "周": 7 * 86400,
    "星期": 7 * 86400,
    "个月": 30 * 86400,
    "月": 30 * 86400,
    "年": 365 * 86400,
    "second": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}
# 刚刚, 今天, 昨天 without a time count as a date only in a text this short.
_BARE_DAY_MAX = 12
_SMALL_NUMBERS = {"半": 0.5, "一": 1, "两": 2, "几": 3, "a": 1, "an": 1, "one": 1}
_DAY_OFFSET = {"刚刚": 0, "今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}


def _zone(text: str | None, default: tzinfo) -> tzinfo:
    if not text:
        return default
    text = text.strip().upper()
    if text in {"Z", "GMT", "UTC"}:
        return UTC
    if text in _ZONE_NAMES:
        return timezone(timedelta(hours=_ZONE_NAMES[text]), text)
    match = re.fullmatch(r"(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?", text)
    if not match:
        return default
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or minutes > 59:
        return default
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _hour(hour: int, ampm: str | None) -> int:
    if not ampm:
        return hour
    ampm = ampm.lower().replace(".", "")
    if ampm in {"下午", "晚上", "pm"} and hour < 12:
        return hour + 12
    if ampm in {"凌晨", "上午", "am"} and hour == 12:
        return 0
    if ampm == "中午" and hour < 6:
        return hour + 12
    return hour


def _build(
    year: int,
    month: int,
    day: int,
    match: re.Match[str],
    tz: tzinfo,
) -> datetime | None:
    groups = match.groupdict()
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    hour = minute = second = 0
    if groups.get("H") is not None:
        hour = _hour(int(groups["H"]), groups.get("ampm"))
        minute = int(groups["M"])
        second = int(groups["S"] or 0)
    try:
        naive = datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return None
    return naive.replace(tzinfo=_zone(groups.get("tz"), tz))


def _absolute(match: re.Match[str], tz: tzinfo) -> datetime | None:
    groups = match.groupdict()
    month = _MONTHS[groups["mon"].lower()] if groups.get("mon") else int(groups["m"])
    year = 2000 + int(groups["yy"]) if groups.get("yy") else int(groups["y"])
    return _build(year, month, int(groups["d"]), match, tz)


def _relative(match: re.Match[str], now: datetime) -> datetime:
    raw_n = match.group("n").lower()
    n = _SMALL_NUMBERS.get(raw_n)
    amount = float(n) if n is not None else float(raw_n)
    unit = match.group("unit").lower()
    return now - timedelta(seconds=amount * _UNIT_SECONDS[unit])


def _named_day(match: re.Match[str], now: datetime) -> datetime | None:
    word = match.group("day")
    if word == "刚刚":
        return now
    day = (now - timedelta(days=_DAY_OFFSET[word])).date()
    if match.group("H") is None:
        # A date without a time: midnight of that day in the page's zone.
        return datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)
    return _build(day.year, day.month, day.day, match, now.tzinfo or BEIJING)


def _no_year(match: re.Match[str], now: datetime) -> datetime | None:
    month = int(match.group("m"))
    day = int(match.group("d1") or match.group("d2"))
    result = _build(now.year, month, day, match, now.tzinfo or BEIJING)
    if result is not None and result > now + timedelta(days=1):
        # Printed in January about December: last year.
        result = _build(now.year - 1, month, day, match, now.tzinfo or BEIJING)
    return result


_ABSOLUTE = (_CHINESE, _NUMERIC, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _DAY_MONTH_NAME, _DAY_FIRST)
# What every match of _MONTH_DAY_YEAR holds ("… 5th, 2022"): a text without it
# is not searched for month names, half of search_date's time on plain prose.
_DAY_THEN_YEAR = re.compile(r"\s\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}", re.IGNORECASE)
_FUTURE_SLACK = timedelta(days=1)


def _day_first(match: re.Match[str], tz: tzinfo) -> datetime | None:
    day, month = int(match.group("d")), int(match.group("m"))
    if month > 12 >= day:  # 09/25/2015: month first after all
        day, month = month, day
    return _build(int(match.group("y")), month, day, match, tz)


def search_date(
    text: str,
    *,
    tz: tzinfo = BEIJING,
    now: datetime | None = None,
    year_less: bool = True,
    relative: bool = True,
) -> tuple[datetime, str] | None:
    """The first date found in ``text`` and the text it was read from.

    Absolute dates (with a year) are preferred to relative ones anywhere in
    the text; among absolute forms, the earliest in the text wins. With
    ``now`` (the fetch time), a date more than a day after it is no
    publication date and is passed over (a cookie's expiry, an event
    announced). ``year_less=False`` leaves month-day dates (09月05日 11:10)
    unread: the year of the fetch is a guess; ``relative=False`` leaves
    relative ones (3小时前) unread too. Only the first
    ``MAX_SEARCH_CHARS`` characters are read.
    """
    if not text:
        return None
    text = text[:MAX_SEARCH_CHARS]
    latest = now + _FUTURE_SLACK if now is not None and now.tzinfo is not None else None
    best: tuple[int, datetime, str] | None = None
    for pattern in (*_ABSOLUTE, _SHORT_YEAR):
        # Later patterns only need to look before the best match so far.
        end = best[0] + 1 if best is not None else len(text)
        if pattern is _MONTH_DAY_YEAR and _DAY_THEN_YEAR.search(text, 0, end) is None:
            continue
        for match in pattern.finditer(text, 0, end):
            value = _day_first(match, tz) if pattern is _DAY_FIRST else _absolute(match, tz)
            if value is None or (latest is not None and value > latest):
                continue
            if best is None or match.start() < best[0]:
                best = (match.start(), value, match.group().strip())
            break
    if best is not None:
        return best[1], best[2]
    if now is None or not relative:
        return None
    now = now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)
    for match in _RELATIVE.finditer(text):
        return _relative(match, now), match.group()
    for match in _ENGLISH_RELATIVE.finditer(text):
        return _relative(match, now), match.group()
    for match in _NAMED_DAY.finditer(text):
        if match.group("H") is None and len(text.strip()) > _BARE_DAY_MAX:
            continue  # a bare 今天 in running text is a word, not a date
        value = _named_day(match, now)
        if value is not None:
            return value, match.group().strip()
    for match in _NO_YEAR.finditer(text) if year_less else ():
        value = _no_year(match, now)
        if value is not None:
            return value, match.group().strip()
    return None


def parse_date(
    text: str | None, *, tz: tzinfo = BEIJING, now: datetime | None = None
) -> datetime | None:
    """A printed date as a timezone-aware datetime, or None.

    Reads ``2019年09月05日 11:10``, ``2019-09-05 11:10(:ss)``, ``2019/9/5``,
    ISO 8601 with or without an offset, RFC 822 (``Fri, 29 Jul 2022
    16:51:41 GMT``), English ``September 5, 2019``, European forms
    (``25.08.2015 22:30``, ``6. August 2009``, ``25 mars 2020``, ``5 de
    marzo de 2020``; ``25/08/2015`` day first), and, against ``now``,
    ``3小时前``, ``10分钟前``, ``刚刚``, ``今天``, ``昨天 11:10``, ``前天``,
    ``09月05日 11:10``. A time without a zone is read in ``tz``.
    """
    if not text:
        return None
    found = search_date(text.strip(), tz=tz, now=now)
    return found[0] if found else None
