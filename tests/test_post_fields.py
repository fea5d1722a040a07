"""Posts keep every field: Hexo's ``tags:`` and the ``archiver:`` mapping.

The full front matter is the old archive's keys, byte for byte, then ``tags``
and one ``archiver:`` mapping with every other known field of the model.
Proven by properties over the whole model: ``read_post`` gives every field
back, and PyYAML and js-yaml (Hexo's parser) read exactly what we meant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver import Archive, Article, PostFormatError, read_post, render_post
from archiver.models import Image, Tag
from tests.support import SAMPLES, front_matter, js_yaml

BEIJING = ZoneInfo("Asia/Shanghai")
OLD_KEYS = {"title", "categories", "headimg", "author", "comments", "date", "updated", "thumbnail"}
# Keys Hexo gives a meaning on a post; none of ours may be one.
HEXO_KEYS = {
    "source", "path", "link", "photos", "photo", "slug", "lang", "raw", "excerpt", "more",
    "layout", "published", "permalink", "date", "updated", "comments", "content", "_content",
    "id", "category", "tag", "disableNunjucks", "engine", "markdown",
}  # fmt: skip

FULL = Article(
    url="https://news.mydrivers.com/1/792/792044.htm",
    canonical_url="https://news.mydrivers.com/1/792/792044.htm?canonical",
    title="小米汽车9月进入软模车下线阶段",
    authors=["随心", "null"],
    editor="雪花",
    source="快科技",
    site_name="快科技（原驱动之家）",
    categories=["新媒体", "快科技（原驱动之家）", "最新新闻"],
    tags=[
        Tag(name="小米汽车", url="https://news.mydrivers.com/tag/xiaomiqiche.htm"),
        Tag(name="雷军: 2024"),
    ],
    images=[
        Image(
            url="https://img1.mydrivers.com/img/20220729/a.png", alt="软模车", width=600, height=400
        ),
        Image(url="https://img1.mydrivers.com/img/20220729/b.png"),
    ],
    lead_image="https://img1.mydrivers.com/img/20220729/a.png",
    date_published=datetime(2022, 7, 29, 16, 51, 41, tzinfo=BEIJING),
    date_published_raw="2022-07-29 16:51:41",
    description="第一行\n第二行 'quoted'",
    language="zh-CN",
    body_html="<p>正文</p>",
    fetched_at=datetime(2022, 7, 29, 17, 0, 5, 123456, tzinfo=timezone(timedelta(hours=8))),
)

FULL_TEXT = """
---
title: '小米汽车9月进入软模车下线阶段'
categories: \n - 新媒体
 - 快科技（原驱动之家）
 - 最新新闻
headimg: 'https://img1.mydrivers.com/img/20220729/a.png'
author: 快科技（原驱动之家）
comments: false
date: Fri, 29 Jul 2022 08:51:41 GMT
thumbnail: 'https://img1.mydrivers.com/img/20220729/a.png'
tags:
 - 小米汽车
 - '雷军: 2024'
archiver:
  url: 'https://news.mydrivers.com/1/792/792044.htm'
  canonical_url: 'https://news.mydrivers.com/1/792/792044.htm?canonical'
  authors:
   - '随心'
   - 'null'
  editor: '雪花'
  source: '快科技'
  tag_urls:
   - 'https://news.mydrivers.com/tag/xiaomiqiche.htm'
   - null
  images:
   - url: 'https://img1.mydrivers.com/img/20220729/a.png'
     alt: '软模车'
     width: 600
     height: 400
   - url: 'https://img1.mydrivers.com/img/20220729/b.png'
  date_published_raw: '2022-07-29 16:51:41'
  description: "第一行\\n第二行 'quoted'"
  language: 'zh-CN'
  fetched_at: '2022-07-29T09:00:05.123456+00:00'
---

