"""Metadata of an article page: meta tags, the page's text, title and language.

Each field is read by a named function, in the trafilatura manner: the XPath
and the lists of meta names it reads are module constants, so what is
looked at is visible in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from lxml import etree

from archiver.extraction.clean import clean_text
from archiver.extraction.generic.tree import Element, text_of
from archiver.models import FieldSource

__all__ = [
    "MetaTags",
    "TitleChoice",
    "detect_language",
    "element_lines",
    "headline_before",
    "last_lines",
    "pick_title",
    "read_meta",
    "squeeze",
    "strip_site_suffix",
    "text_after",
    "text_before",
]

# Elements whose text is not page text.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "select",
        "option",
        "textarea",
        "button",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
    }
)
# Elements that end a line of text.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    }
)
MAX_ELEMENTS = 150_000
"""Work cap: elements visited when reading a page's text."""
MAX_TEXT_CHARS = 2_000_000

MAX_TITLE_CANDIDATES = 120
_SEPARATORS = re.compile(r"\s*(?:--+|——+|[_|｜·•»]|\s[-–—]\s|[-–—](?=[^-–—]{1,25}$))\s*")
_SPACES = re.compile(r"\s+")


@dataclass
class MetaTags:
    """The page's ``<meta>`` values by normalised key (lower case, no spaces)."""

    values: dict[str, list[str]] = field(default_factory=dict)

    def all(self, *keys: str) -> list[str]:
        """Non-empty values of ``keys``, in key order then page order."""
        found: list[str] = []
        for key in keys:
            for value in self.values.get(key, []):
                if value and value not in found:
                    found.append(value)
        return found

    def first(self, *keys: str) -> tuple[str, str] | None:
        """``(value, key)`` of the first key with a non-empty value."""
        for key in keys:
            for value in self.values.get(key, []):
                if value:
                    return value, key
        return None


def read_meta(tree: Element) -> MetaTags:
    """Every ``<meta>`` with a name, property, itemprop or http-equiv and content."""
    meta = MetaTags()
    for element in tree.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        value = clean_text(content)
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attr)
            if key:
                meta.values.setdefault(_SPACES.sub("", key).lower(), []).append(value)
    return meta


def element_lines(element: Element, limit: int = 20_000, *, tail: bool = False) -> str:
    """The text of ``element`` with a line break at each block element.

    Scripts, styles and the like are left out. Bounded: reading stops after
    ``limit`` characters or ``MAX_ELEMENTS`` elements.
    """
    if not isinstance(element.tag, str):  # a comment or processing instruction
        return (element.tail or "") if tail else ""
    parts: list[str] = []
    size = 0
    visited = 0
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        tag = node.tag
        if event == "start":
            visited += 1
            if visited > MAX_ELEMENTS or size > limit:
                break
            if not isinstance(tag, str) or tag in SKIP_TAGS:
                walker.skip_subtree()
                continue
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if node.text:
                parts.append(node.text)
                size += len(node.text)
        else:
            if isinstance(tag, str) and tag in BLOCK_TAGS:
                parts.append("\n")
            if node.tail and (node is not element or tail):
                parts.append(node.tail)
                size += len(node.tail)
    return "".join(parts)


_BLANKS = re.compile(r"[ \t\r\f\v\xa0\u3000]+")
_BREAKS = re.compile(r" ?\n[\s]*")


def squeeze(text: str) -> str:
    """``text`` with runs of spaces made one space and of blank lines one line break."""
    return _BREAKS.sub("\n", _BLANKS.sub(" ", text)).strip()


def last_lines(element: Element, limit: int = 1500) -> str:
    """About the last ``limit`` characters of ``element``'s text, as lines."""
    parts: list[str] = []
    size = 0
    node = element
    for _depth in range(20):
        children = [c for c in node if isinstance(c.tag, str)]
        if len(children) == 1 and not (children[0].tail or "").strip():
            node = children[0]  # a wrapper: look inside it
            continue
        for child in reversed(children):
            chunk = element_lines(child, limit, tail=True)
            parts.append(chunk)
            size += len(chunk.strip())
            if size >= limit:
                break
        else:
            parts.append(node.text or "")
        break
    return "".join(reversed(parts))


