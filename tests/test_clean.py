"""The pure processors of archiver.extraction.clean."""

from __future__ import annotations

import re

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.extraction.clean import (
    absolutize,
    body_images,
    clean_body,
    clean_text,
    clean_tree,
    image_src,
    inner_html,
    is_junk_image,
    lead_image,
)
from archiver.models import Image, has_control_chars

BASE = "https://news.mydrivers.com/1/792/792044.htm"
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# -- clean_text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (None, ""),
        ("", ""),
        ("  小米汽车  ", "小米汽车"),
        ("a\u00a0\u00a0b", "a b"),
        ("a\u3000b", "a b"),
        ("a\n\t b\r\nc", "a b c"),
        ("a\u0085b", "ab"),
        ("a\x00b\x1fc\x7fd", "abcd"),
        ("a\u200bb\ufeff", "ab"),
        ("AT&amp;T &ldquo;引号&rdquo; &#x4e2d;&#25991;", "AT&T “引号” 中文"),
        ("1 < 2 & 3 > 2", "1 < 2 & 3 > 2"),
        ("emoji 👍🏻 kept", "emoji 👍🏻 kept"),
    ],
)
def test_clean_text(raw: str | None, want: str) -> None:
    assert clean_text(raw) == want


@given(st.text())
def test_clean_text_is_one_clean_line(raw: str) -> None:
    got = clean_text(raw)
    assert not has_control_chars(got)
    assert got == got.strip()
    assert "  " not in got
    assert clean_text(got) == got or "&" in got


# -- absolutize -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "base", "want"),
    [
        (
            "//img1.mydrivers.com/a.jpg",
            "https://news.mydrivers.com/",
            "https://img1.mydrivers.com/a.jpg",
        ),
        (
            "//img1.mydrivers.com/a.jpg",
            "http://news.mydrivers.com/",
            "http://img1.mydrivers.com/a.jpg",
        ),
        ("/tag/xiaomi.htm", BASE, "https://news.mydrivers.com/tag/xiaomi.htm"),
        ("792045.htm", BASE, "https://news.mydrivers.com/1/792/792045.htm"),
        ("https://other.example/x", BASE, "https://other.example/x"),
        ("  /a\n/b\t.htm ", BASE, "https://news.mydrivers.com/a/b.htm"),
        ("/a b.jpg", BASE, "https://news.mydrivers.com/a%20b.jpg"),
        ("", BASE, ""),
        ("?page=2", "http://127.0.0.1:8000/tag/x.htm", "http://127.0.0.1:8000/tag/x.htm?page=2"),
    ],
)
def test_absolutize(url: str, base: str, want: str) -> None:
    assert absolutize(url, base) == want


_URL_PART = st.text(alphabet="aZ09.-_/;?#:@[]%~ \u00e9", max_size=12)


@given(
    scheme=st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "//", ""]),
    host=st.sampled_from(
        ["x.example", "X.Example:8080", "[::1]", "a@b.example", "", "ex\u00e4.de"]
    ),
    rest=_URL_PART,
    base=st.sampled_from([BASE, "http://127.0.0.1:8000/a/b?c", "https://x.example/"]),
)
def test_absolutize_gives_what_urljoin_gives(scheme: str, host: str, rest: str, base: str) -> None:
    """The shortcut for plain absolute URLs changes nothing: urljoin's answer."""
    from urllib.parse import urljoin

    url = scheme + host + rest
    try:
        want = urljoin(base, url.strip()).replace(" ", "%20") if url.strip() else ""
    except ValueError:
        with pytest.raises(ValueError):
            absolutize(url, base)
        return
    assert absolutize(url, base) == want


# -- clean_body -----------------------------------------------------------------


def test_clean_body_removes_scripts_but_keeps_text_around_them() -> None:
    got = clean_body(
        "<p>前<script>alert(1)</script>中<style>p{}</style>后</p>"
        "<noscript><img src=x></noscript><iframe src='//ad.example/'></iframe><p>尾</p>",
        BASE,
    )
    assert got == "<p>前中后</p><p>尾</p>"


def test_clean_body_removes_handlers_and_javascript_urls() -> None:
    got = clean_body(
        '<p onclick="x()" ONMOUSEOVER="y()"><a href=" javascript:void(0)" onclick="z()">纠错</a>'
        '<a href="vbscript:x">v</a><form action="javascript:x"></form></p>',
        BASE,
    )
    root = lxml.html.fragment_fromstring(got, create_parent="div")
    assert not [a for e in root.iter() for a in e.attrib if a.lower().startswith("on")]
    assert "javascript" not in got.lower() and "vbscript" not in got.lower()
    assert "纠错" in got


@pytest.mark.parametrize(
    "html",
    [
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<svg><a><set attributeName="href" to="javascript:alert(1)"/>x</a></svg>',
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>x</a></svg>',
        '<math><maction xlink:href="javascript:alert(1)">x</maction></math>',
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
        '<p style="width:expression(alert(1))">x</p>',
        '<form action="/post"><input name="q"><button formaction="/b">x</button></form>',
    ],
)
def test_the_issues_vectors_leave_only_text(html: str) -> None:
    """Issue 11: each came out of the old deny-list cleaner still working."""
    got = clean_body(html, BASE)
    root = lxml.html.fragment_fromstring(got, create_parent="div")
    assert root.text_content().strip() == "x"
    assert not [(e.tag, e.attrib) for e in root.iter("a", "p") if e.attrib], got
    assert not root.xpath(".//svg | .//math | .//form | .//input | .//button | .//set")