<div>   \n<p>正文</p>  \n</div>
            """


def without_new_fields(article: Article) -> Article:
    return article.model_copy(
        update={
            "url": None,
            "canonical_url": None,
            "authors": [],
            "editor": None,
            "source": None,
            "tags": [],
            "images": [],
            "date_published_raw": None,
            "description": None,
            "language": None,
            "fetched_at": None,
        }
    )


def sample_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.md"))]


# ---------------------------------------------------------------- layout


def test_full_layout_is_exact() -> None:
    assert render_post(FULL) == FULL_TEXT
    back = read_post(FULL_TEXT)
    assert back.model_dump(exclude={"field_sources"}) == FULL.model_dump(exclude={"field_sources"})


def test_classic_is_the_old_keys_only() -> None:
    classic = render_post(FULL, front_matter="classic")
    assert classic == render_post(without_new_fields(FULL))
    assert "tags" not in classic and "archiver" not in classic
    assert FULL_TEXT.startswith(classic.split("---\n\n<div>")[0])


def test_no_new_field_renders_as_today() -> None:
    for text in sample_texts():
        assert render_post(read_post(text)) == text
        assert render_post(read_post(text), front_matter="classic") == text


def test_keys_are_never_hexos() -> None:
    data = yaml.safe_load(front_matter(FULL_TEXT))
    assert set(data) == OLD_KEYS - {"updated"} | {"tags", "archiver"}
    assert not (set(data) - OLD_KEYS) & HEXO_KEYS
    assert data["tags"] == ["小米汽车", "雷军: 2024"]


@pytest.mark.parametrize("value", ["json", "", "Full", "old"])
def test_front_matter_refuses_other_values(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match=r"'full'.*'classic'"):
        render_post(FULL, front_matter=value)
    with pytest.raises(ValueError, match=r"'full'.*'classic'"):
        Archive(tmp_path, front_matter=value)


@pytest.mark.parametrize("mode", ["full", "classic"])
def test_archive_writes_its_front_matter(tmp_path: Path, mode: str) -> None:
    with Archive(tmp_path, front_matter=mode) as archive:
        path = archive.write(FULL)
        assert archive.front_matter == mode
    assert path.read_text(encoding="utf-8") == render_post(FULL, front_matter=mode)
    with Archive(tmp_path) as archive:
        assert archive.front_matter == "full"


def test_missing_publication_date_reads_back_as_the_fetch_time() -> None:
    """A post always has a date: without ``date_published`` it is ``fetched_at``
    (to the second), and that is what ``read_post`` gives as ``date_published``."""
    article = FULL.model_copy(update={"date_published": None})
    text = render_post(article)
    assert "date: Fri, 29 Jul 2022 09:00:05 GMT\n" in text
    back = read_post(text)
    assert back.date_published == datetime(2022, 7, 29, 9, 0, 5, tzinfo=UTC)
    assert back.fetched_at == article.fetched_at
    assert render_post(back) == text
    with pytest.raises(ValueError, match="no post date"):
        render_post(article.model_copy(update={"fetched_at": None}))


def test_raw_date_of_an_old_post() -> None:
    """``date_published_raw``: from ``archiver:``; else an old post's date line
    when it is not how we write dates (the feed's own text); else None."""
    if not SAMPLES.is_dir():  # third-party data: read from ../shared, skipped when absent
        pytest.skip(f"no samples at {SAMPLES}")
    seed = read_post((SAMPLES / "mydrivers-2022-07-seed.md").read_text(encoding="utf-8"))
    assert seed.date_published_raw is None
    old = render_post(without_new_fields(FULL)).replace(
        "date: Fri, 29 Jul 2022 08:51:41 GMT", "date: 2022-07-29 16:51:41"
    )
    back = read_post(old)
    assert back.date_published_raw == "2022-07-29 16:51:41"
    assert back.date_published == FULL.date_published
    assert "  date_published_raw: '2022-07-29 16:51:41'\n" in render_post(back)
    same = FULL.model_copy(update={"date_published_raw": "Fri, 29 Jul 2022 08:51:41 GMT"})
    assert read_post(render_post(same)).date_published_raw == same.date_published_raw


def test_years_are_read_as_written() -> None:
    """email.utils reads a year below 100 as 19xx/20xx; our dates are read as written."""
    for year in (2, 99, 1000, 9998):
        moment = datetime(year, 3, 1, 12, 0, tzinfo=UTC)
        text = render_post(FULL.model_copy(update={"date_published": moment}))
        assert read_post(text).date_published == moment


# ---------------------------------------------------------------- reading variants and errors


def _reindent(text: str) -> str:
    """The ``archiver:`` mapping indented four spaces, items under keys by two
    more, ``-`` followed by three spaces: the same YAML, written by hand."""
    widths = {"  ": "    ", "   - ": "      -   ", "     ": "          "}
    out = []
    for line in text.split("\n"):
        for old, new in sorted(widths.items(), key=lambda kv: -len(kv[0])):
            if line.startswith(old) and not line.startswith(old + " "):
                line = new + line[len(old) :]
                break
        out.append(line)
    return "\n".join(out)


def test_hand_written_variants_read_as_yaml_does() -> None:
    wide = _reindent(FULL_TEXT).replace(
        "url: 'https://news.mydrivers.com/1/792/792044.htm'",
        "url: https://news.mydrivers.com/1/792/792044.htm",
    )
    assert "\n    url: https://news" in wide and "\n      -   url: 'https://img1" in wide
    assert "\n          width: 600\n" in wide
    flush = FULL_TEXT.replace("\n   - '随心'\n   - 'null'", "\n  - '随心'\n  - 'null'")
    for text in (wide, flush):
        assert yaml.safe_load(front_matter(text)) == yaml.safe_load(front_matter(FULL_TEXT))
        assert read_post(text) == read_post(FULL_TEXT)


def _line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


@pytest.mark.parametrize(
    ("old", "new", "at", "words"),
    [
        ("   - null\n", "", "  tag_urls:", "1 URLs for 2 tags"),
        ("  editor: '雪花'", "  editor_name: '雪花'", "  editor_name", "unknown key"),
        ("  fetched_at: '2022-07-29T", "  fetched_at: 'July 2022-07-29T", "  fetched_at", "ISO"),
        ("     width: 600", "     width: wide", "     width", "not a number"),
        ("     width: 600", "     depth: 600", "     depth", "unknown key"),
        ("  url: 'https://news", "  url: 'ftp://news", "  url:", "url"),
        ("  language: 'zh-CN'", "  language: 'zh-CN'\n  language: 'en'", "  language: 'en'",
         "twice"),
        ("  authors:\n", "  authors: 'x'\n", "   - '随心'", "expected 'key: value'"),
        ("fetched_at: '2022-07-29T09:00:05.123456+00:00'", "fetched_at: '2022-07-29T17:00:05'",
         "  fetched_at", "naive"),
        ("archiver:\n", "archiver: x\n", "archiver:", "mapping"),
        ("tags:\n", "tags: 小米\n", "tags:", "list"),
    ],
)  # fmt: skip
def test_bad_fields_name_the_line(old: str, new: str, at: str, words: str) -> None:
    assert old in FULL_TEXT
    text = FULL_TEXT.replace(old, new, 1)
    with pytest.raises(PostFormatError, match=words) as caught:
        read_post(text)
    assert caught.value.line == _line_of(text, at)


# ---------------------------------------------------------------- properties

# Pieces of text that break naive YAML writers, mixed into arbitrary characters.
HOSTILE = [
    "'", '"', "\\", ": ", " #", "# ", "- ", "-", "---", "...", "null", "~", "true", "No", "123",
    "0x1F", "1e3", ".inf", "2022-07-29", "&#123;", "&#125;", "{{ x }}", "{%", "}", "[", "]",
    ",", "&", "*", "!", "|", ">", "%", "@", "`", "?", "<script>", "\u2028", "\u2029", "\ufeff",
    "\ufffe", "\uffff", "\xa0", "\u3000", " ", "  ", "😀", "快科技", "\\n", '\\"', "''",
]  # fmt: skip
_LINE_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))


