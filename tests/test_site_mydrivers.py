"""The mydrivers site module on saved pages, and unit tests of its rules.

Fixtures: ``fixtures/sites/mydrivers/<case>/`` (``page.html``, ``meta.json``,
``article.json``, ``post.md``). Every field of ``article.json`` and the post
are checked by ``tests/test_fixtures.py``; here are the checks of specific
behaviour, with the hand-written ``checks`` of ``meta.json``.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from archiver.errors import NotAnArticle
from archiver.extraction.encoding import decode_html
from archiver.extraction.page import Page
from archiver.models import Article
from archiver.sites.mydrivers import MyDrivers
from tests.support import case_names, load_case

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "format" / "samples"
REAL_PAGES = SHARED / "data" / "zh-news-pages"

SITE = MyDrivers()
CASES = case_names("mydrivers")


def _of_kind(kind: str) -> list[str]:
    return [name for name in CASES if load_case("mydrivers", name).kind == kind]


ARTICLES = _of_kind("article")
LISTINGS = _of_kind("listing")
NOT_ARTICLES = _of_kind("not-an-article")


def load_page(name: str) -> Page:
    """The fixture decoded the way a crawl decodes it: bytes plus headers."""
    return load_case("mydrivers", name).page()


def checks(name: str) -> dict[str, Any]:
    """The hand-written checks of the case's ``meta.json``."""
    return load_case("mydrivers", name).checks


@cache
def article(name: str) -> Article:
    return SITE.extract_article(load_page(name))


def test_fixtures_are_all_covered() -> None:
    assert set(CASES) == set(ARTICLES) | set(LISTINGS) | set(NOT_ARTICLES)
    assert len(ARTICLES) >= 8
    assert len(LISTINGS) >= 3


# -- articles ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ARTICLES)
def test_date_is_beijing_time(name: str) -> None:
    when = article(name).date_published
    assert when is not None
    assert when.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("name", ARTICLES)
def test_defaults(name: str) -> None:
    got = article(name)
    assert got.categories == ["新媒体", "快科技（原驱动之家）", "最新新闻"]
    assert got.site_name == "快科技（原驱动之家）"
    assert got.url == load_case("mydrivers", name).meta["url"]


@pytest.mark.parametrize("name", ARTICLES)
def test_field_sources(name: str) -> None:
    got = article(name)
    sources = got.field_sources
    assert sources["title"] == "selector"
    assert sources["body_html"] == "selector"
    assert sources["categories"] == "default"
    assert sources["site_name"] == "default"
    assert sources["date_published"] == "text"
    # A field has a source exactly when it has a value.
    for field in ("source", "editor", "lead_image"):
        assert (field in sources) == (getattr(got, field) is not None), field
    for field in ("authors", "tags", "images"):
        assert (field in sources) == bool(getattr(got, field)), field


@pytest.mark.parametrize("name", ARTICLES)
def test_continuation_urls(name: str) -> None:
    assert SITE.continuation_urls(load_page(name)) == checks(name)["continuation_urls"]


@pytest.mark.parametrize("name", ARTICLES)
def test_body_content(name: str) -> None:
    body = article(name).body_html
    want = checks(name)
    assert body.startswith(want["body_starts_with"])
    for piece in want["body_contains"]:
        assert piece in body
    for piece in want["body_excludes"]:
        assert piece not in body


@pytest.mark.parametrize("name", ARTICLES)
def test_body_is_clean(name: str) -> None:
    body = article(name).body_html
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    assert not root.xpath(".//script | .//style | .//noscript | .//iframe")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attr, value in element.attrib.items():
            assert not attr.lower().startswith("on"), (element.tag, attr)
            assert not value.strip().lower().startswith("javascript:"), (element.tag, attr)
        for attr in ("href", "src"):
            value = element.get(attr)
            if value is not None:
                assert re.match(r"https?://", value), (element.tag, attr, value)
    images = root.findall(".//img")
    assert all(img.get("referrerpolicy") == "no-referrer" for img in images)
    assert not re.search(r"&(?:#\d+|#x[0-9a-f]+|nbsp|ldquo|rdquo|quot);", body, re.IGNORECASE)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", body)
    assert body == body.strip()


