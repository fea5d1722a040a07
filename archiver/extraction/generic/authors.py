"""Authors as pages mark them up and print them, in any language.

``markup_authors`` reads byline markup, in trafilatura's order of trust:
``rel=author``, ``itemprop=author`` (its ``itemprop=name`` inside), hCard
``fn`` inside an author block, then elements named ``author``, ``byline``,
``writer``... Candidates inside comments, sidebars, related-post lists and
footers are not the article's authors. ``more_bylines`` finds the byline
markup the page scan does not collect (test ids, ``<byline>``, links to an
author's page); ``post_author_comment`` reads the name on a comment the
post's author wrote, the last resort of a blog post.

``text_authors`` reads a printed byline line: "By X", "Von X", "Par X",
"Por X", "Di X", "Door X", "Geschrieben von X", "Autor: X", "Posted by X
on ...".

``clean_names`` turns a byline into names: the lead-in words, dates, roles
("FOCUS-Online-Experte"), e-mail addresses and handles are cut; "A and B",
"A und B", "A, B" give two names. ``not_the_site`` drops the site's or the
publisher's name, which pages put where the author goes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import etree

from archiver.extraction.generic.tree import Element, text_of
from archiver.extraction.text import clean_text

__all__ = [
    "BYLINE_NAMES",
    "clean_names",
    "is_byline_markup",
    "markup_authors",
    "more_bylines",
    "not_the_site",
    "post_author_comment",
    "text_authors",
]

# Matched against lowered names (case-insensitive matching is several times slower).
BYLINE_NAMES = re.compile(
    r"author|byline|writer|autor|submitted-by|posted-by|journalist|(?:^|\s)(?:byl|username"
    r"|screenname)(?:$|\s)"
)


def is_byline_markup(element: Element, names: str | None = None) -> bool:
    """True for an element whose rel, itemprop, class or id (``names``) says "author"."""
    if names is None:
        names = " ".join(v for v in (element.get("class"), element.get("id")) if v)
    if names and BYLINE_NAMES.search(names.lower()):
        return True
    if element.get("rel") == "author":
        return True
    itemprop = element.get("itemprop")
    return bool(itemprop) and ("author" in itemprop or "creator" in itemprop)


# Blocks whose authors are not the article's: comments, sidebars, lists of other
# posts, the site's footer. A class token counts when it is the word or starts
# or ends with it ("comment-list", "site-footer"; not "header-footer-group", and
# an "article-footer" is the article's).
_ELSEWHERE = re.compile(
    r"(?:^|[-_])(?:comments?|commentlist|respond|replies|reply|sidebar|widget|widgets|related"
    r"|recommended|recommendations|popular|teaser|teasers|newsletter|share|sharing"
    r"|social|avatar|author-?box|author-?bio|about-author|author-info|author-description"
    r"|bio|more-from|morefrom)$|^(?:comments?|sidebar|widget|related|footer|share|social)[-_]"
    r"|^footer$|(?<!article)(?<!entry)(?<!post)(?<!story)(?<!content)[-_]footer$",
    re.IGNORECASE,
)
_EXACT = re.compile(r"^(?:author|byline|author-?name|authorname|byl)$", re.IGNORECASE)
_NOT_A_BLOCK = frozenset({"aside", "nav", "form", "button", "select", "option"})
_MAX_LEVELS = 12

# Words before the names: "By", "Von", "Written by", "Posted by", "Autor:".
_LEAD_IN = re.compile(
    r"^(?:(?:(?:alle|all|more|weitere|mehr|view all|see all)\s+)?"
    r"(?:beiträge|beitrag|artikel|posts|articles|stories|texte|pressemitteilung)\s+"
    r"(?:von|by|de)(?:\s+|$)"
    r"|(?:written|posted|published|reported|edited|text|words|photos?|interview)\s+by\s+"
    r"|(?:geschrieben|verfasst|erstellt|veröffentlicht|gepostet|eingestellt|ein beitrag)\s+von\s+"
    r"|(?:publié|écrit|rédigé|publicado|escrito|pubblicato|scritto)\s+(?:par|por|da)\s+"
    r"|(?:by|von|vom|par|por|di|door|af|av|från|from|de|mit)(?:\s*[:\s]\s*|$)"
    r"|(?:autor(?:in|en)?|authors?|auteur|autore|verfasser(?:in)?|redakteur(?:in)?|post author)"
    r"\s*[:：]?\s*|redaktion\s*[:：]\s*"
    r"|(?:text|texte|interview|fotos?|photos?|bilder?)(?:\s*(?:und|and|&|/|,)\s*"
    r"(?:text|texte|interview|fotos?|photos?|bilder?))*\s*[:：]?\s*"
    r")+",
    re.IGNORECASE,
)
# A byline line: the lead-in word and the name after it (the name is read later).
_TEXT_BYLINE = re.compile(
    r"^[\W_]{0,3}(?:(?:by|von|par|por|di|door)\s?:?|geschrieben von|verfasst von|written by"
    r"|posted by|publié par|autor(?:in)?:|author:|auteur\s?:|text:)\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
# A lead-in inside a byline: "Disko Von Ernst Lohoff", "Post author By X", and
# after a date or a "published" word: "Veröffentlicht am 8. Februar 2022 von X".
_INNER_LEAD_IN = re.compile(
    r"\s(?:By|Von|Par|Por|BY|VON|PAR|POR|by)\s+(?=\S)"
    r"|\s(?:Autor(?:in)?|Author|Auteur|Verfasser(?:in)?)\s*:\s*(?=\S)"
)
_LOWER_LEAD_IN = re.compile(r"\s(?:von|by|par|por|da|di)\s+(?=\S)", re.IGNORECASE)
_POSTED = re.compile(
    r"\d|posted|published|veröffentlicht|geschrieben|erstellt|gepostet|publié|écrit|publicado"
    r"|pubblicato|scritto|written|updated|aktualisiert",
    re.IGNORECASE,
)
# Where a name ends: a date, a time, a separator, a role, the next field.
_NAME_END = re.compile(
    r"\s*(?:[|•·»«/\n\t]|\s[-–—]\s|[-–—]{2}|\(|\[|:|(?<!\w)\d|\bam\b|\bon\b|\bat\b|\bum\b|\ble\b"
    # The next field's label: "Autor: X Quelle: Y".
    r"|\s(?:quelle|source|datum|date|kategorie|category|rubrik|tags|lesezeit)\s*:"
    r"|\bel\b|\bil\b|\bupdated\b|\baktualisiert\b|\bveröffentlicht\b|\bpublished\b"
    r"|\bposted\b|\bin\b|\bunder\b|\bfor\b|\bfür\b|\bvia\b|\bfoto\b|\bphoto\b|\bbild\b|\bmit\b|\bwith\b"
    r"|\bdans\b|\ben\b|\bde la\b|\bcomments?\b|\bkommentare?\b|\bshare\b|\bfollow\b"
    r"|\bread\b|\blesen\b|\bmin\b|\bminuten\b|\bminutes\b"
    # The day after the name: "By Ann Smith Thursday, November 9, 2023".
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b|\bsowie\b)\s*", re.I)
_HANDLE = re.compile(r"@\w+|\S+@\S+\.\w+|https?://\S+|www\.\S+")
# Roles printed before a name: "FOCUS-Online-Experte X", "Gastautor X", "Redakteurin X".
_ROLE = re.compile(
    r"^(?:[\w-]*(?:experte|expertin|autor|autorin|redakteur|redakteurin|korrespondent|"
    r"korrespondentin|reporter|reporterin|kolumnist|kolumnistin|chefredakteur|editor|"
    r"correspondent|columnist|contributor|journalist|journaliste|rédacteur|rédactrice|"
    r"anwalt|anwältin|envoyé spécial|envoyée spéciale|staff writer|senior writer))\s+",
    re.IGNORECASE,
)
_PARTICLES = frozenset(
    "von van de der den da di du le la del della des bin al zu ten ter dos das y e".split()  # noqa: SIM905
)
_NOT_NAMES = re.compile(
    r"^(?:admin|administrator|anonymous|anonym|guest|gast|unknown|none|null|author|autor"
    r"|authors|byline|posted|published|comments?|share|menu|home|startseite|mehr|more"
    r"|read more|weiterlesen|profile|profil|follow|folgen|kontakt|contact|login|website"
    r"|webmaster|editorial|team|staff|the|text|texte|foto|fotos|photo|photos|bild|bilder"
    r"|interview|datum|date|quelle|source|name|links|rechts|left|right"
    # A title after the name: "Ann Smith, CEO".
    r"|ceo|cfo|cto|coo|founder|co-founder|president|chairman|chairwoman|director|editor)$",
    re.IGNORECASE,
)
# Words no name has: links to an author's page or list ("Alle Beiträge").
_NOT_IN_NAMES = frozenset(
    "beiträge beitrag artikel posts post articles article profil profile mehr more "  # noqa: SIM905
    "alle all weitere view anzeigen zur about über kommentare comments kommentar "
    "comment seite page published posted veröffentlicht updated aktualisiert".split()
)
_MAX_NAME = 60
# Quotation marks, an ellipsis, a question or exclamation mark: words of a
# headline or a teaser, not a name.
_QUOTED = re.compile(r"[…“”„«»?!¿¡\"]")
_MAX_BYLINE = 200
_LETTER = re.compile(r"[^\W\d_]")


def _words(text: str) -> list[str]:
    return text.split()


def _name(text: str, strict: bool = True) -> str | None:
    """One person's name out of a byline fragment, or None. ``strict`` (for
    names read from running text) wants every word capitalised; markup may
    name a user "revamp-it Webteam"."""
    text = _HANDLE.sub(" ", text)
    text = _ROLE.sub("", text.strip(" \t\n.,;:-–—|/·•*"))
    text = clean_text(text).strip(" .,;:-–—|/·•*'\"()[]")
    if not text or len(text) > _MAX_NAME or not _LETTER.search(text) or _QUOTED.search(text):
        return None
    words = _words(text)
    if len(words) > 5 or len(text) < 2 or _NOT_NAMES.match(text):
        return None
    if any(w.casefold().strip(".,:") in _NOT_IN_NAMES for w in words):
        return None  # "Alle Beiträge", "View profile", "Mehr Artikel"
    capitals = [w[0].isupper() for w in words if w.lower() not in _PARTICLES]
    mixed = len(words) > 1 and not all(capitals) and not (len(words) == 2 and not any(capitals))
    if mixed and (strict or len(words) > 3 or not capitals[-1]):
        return None  # a phrase, not a name ("externen Co-Autoren verfasst")
    return text


def clean_names(byline: str, strict: bool = True) -> list[str]:
    """The names in a byline as printed: ``"Von Max Muster und Eva Beispiel | 3.5.2020"``."""
    names: list[str] = []
    for part in _byline_parts(byline):
        name = _name(part, strict)
        if name and name not in names:
            names.append(name)
    # "Max Muster" and "Muster": keep the fullest form of each name.
    return [n for n in names if not any(n != m and n in m for m in names)][:10]


def _byline_parts(byline: str) -> list[str]:
    """The parts of a byline that may be names: after the lead-in, up to the
    date or the next field, split at "and" and commas."""
    byline = clean_text(byline)[:_MAX_BYLINE]
    inner = _INNER_LEAD_IN.search(byline)
    if inner is None:
        inner = _LOWER_LEAD_IN.search(byline)
        if inner is not None and not _POSTED.search(byline[: inner.start()]):
            inner = None
    if inner is not None:
        byline = byline[inner.end() :]
    byline = _LEAD_IN.sub("", byline)
    end = _NAME_END.search(byline)
    if end is not None and end.start() > 0:
        byline = byline[: end.start()]
    elif end is not None:
        return []
    return [_LEAD_IN.sub("", part.strip()) for part in _SPLIT.split(byline.rstrip(" ,;"))]


def _elsewhere(element: Element, stop: set[Element], inside: bool) -> bool:
    """True when ``element`` sits in comments, a sidebar, a footer or a list of
    other posts. The ancestors in ``stop`` (those of the body: a block around
    the article is a layout wrapper, whatever its name says) are not looked
    at; nor are ``<aside>`` and ``<nav>`` inside the article block (``inside``):
    a header's "meta" aside holds the byline."""
    node: Element | None = element.getparent()
    for _level in range(_MAX_LEVELS):
        if node is None or node in stop or node.tag in {"body", "html"}:
            return False
        if node.tag in _NOT_A_BLOCK and not (inside and node.tag in {"aside", "nav"}):
            return True
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if any(_ELSEWHERE.search(token) for token in names.split()):
            # A column of the article that holds its headline is its header.
            return not (inside and next(node.iter("h1"), None) is not None)
        node = node.getparent()
    return False


