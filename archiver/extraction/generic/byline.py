"""Bylines as Chinese news pages print them: 作者, 记者, 来源, 出处, 编辑.

The labels are read from the page's text lines (see ``page_text``), in the
zone after the headline and at the end of the article, where sites print
them. A value runs until whitespace, punctuation or the next label. A
Western credit closing the article ("Text: X", "Von:" then X) is read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archiver.extraction.generic.authors import clean_names
from archiver.extraction.text import clean_text

__all__ = ["Byline", "clean_person", "clean_source", "labelled_values", "read_byline"]

# Words that start the next field of a byline line: a value stops there.
_NEXT_LABEL = (
    r"(?:责任编辑|责编|编辑|作者|来源|出处|稿源|记者|通讯员|实习生|时间|发布|日期|更新|阅读|浏览"
    r"|点击|评论|字号|分享|参与|举报|关注|打印|收藏|校对|审核|摄影|摄|原标题|原创|转载|本文"
    r"|发表|查看|人参与|条评论|复制|扫描|二维码)"
)
_VALUE = r"[^\s:：|｜,，;；。、()（）\[\]【】<>《》\"“”'‘’!！?？]{1,40}"
# Group of names: 2-5 Han characters (or a Latin name) separated by spaces or 、
_NAME = r"(?:[\u4e00-\u9fff·]{2,12}|[A-Za-z][A-Za-z.'-]{1,20}(?: [A-Za-z][A-Za-z.'-]{1,20}){0,2})"
_NAMES = _NAME + r"(?:(?:\s+|\s*[、，,和]\s*)" + _NAME + r"){0,3}"

_SOURCE = re.compile(
    r"(?<![图片照视频数据资料])(?:文章来源|新闻来源|信息来源|来源于|来源|出处|稿源)"
    r"\s*(?P<sep>[:：|｜]|\s)\s*(?P<value>" + _VALUE + ")"
)
# In a short byline line the colon may be missing: "来源CSDN| 作者魏星".
_SOURCE_BARE = re.compile(r"(?<![图片照视频数据资料])(?:来源|出处)(?P<value>" + _VALUE + ")")
_AUTHOR = re.compile(
    r"(?:作\s*者|撰\s*文|采\s*写|[文图]\s*/\s*[文图]|文\s*(?=[/|｜])|作者署名)\s*(?:[:：/|｜]|\s)\s*"
    r"(?P<value>" + _NAMES + ")"
)
# A credit closing the article: "（文/图 刘玺东 易赛楠）", "(作者：X)".
_AUTHOR_CLOSING = re.compile(
    r"[（(]\s*(?:[文图]\s*/\s*[文图]|文|作者|撰文|记者)\s*[:：/|｜]?\s*(?P<value>"
    + _NAMES
    + r")\s*[)）]"
)
_AUTHOR_BARE = re.compile(r"作者(?P<value>" + _NAMES + r")(?=\s|$|[|｜,，])")
# A value followed by a colon is the next label or a headline, not a name
# ("责任编辑：香港警方：8.31示威..."): the possessive + keeps it from backing off.
_EDITOR = re.compile(
    r"(?:责任编辑|责编|编辑|值班编辑|本文编辑)\s*(?:[:：/|｜]|\s)\s*(?P<value>"
    r"[A-Za-z][A-Za-z.'-]{0,20}(?: [A-Z][A-Za-z.'-]{0,20}){1,2}(?![A-Za-z])|"
    + _VALUE
    + r"+)(?![:：])"
)
_EDITOR_BRACKET = re.compile(
    r"[【\[（(]\s*(?:责任)?编辑\s*[:：]?\s*(?P<value>[^】\]）)\s]{1,30})\s*[】\]）)]"
)
# Reporters: "（记者 陆一夫）", "新京报快讯（记者 裴剑飞）", a byline line
# "澎湃新闻记者 贺梨萍". Not "记者了解到" and not photo credits ("记者 X 摄").
_REPORTER_BRACKET = re.compile(
    r"[（(【\[]\s*(?:[^（(【\[）)】\]]{0,12}?)记者\s*[:：]?\s*(?P<value>" + _NAMES + r")"
)
_REPORTER_LINE = re.compile(
    r"^\s*(?:[\u4e00-\u9fff·]{0,10}?)(?:记者|作者)\s*[:：/|]?\s*(?P<value>" + _NAMES + r")\s*$"
)
_PHOTO = re.compile(r"^\s*摄")
_ACCOUNT = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9 ·_-]{1,15}$")
_ACCOUNT_AND_DATE = re.compile(
    r"^(?:原创\s+)?(?P<name>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9·_-]{1,15})\s+\d{4}[-/年]\d"
)
_DATE_LINE = re.compile(r"^(?:发布时间|发表时间|发布于|时间)\s*[:：]|^\d{4}[-/年]\d")

_LATIN_CREDIT = re.compile(
    r"^\s*(?:text|texte|autor|autorin|author|von|by|written by|texto|par)\s*:\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"^(?:未知|佚名|匿名|admin|administrator|本站|小编|网友|null|none|undefined|unknown"
    r"|name|编辑部|整合|综合|报道|编译|发自|摄影?|实习生|通讯员|特约|供图|制图|\d+|.*@.*"
    # Where the reporter filed from: 发自北京, 北京报道.
    r"|发自[\u4e00-\u9fff]{1,8}|[\u4e00-\u9fff]{1,8}报道"
    r"|.*\.(?:com|cn|net|org).*|.*(?:文章|简介|主页|相关|推荐|更多|关注|最新|阅读|评论).*)$",
    re.IGNORECASE,
)
_INNER_LABEL = re.compile(r"作者|记者")
_DIGIT = re.compile(r"\d")
_HAN = re.compile("[\u4e00-\u9fff]")
_SHORT_LINE = 80
# Fields of a header line are kept apart by runs of (non-breaking) spaces.
_FIELD_GAP = re.compile(r"\s{2,}|\u00a0|\u3000")


@dataclass
class Byline:
    """Who wrote, edited and first published the article, as printed."""

    authors: list[str] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None


def _cut(value: str) -> str:
    """A value up to the next label, without trailing counters (1032人参与)."""
    match = re.search(_NEXT_LABEL, value)
    if match and match.start() > 0:
        value = value[: match.start()]
    elif match:
        return ""
    digits = _DIGIT.search(value)
    if digits and _HAN.search(value[: digits.start()]):
        value = value[: digits.start()]  # 澎湃新闻网1032人参与; but HN666 stays
    return value.strip(" -·_/")


def clean_person(value: str | None) -> str | None:
    """A person's name as printed, or None for placeholders (未知, 1610, email...)."""
    if not value:
        return None
    value = value.strip().strip("：:/|")
    if not value or len(value) > 40 or _NOT_A_NAME.match(value):
        return None
    return value