@pytest.mark.parametrize("name", ARTICLES)
def test_lead_image_is_a_body_image_never_the_end_icon(name: str) -> None:
    got = article(name)
    if got.lead_image is None:
        assert not got.images
        return
    assert "end_article" not in got.lead_image
    assert f'src="{got.lead_image}"' in got.body_html


def test_no_charset_page_is_decoded_as_utf8() -> None:
    case = load_case("mydrivers", "desktop-no-charset")
    assert b"charset" not in case.body.lower()
    assert "charset" not in str(case.meta["headers"]).lower()
    page = case.page()
    assert (page.encoding, page.warnings) == ("utf-8", [])
    assert article("desktop-no-charset").title == case.expected["title"]


def test_two_pages_share_one_key() -> None:
    first, second = article("desktop-multipage-1"), article("desktop-multipage-2")
    assert first.canonical_url == second.canonical_url
    assert SITE.continuation_urls(load_page("desktop-multipage-1")) == [
        "https://news.mydrivers.com/1/790/790388_2.htm"
    ]


def test_mydrivers_links_become_https_even_on_a_local_copy() -> None:
    html = (
        '<html><body><div class="news_bt" id="thread_subject">标题</div>'
        '<div class="news_bt1_left">2022-07-29 16:51:41</div><div class="news_info">'
        '<p><a href="//img1.mydrivers.com/img/1/a.jpg">'
        '<img src="//img1.mydrivers.com/img/1/s_a.jpg"></a>'
        '<a href="//other.example/x">x</a><a href="/tag/y.htm">y</a>'
        '<a href="http://mydrivers.com.example/z">z</a></p>'
        '<p class="bqian"><a href="//news.mydrivers.com/tag/t.htm">T</a></p></div></body></html>'
    )
    got = SITE.extract_article(Page(url="http://127.0.0.1:8000/1/792/792044.htm", html=html))
    assert got.lead_image == "https://img1.mydrivers.com/img/1/s_a.jpg"
    assert [i.url for i in got.images] == ["https://img1.mydrivers.com/img/1/a.jpg"]
    assert got.tags[0].url == "https://news.mydrivers.com/tag/t.htm"
    assert 'href="http://other.example/x"' in got.body_html
    assert 'href="http://127.0.0.1:8000/tag/y.htm"' in got.body_html
    assert 'href="http://mydrivers.com.example/z"' in got.body_html
    assert got.canonical_url == "http://127.0.0.1:8000/1/792/792044.htm"


# -- pages that are not articles -------------------------------------------------


@pytest.mark.parametrize("name", NOT_ARTICLES + LISTINGS)
def test_not_an_article_names_the_page(name: str) -> None:
    # The reason (and a listing's links) are in article.json, checked by test_fixtures.
    page = load_page(name)
    with pytest.raises(NotAnArticle) as caught:
        SITE.extract_article(page)
    assert caught.value.url == page.url


def test_empty_body_is_not_an_article() -> None:
    html = (
        '<html><body><div class="news_bt" id="thread_subject">标题</div>'
        '<div class="news_info">  <script>x()</script> </div></body></html>'
    )
    with pytest.raises(NotAnArticle) as caught:
        SITE.extract_article(Page(url="https://news.mydrivers.com/1/792/792001.htm", html=html))
    assert caught.value.reason == "no-body"


# -- listings -------------------------------------------------------------------


def test_listing_dedupes_tracking_and_mobile_links() -> None:
    urls = SITE.parse_listing(load_page("tag-xiaomi")).article_urls
    assert len(urls) == len(set(urls))
    assert all("?" not in url and "#" not in url for url in urls)
    raw = load_case("mydrivers", "tag-xiaomi").body.decode("utf-8")
    assert raw.count("1/792/792044.htm?utm_source") == 3  # the fixture does link it twice