def _rank(element: Element) -> int:
    """0 for the surest byline markup, 2 for a block merely named like one."""
    if element.get("rel") == "author" or "author" in (element.get("itemprop") or ""):
        return 0
    names = f"{element.get('class') or ''} {element.get('id') or ''}".strip()
    if any(_EXACT.match(n) for n in names.split()) or "fn" in names.split():
        return 1
    return 2


_INNER_NAMES = etree.XPath(
    ".//*[@itemprop='name'] | .//*[contains(concat(' ', @class, ' '), ' fn ')]"
)


def _element_names(element: Element) -> list[str]:
    # itemprop=author with itemprop=name inside: the name alone (not the bio).
    inner = _INNER_NAMES(element)
    if inner:
        found: list[str] = []
        for node in inner[:5]:
            value = node.get("content") or text_of(node)
            found += [n for n in clean_names(value, strict=False) if n not in found]
        return found
    text = element.get("content") or element.get("title") or ""
    if not text or element.tag == "a":
        # An element's edge parts words: "<span>Geschrieben von</span><a>X</a>".
        text = " ".join(element.itertext()) or text
    if len(clean_text(text)) > _MAX_BYLINE:
        return []
    # A link known only by where it points (an author's page) names a person
    # in capitals: a link in the text to another site's author page is a citation.
    link = element.tag == "a" and not is_byline_markup(element)
    names = clean_names(text, strict=link)
    if link:
        names = [n for n in names if n[0].isupper() or " " not in n]
    # An agency in lower case after the names ("Von Ann Smith, dpa") is no person.
    if len(names) > 1 and names[0][0].isupper():
        names = [n for n in names if n[0].isupper() or " " in n]
    return names


