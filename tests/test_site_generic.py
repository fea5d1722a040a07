"""The generic site: fixtures written by us, one per heuristic, and unit tests per rule."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from archiver.errors import NotAnArticle
from archiver.extraction.encoding import decode_html
from archiver.extraction.generic.byline import read_byline
from archiver.extraction.generic.containers import junk_names
from archiver.extraction.generic.jsonld import read_json_ld
from archiver.extraction.generic.language import detect_language
from archiver.extraction.generic.listing import (
    is_article_url,
    next_page_url,
    page_number,
    same_site,
)
from archiver.extraction.generic.page_text import squeeze
from archiver.extraction.generic.title import strip_site_suffix
from archiver.extraction.generic.tree import parse_html
from archiver.extraction.generic.verdict import too_short_body
from archiver.extraction.page import Page
from archiver.models import Article
from archiver.sites import site_for_url
from archiver.sites.base import SiteDefaults
from archiver.sites.generic import GenericSite
from tests.support import case_names, load_case

CASES = case_names("generic")
"""``fixtures/sites/generic/<case>/``: every field of ``article.json`` and the post
are checked by ``tests/test_fixtures.py``; here, the hand-written ``checks`` of
``meta.json`` (decoding, body snippets, warnings, where fields were found)."""


def load(name: str) -> tuple[Page, dict[str, Any]]:
    """The case's page, decoded as a crawl decodes it, and its hand-written checks."""
    case = load_case("generic", name)
    return case.page(), case.checks


def extract(
    html: str,
    # No date in the URL: a URL's date is a source of the date (issue 16).
    url: str = "https://news.example.com/news/12345.html",
    **kw: Any,
) -> Article:
    return GenericSite().extract_article(Page(url=url, html=html, **kw))


def test_fixture_set_is_complete() -> None:
    # The heuristics the issue names each have a fixture.
    for name in (
        "gbk-lying-meta",
        "utf8-under-gb2312",
        "jsonld-graph",
        "relative-date",
        "lazy-images",
        "listing",
        "english",
        "japanese",
        "broken-jsonld",
        "home-page",
    ):
        assert name in CASES


@pytest.mark.parametrize("name", CASES)
def test_fixture_decoding(name: str) -> None:
    page, checks = load(name)
    assert page.encoding == checks["encoding"]
    assert "mojibake" not in page.warnings


ARTICLE_CASES = [name for name in CASES if load_case("generic", name).kind == "article"]


@pytest.mark.parametrize("name", ARTICLE_CASES)
def test_fixture_checks(name: str) -> None:
    page, checks = load(name)
    article = GenericSite().extract_article(page)
    for snippet in checks.get("body_contains", []):
        assert snippet in article.body_html
    for snippet in checks.get("body_excludes", []):
        assert snippet not in article.body_html
    if "warnings" in checks:
        assert article.warnings == checks["warnings"]
    for key, source in checks.get("field_sources", {}).items():
        assert article.field_sources.get(key) == source, key


@pytest.mark.parametrize(
    "name", [name for name in CASES if load_case("generic", name).kind != "article"]
)
def test_fixture_not_an_article_names_the_page(name: str) -> None:
    # The reason (and a listing's links) are in article.json, checked by test_fixtures.
    page, _ = load(name)
    with pytest.raises(NotAnArticle) as caught:
        GenericSite().extract_article(page)
    assert caught.value.url == page.url


def test_fixture_article_validates_and_is_aware() -> None:
    for name in ARTICLE_CASES:
        page, _ = load(name)
        article = GenericSite().extract_article(page)
        Article.model_validate(article.model_dump())
        assert article.fetched_at == page.fetched_at
        assert article.date_published is None or article.date_published.tzinfo is not None


# --- The site contract -----------------------------------------------------


def test_generic_owns_every_http_url_and_is_the_fallback() -> None:
    site = GenericSite()
    assert site.name == "generic"
    assert site.owns("https://anything.example/x")
    assert site.owns("HTTP://anything.example/")
    assert not site.owns("ftp://anything.example/")
    assert not site.owns("mailto:someone@example.com")
    assert site_for_url("https://unknown-site.example/2024/01/02/1.html").name == "generic"


def test_site_settings_give_zone_categories_and_site_name() -> None:
    defaults = SiteDefaults(
        categories=("新媒体", "某网", "要闻"), site_name="某网", timezone=ZoneInfo("Asia/Tokyo")
    )
    html = (
        "<html><body><h1>标题在这里的一条新闻</h1><p>2024-01-02 10:00</p>"
        + ("<p>" + "正文内容，很长的一段话。" * 20 + "</p>")
        + "</body></html>"
    )
    article = GenericSite(defaults).extract_article(Page(url="https://a.example/1.html", html=html))
    assert article.categories == ["新媒体", "某网", "要闻"]
    assert article.site_name == "某网"
    assert article.field_sources["site_name"] == "default"
    assert article.date_published == datetime(2024, 1, 2, 1, 0, tzinfo=UTC)


# --- Not articles -----------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("", "empty"),
        ("   \n  ", "empty"),
        ("%PDF-1.7\n%\ufffd\ufffd\ufffd\ufffd\n1 0 obj", "not-html"),
        ("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not-html"),
        ("\ufffd" * 500, "not-html"),
        ("<html><head><title>x</title></head><body><p>短</p></body></html>", "no-content"),
    ],
)
def test_non_pages(html: str, reason: str) -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract(html)
    assert caught.value.reason == reason


def test_non_html_content_type() -> None:
    page = Page(
        url="https://a.example/file.pdf",
        html="<html><body><h1>x</h1></body></html>",
        headers={"Content-Type": "application/pdf"},
    )
    with pytest.raises(NotAnArticle) as caught:
        GenericSite().extract_article(page)
    assert caught.value.reason == "not-html"


def test_forum_index_is_a_listing() -> None:
    rows = "".join(
        f'<tr><td><a href="/thread-{i}-1-1.html">帖子标题第{i}个</a></td>'
        f'<td><a href="/space-uid-{i}.html">用户{i}</a></td><td>{i}</td></tr>'
        for i in range(60)
    )
    html = (
        "<html><head><title>论坛首页 - 某论坛</title></head>"
        f"<body><h1>论坛首页</h1><table>{rows}</table></body></html>"
    )
    with pytest.raises(NotAnArticle) as caught:
        extract(html, url="https://bbs.example/forum.php")
    assert caught.value.reason == "listing"