def clean_source(value: str | None) -> str | None:
    """An outlet's name, without a repeated ``来源：`` and trailing words."""
    if not value:
        return None
    value = re.sub(r"^(?:来源|出处|稿源)\s*[:：]?\s*", "", value.strip())
    value = value.split()[0] if value.split() else ""
    if not value or value.isdigit() or len(value) > 40:
        return None
    return value


def labelled_values(text: str, label: re.Pattern[str]) -> dict[str, str]:
    """``{"出处": "快科技", "作者": "X"}`` from ``出处：快科技  作者：X``: a value per label.

    ``label`` matches a label with its colon and captures the label (one
    group). A value runs to the next label or to a gap between fields (two
    spaces, a no-break space, U+3000); a label's first value wins.
    """
    parts = label.split(text)
    found: dict[str, str] = {}
    for name, value in zip(parts[1::2], parts[2::2], strict=True):
        value = clean_text(_FIELD_GAP.split(value.strip(), maxsplit=1)[0])
        if value and name not in found:
            found[name] = value
    return found


def _split_names(value: str) -> list[str]:
    names: list[str] = []
    for name in re.split(r"\s+|\s*[、，,和]\s*", value):
        # "观察者网专栏作者 王文": the words before an inner label describe the
        # person named after it.
        parts = _INNER_LABEL.split(name)
        name = parts[-1]
        cleaned = clean_person(_cut(name))
        if cleaned and cleaned not in names:
            names.append(cleaned)
    return names