def markup_authors(
    candidates: list[Element], article: Element | None = None, body: Element | None = None
) -> list[str]:
    """The authors the byline markup ``candidates`` name (see
    ``is_byline_markup``), or [].

    ``article`` is the block holding the headline and the body: bylines
    inside it win over those elsewhere on the page. ``body`` is the body
    block: the blocks around it are layout, not sidebars.
    """
    best: tuple[int, int, list[str]] | None = None
    stop: set[Element] = set()
    if body is not None:
        stop = {body, *body.iterancestors()}
    for position, element in enumerate(candidates):
        if not isinstance(element.tag, str) or element.tag in {"meta", "link", "body", "html"}:
            continue
        if element.tag in {"article", "section", "main"}:
            continue
        rank = _rank(element)
        if best is not None and rank >= best[0]:
            continue  # cannot beat the byline found: it ranks no better and comes later
        inside = article is None or article in set(element.iterancestors())
        if _elsewhere(element, stop, inside):
            continue
        names = _element_names(element)
        if not names:
            continue
        rank += 0 if inside else 3
        if best is None or (rank, position) < best[:2]:
            best = (rank, position, names)
        if rank == 0:
            break
    return best[2] if best else []


# Byline markup the page scan does not look at (it reads class, id, rel and
# itemprop only): a test id ("byline", "author-name"), a ``<byline>`` element,
# a link to the author's page ("/author/ann-smith", "/autor/...", "/staff/...").
_LOWER = "translate(@data-testid, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_MAX_CANDIDATES = 200
_MORE_BYLINES = etree.XPath(
    f".//byline | .//*[@data-testid][contains({_LOWER}, 'byline') or contains({_LOWER}, 'author')]"
    " | .//a[contains(@href, '/aut') or contains(@href, '/staff/')]"
)
_AUTHOR_PAGE = re.compile(r"/(?:authors?|autor|autoren|auteur|staff)/[^/?#]")