def _listing(html: str, url: str = "https://news.mydrivers.com/tag/x.htm") -> Page:
    return Page(
        url=url,
        html=f"<html><head><title>X最新资讯-快科技--科技改变未来</title></head>"
        f"<body>{html}</body></html>",
    )


@pytest.mark.parametrize(
    "pager",
    [
        '<a href="/tag/x_2.htm" rel="next">more</a>',
        '<a href="/tag/x_2.htm" class="next">&gt;</a>',
        '<a href="/tag/x_2.htm">下一页</a>',
        '<a href="/tag/x_2.htm">下页</a>',
        '<a href="/tag/x_2.htm">&gt;</a>',
        '<a href="/tag/x_2.htm">下一页&gt;</a>',
        '<div class="page"><b class="cur">1</b> <a href="/tag/x_2.htm">2</a></div>',
    ],
)
def test_next_page_forms(pager: str) -> None:
    page = _listing(f'<a href="/1/792/792044.htm">a</a>{pager}')
    assert SITE.parse_listing(page).next_page == "https://news.mydrivers.com/tag/x_2.htm"


@pytest.mark.parametrize(
    ("url", "head", "body", "want"),
    [
        (
            "https://news.mydrivers.com/tag/x.htm",
            "小米 最新资讯 - 快科技--科技改变未来",
            "",
            "小米",
        ),
        (
            "https://news.mydrivers.com/tag/x.htm",
            "标签--快科技--科技改变未来",
            '<div class="tag_name"> 华为 </div>',
            "华为",
        ),
        ("https://news.mydrivers.com/tag/x.htm", "苹果--快科技--科技改变未来", "", "苹果"),
        ("https://news.mydrivers.com/", "快科技--科技改变未来", "<h1>最新资讯</h1>", None),
    ],
)
def test_listing_title(url: str, head: str, body: str, want: str | None) -> None:
    page = Page(url=url, html=f"<html><head><title>{head}</title></head><body>{body}</body></html>")
    assert SITE.parse_listing(page).title == want


def test_next_page_in_head_link() -> None:
    page = Page(
        url="https://news.mydrivers.com/tag/x_2.htm",
        html='<html><head><link rel="next" href="//news.mydrivers.com/tag/x_3.htm"></head>'
        "<body></body></html>",
    )
    listing = SITE.parse_listing(page)
    assert listing.next_page == "https://news.mydrivers.com/tag/x_3.htm"
    assert listing.page_number == 2


@pytest.mark.parametrize(
    "pager",
    [
        "",
        '<span class="disabled">下一页</span>',
        '<a href="javascript:;">下一页</a>',
        '<a href="#">下一页</a>',
        '<a href="/tag/x.htm">下一页</a>',  # itself
        '<a href="/1/792/792044_2.htm">下一页</a>',  # an article's page 2
        '<p><a href="/tag/y.htm">2</a></p>',  # a bare number outside a pager
    ],
)
def test_no_next_page(pager: str) -> None:
    assert SITE.parse_listing(_listing(pager)).next_page is None


def test_listing_ignores_non_article_links() -> None:
    page = _listing(
        '<a href="//comment8.mydrivers.com/review/792044-1.htm">评论</a>'
        '<a href="//news.mydrivers.com/tag/xiaomi.htm">小米</a>'
        '<a href="//news.mydrivers.com/1/793/792044.htm">wrong folder</a>'
        '<a href="//news.mydrivers.com/1/792/792044.htm#pinglun">ok</a>'
    )
    assert SITE.parse_listing(page).article_urls == ["https://news.mydrivers.com/1/792/792044.htm"]


