"""No script-capable body: the XSS cheat-sheet vectors and mutations of them.

``fixtures/hostile/xss-vectors.json`` holds the classic vectors (``alert(1)``
is their payload); hypothesis mutates and combines them (entities, tabs,
newlines and controls inside schemes, mixed case, truncation, wrapping in
raw-text and foreign elements, stray quotes and closers). Each result goes
through ``clean_body``, and through ``archiver.extract`` of a page that holds
it, with the generic and the mydrivers site modules. The output is PARSED
(lxml.html) and walked: every element and attribute on the allow-list, no
``on*`` attribute, no URL (after entity decoding and whitespace and control
removal) with a scheme other than http, https, mailto or tel, no style that
could run anything.

Budget: ``max_examples=300`` per test; ``FUZZ_EXAMPLES=5000`` for a long run.
"""

from __future__ import annotations

import html
import json
import os
import re
from functools import cache
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import archiver
from archiver.errors import BadInput, ExtractionError, InvalidArticle, NotAnArticle
from archiver.extraction import sanitize
from archiver.extraction.clean import clean_body
from tests.support import FIXTURES

VECTORS: list[dict[str, Any]] = json.loads(
    (FIXTURES / "hostile" / "xss-vectors.json").read_text(encoding="utf-8")
)
BASE = "https://news.mydrivers.com/1/792/792311.htm"
GENERIC_URL = "https://www.riverside-ledger.example/news/2022/04/14/hostile"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 300)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- what safe output is, written here and not read from the sanitiser ---------

SAFE_TAGS = frozenset(
    {
        "p", "br", "hr", "div", "span", "a", "img", "strong", "b", "em", "i", "u", "s",
        "del", "ins", "sub", "sup", "small", "mark", "abbr", "ruby", "rt", "rp",
        "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "code", "kbd", "samp", "figure", "figcaption",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "video", "audio", "source",
    }
)  # fmt: skip
SAFE_ATTRIBUTES = {
    "*": {"style", "class", "id", "align"},
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "title", "width", "height", "w", "h", "referrerpolicy"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "video": {"src", "poster", "controls", "width", "height", "preload"},
    "audio": {"src", "controls", "preload"},
    "source": {"src", "type"},
}
URL_ATTRIBUTES = {"href", "src", "poster", "action", "formaction", "xlink:href", "data",
                  "background", "dynsrc", "lowsrc", "srcset", "cite", "ping"}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_NOT_SEEN_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f]")
_STYLE_DANGER = ("expression", "url(", "javascript", "vbscript", "binding", "behavior",
                 "@import", "\\", "/*", "<", "&")  # fmt: skip


def unsafe_parts(body: str) -> list[str]:
    """Every script-capable part of ``body``, found by parsing it; [] when safe."""
    found: list[str] = []
    if re.search(r"<\s*/?\s*(?:script|iframe|object|embed|svg|math|meta|base|link|form)\b",
                 body, re.IGNORECASE):  # fmt: skip
        found.append("a dangerous tag in the markup")
    if not body.strip():
        return found
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            found.append(f"a comment or instruction: {lxml.html.tostring(element)!r}")
            continue
        tag = element.tag.lower()
        if tag not in SAFE_TAGS:
            found.append(f"element <{tag}>")
        allowed = SAFE_ATTRIBUTES["*"] | SAFE_ATTRIBUTES.get(tag, set())
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on") or lowered not in allowed:
                found.append(f"<{tag} {name}={value!r}>")
            # lxml has decoded the entities once, as a browser does.
            seen = _NOT_SEEN_IN_URLS.sub("", value).lower()
            if lowered in URL_ATTRIBUTES:
                scheme = _SCHEME.match(seen)
                if scheme and scheme.group(1) not in SAFE_SCHEMES:
                    found.append(f"<{tag} {name}={value!r}>: scheme {scheme.group(1)}")
            if lowered == "style" and any(word in seen for word in _STYLE_DANGER):
                found.append(f"<{tag} style={value!r}>")
            if lowered == "srcdoc":
                found.append(f"<{tag} srcdoc>")
    return found


