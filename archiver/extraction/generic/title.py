"""The headline: the heading or structured title that matches ``<title>``,
the ``<title>`` without the site's name, and the heading printed above the
body."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from difflib import SequenceMatcher

from archiver.extraction.generic.tree import Element, text_of
from archiver.extraction.text import clean_text
from archiver.models import FieldSource

__all__ = ["TitleChoice", "headline_before", "pick_title", "strip_site_suffix"]

MAX_TITLE_CANDIDATES = 60
_SEPARATORS = re.compile(r"\s*(?:--+|——+|[_|｜·•»›]|\s[-–—]\s|[-–—](?=[^-–—]{1,25}$))\s*")


# Quotation marks and apostrophes that one source prints and another types plainly.
_PLAIN = str.maketrans("’‘‚‛´`“”„‟", "''''''\"\"\"\"")


_CURLY = re.compile("[’‘‚‛´`“”„‟]")


def _key(text: str) -> str:
    if _CURLY.search(text):  # (a search costs less than a translation)
        text = text.translate(_PLAIN)
    return "".join(text.split())  # the characters \s matches, gone


_WORD = re.compile(r"\w{4,}")


_NOT_ALNUM = re.compile(r"[\W_]+")


def _alnum(text: str) -> str:
    # \w less "_" is what str.isalnum() accepts.
    return _NOT_ALNUM.sub("", text.casefold())


def _is_site(part: str, sites: tuple[str, ...], exact: bool = False) -> bool:
    """True when ``part`` names the site: its name, or (unless ``exact``) a
    word of its host."""
    key = _alnum(part)
    if not key or not sites:
        return False
    if any(key == site or (len(key) >= 4 and key in site) for site in sites):
        return True
    if exact:
        return False
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
    # A part that is the site's name makes a word shared with it no sign: "Mit
    # der richtigen Konfliktkultur zum Erfolg - ERFOLG Magazin".
    exact = any(_is_site(part, sites, exact=True) for part in parts)
    # A part naming the site ends the headline ("X | petri-heil.ch | Dein
    # Schweizer Fischereimagazin"); leading ones go ("BMAS - X").
    while len(parts) > 1 and _is_site(parts[0], sites, exact):
        parts.pop(0)
    named = next((i for i, part in enumerate(parts) if i and _is_site(part, sites, exact)), None)
    if named is not None and len(" ".join(parts[:named])) >= 4:
        parts = parts[:named]
    # Keep the longest run of parts from the start that ends with a long part.
    while (
        len(parts) > 1
        and (len(parts[-1]) <= 25 or _is_site(parts[-1], sites, exact))
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
    stripped_agrees: bool = False,
    sites: tuple[str, ...] = (),
    leading: str = "",
    parts: frozenset[str] = frozenset(),
) -> tuple[float, str]:
    """How well ``candidate`` matches the page ``<title>``: (score, text to use)."""
    key = _key(candidate)
    if not tkey:
        return 0.0, candidate
    if heading:
        # Headings first: the page prints its headline, the <title> and the
        # meta titles are often written for search engines.
        if key == skey:
            return 1.2 + len(key) / 1000, candidate
        if key == tkey:
            # The whole <title> printed, its site's name too: a heading without
            # it comes first, and the <title> without it is the headline when a
            # structured title says so.
            return 1.2 + len(skey) / 1000 - 1e-6, stripped if stripped_agrees else candidate
        if skey and key.startswith(skey) and key in tkey:
            return 1.15, candidate  # "Fünf HR-Trends 2023": the <title> was cut too short
        if key in skey and (len(key) >= 0.4 * len(skey) or key == leading):
            # Much of the <title>, or its first part ("Headline » teaser | Site").
            return 1.1 + len(key) / max(len(skey), 1) / 100, candidate
        if key in parts:
            # The <title>'s longest part, wherever it stands ("Site » Blog
            # Archive » Headline"), printed as a heading.
            return 1.1, candidate
    elif key == skey:
        return 1.05 + len(key) / 1000, candidate
    elif key == tkey:
        # The whole <title> copied: without the site's name.
        return 1.0 + len(key) / 1000, stripped
    if key in skey:
        return min(len(key) / max(len(skey), 1), 1.0), candidate
    if key in tkey:
        if heading and len(key) > len(skey) and not _is_site(candidate, sites, exact=True):
            # Longer than what was left of the <title> once the site's name was
            # cut: the headline was cut ("08.11.2021 | Headline: Site").
            return 1.1, candidate
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
    """The headline: see ``_pick_title``; a kicker the heading prints in its
    own element before the headline (``<h1><span class="kicker">Politik</span>
    <span>: </span>Der Rat stimmt zu</h1>``) is left out."""
    choice = _pick_title(headings, title_tag, structured, sites)
    if choice is None:
        return choice
    element = choice.element
    if element is None:
        # A structured title that an h1 prints with other punctuation
        # ("Kicker - Headline" and <h1><span>Kicker</span> Headline</h1>).
        key = _alnum(choice.title)
        element = next((h for h in headings if h.tag == "h1" and _alnum(text_of(h)) == key), None)
        if element is None:
            return choice
    agreeing = {_key(strip_site_suffix(title_tag, sites))} if title_tag else set()
    agreeing |= {_key(clean_text(text)) for text, _source in structured}
    # The <title> sets the kicker apart: "Kicker - headline | Site".
    apart = {_key(p) for p in _SEPARATORS.split(title_tag) if p} if title_tag else set()
    parts = _without_kicker(element, agreeing, apart)
    if parts is not None:
        # The title chosen is the heading's text, or the kicker and headline
        # with a separator between them ("Kicker - Headline").
        kicker, headline = parts
        key = _key(choice.title)
        if key.startswith(_key(kicker)) and key.endswith(_key(headline)):
            choice.title, choice.element = headline, element
    return choice


_KICKER_NAMES = re.compile(
    r"kicker|overline|topline|dachzeile|roofline|eyebrow|pre-?title|super-?title|subtitle"
    r"|label|flag|rubri[ck]|category|section",
    re.IGNORECASE,
)
_KICKER_SEPARATOR = re.compile(r"^[\s:|\-–—•·/]*[:|\-–—•·/]")
_INLINE = frozenset({"span", "small", "em", "strong", "b", "i", "div", "p", "sup", "mark", "a"})


def _without_kicker(
    heading: Element, agreeing: AbstractSet[str], apart: AbstractSet[str] = frozenset()
) -> tuple[str, str] | None:
    """The kicker printed in the first element of ``heading`` and the
    headline after it, or None when it has none. The first element is a
    kicker when it is named like one, a separator (":", "-", "|") follows it,
    the rest alone is the title that the ``<title>`` or a structured title
    (``agreeing``, as keys) gives, or it is a part of the ``<title>`` set
    apart by separators (``apart``, as keys) and shorter than the rest."""
    node = heading
    # Through a wrapper (<h1><a href>...</a></h1>).
    while len(node) == 1 and not (node.text or "").strip() and not (node[0].tail or "").strip():
        node = node[0]
    if not len(node) or (node.text or "").strip():
        return None
    first = node[0]
    if not isinstance(first.tag, str) or first.tag not in _INLINE:
        return None
    kicker = clean_text(text_of(first))
    rest = clean_text((first.tail or "") + "".join(_text(n) for n in first.itersiblings()))
    headline = clean_text(rest.lstrip(" :|-–—•·/"))
    if not kicker or len(kicker) > 100 or len(headline) < 10 or len(headline.split()) < 2:
        return None
    names = f"{first.get('class') or ''} {first.get('id') or ''}"
    if (
        _KICKER_NAMES.search(names)
        or _KICKER_SEPARATOR.match(rest)
        or _key(headline) in agreeing
        # Shorter than the headline: not a headline and its subtitle.
        or (len(apart) > 1 and _key(kicker) in apart and len(kicker) < len(headline))
    ):
        return kicker, headline
    return None


def _text(node: Element) -> str:
    return (text_of(node) if isinstance(node.tag, str) else "") + (node.tail or "")


def _pick_title(
    headings: list[Element],
    title_tag: str,
    structured: list[tuple[str, FieldSource]],
    sites: tuple[str, ...] = (),
) -> TitleChoice | None:
    """The headline: a heading or structured title that matches ``<title>``.

    ``headings`` are the page's h1-h3 and elements named like a title, in
    page order; ``structured`` holds JSON-LD and meta titles, best first. The
    JSON-LD headline printed as a heading, or a meta title printed as the h1,
    comes first; then a heading wins over them when it carries more of the
    ``<title>`` (meta titles are often cut at a quote), or more than is left
    of it without the site's name; with no ``<title>``, the first ``h1`` or
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
    keys = [_key(text) for text in cleaned]
    texts = {key: h for key, h in zip(reversed(keys), reversed(ordered), strict=True)}
    # JSON-LD's headline printed as a heading, or a meta title printed as
    # the h1 (after its kicker): two sources agree.
    said = {_key(clean_text(text)) for text, _source in structured}
    for h in ordered:
        parts = _without_kicker(h, said) if h.tag == "h1" else None
        if parts is not None:
            texts.setdefault(_key(parts[1]), h)
    printed = dict(zip(keys, cleaned, strict=True))
    for text, source in structured:
        key = _key(clean_text(text))
        heading = texts.get(key)
        if heading is None or (source != "json-ld" and heading.tag != "h1"):
            continue
        if source == "json-ld" or not _is_site(clean_text(text), sites, exact=True):
            # As printed: its quotation marks and apostrophes.
            return TitleChoice(printed.get(key, clean_text(text)), source, heading)
    best: tuple[float, int, TitleChoice] | None = None
    rank = 0
    stripped_agrees = skey != tkey and any(_key(clean_text(t)) == skey for t, _s in structured)
    first_part = next((p for p in _SEPARATORS.split(stripped) if p), "") if stripped else ""
    leading = _key(first_part) if len(first_part) >= 8 and first_part != stripped else ""
    title_parts = _headline_parts(title_tag, sites)

    def consider(text: str, source: FieldSource, element: Element | None) -> None:
        nonlocal best, rank
        rank += 1
        text = clean_text(text)
        if not 2 <= len(text) <= 300:
            return
        # A fuzzy match scores under 0.8: once an exact one is found, skip it.
        fuzzy = best is None or best[0] < 1.0
        score, chosen = _candidate_score(
            text,
            stripped,
            tkey,
            skey,
            element is not None,
            fuzzy,
            stripped_agrees,
            sites,
            leading,
            title_parts,
        )
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


# A part of a <title> that is a host name: the site's ("Disfunctions.de").
_HOST_NAME = re.compile(r"(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
_HEADLINE_PART_CHARS = 10


def _headline_parts(title_tag: str, sites: tuple[str, ...]) -> frozenset[str]:
    """The keys of the ``<title>``'s longest part (or parts of that length),
    host names and the site's name left out: where the headline stands in a
    ``<title>`` of parts, whatever their order."""
    every = [p for p in _SEPARATORS.split(clean_text(title_tag)) if p]
    if len(every) < 2:
        return frozenset()
    found = [
        p
        for p in every
        if not _HOST_NAME.fullmatch(p.strip()) and not _is_site(p, sites, exact=True)
    ]
    longest = max((len(p.strip()) for p in found), default=0)
    if longest < _HEADLINE_PART_CHARS:
        return frozenset()
    return frozenset(_key(p) for p in found if len(p.strip()) == longest)


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