def more_bylines(block: Element) -> list[Element]:
    """Byline markup in ``block`` that ``scan_page`` does not collect: test
    ids, ``<byline>``, links to an author's page. One XPath: run it only when
    the usual byline markup named no one."""
    found: list[Element] = _MORE_BYLINES(block)
    return [
        e
        for e in found[: _MAX_CANDIDATES * 2]
        if e.tag != "a" or _AUTHOR_PAGE.search(e.get("href"))
    ][:_MAX_CANDIDATES]


# A comment by the post's author: blog engines mark it (WordPress: "bypostauthor").
_MAX_COMMENTS = 3
# The commenter's name: the hCard name first, then an element named "author".
_COMMENT_NAME = etree.XPath(
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' fn ')]"
    " | .//*[contains(@class, 'author')]"
)


def _own_comment(node: Element, comment: Element) -> bool:
    """True when ``node`` is in ``comment`` itself, not in a reply nested in it."""
    for parent in node.iterancestors():
        if parent is comment:
            return True
        if " comment " in f" {parent.get('class') or ''} ":
            return False
    return False


def post_author_comment(candidates: list[Element]) -> list[str]:
    """The name on the first comment the post's author wrote, or []: the last
    resort for a blog post that names its author nowhere else. The comment is
    among the byline markup ``candidates`` (its class names its author:
    "comment byuser comment-author-ann bypostauthor")."""
    comments = [e for e in candidates if "bypostauthor" in (e.get("class") or "")][:_MAX_COMMENTS]
    for comment in comments:
        if not {"comment", "bypostauthor"} <= set((comment.get("class") or "").split()):
            continue
        nodes = _COMMENT_NAME(comment)[:10]
        nodes.sort(key=lambda n: " fn " not in f" {n.get('class')} ")
        for node in nodes:
            if _own_comment(node, comment):
                names = clean_names(" ".join(node.itertext()), strict=False)
                if names:
                    return names[:1]
    return []