def _text(chars: st.SearchStrategy[str], max_size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(chars, st.sampled_from(HOSTILE)), max_size=max_size).map("".join)


lines = _text(_LINE_CHARS)
names = lines.filter(lambda s: s.strip() != "")
# description and body_html may hold line breaks and tabs.
multiline = _text(st.one_of(_LINE_CHARS, st.sampled_from(["\n", "\t", "\r", "\r\n"])), 20)
# date_published_raw is any str: control characters and lone surrogates too.
anything = _text(st.one_of(st.characters(), st.characters(categories=["Cc", "Cs"])))
_URL_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")).filter(
    lambda c: not c.isspace()
)
urls = st.builds(
    lambda scheme, host, tail: f"{scheme}://{host}{tail}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.text(_URL_CHARS.filter(lambda c: c not in "/?#"), min_size=1, max_size=8),
    _text(st.one_of(_URL_CHARS, st.sampled_from(["/", "?", "#", "&", "="])), 8).filter(
        lambda s: not any(c.isspace() for c in s)
    ),
)
zones = st.one_of(
    st.just(UTC),
    st.timezones(),
    st.builds(timezone, st.timedeltas(timedelta(hours=-23, minutes=-59), timedelta(hours=23))),
)
# A copy kept in the site (`--images`): a path from the site's root.
site_paths = st.builds(
    lambda parts, ext: "/images/" + "/".join(parts) + ext,
    st.lists(st.text("0123456789abcdef", min_size=1, max_size=8), min_size=1, max_size=3),
    st.sampled_from(["", ".png", ".jpg", ".webp"]),
)
# Years 2..9998: the instant must exist in UTC (the date line is in GMT).
moments = st.datetimes(datetime(2, 1, 1), datetime(9998, 12, 31), timezones=zones)