@pytest.mark.parametrize(
    ("html", "want"),
    [
        ("<p>a<textarea>b</p><p>c</p>\n</body>\n</html>\n", "<p>ab</p><p>c</p><p></p>"),
        ("<p>a<xmp>b \n </BODY> \n </HTML> ", "<p>a</p>b"),
        # Long runs of indentation in what an unclosed element swallowed
        # (a regex anchored at the end took seconds on these).
        (
            "<p>a<xmp>" + ("<div>\n" + " " * 200 + "x</div>\n") * 200,
            "<p>a</p>" + "<div>x</div>" * 200,
        ),
    ],
)
def test_unclosed_raw_text_element_keeps_what_it_swallowed(html: str, want: str) -> None:
    assert clean_body(html, BASE).replace("\n", "") == want


def test_text_after_an_unclosed_embed_stays() -> None:
    """Issue 11: <embed> is void; libxml2 put what follows inside it, and it went."""
    got = clean_body('<p>前<embed src="/v.swf">后</p><p>尾</p>', BASE)
    assert got == "<p>前后</p><p>尾</p>"


@pytest.mark.parametrize(
    "html",
    [
        "&#1;<p>lead</p>",
        '<a href=" &#14; https://a.example/">x</a>',
        '<img src="/a.jpg&#1;">',
        '<a href="https://[oops/">x</a><img src="https://a.example:99999/x.jpg">',
        "a\ufffeb",
    ],
)
def test_odd_input_does_not_raise(html: str) -> None:
    got = clean_body(html, BASE)
    assert not CONTROLS.search(got)


def test_clean_body_in_place_gives_the_same_body_and_leaves_a_copy_alone() -> None:
    html = '<div><section><p>a <a href="/x">x</a></p></section><script>s()</script></div>'
    element = lxml.html.fragment_fromstring(html)
    copied = clean_body(element, BASE)
    assert lxml.html.tostring(element, encoding="unicode") == html  # untouched
    assert clean_body(element, BASE, in_place=True) == copied
    assert element.find(".//script") is None  # cleaned itself
    assert element.find(".//a").get("href") == "https://news.mydrivers.com/x"


def test_clean_body_makes_urls_absolute() -> None:
    got = clean_body(
        '<a href="//news.mydrivers.com/tag/x.htm">t</a><a href="/1/1/1001.htm">r</a>'
        '<a href="#note">n</a><a href="mailto:a@b.c">m</a><video poster="/p.jpg"></video>',
        "http://news.mydrivers.com/1/792/792044.htm",
    )
    assert 'href="http://news.mydrivers.com/tag/x.htm"' in got
    assert 'href="http://news.mydrivers.com/1/1/1001.htm"' in got
    assert 'href="#note"' in got and 'href="mailto:a@b.c"' in got
    assert 'poster="http://news.mydrivers.com/p.jpg"' in got


def test_every_img_gets_referrerpolicy() -> None:
    got = clean_body(
        '<img src="/a.jpg"><p><img src="/b.jpg" referrerpolicy="origin"></p><img>', BASE
    )
    root = lxml.html.fragment_fromstring(got, create_parent="div")
    images = root.findall(".//img")
    assert len(images) == 3
    assert all(img.get("referrerpolicy") == "no-referrer" for img in images)


@pytest.mark.parametrize(
    ("img", "want"),
    [
        (
            '<img data-original="/real.jpg" src="/loading.gif">',
            "https://news.mydrivers.com/real.jpg",
        ),
        (
            '<img data-src="/real.jpg" src="data:image/gif;base64,R0lG">',
            "https://news.mydrivers.com/real.jpg",
        ),
        (
            '<img src="data:image/gif;base64,R0lG" srcset="/s.jpg 300w, /l.jpg 900w">',
            "https://news.mydrivers.com/l.jpg",
        ),
        ('<img srcset="/a.jpg 1x, /b.jpg 2x">', "https://news.mydrivers.com/b.jpg"),
        ('<img src="/plain.jpg">', "https://news.mydrivers.com/plain.jpg"),
    ],
)
def test_lazy_images_are_resolved(img: str, want: str) -> None:
    got = clean_body(img, BASE)
    root = lxml.html.fragment_fromstring(got, create_parent="div")
    (element,) = root.findall(".//img")
    assert element.get("src") == want
    assert not any(a.startswith("data-") or a == "srcset" for a in element.attrib)


def test_entities_come_out_as_characters() -> None:
    got = clean_body("<p>&ldquo;快科技&rdquo;&nbsp;&#20013;&#x6587; &amp; &lt;b&gt;</p>", BASE)
    assert got == "<p>“快科技”\u00a0中文 &amp; &lt;b&gt;</p>"


