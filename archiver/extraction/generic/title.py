"""The headline: the heading or structured title that matches ``<title>``,
the ``<title>`` without the site's name, and the heading printed above the
body."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from archiver.extraction.generic.tree import Element, text_of
from archiver.extraction.text import clean_text
from archiver.models import FieldSource

__all__ = ["TitleChoice", "headline_before", "pick_title", "strip_site_suffix"]

MAX_TITLE_CANDIDATES = 60
_SEPARATORS = re.compile(r"\s*(?:--+|——+|[_|｜·•»]|\s[-–—]\s|[-–—](?=[^-–—]{1,25}$))\s*")
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    return "".join(text.split())  # the characters \s matches, gone


_WORD = re.compile(r"\w{4,}")


def _alnum(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _is_site(part: str, sites: tuple[str, ...]) -> bool:
    """True when ``part`` names the site: its name, or a word of its host."""
    key = _alnum(part)
    if not key or not sites:
        return False
    if any(key == site or (len(key) >= 4 and key in site) for site in sites):
        return True
    words = _WORD.findall(part.casefold())
    return len(part) <= 80 and any(w in site for w in words for site in sites)


def site_keys(*names: str | None) -> tuple[str, ...]:
    """Comparable forms of the site's names and host (``www.parcoabruzzo.it``)."""
    keys: list[str] = []
    for name in names:
        if not name:
            continue
        name = name.casefold().removeprefix("www.")
        if "." in name and " " not in name:
            name = name.rsplit(".", 1)[0]
        keys.append(_alnum(name))
    return tuple(k for k in keys if len(k) >= 3)


def strip_site_suffix(title: str, sites: tuple[str, ...] = ()) -> str:
    """A ``<title>`` without the site and channel names around the headline.

    ``外媒眼中的武汉长假_首页武汉_新闻中心_长江网_cjn.cn`` gives the headline;
    short trailing parts are dropped while a long enough part remains, and a
    part of any length that names the site (``sites``, see ``site_keys``):
    "... | Parco Nazionale d'Abruzzo, Lazio e Molise" on parcoabruzzo.it.
    """
    title = clean_text(title)
    parts = [p for p in _SEPARATORS.split(title) if p]
    if len(parts) < 2:
        return title
    # A part naming the site ends the headline ("X | petri-heil.ch | Dein
    # Schweizer Fischereimagazin"); leading ones go ("BMAS - X").
    while len(parts) > 1 and _is_site(parts[0], sites):
        parts.pop(0)
    named = next((i for i, part in enumerate(parts) if i and _is_site(part, sites)), None)
    if named is not None and len(" ".join(parts[:named])) >= 4:
        parts = parts[:named]
    # Keep the longest run of parts from the start that ends with a long part.
    while (
        len(parts) > 1
        and (len(parts[-1]) <= 25 or _is_site(parts[-1], sites))
        and len(" ".join(parts[:-1])) >= 4
    ):
        parts.pop()
    if len(parts) == 1:
        return parts[0]
    # Part of the headline itself (棱镜|数据业大整顿): rebuild it from the source.
    start = title.find(parts[0])
    end = title.find(parts[-1], start) + len(parts[-1])
    return title[start:end].strip()


@dataclass
class TitleChoice:
    """The chosen headline, where it came from and the element it was read from."""

    title: str
    source: FieldSource
    element: Element | None = None


_KICKER = 40