def test_listing_on_a_local_copy_keeps_the_host() -> None:
    page = _listing(
        '<a href="//127.0.0.1:8123/1/792/792044.htm?utm_source=x">a</a>'
        '<a href="/1/792/792044.htm">again</a><a href="/tag/x_2.htm">下一页</a>',
        url="http://127.0.0.1:8123/tag/x.htm",
    )
    listing = SITE.parse_listing(page)
    assert listing.article_urls == ["http://127.0.0.1:8123/1/792/792044.htm"]
    assert listing.next_page == "http://127.0.0.1:8123/tag/x_2.htm"


# -- URLs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://news.mydrivers.com/1/792/792044.htm", True),
        ("http://news.mydrivers.com/1/792/792044.htm?utm_source=x#top", True),
        ("https://news.mydrivers.com/1/792/792044_2.htm", True),
        ("https://m.mydrivers.com/newsview/792044.html", True),
        ("//news.mydrivers.com/1/1142/1142126.htm", True),
        ("http://127.0.0.1:8000/1/792/792044.htm", True),
        ("https://news.mydrivers.com/1/793/792044.htm", False),
        ("https://news.mydrivers.com/tag/xiaomi.htm", False),
        ("https://news.mydrivers.com/", False),
        ("https://comment8.mydrivers.com/review/792044-1.htm", False),
        ("https://news.mydrivers.com/1/792/792044.html.bak", False),
        ("", False),
    ],
)
def test_is_article_url(url: str, want: bool) -> None:
    assert SITE.is_article_url(url) is want


@pytest.mark.parametrize(
    "url",
    [
        "https://news.mydrivers.com/1/792/792044.htm",
        "http://news.mydrivers.com/1/792/792044.htm",
        "https://NEWS.mydrivers.com/1/792/792044.htm?utm_source=weibo&utm_medium=share",
        "https://news.mydrivers.com/1/792/792044.htm#pinglun",
        "https://news.mydrivers.com/1/792/792044_3.htm",
        "https://m.mydrivers.com/newsview/792044.html",
        "http://m.mydrivers.com/newsview/792044.html?from=app",
        " https://news.mydrivers.com/1/792/792044.htm ",
    ],
)
def test_canonical_url_folds_every_form(url: str) -> None:
    assert SITE.canonical_url(url) == "https://news.mydrivers.com/1/792/792044.htm"


@pytest.mark.parametrize(
    ("url", "want"),
    [
        (
            "http://127.0.0.1:8000/1/792/792044.htm?utm_source=x",
            "http://127.0.0.1:8000/1/792/792044.htm",
        ),
        ("http://localhost:9/newsview/792044.html", "http://localhost:9/1/792/792044.htm"),
        ("https://mirror.example/1/792/792044_2.htm#a", "https://mirror.example/1/792/792044.htm"),
        ("https://news.mydrivers.com/tag/xiaomi.htm", "https://news.mydrivers.com/tag/xiaomi.htm"),
    ],
)
def test_canonical_url_elsewhere(url: str, want: str) -> None:
    assert SITE.canonical_url(url) == want


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://news.mydrivers.com/1/792/792044.htm", True),
        ("https://m.mydrivers.com/newsview/1.html", True),
        ("https://mydrivers.com/", True),
        ("https://notmydrivers.com/1/792/792044.htm", False),
        ("https://mydrivers.com.evil.example/", False),
        ("http://127.0.0.1:8000/1/792/792044.htm", False),
    ],
)
def test_owns(url: str, want: bool) -> None:
    assert SITE.owns(url) is want


def test_site_attributes() -> None:
    assert SITE.name == "mydrivers"
    assert SITE.latest_url is not None and SITE.owns(SITE.latest_url)
    assert SITE.defaults.timezone.key == "Asia/Shanghai"


# -- the real posts of the old archive -------------------------------------------


def _samples() -> list[Path]:
    return sorted(SAMPLES.glob("mydrivers-*.md")) if SAMPLES.is_dir() else []