@pytest.mark.parametrize(
    ("og_type", "article"), [("article", True), ("website", False), (None, False)]
)
def test_undated_short_page_with_many_links_is_an_article_only_when_og_type_says_so(
    og_type: str | None, article: bool
) -> None:
    # A short how-to among 60 links to other posts, no date anywhere: a tag
    # page's shape, unless the page's Open Graph type says it is an article.
    links = "".join(
        f'<li><a href="/diy/{i}/another-post">Another post {i}</a></li>' for i in range(60)
    )
    meta = f'<meta property="og:type" content="{og_type}">' if og_type else ""
    html = (
        f"<html><head><title>Round tablecloth in seven steps</title>{meta}</head><body>"
        "<h1>Round tablecloth in seven steps</h1><div class='text'><p>Fold the cloth twice, "
        "mark the radius with a string and cut along the line; hem the edge.</p></div>"
        f"<ul class='more'>{links}</ul></body></html>"
    )
    url = "https://a.example/diy/20546/round-tablecloth-in-seven-steps"
    if article:
        assert extract(html, url=url).title == "Round tablecloth in seven steps"
    else:
        with pytest.raises(NotAnArticle) as caught:
            extract(html, url=url)
        assert caught.value.reason == "listing"


def test_json_ld_item_list_is_a_listing() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "CollectionPage",'
        ' "name": "科技"}</script><title>科技</title></head><body><h1>科技</h1>'
        + "<p>"
        + "这是一段介绍文字，说明本频道的内容。" * 10
        + "</p></body></html>"
    )
    with pytest.raises(NotAnArticle) as caught:
        extract(html, url="https://a.example/tech/")
    assert caught.value.reason == "listing"


# --- Headline ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        (
            "外媒眼中的武汉长假：蓬勃发展_首页武汉_新闻中心_长江网_cjn.cn",
            "外媒眼中的武汉长假：蓬勃发展",
        ),
        ("女儿出嫁，郑板桥画了几笔兰花当嫁妆--文化--人民网", "女儿出嫁，郑板桥画了几笔兰花当嫁妆"),
        (
            "棱镜|数据业大整顿：爬虫与现金贷共生共荣_财经_腾讯网",
            "棱镜|数据业大整顿：爬虫与现金贷共生共荣",
        ),
        ("阿里发布最强AI芯片：一块顶十块GPU-EDN 电子技术设计", "阿里发布最强AI芯片：一块顶十块GPU"),
        (
            "City Council Approves New Bike Lanes | The Ledger",
            "City Council Approves New Bike Lanes",
        ),
        ("没有站名的标题", "没有站名的标题"),
    ],
)
def test_strip_site_suffix(title: str, headline: str) -> None:
    assert strip_site_suffix(title) == headline


def test_headline_is_the_h1_not_the_title_tag() -> None:
    body = "<p>" + "正文内容，很长的一段话。" * 20 + "</p>"
    html = (
        '<html><head><title>多地项目连环爆雷 龙湖集团"暗伤"曝露？_网易财经</title>'
        '<meta property="og:title" content="多地项目连环爆雷 龙湖集团"></head>'
        '<body><div class="nav-title">网易财经</div>'
        f'<h1>多地项目连环爆雷 龙湖集团"暗伤"曝露？</h1>{body}</body></html>'
    )
    article = extract(html)
    # og:title was cut at the quote; the h1 carries the whole headline.
    assert article.title == '多地项目连环爆雷 龙湖集团"暗伤"曝露？'
    assert article.field_sources["title"] == "selector"


def test_headline_without_a_badge() -> None:
    body = "<p>" + "正文内容，很长的一段话。" * 20 + "</p>"
    html = (
        "<html><head><title>最不愁吃肉的国家：顿顿有肉吃</title></head>"
        '<body><h2 class="title"><span>原创</span>最不愁吃肉的国家：顿顿有肉吃</h2>'
        f"{body}</body></html>"
    )
    assert extract(html).title == "最不愁吃肉的国家：顿顿有肉吃"


def test_headline_above_body_when_title_tag_names_the_section() -> None:
    body = "<p>" + "正文内容，很长的一段话。" * 20 + "</p>"
    html = (
        "<html><head><title>新闻动态--某学会官网</title></head><body>"
        '<div class="nav"><h2>新闻动态</h2></div><div class="news">'
        "<h5>2019年学术年会在重庆成功举行！</h5>"
        f'<div class="ly">发布时间：2019-05-18</div><div class="detail">{body}</div>'
        "</div></body></html>"
    )
    assert extract(html).title == "2019年学术年会在重庆成功举行！"


def test_headline_from_title_tag_when_h1_is_empty() -> None:
    body = "<p>" + "正文内容，很长的一段话。" * 20 + "</p>"
    html = (
        "<html><head><title>法国全国大罢工再次严重影响交通-新华网</title></head>"
        f"<body><h1> </h1><div>{body}</div></body></html>"
    )
    article = extract(html)
    assert article.title == "法国全国大罢工再次严重影响交通"
    assert article.field_sources["title"] == "selector"


# --- Bylines ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "tail", "lead", "authors", "editor", "source"),
    [
        ("2019-09-07 13:43:45 来源: 证券市场红周刊 举报", "", "", [], None, "证券市场红周刊"),
        (
            "2019年11月25日 16:04:30来源：澎湃新闻网1032人参与308评论",
            "",
            "",
            [],
            None,
            "澎湃新闻网",
        ),
        ("2019-09-26 12:11来源：证券时报网作者：李在山", "", "", ["李在山"], None, "证券时报网"),
        (
            "2014-08-24 21:30| 1164次阅读| 来源CSDN| 0 条评论| 作者魏星",
            "",
            "",
            ["魏星"],
            None,
            "CSDN",
        ),
        ("【文/观察者网专栏作者 王文】", "", "", ["王文"], None, None),
        (
            "来源：本站原创 作者：医技药剂党支部时间：2019年10月31日",
            "",
            "",
            ["医技药剂党支部"],
            None,
            "本站",
        ),
        ("", "（责任编辑： HN666）", "", [], "HN666", None),
        ("", "[责任编辑：刘斌]", "", [], "刘斌", None),
        ("", "责任编辑:\n于文凯", "", [], "于文凯", None),
        ("", "责任编辑：香港警方：8.31示威行动未发生致命事件", "", [], None, None),
        ("", "", "新京报快讯（记者 裴剑飞）今日有网友爆料", ["裴剑飞"], None, None),
        ("", "", "长江网10月4日讯（记者陈智 整合） 国庆中秋长假过半", ["陈智"], None, None),
        ("", "", "资料图：市民出行。中新社记者 贾天勇 摄", [], None, None),
        ("", "", "据《红周刊》记者了解，龙湖多地项目存在问题。", [], None, None),
        ("", "扬子晚报记者 张楠", "", ["张楠"], None, None),
        ("", "（文/图 刘玺东 易赛楠）", "", ["刘玺东", "易赛楠"], None, None),
        ("", "采写：南都见习记者 林子沛", "", ["林子沛"], None, None),
        ("IT之家\n发布时间：09-3022:46", "", "", ["IT之家"], None, None),
        (
            "澎湃新闻记者 贺梨萍\n2020-06-06 10:08 来源：澎湃新闻",
            "",
            "",
            ["贺梨萍"],
            None,
            "澎湃新闻",
        ),
        ("作者：未知 责任编辑：棒棒不是糖", "", "", [], "棒棒不是糖", None),
        ("（资料来源：参考消息、海外网等）", "", "", [], None, None),
        ("作者最新文章\n开发者用虚幻4重新打造", "", "", [], None, None),
        ("原创 GameForce 2019-09-04 22:18:34", "", "", ["GameForce"], None, None),
        ("华夏人文 2020-03-09 18:14:21", "采写：南都见习记者 林子沛", "", ["林子沛"], None, None),
        ("", "责编：Demi Xia", "", [], "Demi Xia", None),
        # Where the reporter filed from is no name.
        ("新华社记者 张三 发自北京", "", "", ["张三"], None, None),
        ("记者 王五 北京报道", "", "", ["王五"], None, None),
    ],
)
def test_byline(
    header: str, tail: str, lead: str, authors: list[str], editor: str | None, source: str | None
) -> None:
    byline = read_byline(header, tail, lead)
    assert byline.authors == authors
    assert byline.editor == editor
    assert byline.source == source


