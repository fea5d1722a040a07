"""render_post / read_post: the byte-exact format and YAML safety of titles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver import Article, PostFormatError, read_post, render_post
from archiver.models import has_control_chars
from tests.support import SAMPLES, front_matter, js_yaml

BEIJING = ZoneInfo("Asia/Shanghai")


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.md")) if SAMPLES.is_dir() else []


def article(title: str = "标题", **fields: object) -> Article:
    data: dict[str, object] = {
        "url": "https://news.mydrivers.com/1/792/792044.htm",
        "title": title,
        "categories": ["新媒体", "快科技（原驱动之家）", "最新新闻"],
        "site_name": "快科技（原驱动之家）",
        "date_published": datetime(2022, 7, 29, 16, 51, 41, tzinfo=BEIJING),
        "body_html": "<p>正文</p>",
    }
    data.update(fields)
    return Article.model_validate(data)


@pytest.mark.skipif(not sample_paths(), reason="../shared/format/samples is absent")
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem)
def test_samples_round_trip_byte_for_byte(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert render_post(read_post(text)) == text


@pytest.mark.skipif(not sample_paths(), reason="../shared/format/samples is absent")
def test_samples_read_fields() -> None:
    seed = read_post((SAMPLES / "mydrivers-2022-07-seed.md").read_text(encoding="utf-8"))
    assert seed.title.startswith("小米汽车9月进入软模车下线阶段")
    assert seed.categories == ["新媒体", "快科技（原驱动之家）", "最新新闻"]
    assert seed.site_name == "快科技（原驱动之家）"
    assert seed.date_published == datetime(2022, 7, 29, 16, 51, 41, tzinfo=UTC)
    assert seed.lead_image and seed.lead_image.endswith("5fa104e4-b706-46b9-95d8-e976343a4e3e.png")
    assert seed.body_html.startswith("<p>小米官宣造车")
    quoted = read_post((SAMPLES / "cnbeta-2021-09-apostrophe-title.md").read_text(encoding="utf-8"))
    assert quoted.title == "Facebook正持续研究BOLT'ing以提高Linux内核执行性能"


OLD_LAYOUT = (
    "\n---\ntitle: '标题'\ncategories: \n - 新媒体\n - 快科技（原驱动之家）\n - 最新新闻\n"
    "headimg: ''\nauthor: 快科技（原驱动之家）\ncomments: false\n"
    "date: Fri, 29 Jul 2022 08:51:41 GMT\nthumbnail: ''\n---\n\n"
    "<div>   \n<p>正文</p>  \n</div>\n            "
)


def test_layout_is_exact() -> None:
    # The old keys only: the classic front matter, or an article with no other field.
    assert render_post(article("标题"), front_matter="classic") == OLD_LAYOUT
    assert render_post(article("标题", url=None)) == OLD_LAYOUT
    # The full front matter adds the known fields after them (tests/test_post_fields.py).
    assert render_post(article("标题")) == OLD_LAYOUT.replace(
        "thumbnail: ''\n",
        "thumbnail: ''\narchiver:\n  url: 'https://news.mydrivers.com/1/792/792044.htm'\n",
    )


def test_date_is_the_true_instant_in_gmt() -> None:
    text = render_post(article())
    assert "date: Fri, 29 Jul 2022 08:51:41 GMT\n" in text
    other = article(
        date_published=datetime(2022, 7, 29, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    )
    assert "date: Sat, 30 Jul 2022 04:00:00 GMT\n" in render_post(other)


def test_updated_follows_date_and_round_trips() -> None:
    modified = datetime(2022, 7, 30, 9, 0, tzinfo=BEIJING)
    text = render_post(article(date_modified=modified))
    assert "date: Fri, 29 Jul 2022 08:51:41 GMT\nupdated: Sat, 30 Jul 2022 01:00:00 GMT\n" in text
    assert read_post(text).date_modified == modified
    assert render_post(read_post(text)) == text


def test_no_image_gets_placeholder_never_random() -> None:
    assert "headimg: ''\n" in render_post(article())
    assert render_post(article()) == render_post(article())
    text = render_post(article(), image_placeholder="https://example.org/none.png")
    assert "headimg: 'https://example.org/none.png'\n" in text
    assert "thumbnail: 'https://example.org/none.png'\n" in text


def test_braces_written_as_entities_and_read_back() -> None:
    body = "<p>{{ page.title }} {% raw %}</p>"
    text = render_post(article(body_html=body))
    assert "{" not in text.split("---\n", 2)[2] and "&#123;&#123; page.title &#125;&#125;" in text
    assert read_post(text).body_html == body


@pytest.mark.parametrize(
    "title",
    [
        'It\'s "quoted" both ways',
        "a: b # c",
        "---",
        "{{ page.title }} {% if %}",
        "null",
        "123",
        "true",
        "😀 emoji 表情",
        "line\u2028sep\u2029para",
        "  leading and trailing  ",
        "x" * 2000,
        "back\\slash 'and' quote",
        "\ufeffbom",
        "- dash",
        "@at `tick` |pipe >gt *star &amp !bang %pct",
    ],
)
def test_hostile_titles_survive_both_parsers(title: str) -> None:
    text = render_post(article(title))
    matter = front_matter(text)
    assert yaml.safe_load(matter)["title"] == title
    assert js_yaml([matter])[0]["title"] == title
    assert read_post(text).title == title


def test_old_variants_are_read() -> None:
    old = (
        "---\n"
        'title: "Win10 &#123;x&#125; It\'s"\n'
        "categories: \n - 新媒体\n - 快科技（原驱动之家）\n - 最新新闻\n"
        "headimg: ''\nauthor: 快科技（原驱动之家）\ncomments: false\n"
        "date: 2021-09-12 22:22:00\nthumbnail: ''\n---\n\n<div>   \n<p>x &#123;</p>  \n</div>\n"
    )
    got = read_post(old)
    assert got.title == "Win10 {x} It's"
    assert got.lead_image is None
    assert got.date_published == datetime(2021, 9, 12, 22, 22, tzinfo=BEIJING)
    assert got.body_html == "<p>x {</p>"


def test_old_defect_both_quotes_is_still_read() -> None:
    old = render_post(article("x")).replace("title: 'x'", 'title: "It\'s "odd""')
    assert read_post(old).title == 'It\'s "odd"'


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("hello\n", 1, "'---'"),
        ("\n---\ntitle: 'x'\n", 2, "never closed"),
        ("\n---\ntitle: 'x'\nnonsense line\n---\n", 4, "key: value"),
        ("\n---\ntitle: 'x'\ndate: someday\n---\n", 4, "unreadable date"),
        ("\n---\ntitle: ''\ndate: Fri, 29 Jul 2022 08:51:41 GMT\n---\n", 3, "title"),
        ("\n---\ndate: Fri, 29 Jul 2022 08:51:41 GMT\n---\n", 2, "no title"),
        ("\n---\ntitle: 'unterminated\n---\n", 3, "unterminated"),
    ],
)
def test_not_a_post_names_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(PostFormatError) as caught:
        read_post(text)
    assert caught.value.line == line
    assert words in str(caught.value)


# ------------------------------------------------------------ properties

titles = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=80
).filter(lambda t: t.strip() != "" and not has_control_chars(t))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=titles)
def test_any_title_round_trips_through_pyyaml(title: str) -> None:
    text = render_post(article(title))
    assert yaml.safe_load(front_matter(text))["title"] == title
    assert read_post(text).title == title


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=titles, category=titles, site=titles)
def test_any_title_and_category_round_trip_through_js_yaml(
    title: str, category: str, site: str
) -> None:
    text = render_post(article(title, categories=["新媒体", category, "快讯"], site_name=site))
    data = js_yaml([front_matter(text)])[0]
    assert data["title"] == title
    assert data["categories"] == ["新媒体", category, "快讯"]
    assert data["author"] == site
    back = read_post(text)
    assert (back.title, back.categories, back.site_name) == (title, back.categories, site)


def test_model_refuses_broken_posts_naming_the_field() -> None:
    for fields, name in [
        ({"title": "  "}, "title"),
        ({"title": "a\x85b"}, "title"),
        ({"url": "ftp://x.org/a"}, "url"),
        ({"date_published": datetime(2022, 1, 1)}, "date_published"),
    ]:
        with pytest.raises(ValueError, match=name):
            article(**fields)  # type: ignore[arg-type]
    schema = Article.model_json_schema()
    assert schema["properties"]["title"]["description"]