@pytest.mark.skipif(not _samples(), reason="../shared/format/samples/ is absent")
@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.stem)
def test_sample_body_reads_like_the_old_archive(path: Path) -> None:
    """A page whose body is an old post's body gives back that post's fields."""
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^title: ['\"](.*)['\"]$", text, re.MULTILINE)
    headimg = re.search(r"^headimg: '(.*)'$", text, re.MULTILINE)
    body = text.split("<div>   \n", 1)[1].rsplit("\n</div>", 1)[0]
    assert title and headimg
    html = (
        f"<html><body><div class='news_n'><div class='news_bt' id='thread_subject'>"
        f"{title.group(1)}</div><div class='news_bt1'><div class='news_bt1_left'>"
        f"2022-07-29 16:51:41&nbsp;&nbsp;出处：快科技</div></div>"
        f"<div class='news_info'>{body}</div></div></body></html>"
    )
    got = SITE.extract_article(Page(url="https://news.mydrivers.com/1/792/792044.htm", html=html))
    assert got.lead_image == headimg.group(1)
    editor = re.search(r"责任编辑：([^<\s]+)", body)
    assert editor and got.editor == editor.group(1)
    tag_names = re.findall(
        r'<a href="https://news.mydrivers.com/tag/[^"]+">(?:<i>#</i>)?([^<]+)</a>', body
    )
    assert [t.name for t in got.tags] == tag_names
    # Every image of the old body is still there, as it was.
    for img in re.findall(r'src="(https://img1\.mydrivers\.com/[^"]+)"', body):
        assert f'src="{img}"' in got.body_html
    assert got.body_html.count("<img") == body.count("<img")


# -- robustness on real pages of other sites -----------------------------------


def _real_pages() -> list[Path]:
    return sorted(REAL_PAGES.rglob("*.html")) if REAL_PAGES.is_dir() else []


@pytest.mark.skipif(not _real_pages(), reason="../shared/data/zh-news-pages/ is absent")
def test_forced_on_other_sites_never_crashes() -> None:
    """`--site mydrivers` on a page of another site: an article or NotAnArticle, nothing else."""
    for path in _real_pages():
        text, _codec, _warnings = decode_html(path.read_bytes(), None)
        page = Page(url=f"http://127.0.0.1:8000/{path.parent.name}/{path.name}", html=text)
        with contextlib.suppress(NotAnArticle):
            SITE.extract_article(page)
        SITE.parse_listing(page)
        SITE.continuation_urls(page)


def _real_mydrivers_pages() -> list[Path]:
    found = []
    for path in _real_pages():
        raw = path.read_bytes()
        if b"thread_subject" in raw and b"mydrivers" in raw:
            found.append(path)
    return found


@pytest.mark.skipif(not _real_mydrivers_pages(), reason="no real mydrivers page in ../shared/data")
@pytest.mark.parametrize("path", _real_mydrivers_pages(), ids=lambda p: p.stem)
def test_real_mydrivers_page(path: Path) -> None:
    text, _codec, _warnings = decode_html(path.read_bytes(), None)
    got = SITE.extract_article(Page(url="https://news.mydrivers.com/1/792/792044.htm", html=text))
    assert got.title and got.date_published and got.body_html


# -- the demo copy of a tag page (archiver/demo/site) ------------------------

DEMO = ROOT / "archiver" / "demo" / "site"
DEMO_HOST = "https://news.mydrivers.com"


def _demo_page(path: str) -> Page:
    body = (DEMO / path).read_bytes()
    text, codec, warnings = decode_html(body, "text/html")
    return Page(url=f"{DEMO_HOST}/{path}", html=text, encoding=codec, warnings=warnings)