def test_meta_author_that_is_the_source_is_not_a_journalist_the_site_a_last_resort() -> None:
    body = "<p>" + "正文内容，很长的一段话。" * 20 + "</p>"
    html = (
        "<html><head><title>某条新闻的标题在这里_网易新闻</title>"
        '<meta name="author" content="网易"><meta name="article:author" content="参考消息">'
        '<meta name="mediaid" content="参考消息"></head>'
        f"<body><h1>某条新闻的标题在这里</h1>{body}</body></html>"
    )
    article = extract(html)
    # The outlet (article:author = the source) is no author. The site's own
    # name is kept only as the last resort: no source names a journalist, and
    # the page declares it as its author (labelled pages list the site, as in
    # "Presse Augsburg", when nothing else is printed). It used to be dropped.
    assert article.authors == ["网易"]
    assert article.source == "参考消息"
    assert article.field_sources["source"] == "meta"


def test_placeholder_metas_are_not_people() -> None:
    body = "<p>" + "正文内容，很长的一段话。" * 20 + "</p>"
    html = (
        "<html><head><title>某条新闻的标题在这里</title>"
        '<meta name="author" content="name, email@gmail.com"><meta name="editor" content="1610">'
        f"</head><body><h1>某条新闻的标题在这里</h1>{body}</body></html>"
    )
    article = extract(html)
    assert article.authors == ["name"] or article.authors == []
    assert "email@gmail.com" not in article.authors
    assert article.editor is None


# --- Dates ------------------------------------------------------------------


def _dated(byline: str, meta: str = "") -> str:
    body = "<p>" + "正文内容，很长的一段话。" * 20 + "</p>"
    return (
        f"<html><head><title>某条新闻的标题在这里</title>{meta}</head>"
        f'<body><h1>某条新闻的标题在这里</h1><div class="info">{byline}</div>{body}</body></html>'
    )


def test_date_meta_beats_text() -> None:
    html = _dated(
        "2019-01-01 08:00",
        '<meta property="article:published_time" content="2019-09-07T13:43:45+08:00">',
    )
    article = extract(html)
    assert article.date_published == datetime(2019, 9, 7, 5, 43, 45, tzinfo=UTC)
    assert article.date_published_raw == "2019-09-07T13:43:45+08:00"
    assert article.field_sources["date_published"] == "meta"


def test_date_from_byline_text_in_beijing_time() -> None:
    article = extract(_dated("2019年09月05日 11:10 来源：新华网"))
    assert article.date_published == datetime(2019, 9, 5, 3, 10, tzinfo=UTC)
    assert article.date_published_raw == "2019年09月05日 11:10"
    assert article.field_sources["date_published"] == "text"