def test_the_sanitiser_allows_no_more_than_this_test_checks() -> None:
    assert sanitize.ALLOWED_TAGS <= SAFE_TAGS
    for tag, names in sanitize.TAG_ATTRIBUTES.items():
        assert names <= SAFE_ATTRIBUTES["*"] | SAFE_ATTRIBUTES.get(tag, set()), tag
    assert sanitize.URL_SCHEMES <= SAFE_SCHEMES
    never = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "meta",
             "base", "link", "input", "button", "textarea"}  # fmt: skip
    assert not never & sanitize.ALLOWED_TAGS


def test_the_checker_sees_unsafe_markup() -> None:
    """The walk above can fail: each of these is caught."""
    for body in [
        "<script>alert(1)</script>",
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<p style="width:expression(alert(1))">x</p>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
        '<a href="data:text/html,x">x</a>',
        '<form action="https://x.example/"></form>',
        "<!-- x -->",
    ]:
        assert unsafe_parts(body), body


# -- the vectors, one by one ----------------------------------------------------


def _names() -> list[str]:
    return [vector["name"] for vector in VECTORS]


def _vector(name: str) -> dict[str, Any]:
    return next(vector for vector in VECTORS if vector["name"] == name)


def _visible_text(body: str) -> str:
    if not body.strip():
        return ""
    return " ".join(lxml.html.fragment_fromstring(body, create_parent="div").text_content().split())


def test_there_are_enough_vectors() -> None:
    assert len(VECTORS) >= 60
    assert len(set(_names())) == len(VECTORS)


@pytest.mark.parametrize("name", _names())
def test_vector_is_cleaned_and_text_kept(name: str) -> None:
    vector = _vector(name)
    body = clean_body(f"<p>before {name}</p>{vector['html']}<p>after {name}</p>", BASE)
    assert not unsafe_parts(body), (body, unsafe_parts(body))
    text = _visible_text(body)
    assert f"before {name}" in text
    if vector.get("text_after", True):
        assert f"after {name}" in text, body


@pytest.mark.parametrize(
    ("html_in", "kept"),
    [
        ('<p>a<embed src="x.swf">b</p><p>c</p>', ["ab", "c"]),
        ('<p>a<object data="x.swf">b<p>c</p>', ["ab", "c"]),
        ('<p>a<iframe src="x.html">b<p>c</p>', ["ab", "c"]),
        ("<p>a<noembed>b<p>c</p>", ["ab", "c"]),
        ("<p>a<svg><text>b</text></svg>c</p>", ["abc"]),
        ("<section>one</section><section>two</section>", ["one", "two"]),
        ("<form><p>in a form</p><input value=x><button>go</button></form>", ["in a form", "go"]),
    ],
)
def test_text_is_never_dropped(html_in: str, kept: list[str]) -> None:
    body = clean_body(html_in, BASE)
    text = lxml.html.fragment_fromstring(body, create_parent="div").text_content()
    for piece in kept:
        assert piece in text, (body, piece)
    assert not unsafe_parts(body)


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://a.example/x", True),
        ("http://a.example/x", True),
        ("mailto:a@b.example", True),
        ("tel:+86-10-1234", True),
        ("#note", True),
        ("java&#x09;script:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("&#x20;javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("data:image/png;base64,AAAA", False),
        ("vbscript:x", False),
        ("ftp://a.example/", False),
    ],
)
def test_url_schemes_are_allow_listed(href: str, kept: bool) -> None:
    body = clean_body(f'<a href="{href}">x</a><img src="{href}">', BASE)
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    link, image = root.find(".//a"), root.find(".//img")
    assert (link is not None and link.get("href") is not None) is kept, body
    assert (image is not None and image.get("src") is not None) is kept