# A label at the end of a line takes its value from the next line
# ("责任编辑:" then "于文凯" in the next element).
_LABEL_AT_END = re.compile(
    r"(责任编辑|编辑|责编|作者|来源|出处|记者|(?<![^\n])(?:Text|Autor|Autorin|Author|Von|By))"
    r"\s*([:：])\s*\n\s*"
)


# What every _LABEL_AT_END match holds; most texts have none (a cheaper scan).
_COLON_AT_END = re.compile(r"[:：][^\S\n]*\n")


def _lines(text: str) -> list[str]:
    if _COLON_AT_END.search(text):
        text = _LABEL_AT_END.sub(r"\1\2", text)
    return [line.strip() for line in text.split("\n") if line.strip()]


def read_byline(header: str, tail: str, lead: str) -> Byline:
    """Bylines from the header zone (after the headline), the article's end and its lead.

    ``header`` is the text just after the headline, ``tail`` the text of the
    article's end (editor lines), ``lead`` the first paragraph (reporter
    credits such as ``（记者 陆一夫）``).
    """
    byline = Byline()
    header_lines = _lines(header)
    for line in header_lines:
        short = len(line) <= _SHORT_LINE
        if byline.source is None:
            match = _SOURCE.search(line) or (_SOURCE_BARE.search(line) if short else None)
            if match:
                byline.source = clean_source(_cut(match.group("value")))
        if not byline.authors:
            match = _AUTHOR.search(line) or (_AUTHOR_BARE.search(line) if short else None)
            if match is None and len(line) <= 30:
                match = _REPORTER_LINE.match(line)
            if match:
                byline.authors = _split_names(match.group("value"))
        if byline.editor is None:
            match = _EDITOR.search(line) or _EDITOR_BRACKET.search(line)
            if match:
                byline.editor = clean_person(_cut(match.group("value")))
    for line in _lines(tail):
        if byline.editor is None:
            match = _EDITOR_BRACKET.search(line) or _EDITOR.search(line)
            if match:
                byline.editor = clean_person(_cut(match.group("value")))
        if byline.source is None and len(line) <= _SHORT_LINE:
            match = _SOURCE.search(line)
            if match:
                byline.source = clean_source(_cut(match.group("value")))
        if not byline.authors:
            match = _AUTHOR_CLOSING.search(line)
            if match is None and len(line) <= _SHORT_LINE:
                match = _AUTHOR.search(line)
            if match is None and len(line) <= 30:
                match = _REPORTER_LINE.match(line)
            if match:
                byline.authors = _split_names(match.group("value"))
            elif len(line) <= _SHORT_LINE:
                # A Western credit closing the article: "Text: Ann Smith".
                latin = _LATIN_CREDIT.match(line)
                if latin:
                    byline.authors = clean_names(latin.group("value"))
    if not byline.authors:
        for line in _lines(lead)[:6]:
            match = _REPORTER_BRACKET.search(line)
            if match and not _PHOTO.match(line[match.end() :]):
                byline.authors = _split_names(match.group("value"))
                break
            if len(line) <= 30:
                match = _REPORTER_LINE.match(line)
                if match:
                    byline.authors = _split_names(match.group("value"))
                    break
    # A blog or self-media page: the account's name printed between the
    # headline and the date (百家号: "IT之家 / 发布时间：...", 头条:
    # "原创 GameForce 2019-09-04 22:18:34").
    if not byline.authors and header_lines:
        inline = _ACCOUNT_AND_DATE.match(header_lines[0])
        if inline:
            byline.authors = _split_names(inline.group("name"))
        elif (
            len(header_lines) >= 2
            and _ACCOUNT.match(header_lines[0])
            and _DATE_LINE.search(header_lines[1])
        ):
            byline.authors = _split_names(header_lines[0])
    return byline