def test_relative_date_against_fetch_time() -> None:
    fetched = datetime(2024, 6, 12, 7, 20, tzinfo=UTC)  # 15:20 in Beijing
    article = extract(_dated("昨天 11:10"), fetched_at=fetched)
    assert article.date_published == datetime(2024, 6, 11, 11, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    article = extract(_dated("10分钟前"), fetched_at=fetched)
    assert article.date_published == fetched - timedelta(minutes=10)


def test_labelled_publication_date_beats_a_date_in_the_story() -> None:
    body = "<p>2019年2月27日下午，调研组一行到金融街考察调研。" + "正文内容。" * 30 + "</p>"
    html = (
        "<html><head><title>某条新闻的标题在这里</title></head><body>"
        f"<h1>某条新闻的标题在这里</h1><div>来源于：某办事处</div><div>{body}</div>"
        "<p>发布日期： 2019-03-06 责任编辑： 龙慧</p></body></html>"
    )
    article = extract(html)
    assert article.date_published == datetime(2019, 3, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert article.editor == "龙慧"


def test_modified_date_is_never_the_publication_date() -> None:
    # This used to give the update as the publication date when nothing else
    # dated the page; an update is not a publication (issue 16).
    article = extract(_dated("", '<meta name="dateUpdate" content="2019-10-08 12:00:57">'))
    assert article.date_published is None
    assert article.date_modified == datetime(2019, 10, 8, 4, 0, 57, tzinfo=UTC)


def test_year_less_date_takes_the_year_of_the_update() -> None:
    article = extract(
        _dated("发布时间：10-08 12:00", '<meta name="dateUpdate" content="2019-10-09 08:00:00">')
    )
    assert article.date_published == datetime(2019, 10, 8, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_no_date_is_none_not_invented() -> None:
    article = extract(_dated("来源：某报"))
    assert article.date_published is None
    assert article.date_published_raw is None


# --- JSON-LD ----------------------------------------------------------------


def _ld(*scripts: str) -> str:
    tags = "".join(f'<script type="application/ld+json">{s}</script>' for s in scripts)
    return f"<html><head>{tags}</head><body></body></html>"


def test_json_ld_list_of_nodes() -> None:
    ld = read_json_ld(
        parse_html(
            _ld(
                '[{"@type": "WebPage"}, {"@type": "BlogPosting", "headline": "H", "author": "A B"}]'
            )
        )
    )
    assert (ld.is_article, ld.headline, ld.authors) == (True, "H", ["A B"])


def test_json_ld_graph_and_type_list() -> None:
    ld = read_json_ld(
        parse_html(
            _ld(
                '{"@graph": [{"@type": "WebSite", "name": "站"},'
                ' {"@type": ["Article", "NewsArticle"], "headline": "标题",'
                ' "datePublished": "2020-01-01", "image": "https://i.example/a.jpg",'
                ' "publisher": {"@type": "Organization", "name": "某报"}}]}'
            )
        )
    )
    assert ld.headline == "标题"
    assert ld.site_name == "站"
    assert ld.publisher == "某报"
    assert ld.images == ["https://i.example/a.jpg"]
    assert not ld.broken


def test_json_ld_cambrian() -> None:
    ld = read_json_ld(
        parse_html(
            _ld(
                '{"@context": "https://ziyuan.baidu.com/contexts/cambrian.jsonld", "title": "标题",'
                ' "images": ["https://i.example/a.jpg"], "pubDate": "2019-09-05T11:10:52"}'
            )
        )
    )
    assert (ld.is_article, ld.headline, ld.date_published) == (True, "标题", "2019-09-05T11:10:52")


def test_json_ld_beyond_repair_is_salvaged() -> None:
    ld = read_json_ld(
        parse_html(
            _ld(
                '{"@type": "NewsArticle", "headline": "半截\\"标题\\"",'
                ' "datePublished": "2020-02-02T10:00:00Z",'
                ' "author": {"name": "某人"}, "articleBody": "未闭合'
            )
        )
    )
    assert ld.broken
    assert ld.headline == '半截"标题"'
    assert ld.date_published == "2020-02-02T10:00:00Z"
    assert ld.authors == ["某人"]


def test_json_ld_not_an_article_is_ignored() -> None:
    ld = read_json_ld(
        parse_html(_ld('{"@type": "Organization", "name": "某公司", "headline": "x"}'))
    )
    assert not ld.is_article
    assert ld.headline is None


# --- Language ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "text", "language"),
    [
        (["zh-CN"], "中文新闻正文" * 10, "zh-CN"),
        (["en"], "这是一篇中文的新闻报道，模板默认写了英文。" * 5, "zh"),
        (["zh_cn"], "中文新闻正文" * 10, "zh-CN"),
        (["en-us"], "An English news story about the city council. " * 5, "en-US"),
        ([], "An English news story about the city council. " * 5, None),
        ([], "日本語のニュース記事です。東京都は本日、新しい計画を発表した。" * 3, "ja"),
        ([], "중앙 정부는 오늘 새로운 계획을 발표했다. 시민들은 환영했다." * 3, "ko"),
        (["中文"], "中文新闻正文" * 10, "zh"),
        # No East Asian script at all: the Latin letters alone decide.
        (["de"], "Kurz.", "de"),
        (["zh-CN"], "An English news story about the city council. " * 5, None),
        (["zh-CN"], "Short “quoted” text — 12 €.", "zh-CN"),
    ],
)
def test_language(declared: list[str], text: str, language: str | None) -> None:
    assert detect_language(declared, text) == language


@pytest.mark.parametrize(
    ("names", "junk"),
    [
        ("ad", True),
        ("top ad", True),
        ("ad-slot", True),
        ("head", False),  # "ad" inside a word
        ("load-more", True),
        ("gradient", False),
        ("sidebarRelated", True),  # camel case: "Related" starts a word
        ("photo-caption", False),  # "hot" inside "photo"
        ("canvas", False),  # "nav" inside "canvas"
        ("site-nav", True),
        ("main-nav", False),  # "main" is a content name
        ("article-comments", False),  # content names win
        ("tags", True),
        ("tagsxyz", False),
        ("x_footer", True),
    ],
)
def test_junk_names_read_junk_words_at_a_word_edge(names: str, junk: bool) -> None:
    assert junk_names(names) is junk


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("<p>" + "x" * 39 + "</p>", True),
        ("<p>" + "x" * 40 + "</p>", False),
        ("<p>" + " \n ".join("x" * 39) + "</p>", True),  # spaces do not count
        ("<p>" + " " * 500 + "</p>" + "<b>x</b>" * 40, False),  # a long text whose start is blank
        ("<p>" + "\u3000" * 200 + "字" * 20 + "</p><p>" + "字" * 19 + "</p>", True),
        ("<p>" + "字" * 20 + "</p>tail<i>" + "字" * 16 + "</i>", False),  # tails count
    ],
)
def test_too_short_body_counts_the_characters_that_are_not_spaces(text: str, short: bool) -> None:
    assert too_short_body(parse_html(f"<div>{text}</div>").find(".//div")) is short


@pytest.mark.parametrize(
    ("text", "squeezed"),
    [
        ("  a \t b\xa0\u3000c  ", "a b c"),
        ("a\n\n \n\tb \n", "a\nb"),
        ("Seite 1 von 3\u2009\u20091\u2009\u20092", "Seite 1 von 3 1 2"),
        ("line one\u2028 line two\r\nthree", "line one line two\nthree"),
        (" \n \t\n", ""),
    ],
)
def test_squeeze_makes_spaces_one_and_drops_blank_lines(text: str, squeezed: str) -> None:
    assert squeeze(text) == squeezed


# --- URLs and listings ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://news.sina.com.cn/c/2019-11-25/doc-iihnzahi3275702.shtml",
        "https://www.guancha.cn/politics/2019_09_09_517162.shtml",
        "https://news.163.com/19/0907/13/EO8TP4G3000189FH.html",
        "http://www.xinhuanet.com/world/2019-12/10/c_1125327450.htm",
        "https://news.mydrivers.com/1/792/792044.htm",
        "https://www.thepaper.cn/newsDetail_forward_4424373",
        "https://www.example.com/article/some-long-slug-here",
        "https://www.riverside-ledger.example/news/2022/04/14/bike-lanes-approved",
        "https://blog.example.org/posts/how-we-built-the-new-search-engine",
        "https://bbs.example.com/thread-12345-1-1.html",
        "https://www.example.com/news.php?id=12345",
    ],
)
def test_article_urls(url: str) -> None:
    assert is_article_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.com/",
        "https://www.example.com/index.html",
        "https://news.mydrivers.com/tag/xiaomi.htm",
        "https://www.example.com/tags/china/",
        "https://www.example.com/category/world/",
        "https://www.example.com/news/list_2.html",
        "https://www.example.com/login",
        "https://www.example.com/search?q=news",
        "https://www.example.com/about/",
        "https://www.example.com/images/2019/09/05/photo.jpg",
        "https://www.example.com/news/?page=3",
        "mailto:editor@example.com",
        "ftp://example.com/2019/09/05/1.html",
    ],
)
def test_not_article_urls(url: str) -> None:
    assert not is_article_url(url)


def test_same_site() -> None:
    assert same_site("https://news.163.com/a", "https://www.163.com/b")
    assert same_site("https://a.sina.com.cn/x", "https://news.sina.com.cn/y")
    assert not same_site("https://a.com.cn/x", "https://b.com.cn/y")
    assert not same_site("https://example.com/x", "https://example.org/y")


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ('<link rel="next" href="/list/3">', "https://s.example/list/3"),
        ('<a href="/p/1">1</a><a href="?page=3" rel="next">›</a>', "https://s.example/list?page=3"),
        ('<a href="/list_3.html">下一页</a>', "https://s.example/list_3.html"),
        ('<a href="/list/3">下一页 ></a>', "https://s.example/list/3"),
        ('<a class="next" href="/list/3">Older</a>', "https://s.example/list/3"),
        ('<a href="/list/3">›</a>', "https://s.example/list/3"),
        (
            '<a href="/list/1">1</a><span class="cur">2</span><a href="/list/3">3</a>',
            "https://s.example/list/3",
        ),
        ('<a href="/list/1">1</a>', None),
    ],
)
def test_next_page(links: str, expected: str | None) -> None:
    root = parse_html(f"<html><head></head><body>{links}</body></html>")
    assert next_page_url(root, "https://s.example/list?page=2") == expected