@pytest.mark.parametrize(
    ("style", "want"),
    [
        ("text-align: center", "text-align: center"),
        ("color:#ff0000;", "color:#ff0000;"),
        ("color: rgb(51, 51, 51); font-size: 16px", "color: rgb(51, 51, 51)"),
        ("TEXT-ALIGN:center;border:1px solid", "text-align: center"),
        ("color:red;width:expression(alert(1))", "color: red"),
        ("text-align:expression(alert(1))", None),
        ("color:exp\\72 ession(alert(1))", None),
        ("background:url(javascript:alert(1))", None),
        ("-moz-binding:url(x.xml#x)", None),
        ("color:red/*x*/", None),
        ("", None),
    ],
)
def test_style_keeps_only_plain_safe_declarations(style: str, want: str | None) -> None:
    assert sanitize.attribute_value("p", "style", style) == want
    body = clean_body(f'<p style="{html.escape(style)}">x</p>', BASE)
    root = lxml.html.fragment_fromstring(body, create_parent="div")
    assert root[0].get("style") == want


def test_links_images_and_names() -> None:
    body = clean_body(
        '<a href="/x" target="_self" rel="opener" class="a archiver-source _x" id="__xss">l</a>'
        '<img src="/i.jpg" width="640px" height="auto" w="600" h="400" data-w="600" '
        'referrerpolicy="unsafe-url" class="lazy">',
        BASE,
    )
    assert body == (
        '<a href="https://news.mydrivers.com/x" class="a">l</a>'
        '<img src="https://news.mydrivers.com/i.jpg" width="640" w="600" h="400" '
        'class="lazy" referrerpolicy="no-referrer">'
    )


# -- hypothesis: mutations and combinations ---------------------------------------

_NOISE = ["\t", "\n", "\r", "\x00", "\x01", "\x0b", " ", "&#x09;", "&#10;", "&#13;", "&Tab;",
          "&NewLine;", "&#0;", "&#x0;", "&#x200b;", "\u200b", "/", "'", '"', "`"]  # fmt: skip
_WORDS = ["javascript", "vbscript", "data", "script", "alert", "onerror", "onload", "href",
          "xlink:href", "expression", "style", "srcdoc", "formaction", "svg", "iframe"]  # fmt: skip
_WRAPPERS = ["svg", "math", "table", "select", "noscript", "template", "iframe", "textarea",
             "title", "xmp", "style", "a", "p", "object", "font", "form", "noembed",
             "foreignObject", "mtext", "annotation-xml", "desc", "pre", "listing"]  # fmt: skip
_CLOSERS = ["</p>", "</div>", "</a>", "-->", "]]>", '">', "'>", ">", "</svg>", "</math>",
            "</noscript>", "</style>", "</title>", "</textarea>", "<!--", "<![CDATA[",
            "</"]  # fmt: skip


def _encode(char: str, how: int) -> str:
    if how == 0:
        return f"&#{ord(char)};"
    if how == 1:
        return f"&#x{ord(char):x};"
    if how == 2:
        return f"&#{ord(char):07d}"
    if how == 3:
        return f"&#X{ord(char):X}"
    return char.upper() if char.islower() else char.lower()


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text: str = draw(st.sampled_from(VECTORS))["html"]
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.integers(0, 5))
        if op == 0 and text:  # noise anywhere, most often inside a word we care about
            words = [m.start() + 1 for w in _WORDS for m in re.finditer(re.escape(w), text)]
            at = draw(st.sampled_from(words)) if words else draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(_NOISE)) + text[at:]
        elif op == 1 and text:  # encode or case-flip a stretch
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start, min(len(text), start + 12)))
            how = draw(st.integers(0, 4))
            text = text[:start] + "".join(_encode(c, how) for c in text[start:end]) + text[end:]
        elif op == 2:  # cut: unclosed tags, attributes, comments
            text = text[: draw(st.integers(0, len(text)))]
        elif op == 3:
            tag = draw(st.sampled_from(_WRAPPERS))
            text = f"<{tag}>{text}" + (f"</{tag}>" if draw(st.booleans()) else "")
        elif op == 4:
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(_CLOSERS)) + text[at:]
        elif op == 5:
            text = text.upper() if draw(st.booleans()) else text.swapcase()
    return text


hostile = st.lists(st.one_of(mutated(), st.text(max_size=20)), min_size=1, max_size=4).map("".join)