def _is_phrase(parts: list[str]) -> bool:
    """True for the parts of a sentence, not of a byline: one ends with "and"
    cut short ("Von Sprachregeln, Gender-Politik und «…»"), or has words in
    lower case ("Von der Idee zum Produkt")."""
    if len(parts) > 1 and not parts[-1].strip():
        return True
    for part in parts:
        words = part.split()
        if len(words) > 1 and any(w[0].islower() and w not in _PARTICLES for w in words):
            return True
    return False


def text_authors(lines: Iterable[str]) -> list[str]:
    """Names after a byline word in short lines: "Von X", "By X", "Autor: X"."""
    for line in lines:
        line = line.strip()
        if len(line) > 120:
            # A line of fields: "Posted by X under Y | Tags: ...". The name ends at the first bar.
            line = line.split("|", 1)[0].strip()
        if not line or len(line) > 120:
            continue
        # A byline word, or a date then who wrote it: "11.12.2019 - Ann Smith".
        match = _TEXT_BYLINE.search(line) or _DATE_THEN_BYLINE.search(line)
        dated = match is None
        match = match or _DATED_BYLINE.search(line)
        if match is None:
            continue
        rest = match.group("rest")
        if _is_phrase(_byline_parts(rest)):
            continue
        names = clean_names(rest)
        if dated and any(len(n.split()) < 2 for n in names):
            continue  # a place, a section: "05.02.2020 - Berlin"
        # An agency in lower case after the names ("Von Ann Smith, dpa") is no person.
        if len(names) > 1 and names[0][0].isupper():
            names = [n for n in names if n[0].isupper() or " " in n]
        if names and all(n[0].isupper() for n in names):
            return names
    return []


# A byline word after the date and time: "Politik 06.11.2023 13:30 von Ann Smith".
# A date in figures: 11.12.2019, 2019-12-11, 12/11/2019.
_FIGURES_DATE = r"(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
_DATE_THEN_BYLINE = re.compile(
    _FIGURES_DATE
    + r"(?:,?\s+\d{1,2}:\d{2}(?:\s*uhr)?)?\s*[,|·•–—-]?\s*"
    + r"(?:von|by|par|por)\s+(?P<rest>\S.{0,80})$",
    re.IGNORECASE,
)
_DATED_BYLINE = re.compile(r"^\s*" + _FIGURES_DATE + r"\s*[-–—|·•]\s*(?P<rest>\S.{0,80})$")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in text if c.isalnum())


def not_the_site(names: list[str], *sites: str | None, url: str = "") -> list[str]:
    """``names`` without the site's or the publisher's name (``LAOLA1.at``, ``The Guardian``)."""
    keys = {_key(s) for s in sites if s and len(_key(s)) >= 3}
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if host:
        keys.add(_key(host))
        keys.add(_key(host.rsplit(".", 1)[0]))
    people: list[str] = []
    for name in names:
        words = name.split()
        if len(words) >= 4 and words[-1].casefold() in _STAFF and _key(words[-2]) in keys:
            name = " ".join(words[:-2])  # "Ann Smith Example Staff"
        if _key(name) and _key(name) not in keys and name not in people:
            people.append(name)
    return people


# The role after the site's name: "Ann Smith Example Staff".
_STAFF = frozenset({"staff", "writer", "reporter", "contributor", "correspondent"})