def test_page_number() -> None:
    assert page_number("https://s.example/list?page=4") == 4
    assert page_number("https://s.example/page/7/") == 7
    root = parse_html('<div><a href="/1">1</a><span class="current">5</span></div>')
    assert page_number("https://s.example/list", root) == 5
    assert page_number("https://s.example/list") is None


# --- Bounded work ---------------------------------------------------------


def test_huge_page_is_bounded() -> None:
    paragraph = "<p>" + "这是一段很长的正文，用来测试超大页面的处理时间是否有上限。" * 5 + "</p>"
    links = '<div class="nav">' + '<a href="/x/1">链接</a>' * 50 + "</div>"
    html = (
        "<html><head><title>超大页面的标题_某网</title></head><body><h1>超大页面的标题</h1>"
        "<p>2024-01-02 10:00</p><div class='content'>"
        + paragraph * 16_000
        + "</div>"
        + links * 16_000
        + "</body></html>"
    )
    raw = html.encode("utf-8")
    assert len(raw) > 20_000_000
    start = time.process_time()
    text, _, _ = decode_html(raw)
    article = extract(text)
    elapsed = time.process_time() - start
    assert article.title == "超大页面的标题"
    assert article.date_published is not None
    # Linear work with a cap, not the quadratic blow-up a naive XPath gives.
    assert elapsed < 30, f"{elapsed:.1f}s of CPU for a 20 MB page"


def test_deeply_nested_page() -> None:
    html = (
        "<html><body>"
        + "<div>" * 1000
        + "<h1>嵌套很深的页面标题</h1><p>"
        + "正文内容，很长的一段话。" * 20
        + "</p>"
        + "</div>" * 1000
        + "</body></html>"
    )
    assert extract(html).title == "嵌套很深的页面标题"


# Issue 16: rules learnt from the labelled development pages, one test each.

_PROSE = "<p>" + "The council met on Thursday to discuss the plan, and it passed. " * 6 + "</p>"
_NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _western(head: str = "", before: str = "", after: str = "", body: str = _PROSE) -> str:
    return (
        f"<html><head><title>Council backs the plan | The Daily Example</title>{head}</head>"
        f"<body><div class='menu'><a href='/'>Home</a></div>{before}"
        f"<article><h1>Council backs the plan</h1>{after}<div class='entry-content'>{body}</div>"
        "</article><div class='comments'><div class='comment-author'>Troll</div>"
        f"{_PROSE}</div></body></html>"
    )


def test_jsonld_author_given_as_a_reference_to_a_person_node() -> None:
    graph = (
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "NewsArticle", "headline": "Council backs the plan",'
        ' "author": {"@id": "https://x.example/#/person/1"}},'
        '{"@type": "Person", "@id": "https://x.example/#/person/1", "name": "Ann Smith"}]}'
    )
    html = _western(head=f'<script type="application/ld+json">{graph}</script>')
    assert extract(html).authors == ["Ann Smith"]


@pytest.mark.parametrize(
    "byline",
    [
        '<p class="byline">By <a rel="author" href="/a/ann">Ann Smith</a></p>',
        '<span class="author vcard"><a class="url fn n" href="/a/ann">Ann Smith</a></span>',
        '<div itemprop="author" itemscope><span itemprop="name">Ann Smith</span> Reporter</div>',
        "<p>Von Ann Smith | 3. Mai 2021</p>",
        "<p>Par Ann Smith, le 3 mai 2021</p>",
    ],
)
def test_byline_markup_and_printed_bylines(byline: str) -> None:
    article = extract(_western(after=byline))
    assert article.authors == ["Ann Smith"]


def test_comment_authors_and_the_site_name_are_no_authors() -> None:
    html = _western(
        head='<meta property="og:site_name" content="The Daily Example">'
        '<meta name="author" content="The Daily Example">',
        after='<p class="byline">By <span class="author">Ann Smith</span></p>',
    )
    assert extract(html).authors == ["Ann Smith"]


def test_the_site_name_is_the_author_only_when_nothing_else_is() -> None:
    html = _western(head='<meta name="author" content="The Daily Example">')
    assert extract(html).authors == ["The Daily Example"]


def test_the_h1_without_the_site_name_is_the_title() -> None:
    html = _western(
        head='<meta property="og:title" content="Council backs the plan | The Daily Example">'
    )
    assert extract(html).title == "Council backs the plan"


def test_a_kicker_before_the_headline_is_not_the_title() -> None:
    html = _western().replace(
        "<h1>Council backs the plan</h1>", "<h1>Politics | Council backs the plan</h1>"
    )
    assert extract(html).title == "Council backs the plan"


def test_european_date_in_the_byline() -> None:
    article = extract(_western(after="<p>am 25.08.2015 um 22:30 Uhr</p>"), fetched_at=_NOW)
    assert article.date_published is not None
    assert article.date_published.date().isoformat() == "2015-08-25"


def test_dates_in_scripts_and_in_the_future_are_not_publication_dates() -> None:
    cookie = "<script>document.cookie='a=1; expires=Thu, 31 Dec 2099 23:59:59 UTC';</script>"
    article = extract(
        _western(head=cookie, after="<p>Updated 31 December 2099</p>"), fetched_at=_NOW
    )
    assert article.date_published is None


def test_the_date_in_the_url() -> None:
    url = "https://news.example.com/2017/7/12/council-backs-the-plan"
    article = extract(_western(), url=url, fetched_at=_NOW)
    assert article.date_published is not None
    assert article.date_published.date().isoformat() == "2017-07-12"
    assert article.field_sources["date_published"] == "url"


def test_a_cookie_banner_is_not_the_body() -> None:
    banner = (
        "<div class='cookie-consent'><p>"
        + "We use cookies to improve your experience, and to measure traffic. " * 12
        + "</p></div>"
    )
    article = extract(_western(before=banner))
    assert "council met" in article.body_html and "cookies" not in article.body_html


def test_a_long_article_in_sections_is_one_body() -> None:
    sections = "".join(
        f"<section><h2>Part {n}</h2><div class='text'><p>"
        + f"Paragraph of part {n}, with words, clauses and commas, long enough. " * 8
        + "</p></div></section>"
        for n in range(1, 5)
    )
    article = extract(_western(body=sections))
    assert all(f"Paragraph of part {n}" in article.body_html for n in range(1, 5))
    assert "Troll" not in article.body_html