def _candidate_score(
    candidate: str,
    stripped: str,
    tkey: str,
    skey: str,
    heading: bool = False,
    fuzzy: bool = True,
) -> tuple[float, str]:
    """How well ``candidate`` matches the page ``<title>``: (score, text to use)."""
    key = _key(candidate)
    if not tkey:
        return 0.0, candidate
    if heading:
        # Headings first: the page prints its headline, the <title> and the
        # meta titles are often written for search engines.
        if key in (skey, tkey):
            return 1.2 + len(key) / 1000, candidate
        if skey and key.startswith(skey) and key in tkey:
            return 1.15, candidate  # "Fünf HR-Trends 2023": the <title> was cut too short
        if key in skey and len(key) >= 0.4 * len(skey):
            return 1.1 + len(key) / max(len(skey), 1) / 100, candidate
    elif key == skey:
        return 1.05 + len(key) / 1000, candidate
    elif key == tkey:
        # The whole <title> copied: without the site's name.
        return 1.0 + len(key) / 1000, stripped
    if key in skey:
        return min(len(key) / max(len(skey), 1), 1.0), candidate
    if key in tkey:
        return 0.2, candidate  # the site's or the section's name in the <title>
    if skey and key.endswith(skey) and len(key) - len(skey) <= _KICKER:
        # A badge (原创, 置顶) or a kicker ("Politics |") before the headline:
        # the <title> has it clean.
        return 0.95, stripped
    # The fuzzy score is at most 0.8 * len(key) / len(skey) and at most
    # 0.8 * len(tkey) / len(key): below the 0.5 a winner needs, skip it.
    if not fuzzy or len(key) < 0.6 * len(skey) or len(key) > 1.6 * len(tkey):
        return 0.0, candidate
    matcher = SequenceMatcher(None, key, tkey, autojunk=False)
    match = matcher.find_longest_match(0, len(key), 0, len(tkey))
    return 0.8 * match.size / max(len(key), len(skey), 1), candidate


def pick_title(
    headings: list[Element],
    title_tag: str,
    structured: list[tuple[str, FieldSource]],
    sites: tuple[str, ...] = (),
) -> TitleChoice | None:
    """The headline: a heading or structured title that matches ``<title>``.

    ``headings`` are the page's h1-h3 and elements named like a title, in
    page order; ``structured`` holds JSON-LD and meta titles, best first. A heading
    wins over them when it carries more of the ``<title>`` (meta titles are
    often cut at a quote); with no ``<title>``, the first ``h1`` or
    structured title is used; with nothing matching, the one ``h1`` that
    does not name the site (``sites``, see ``site_keys``), else the
    ``<title>`` minus the site's name.
    """
    stripped = strip_site_suffix(title_tag, sites) if title_tag else ""
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
        # A fuzzy match scores under 0.8: once an exact one is found, skip it.
        fuzzy = best is None or best[0] < 1.0
        score, chosen = _candidate_score(text, stripped, tkey, skey, element is not None, fuzzy)
        # Prefer earlier candidates (structured data, h1) on equal scores.
        if best is None or score > best[0] + 1e-9:
            best = (score, rank, TitleChoice(chosen, source, element))

    for text, source in structured:
        consider(text, source, None)
    for element, text in zip(ordered, cleaned, strict=True):
        consider(text, "selector", element)

    if title_tag and best is not None and best[0] >= 0.5:
        choice = best[2]
        if choice.element is not None:
            # A heading that a structured title repeats: credit the structured data.
            agreeing = [
                src for text, src in structured if _key(clean_text(text)) == _key(choice.title)
            ]
            if agreeing:
                choice.source = agreeing[0]
        if choice.element is None:
            # A structured title that a heading prints too: keep the heading,
            # the byline is read after it.
            key = _key(choice.title)
            choice.element = texts.get(key)
        return choice
    # Nothing matches the <title> (or there is none): a structured title that
    # a heading repeats, the page's one h1 (the <title> is the site's or an
    # SEO text: "Home"), then the JSON-LD headline, then the <title> itself.
    for text, source in structured:
        heading = texts.get(_key(clean_text(text)))
        if heading is not None:
            return TitleChoice(clean_text(text), source, heading)
    h1s = [(h, t) for h, t in zip(ordered, cleaned, strict=True) if h.tag == "h1" and t]
    if len(h1s) == 1 and 4 <= len(h1s[0][1]) <= 300:
        h1, text = h1s[0]
        site_part = _key(text) in tkey and _key(text) not in skey
        if not site_part and not _is_site(text, sites) and not _links_home(h1):
            return TitleChoice(text, "selector", h1)
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


def _links_home(heading: Element) -> bool:
    """True for a logo: a heading whose link goes to the site's home page."""
    for anchor in heading.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href in {"/", "./", "#"} or re.fullmatch(r"(?:https?:)?//[^/]+/?(?:index\.\w+)?", href):
            return True
    return False


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