def articles(max_int: int | None = None) -> st.SearchStrategy[Article]:
    sizes = st.none() | st.integers(min_value=1, max_value=max_int)
    tags = st.builds(Tag, name=names, url=st.none() | urls)
    images = st.builds(
        Image, url=urls, alt=lines, width=sizes, height=sizes, local=st.none() | site_paths
    )
    return st.builds(
        Article,
        url=st.none() | urls,
        canonical_url=st.none() | urls,
        title=names,
        authors=st.lists(lines, max_size=3),
        editor=st.none() | lines,
        source=st.none() | lines,
        site_name=st.none() | lines,
        categories=st.lists(lines, max_size=4),
        tags=st.lists(tags, max_size=4),
        images=st.lists(images, max_size=3),
        lead_image=st.none() | urls,
        lead_image_local=st.none() | site_paths,
        date_published=st.none() | moments,
        date_published_raw=st.none() | anything,
        date_modified=st.none() | moments,
        description=st.none() | multiline,
        language=st.none() | lines,
        body_html=multiline,
        fetched_at=st.none() | moments,
        field_sources=st.just({"title": "selector"}),
        warnings=st.lists(lines, max_size=2),
    ).filter(lambda a: a.date_published is not None or a.fetched_at is not None)


def _second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def comparable(article: Article) -> dict[str, Any]:
    """Every field but the bookkeeping ones, times as UTC instants."""
    data = article.model_dump(exclude={"field_sources", "warnings"})
    # The site's copies (`--images`) are left out of model_dump: compared here.
    data["lead_image_local"] = article.lead_image_local
    data["images_local"] = [image.local for image in article.images]
    for key in ("date_published", "date_modified", "fetched_at"):
        if data[key] is not None:
            data[key] = data[key].astimezone(UTC)
    return data