def _day_of_german_page(content: str, after: str = "") -> str | None:
    """The publication day ``archiver.extract`` gives a German article whose
    body opens with ``content`` and is followed by ``after``."""
    import archiver

    prose = "".join(
        f"<p>Dies ist der {i}. Absatz des Artikels, mit genug Text, um ein Artikel zu sein.</p>"
        for i in range(12)
    )
    html = (
        "<html><head><title>Ein Artikel</title></head><body><h1>Ein Artikel</h1>"
        f"<div class='content'>{content}{prose}</div>{after}</body></html>"
    )
    article = archiver.extract(html.encode(), "https://example.org/news/ein-artikel")
    return article.date_published.date().isoformat() if article.date_published else None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Veröffentlichung: <a href='/music/'>04.02.2022</a>", "2022-02-04"),
        ("Date de publication : 4 février 2022", "2022-02-04"),
        # The noun in a sentence is no label: the event's date is not the page's.
        ("Die Veröffentlichung am 04.02.2022 wurde verschoben.", None),
    ],
)
def test_publication_nouns_label_a_date_only_with_their_colon(
    line: str, expected: str | None
) -> None:
    assert _day_of_german_page("", after=f"<div class='zeile'>{line}</div>") == expected


@pytest.mark.parametrize(
    ("text", "published", "dated"),
    [
        ("发布时间：2022-02-04", ["发布时间："], ["时间："]),
        ("更新时间：2022-02-04 修改时间：x 更新日期 x", [], []),
        ("日期：2022-02-04", [], ["日期："]),
        ("posted on: 4 feb", ["posted on: "], []),
        ("last update date 4 feb · date: 5 feb", [], ["date ", "date: "]),  # "up|date" too
        ("veröffentlichung: 4. februar", ["veröffentlichung: "], []),
        ("die veröffentlichung am 4. februar", [], []),
    ],
)
def test_date_labels_in_lowered_text(text: str, published: list[str], dated: list[str]) -> None:
    from archiver.extraction.generic.dates_found import _DATE_LABEL, _PUBLISHED_LABEL

    assert [m.group() for m in _PUBLISHED_LABEL.finditer(text)] == published
    assert [m.group() for m in _DATE_LABEL.finditer(text)] == dated


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("01.02.2022 – Der Arbeitsmarkt ist gut in das Jahr gestartet", "2022-02-01"),
        ("BERLIN (dpa) – 5. März 2022: Der Bundestag hat beschlossen", "2022-03-05"),
        # A sentence that starts with a date tells of an event, not of the page.
        ("Am 04.02.2022 hat der Bundestag lange beraten, sagte sie", None),
    ],
)
def test_a_dateline_opening_the_body_dates_an_undated_page(
    opening: str, expected: str | None
) -> None:
    # Longer than a byline: only the dateline rule may read it.
    first = (
        f"<p>{opening}, und das ist nicht alles, was an diesem Tag geschah; "
        "die Einzelheiten folgen unten.</p>"
    )
    assert _day_of_german_page(first) == expected


# Titles and authors ----------------------------------------------------------


def _titled(title: str, h1: str, head: str = "", after: str = "") -> str:
    """A page with ``<title>`` ``title`` and the h1 ``h1`` (HTML) above the body."""
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        f"<div class='menu'><a href='/'>Home</a></div><article><h1>{h1}</h1>{after}"
        f"<div class='entry-content'>{_PROSE}</div></article></body></html>"
    )


@pytest.mark.parametrize(
    "title",
    [
        "Disfunctions.de » Blog Archiv » Ein Titel hier",
        "Ein Titel hier » Blog Archiv » Disfunctions.de",
    ],
)
def test_a_heading_printing_the_titles_longest_part_is_the_headline_wherever_it_stands(
    title: str,
) -> None:
    # The site and section first ("Site » Blog Archive » Post", an old
    # WordPress default), on a host that does not name the site; the
    # headline is shorter than the site's host name.
    heading = "<h2 class='post-title'>Ein Titel hier</h2>"
    html = _titled(title, "x").replace("<h1>x</h1>", heading)
    assert extract(html, url="https://www.example.org/p/4711").title == "Ein Titel hier"


def test_a_single_angle_quote_parts_the_title_from_the_site_name() -> None:
    assert strip_site_suffix("Council backs the plan › The Daily Example") == (
        "Council backs the plan"
    )


def test_a_part_that_is_the_site_name_is_cut_not_one_sharing_a_word_with_it() -> None:
    from archiver.extraction.generic.title import site_keys

    sites = site_keys("Garden Magazine")
    assert strip_site_suffix("Growing beans the garden way - Garden Magazine", sites) == (
        "Growing beans the garden way"
    )


@pytest.mark.parametrize(
    "h1",
    [
        '<span class="kicker">Politics</span><span class="visually-hidden">: </span>'
        "<span>Council backs the plan</span>",
        "<span>Politics</span>: Council backs the plan",
        '<a href="/politics/council"><span class="label">Politics</span>'
        " Council backs the plan</a>",
    ],
)
def test_a_kicker_printed_in_its_own_element_is_not_the_title(h1: str) -> None:
    html = _titled("Politics: Council backs the plan | The Daily Example", h1)
    assert extract(html).title == "Council backs the plan"


def test_a_kicker_the_title_tag_sets_apart_is_not_the_title() -> None:
    html = _titled(
        "Energy savings - free power check | The Daily Example",
        '<span class="small">Energy savings</span> Free power check for every household',
    )
    assert extract(html).title == "Free power check for every household"


def test_a_headline_printed_before_its_subtitle_is_no_kicker() -> None:
    html = _titled(
        "Council backs the plan - What it means for you | The Daily Example",
        '<span class="main">Council backs the plan</span> <span>What it means for you</span>',
    )
    assert extract(html).title.startswith("Council backs the plan")


def test_a_meta_title_printed_as_the_h1_beats_a_section_heading_matching_the_title() -> None:
    html = _titled(
        "City politics - The Daily Example",
        "Council backs the plan",
        head='<meta property="og:title" content="Council backs the plan">',
    ).replace("<article>", "<h1 class='section'>City politics</h1><article>")
    assert extract(html).title == "Council backs the plan"


def test_a_heading_longer_than_what_is_left_of_the_title_is_the_headline() -> None:
    html = _titled(
        "08.11.2021 | Council backs the plan: The Daily Example",
        "Council backs the plan",
        head='<meta property="og:site_name" content="The Daily Example">',
    )
    assert extract(html).title == "Council backs the plan"


def test_a_heading_copying_the_whole_title_loses_the_site_name_a_meta_title_drops() -> None:
    html = _titled(
        "Council backs the plan | The Daily Example",
        "Council backs the plan | The Daily Example",
        head='<meta property="og:title" content="Council backs the plan">',
    )
    assert extract(html).title == "Council backs the plan"