def text_after(element: Element, limit: int = 1500) -> str:
    """The page's text that follows ``element`` (its siblings, then its ancestors')."""
    parts = [element.tail or ""]
    size = len(parts[0])
    limit_raw = limit * 3
    node: Element | None = element
    levels = 0
    while node is not None and size < limit_raw and levels < 12:
        for sibling in node.itersiblings():
            chunk = element_lines(sibling, limit_raw - size, tail=True)
            parts.append(chunk)
            size += len(chunk)
            if size >= limit_raw:
                break
        parent = node.getparent()
        if parent is None or parent.tag == "body":
            break
        parts.append("\n" + (parent.tail or ""))
        node = parent
        levels += 1
    return squeeze("".join(parts))[:limit]


def text_before(element: Element, limit: int = 400) -> str:
    """The page's text just before ``element`` (previous siblings, then ancestors')."""
    parts: list[str] = []
    size = 0
    node: Element | None = element
    levels = 0
    limit_raw = limit * 3
    while node is not None and size < limit_raw and levels < 4:
        for sibling in node.itersiblings(preceding=True):
            chunk = element_lines(sibling, limit_raw, tail=True)
            parts.append(chunk)
            size += len(chunk)
            if size >= limit_raw:
                break
        parent = node.getparent()
        if parent is None or parent.tag == "body":
            break
        parts.append((parent.text or "") + "\n")
        node = parent
        levels += 1
    return squeeze("".join(reversed(parts)))[-limit:]


def _key(text: str) -> str:
    return _SPACES.sub("", text)


def strip_site_suffix(title: str) -> str:
    """A ``<title>`` without the site and channel names around the headline.

    ``外媒眼中的武汉长假_首页武汉_新闻中心_长江网_cjn.cn`` gives the headline;
    short trailing parts are dropped while a long enough part remains.
    """
    title = clean_text(title)
    parts = [p for p in _SEPARATORS.split(title) if p]
    if len(parts) < 2:
        return title
    # Keep the longest run of parts from the start that ends with a long part.
    while len(parts) > 1 and len(parts[-1]) <= 25 and len(" ".join(parts[:-1])) >= 4:
        parts.pop()
    if len(parts) == 1:
        return parts[0]
    # Part of the headline itself (棱镜|数据业大整顿): rebuild it from the source.
    end = title.find(parts[-1]) + len(parts[-1])
    return title[:end].strip()


@dataclass
class TitleChoice:
    """The chosen headline, where it came from and the element it was read from."""

    title: str
    source: FieldSource
    element: Element | None = None


def _candidate_score(candidate: str, stripped: str, tkey: str, skey: str) -> tuple[float, str]:
    """How well ``candidate`` matches the page ``<title>``: (score, text to use)."""
    key = _key(candidate)
    if not tkey:
        return 0.0, candidate
    if key in (tkey, skey):
        return 1.0 + len(key) / 1000, candidate
    if key in tkey:
        return min(len(key) / max(len(skey), 1), 1.0), candidate
    if skey and key.endswith(skey) and len(key) - len(skey) <= 4:
        # A badge glued to the headline (原创, 置顶): the <title> has it clean.
        return 0.9, stripped
    # The fuzzy score is at most 0.8 * len(key) / len(skey) and at most
    # 0.8 * len(tkey) / len(key): below the 0.5 a winner needs, skip it.
    if len(key) < 0.6 * len(skey) or len(key) > 1.6 * len(tkey):
        return 0.0, candidate
    matcher = SequenceMatcher(None, key, tkey, autojunk=False)
    match = matcher.find_longest_match(0, len(key), 0, len(tkey))
    return 0.8 * match.size / max(len(key), len(skey), 1), candidate