def _walk_demo() -> tuple[list[str], dict[str, Article], dict[str, str], int]:
    """Crawl the demo files as the spider would: listings, routes, page 2s.

    Returns the listing pages, the articles by final path, the failures by
    path, and how many links were dropped as repeats.
    """
    routes = json.loads((DEMO / "_routes.json").read_text(encoding="utf-8"))["routes"]
    expected_demo = json.loads((DEMO / "EXPECTED.json").read_text(encoding="utf-8"))
    listings: list[str] = []
    archived: dict[str, Article] = {}
    failed: dict[str, str] = {}
    seen: set[str] = set()
    repeats = 0
    url: str | None = f"{DEMO_HOST}/{expected_demo['start']}"
    while url:
        path = url.removeprefix(f"{DEMO_HOST}/")
        listings.append(path)
        listing = SITE.parse_listing(_demo_page(path))
        for link in listing.article_urls:
            key = SITE.canonical_url(link)
            if key in seen:
                repeats += 1
                continue
            seen.add(key)
            path = link.removeprefix(f"{DEMO_HOST}/")
            route = routes.get(path, {})
            if route.get("status") == 301:
                path = route["location"].lstrip("/")
            elif route.get("status") == 404 or not (DEMO / path).is_file():
                failed[path] = f"HTTP {route.get('status', 404)}"
                continue
            page = _demo_page(path)
            try:
                got = SITE.extract_article(page)
            except NotAnArticle as exc:
                failed[path] = f"not an article: {exc}"
                continue
            for more in SITE.continuation_urls(page):
                rest = SITE.extract_article(_demo_page(more.removeprefix(f"{DEMO_HOST}/")))
                got = got.model_copy(
                    update={
                        "body_html": f"{got.body_html}\n{rest.body_html}",
                        "tags": got.tags or rest.tags,
                        "images": [*got.images, *rest.images],
                    }
                )
            archived[path] = got
        url = listing.next_page
    return listings, archived, failed, repeats


def test_demo_site_gives_exactly_what_expected_says() -> None:
    want = json.loads((DEMO / "EXPECTED.json").read_text(encoding="utf-8"))
    listings, archived, failed, repeats = _walk_demo()
    assert listings == want["listing_pages"]
    assert len(listings) >= 3
    assert sorted(archived) == sorted(item["path"] for item in want["archived"])
    assert len(archived) >= 25
    assert set(failed) == {item["path"] for item in want["failed"]}
    for item in want["failed"]:
        assert failed[item["path"]].startswith(item["reason"])
    assert repeats >= len(want["duplicate_links"])
    for item in want["archived"]:
        got = archived[item["path"]]
        assert got.title == item["title"]
        assert got.date_published is not None
        assert got.date_published.isoformat() == item["date_published"]
        assert [t.name for t in got.tags] == item["tags"]
        assert len(got.images) == item["images"]
        assert (got.lead_image is None) == (item["images"] == 0)


def test_demo_listing_title_is_the_tag() -> None:
    want = json.loads((DEMO / "EXPECTED.json").read_text(encoding="utf-8"))
    for path in want["listing_pages"]:
        assert SITE.parse_listing(_demo_page(path)).title == want["tag"]


def test_demo_routes_and_links() -> None:
    manifest = json.loads((DEMO / "_routes.json").read_text(encoding="utf-8"))
    assert manifest["rewrite_hosts"] == ["news.mydrivers.com"]
    statuses = [route.get("status", 200) for route in manifest["routes"].values()]
    assert 404 in statuses and 301 in statuses
    for path in DEMO.rglob("*.htm"):
        html = path.read_text(encoding="utf-8")
        # Links as the site writes them: protocol-relative, never to this machine.
        assert 'href="//news.mydrivers.com/' in html
        assert "127.0.0.1" not in html and "localhost" not in html
        assert 'href="http://news.mydrivers.com' not in html


def test_demo_is_small_and_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    size = sum(f.stat().st_size for f in DEMO.rglob("*") if f.is_file())
    assert size < 1_500_000
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_demo", DEMO.parent / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_demo", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    module.build(tmp_path / "site")
    built = {
        p.relative_to(tmp_path / "site"): p.read_bytes()
        for p in (tmp_path / "site").rglob("*")
        if p.is_file()
    }
    committed = {p.relative_to(DEMO): p.read_bytes() for p in DEMO.rglob("*") if p.is_file()}
    assert built == committed