def test_a_heading_that_is_the_first_part_of_the_title_is_the_headline() -> None:
    title = "Council backs the plan » What the plan means for every street | The Daily Example"
    html = _titled(
        title, "Council backs the plan", head=f'<meta property="og:title" content="{title}">'
    )
    assert extract(html).title == "Council backs the plan"


def test_the_headline_keeps_the_apostrophes_the_page_prints() -> None:
    html = _titled(
        "Council's plan passes after a long night | The Daily Example",
        "Council’s plan passes after a long night",
        head='<meta property="og:title" content="Council\'s plan passes after a long night">',
    )
    assert extract(html).title == "Council’s plan passes after a long night"


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        # The label in its own element, glued to the name.
        (
            '<div class="author"><span class="label">Written by</span>'
            '<a href="/a/ann">Ann Smith</a></div>',
            ["Ann Smith"],
        ),
        # A teaser's quoted words in an element named "author" are no names.
        ('<div class="author">“Sensible, Julio…”</div>', []),
        # A news agency in lower case after the name.
        ("<p>Von Ann Smith, dpa</p>", ["Ann Smith"]),
        # A profession before the name: "Rechtsanwalt X".
        ('<div class="author">Rechtsanwalt Ann Smith</div>', ["Ann Smith"]),
        # A headline opening with "Von" is no byline.
        ("<p>Von Regeln, Zahlen und «großen Worten»</p>", []),
    ],
)
def test_byline_fields_and_words_that_are_no_names(byline: str, authors: list[str]) -> None:
    assert extract(_western(after=byline)).authors == authors


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("<p>11.12.2019 - Ann Smith</p>", ["Ann Smith"]),
        ("<p>05.02.2020 - Redaktion: Ann Smith (Pressesprecherin)</p>", ["Ann Smith"]),
        # One word after the date is a place or a section, not a name.
        ("<p>11.12.2019 - Berlin</p>", []),
    ],
)
def test_a_date_then_a_name_under_the_headline_is_a_byline(line: str, authors: list[str]) -> None:
    assert extract(_western(after=line)).authors == authors


@pytest.mark.parametrize(
    "credit",
    ["<p>Text: Ann Smith</p><p>Fotos: Bob Jones</p>", "<div><b>Von:</b><br><br>Ann Smith</div>"],
)
def test_a_credit_closing_the_article_names_the_author(credit: str) -> None:
    html = _western(body=_PROSE * 4 + credit)
    assert extract(html).authors == ["Ann Smith"]


def test_the_author_label_in_a_block_of_labelled_fields() -> None:
    block = (
        '<div class="article-author-block"><span>Datum:</span> 19.11.2021 '
        "<span>Autor:</span> Ann Smith <span>Quelle:</span> Example</div>"
    )
    html = _western().replace("</article>", f"{block}</article>")
    assert extract(html).authors == ["Ann Smith"]


def test_a_name_escaped_twice_in_json_ld_is_unescaped() -> None:
    person = '{"@type": "Person", "name": "Ana Ib&aacute;&ntilde;ez"}'
    data = f'{{"@type": "NewsArticle", "author": {person}}}'
    html = _western(head=f'<script type="application/ld+json">{data}</script>')
    assert extract(html).authors == ["Ana Ibáñez"]


def test_a_first_name_in_json_ld_is_completed_from_the_persons_description() -> None:
    person = (
        '{"@type": "Person", "name": "Ann", "description": "Ann Smith writes on city politics."}'
    )
    data = f'{{"@type": "NewsArticle", "author": {person}}}'
    html = _western(head=f'<script type="application/ld+json">{data}</script>')
    assert extract(html).authors == ["Ann Smith"]


def test_a_login_in_json_ld_is_given_as_the_byline_prints_it() -> None:
    data = '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "annsmith"}}'
    html = _western(
        head=f'<script type="application/ld+json">{data}</script>',
        after='<p class="byline">By <span class="author">Ann Smith</span></p>',
    )
    assert extract(html).authors == ["Ann Smith"]


def test_the_site_name_and_a_role_after_the_author_are_cut() -> None:
    html = _western(
        head='<meta property="og:site_name" content="Example">',
        after='<div class="byline">Ann Smith Example Staff</div>',
    )
    assert extract(html).authors == ["Ann Smith"]


def test_a_byline_in_a_column_named_sidebar_that_holds_the_headline_is_read() -> None:
    html = (
        "<html><head><title>Council backs the plan | The Daily Example</title></head><body>"
        "<article><div id='sidebar'><h1>Council backs the plan</h1>"
        "<span class='author vcard'><a rel='author' href='/a/ann'>Ann Smith</a></span></div>"
        f"<div class='entry-content'>{_PROSE}</div></article></body></html>"
    )
    assert extract(html).authors == ["Ann Smith"]


# Body recall -------------------------------------------------------------------


def _page(article: str) -> str:
    """A page with a menu, ``article`` under its headline, and a comment."""
    return (
        "<html><head><title>Council backs the plan | The Daily Example</title></head>"
        "<body><div class='menu'><a href='/'>Home</a> <a href='/news'>News</a></div>"
        f"<article><h1>Council backs the plan</h1>{article}</article>"
        f"<div class='comments'><p>{_PROSE}</p></div></body></html>"
    )


def _sentences(subject: str, count: int = 6) -> str:
    return f"{subject} was discussed at length, with figures, objections and replies. " * count


@pytest.mark.parametrize("label", ["3 Comments", "Kommentare", "Leave a Reply", "评论（0）"])
def test_the_comments_under_their_label_end_the_body(label: str) -> None:
    # Comments in a block not named like comments: the label alone tells.
    article = (
        f"<div class='story'><p>{_sentences('The plan', 8)}</p><p>{_sentences('The vote')}</p>"
        f"<div class='titlebar'>{label}</div><div><h3>#1 von Anna</h3>"
        f"<p>{_sentences('My neighbour', 2)}</p></div></div>"
    )
    body = extract(_page(article)).body_html
    assert "The vote" in body
    assert "My neighbour" not in body and label not in body


def test_a_section_so_named_in_the_first_half_of_the_text_stays() -> None:
    article = (
        f"<div class='story'><p>{_sentences('The plan', 2)}</p><h2>Comments</h2>"
        f"<p>{_sentences('What readers wrote in letters', 8)}</p></div>"
    )
    body = extract(_page(article)).body_html
    assert "Comments" in body and "What readers wrote in letters" in body


def test_soft_hyphens_are_taken_out_of_the_body() -> None:
    body = "<p>Im Mit&shy;tel&shy;al&shy;ter, so the council said, the town was small.</p>"
    article = extract(_western(body=body + _PROSE))
    assert "Mittelalter" in article.body_html
    assert "\xad" not in article.body_html and "&shy;" not in article.body_html


def test_a_junk_word_inside_another_word_does_not_name_junk() -> None:
    # "photoset" holds "hot" (as in hot news): the block is the article's.
    html = _page(
        f"<div class='column'><p>{_sentences('The budget', 8)}</p></div><div class='photoset'>"
        f"<div class='set'><div><p>{_sentences('The harbour', 6)}</p></div></div></div>"
    )
    body = extract(html).body_html
    assert "The budget" in body and "The harbour" in body