@FUZZ
@given(hostile)
def test_fuzz_clean_body(markup: str) -> None:
    body = clean_body(markup, BASE)
    assert not unsafe_parts(body), (markup, body, unsafe_parts(body))


MYDRIVERS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>安全测试--快科技--科技改变未来</title></head><body>
<div class="news_n"><div class="news_bt" id="thread_subject">安全测试</div>
<div class="news_bt1">
<div class="news_bt1_left">2022-07-30 09:12:05&nbsp;&nbsp;出处：快科技</div></div>
<div class="news_info"><p>前文：这是一段正文。</p>{body}<p>后文：正文结束。</p>
<p class="bqian">话题标签：<a href="//news.mydrivers.com/tag/xiaomi.htm">小米</a></p>
</div></div></body></html>"""
GENERIC_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Hostile markup in a story | The Riverside Ledger</title></head><body>
<article class="story"><h1>Hostile markup in a story</h1>
<p class="byline">By Jane Doe &middot; Published April 14, 2022 6:30 PM</p>
<div class="story-body">
<p>The city council on Thursday approved a plan to add protected bike lanes along Main Street.</p>
{body}
<p>Construction is expected to begin in the summer and to last roughly three months.</p>
</div></article></body></html>"""


@cache
def _pages() -> list[tuple[str, str, str]]:
    return [("mydrivers", BASE, MYDRIVERS_PAGE), ("generic", GENERIC_URL, GENERIC_PAGE)]


# The generic module's prune_body (archiver/extraction/generic/prune.py) cannot
# join text around a removed element when the page holds a C0 control (lxml
# takes no new text with one): the page fails with ExtractionError and nothing
# is written. A bug of its own (reported), not a way through the sanitiser.
# Nor is InvalidArticle (the model refuses a field, as an image URL that holds
# a control in the generic module's images): the article fails, with its reason.
_XML_TEXT = "All strings must be XML compatible"


def extracted(markup: str, site: str) -> str | None:
    """The body ``archiver.extract`` makes of a page holding ``markup``; None
    when the page is not an article any more (nothing is written then)."""
    for name, url, page in _pages():
        if name == site:
            try:
                return archiver.extract(page.replace("{body}", markup).encode(), url,
                                        site=name).body_html  # fmt: skip
            except (NotAnArticle, BadInput, InvalidArticle):
                return None
            except ExtractionError as error:
                if site == "generic" and _XML_TEXT in str(error):
                    return None
                raise
    raise AssertionError(site)


# The generic module drops <svg>, <embed>, <iframe>... with everything inside
# (NOT_BODY_TAGS, in generic/prune.py and generic/body.py) before the body is
# cleaned, and libxml2 puts the text after an unclosed one inside it.
GENERIC_LOSES_TEXT_AFTER: set[str] = set()  # generic prune unwraps the elements that swallow text


def _extract_params() -> list[Any]:
    return [
        pytest.param(
            site,
            name,
            marks=[pytest.mark.xfail(strict=True, reason="generic prune drops the text after")]
            if site == "generic" and name in GENERIC_LOSES_TEXT_AFTER
            else [],
            id=f"{name}-{site}",
        )
        for name in _names()
        for site in ("mydrivers", "generic")
    ]


@pytest.mark.parametrize(("site", "name"), _extract_params())
def test_vector_through_extract(site: str, name: str) -> None:
    vector = _vector(name)
    body = extracted(vector["html"], site)
    assert body is not None, f"{site}: a page with {name} is no article"
    assert not unsafe_parts(body), (body, unsafe_parts(body))
    text = _visible_text(body)
    assert ("前文" if site == "mydrivers" else "protected bike lanes") in text
    if vector.get("text_after", True):
        assert ("后文" if site == "mydrivers" else "three months") in text, body


@FUZZ
@given(hostile, st.sampled_from(["mydrivers", "generic"]))
def test_fuzz_extract(markup: str, site: str) -> None:
    body = extracted(markup, site)
    if body is not None:
        assert not unsafe_parts(body), (markup, body, unsafe_parts(body))