def expected_back(article: Article) -> dict[str, Any]:
    """What ``read_post(render_post(article))`` must give: ``article`` itself,
    except what the old format's lines cannot hold:

    - ``date``/``updated`` are RFC 822 in GMT, to the second; with no
      ``date_published`` the date line is ``fetched_at`` and reads back as it;
    - ``author: ''`` (an empty site name) reads as no site name;
    - the body's braces are written ``&#123;``/``&#125;`` and read back as
      braces (the same HTML), and ``\\r\\n`` as ``\\n``.
    """
    data = comparable(article)
    published = article.date_published or article.fetched_at
    assert published is not None
    data["date_published"] = _second(published)
    if article.date_modified is not None:
        data["date_modified"] = _second(article.date_modified)
    data["site_name"] = article.site_name or None
    body = article.body_html.replace("\r\n", "\n")
    data["body_html"] = body.replace("&#123;", "{").replace("&#125;", "}")
    return data


def expected_yaml(article: Article) -> tuple[list[str] | None, dict[str, Any] | None]:
    """The ``tags`` and ``archiver`` values a YAML parser must read."""
    found: dict[str, Any] = {}
    for key in ("url", "canonical_url", "editor", "source"):
        if getattr(article, key) is not None:
            found[key] = getattr(article, key)
    if article.authors:
        found["authors"] = article.authors
    if any(tag.url is not None for tag in article.tags):
        found["tag_urls"] = [tag.url for tag in article.tags]
    if article.lead_image_local is not None and article.lead_image is not None:
        found["lead_image"] = article.lead_image  # headimg is the copy
    if article.images:
        found["images"] = [
            {
                k: v
                for k, v in {**image.model_dump(), "local": image.local}.items()
                if v is not None and v != ""
            }
            for image in article.images
        ]
    for key in ("date_published_raw", "description", "language"):
        if getattr(article, key) is not None:
            found[key] = getattr(article, key)
    if article.fetched_at is not None:
        found["fetched_at"] = article.fetched_at.astimezone(UTC).isoformat()
    return [tag.name for tag in article.tags] or None, found or None


def check_layout(article: Article, text: str) -> None:
    """The old keys byte for byte first, then only ``tags`` and ``archiver``."""
    classic = render_post(article, front_matter="classic")
    assert front_matter(text).startswith(front_matter(classic))
    assert text.split("---\n", 2)[2] == classic.split("---\n", 2)[2]
    added = front_matter(text)[len(front_matter(classic)) :]
    tops = [line.split(":")[0] for line in added.split("\n") if line and line[0] not in " -"]
    assert tops == [key for key in ("tags", "archiver") if f"\n{key}:" in f"\n{added}"]
    if not any(expected_yaml(article)):
        assert text == classic


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles())
def test_every_field_round_trips(article: Article) -> None:
    text = render_post(article)
    check_layout(article, text)
    back = read_post(text)
    expected = expected_back(article)
    assert comparable(back) == expected
    assert render_post(back) == render_post(
        article.model_copy(update={"body_html": expected["body_html"]})
    )
    tags, namespace = expected_yaml(article)
    data = yaml.safe_load(front_matter(text))
    assert data.get("tags") == tags
    assert data.get("archiver") == namespace


def _utf16(value: Any) -> Any:
    """A JavaScript string is UTF-16: two lone surrogates of a pair are one character."""
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass")
    if isinstance(value, list):
        return [_utf16(v) for v in value]
    if isinstance(value, dict):
        return {k: _utf16(v) for k, v in value.items()}
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles(max_int=2**53 - 1))  # a JavaScript number is exact up to 2**53
def test_every_field_reads_back_in_js_yaml(article: Article) -> None:
    data = js_yaml([front_matter(render_post(article))])[0]
    tags, namespace = expected_yaml(article)
    assert _utf16(data.get("tags")) == _utf16(tags)
    assert _utf16(data.get("archiver")) == _utf16(namespace)
    assert data["title"] == article.title