def test_a_gallery_keeps_the_captions_that_hold_its_text() -> None:
    slides = "".join(
        f"<figure><img src='/{n}.jpg'><figcaption><p>Idea {n}: a costume.</p>"
        f"<p>{_sentences(f'Costume {n}', 2)}</p></figcaption></figure>"
        for n in range(1, 7)
    )
    html = _page(f"<div class='intro'><p>{_sentences('The list', 2)}</p></div>{slides}")
    body = extract(html).body_html
    assert all(f"Costume {n}" in body for n in range(1, 7))


def test_the_text_of_a_named_anchor_is_no_link() -> None:
    answers = "".join(
        f"<p><a name='q{n}'>Question {n}: what did the council decide, and why?</a></p>"
        f"<p>{_sentences(f'Answer {n}', 3)}</p>"
        for n in range(1, 5)
    )
    body = extract(_western(body=answers)).body_html
    assert all(f"Question {n}" in body for n in range(1, 5))


def test_a_data_table_is_a_part_of_the_article_around_it() -> None:
    rows = "".join(
        f"<tr><td>Name {n}, Writer, Town {n}, Country, Signed, Year, Role, Note</td></tr>"
        for n in range(40)
    )
    html = _page(
        f"<div class='letter'><p>{_sentences('The open letter', 3)}</p>"
        f"<table>{rows}</table><p>{_sentences('Free debate', 2)}</p></div>"
    )
    body = extract(html).body_html
    assert "The open letter" in body and "Free debate" in body and "Name 39" in body


def test_the_headings_between_sibling_blocks_of_the_article_are_kept() -> None:
    # The parent is named like a list: the body is widened over its sibling
    # blocks of one kind, not to the parent; the headings between them go too.
    parts = "".join(
        f"<h3>Part {n} heading</h3><div class='panel'><div class='inner'>"
        f"<p>{_sentences(f'Part {n}', n)}</p></div></div>"
        for n in (2, 5, 3)
    )
    body = extract(_page(f"<div class='accordion-list'>{parts}</div>")).body_html
    assert all(f"Part {n} heading" in body for n in (2, 5, 3))


def test_sibling_blocks_of_the_body_s_own_kind_join_it_whatever_their_name() -> None:
    # The sections are named like junk ("report"); the body was found in one of them.
    sections = "".join(
        f"<section class='report-section'><h2>Section {n}</h2>"
        f"<div class='copy'><p>{_sentences(f'Section {n}', n)}</p></div></section>"
        for n in (3, 6, 4)
    )
    body = extract(_page(sections)).body_html
    assert all(f"Section {n} was" in body for n in (3, 6, 4))


def test_the_lead_paragraphs_above_the_body_are_kept_past_ad_slots_and_buttons() -> None:
    # The first paragraphs print before the block with the rest of the text,
    # between them an empty ad slot, a subheading and a "Read more" button.
    rest = "".join(f"<p>{_sentences(f'Point {n}', 3)}</p>" for n in range(12))
    html = _page(
        "<div class='wrap'>"
        f"<div class='para'>{_sentences('The opening', 2)}</div>"
        f"<div class='para'>{_sentences('The second paragraph', 2)}</div>"
        "<div class='slot'></div><div class='para'>What we learned</div>"
        f"<div class='more'>Read more</div><div class='rest'>{rest}</div></div>"
    )
    body = extract(html).body_html
    assert "The opening" in body and "The second paragraph" in body
    assert "What we learned" in body and "Read more" not in body and "Point 11" in body


# Author markup -------------------------------------------------------------------


@pytest.mark.parametrize(
    "byline",
    [
        # Named only by a test id.
        '<div data-testid="story-byline"><span>Ann Smith</span></div>',
        # A <byline> element with no byline word.
        "<byline>Ann Smith</byline>",
        # An agency in lower case after the name is no person.
        "<byline>Von Ann Smith, dpa</byline>",
        # A link to the author's page, in a block named like nothing.
        '<div class="meta-box"><a href="/en/staff/ann-smith/">Ann Smith</a></div>',
        '<p class="info"><a href="https://news.example.com/autor/ann-smith">Ann Smith</a></p>',
    ],
)
def test_byline_markup_the_page_scan_does_not_collect(byline: str) -> None:
    assert extract(_western(after=byline)).authors == ["Ann Smith"]


def test_a_link_in_the_text_to_another_site_s_author_page_is_no_byline() -> None:
    body = (
        "<p>The plan follows the <a href='https://other.example/authors/x/'>usual pattern</a>"
        " of such councils, as the minutes show in detail.</p>" + _PROSE
    )
    assert extract(_western(body=body)).authors == []


def test_the_day_after_the_name_ends_it() -> None:
    byline = (
        '<div data-testid="byline"><span>By</span><span><a href="/people/ann">Ann Smith</a>'
        "</span><span>Thursday, May 2, 2024 4:41AM</span></div>"
    )
    assert extract(_western(after=byline)).authors == ["Ann Smith"]


def test_a_title_after_the_name_is_no_second_author() -> None:
    byline = '<div class="info"><a href="/author/ann/">Ann Smith, CEO</a></div>'
    assert extract(_western(after=byline)).authors == ["Ann Smith"]


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        # A long line of fields: the name ends at "under" and the first bar.
        (
            "Posted by Ann Smith under Local News, Council, Planning | Tags: council, plan,"
            " budget, vote, town hall, minutes, agenda, roads, schools, parks, housing",
            ["Ann Smith"],
        ),
        # The byline word after the date and the time.
        ("Politik 06.05.2024 13:30 von Anna", ["Anna"]),
        # A colon after the byline word.
        ("Por: Ann Smith, Bob Jones", ["Ann Smith", "Bob Jones"]),
    ],
)
def test_printed_byline_lines(line: str, authors: list[str]) -> None:
    assert extract(_western(after=f"<p>{line}</p>")).authors == authors


def test_the_post_author_s_own_comment_names_the_author_of_a_blog_post() -> None:
    comments = (
        "<ol class='comment-list'>"
        "<li class='comment byuser comment-author-bob'><div class='comment-author vcard'>"
        "<cite class='fn'>Bob Reader</cite></div><p>Nice post.</p>"
        "<ul class='children'><li class='comment byuser comment-author-ann bypostauthor'>"
        "<div class='comment-author vcard'><cite class='fn'>Ann Smith</cite>"
        " <span class='says'>says:</span></div><p>Thank you!</p>"
        "<ul class='children'><li class='comment byuser comment-author-carl'>"
        "<cite class='fn'>Carl</cite></li></ul></li></ul></li></ol>"
    )
    html = _western().replace("</body>", f"{comments}</body>")
    assert extract(html).authors == ["Ann Smith"]