def pick_title(
    headings: list[Element],
    title_tag: str,
    structured: list[tuple[str, FieldSource]],
) -> TitleChoice | None:
    """The headline: a heading or structured title that matches ``<title>``.

    ``headings`` are the page's h1-h3 and elements named like a title, in
    page order; ``structured`` holds JSON-LD and meta titles, best first. A heading
    wins over them when it carries more of the ``<title>`` (meta titles are
    often cut at a quote); with no ``<title>``, the first ``h1`` or
    structured title is used; with nothing matching, the ``<title>`` minus
    the site's name.
    """
    stripped = strip_site_suffix(title_tag) if title_tag else ""
    tkey, skey = _key(title_tag), _key(stripped)
    # h1 first, then the rest in page order.
    ordered = [h for h in headings if h.tag == "h1"] + [h for h in headings if h.tag != "h1"]
    ordered = [
        h for h in ordered[:MAX_TITLE_CANDIDATES] if h.tag not in _NOT_TITLES and len(h) <= 8
    ]
    cleaned = [clean_text(text_of(h)) for h in ordered]
    texts = {_key(text): h for text, h in zip(reversed(cleaned), reversed(ordered), strict=True)}
    # JSON-LD's headline, printed as a heading too: two sources agree.
    for text, source in structured:
        heading = texts.get(_key(clean_text(text)))
        if source == "json-ld" and heading is not None:
            return TitleChoice(clean_text(text), source, heading)
    best: tuple[float, int, TitleChoice] | None = None
    rank = 0

    def consider(text: str, source: FieldSource, element: Element | None) -> None:
        nonlocal best, rank
        rank += 1
        text = clean_text(text)
        if not 2 <= len(text) <= 300:
            return
        score, chosen = _candidate_score(text, stripped, tkey, skey)
        # Prefer earlier candidates (structured data, h1) on equal scores.
        if best is None or score > best[0] + 1e-9:
            best = (score, rank, TitleChoice(chosen, source, element))

    for text, source in structured:
        consider(text, source, None)
    for element, text in zip(ordered, cleaned, strict=True):
        consider(text, "selector", element)

    if title_tag and best is not None and best[0] >= 0.5:
        choice = best[2]
        if choice.element is None:
            # A structured title that a heading prints too: keep the heading,
            # the byline is read after it.
            key = _key(choice.title)
            choice.element = texts.get(key)
        return choice
    # Nothing matches the <title> (or there is none): a structured title that
    # a heading repeats, then the JSON-LD headline, then the <title> itself.
    for text, source in structured:
        heading = texts.get(_key(clean_text(text)))
        if heading is not None:
            return TitleChoice(clean_text(text), source, heading)
    for text, source in structured:
        if source == "json-ld" and clean_text(text):
            return TitleChoice(clean_text(text), source, None)
    if title_tag:
        return TitleChoice(stripped or title_tag, "selector", None)
    h1 = next((h for h in ordered if h.tag == "h1" and clean_text(text_of(h))), None)
    if h1 is not None:
        return TitleChoice(clean_text(text_of(h1)), "selector", h1)
    if structured:
        return TitleChoice(clean_text(structured[0][0]), structured[0][1], None)
    return None


# Not titles; and a container with many children (title-box) is not one either.
_NOT_TITLES = frozenset({"title", "meta", "script", "style", "a", "body", "html"})
_ALL_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def headline_before(body: Element) -> Element | None:
    """The heading printed just above the body: a previous sibling of it or of its parent."""
    node: Element | None = body
    for _level in range(3):
        if node is None:
            return None
        for count, sibling in enumerate(node.itersiblings(preceding=True)):
            if count >= 6:
                break
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag in _ALL_HEADINGS:
                return sibling
            heading = next(iter(sibling.iter(*_ALL_HEADINGS)), None)
            if heading is not None:
                return heading
        node = node.getparent()
    return None


_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af]")
_HAN = re.compile("[\u4e00-\u9fff]")
_LATIN = re.compile("[A-Za-z]")
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def _normalise_lang(value: str) -> str | None:
    value = value.strip().split(",")[0].split(";")[0].strip()
    if not _LANG_TAG.match(value):
        return None
    parts = value.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part)
    return "-".join(out)


def _script_language(text: str) -> str | None:
    sample = text[:20_000]
    kana = len(_KANA.findall(sample))
    han = len(_HAN.findall(sample))
    hangul = len(_HANGUL.findall(sample))
    latin = len(_LATIN.findall(sample))
    if kana > 20 and kana >= 0.1 * han:
        return "ja"
    if hangul > 20 and hangul > han:
        return "ko"
    if han > 20 and han >= 0.2 * latin:
        return "zh"
    if latin > 100:
        return "latin"
    return None


def detect_language(declared: list[str], text: str) -> str | None:
    """A BCP 47 tag: the first valid declaration that the page's script agrees with.

    Chinese pages often declare ``lang="en"`` (a template default); the text
    decides then: Han gives ``zh``, kana ``ja``, hangul ``ko``.
    """
    script = _script_language(text)
    for value in declared:
        tag = _normalise_lang(value)
        if tag is None:
            continue
        base = tag.split("-")[0]
        if script is None:
            return tag
        if script == "latin" and base not in {"zh", "ja", "ko"}:
            return tag
        if script == base:
            return tag
    if script in {"zh", "ja", "ko"}:
        return script
    return None