def test_control_characters_are_removed() -> None:
    got = clean_body("<p>a\x85b&#133;c\x01d</p>\n<p>\te</p>", BASE)
    assert not CONTROLS.search(got)
    assert "\n" in got and "\t" in got


def test_comments_and_drop_selectors() -> None:
    got = clean_body(
        '<!-- ad --><p>正文</p><div class="adds">广告</div><a class="jiucuo">纠错</a>尾',
        BASE,
        drop_selectors=(".adds", "a.jiucuo"),
    )
    assert got == "<p>正文</p>尾"


def test_clean_body_does_not_change_its_input() -> None:
    root = lxml.html.fragment_fromstring(
        '<div><script>x</script><img data-src="/a.jpg" onclick="x"></div>'
    )
    before = lxml.html.tostring(root)
    clean_body(root, BASE)
    assert lxml.html.tostring(root) == before


def test_clean_body_is_stable() -> None:
    html = (
        '<p align="center"><a href="//img1.mydrivers.com/a.jpg">'
        '<img src="//img1.mydrivers.com/s_a.jpg" w="600"></a></p>'
    )
    once = clean_body(html, BASE)
    assert clean_body(once, BASE) == once


def test_clean_tree_and_inner_html() -> None:
    tree = clean_tree("lead <b>bold</b> tail", BASE)
    assert tree.tag == "div"
    assert inner_html(tree) == "lead <b>bold</b> tail"


@given(st.text(max_size=200))
def test_clean_body_never_leaves_controls(text: str) -> None:
    text = text.replace("\x00", "")
    got = clean_body(f"<p>{text}</p><script>{text}</script>", BASE)
    assert not CONTROLS.search(got)
    assert "<script" not in got


# -- images ---------------------------------------------------------------------

BODY = """
<p align="center"><a href="//img1.mydrivers.com/img/20220730/big.jpg" target="_blank">
<img alt=" 标题&nbsp;一 " h="400" src="//img1.mydrivers.com/img/20220730/Sbig.jpg" w="600"></a></p>
<p><a href="//news.mydrivers.com/tag/x.htm">
<img src="//img1.mydrivers.com/img/20220730/s_two.png" width="640px" height="360"></a></p>
<p><img src="//img1.mydrivers.com/img/20220730/s_two.png"></p>
<p><img src="data:image/png;base64,iVBOR"></p>
<p><img src="//img1.mydrivers.com/img/20220730/pixel.gif" w="1" h="1"></p>
<p class="end"><img src="//icons.mydrivers.com/news/end_article.png"></p>
"""


def test_body_images() -> None:
    assert body_images(BODY, BASE) == [
        Image(
            url="https://img1.mydrivers.com/img/20220730/big.jpg",
            alt="标题 一",
            width=600,
            height=400,
        ),
        Image(url="https://img1.mydrivers.com/img/20220730/s_two.png", width=640, height=360),
    ]


def test_image_size_in_percent_is_unknown() -> None:
    (image,) = body_images('<img src="/a.jpg" width="100%" height=" 300px ">', BASE)
    assert (image.width, image.height) == (None, 300)


def test_body_images_with_junk() -> None:
    urls = [image.url for image in body_images(BODY, BASE, include_junk=True)]
    assert "https://icons.mydrivers.com/news/end_article.png" in urls
    assert not any(url.startswith("data:") for url in urls)


def test_lead_image_is_the_small_src_as_shown() -> None:
    assert lead_image(BODY, BASE) == "https://img1.mydrivers.com/img/20220730/Sbig.jpg"


def test_lead_image_skips_furniture() -> None:
    body = (
        '<img src="data:image/gif;base64,R0lG">'
        '<img src="//icons.mydrivers.com/news/end_article.png">'
        '<img src="/images/logo.png"><img src="/x/1x1.gif">'
        '<img src="/a.jpg" width="16" height="16">'
    )
    assert lead_image(body, BASE) is None
    assert lead_image(body + '<img src="/real.jpg">', BASE) == "https://news.mydrivers.com/real.jpg"


@pytest.mark.parametrize(
    ("url", "width", "height", "junk"),
    [
        ("https://img1.mydrivers.com/img/20220729/5fa104e4.png", 600, 401, False),
        ("https://img1.mydrivers.com/img/20220729/S5fa104e4-b706.jpg", None, None, False),
        ("https://icons.mydrivers.com/news/end_article.png", None, None, True),
        ("https://www.example.com/static/logo.png", None, None, True),
        ("https://www.example.com/a/icon_share.png", None, None, True),
        ("https://www.example.com/a/photo.jpg", 1, 1, True),
        ("https://www.example.com/a/photo.jpg", 24, 24, True),
        ("https://www.example.com/a/photo.jpg", 24, 300, False),
        ("data:image/png;base64,AAAA", None, None, True),
        ("", None, None, True),
    ],
)
def test_is_junk_image(url: str, width: int | None, height: int | None, junk: bool) -> None:
    assert is_junk_image(url, width, height) is junk


def test_image_src_prefers_lazy_attributes() -> None:
    img = lxml.html.fragment_fromstring('<img src="/l.gif" data-original="/real.jpg">')
    assert image_src(img) == "/real.jpg"
