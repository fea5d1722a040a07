"""Who wrote the article: authors, editor and source, from JSON-LD, the
printed byline and meta tags."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from archiver.extraction.generic.authors import not_the_site
from archiver.extraction.generic.byline import Byline, clean_person, clean_source
from archiver.extraction.generic.jsonld import JsonLd
from archiver.extraction.generic.metadata import MetaTags
from archiver.extraction.generic.title import strip_site_suffix
from archiver.models import FieldSource

__all__ = ["Credits", "extract_credits"]

AUTHOR_META = (
    "article:author",
    "og:article:author",
    "author",
    "byl",
    "dc.creator",
    "twitter:creator",
)
SOURCE_META = ("source", "contentsource", "mediaid", "og:source", "article:source")
EDITOR_META = ("editor", "article:editor")


_LOGIN = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")


def _login(name: str) -> str:
    return "".join(c for c in name.casefold() if c.isalnum())


def _unescape(name: str) -> str:
    """A name escaped twice in the page's data: "Redacci&oacute;n"."""
    return html.unescape(name) if "&" in name else name


class Credits:
    """Authors, editor and source, each with where it was found."""

    __slots__ = ("authors", "editor", "source", "sources")

    def __init__(self) -> None:
        self.authors: list[str] = []
        self.editor: str | None = None
        self.source: str | None = None
        self.sources: dict[str, FieldSource] = {}


def extract_credits(
    ld: JsonLd,
    meta: MetaTags,
    byline: Byline,
    title_tag: str,
    *,
    markup: list[str] | None = None,
    printed: list[str] | None = None,
    site_names: tuple[str | None, ...] = (),
    url: str = "",
    last: Callable[[], list[str]] | None = None,
) -> Credits:
    """Authors: JSON-LD, the labelled byline (作者/记者...), byline markup
    (``markup``), a printed byline (``printed``: "By X", "Von X"), then author metas;
    editor and source: the printed byline, then metas. The site's or the
    publisher's name (``site_names``, the host of ``url``) is no author.
    ``last`` (the name on the post author's own comment) is called only when
    no other source names anyone.

    Meta tags come last for people: Chinese CMSes fill them with the site's
    name (网易), an id (104363) or a template placeholder (name, email).
    """
    credits = Credits()
    suffix = title_tag[len(strip_site_suffix(title_tag)) :]
    sites = (*site_names, ld.publisher, ld.site_name, *re.split(r"\s[-|–—·»:]\s|[|｜_]", suffix))
    source = byline.source
    if source:
        credits.sources["source"] = "text"
    else:
        source = next((s for s in map(clean_source, meta.all(*SOURCE_META)) if s), None)
        if source:
            credits.sources["source"] = "meta"
    credits.source = source

    # Each source in turn; a source naming only the site (LAOLA1.at, the
    # publisher) is kept as the last resort: a later one may name the journalist.
    meta_authors: list[str] = []
    for value in meta.all(*AUTHOR_META):
        for name in value.split(","):
            person = clean_person(_unescape(name))
            # The outlet (新浪: article:author is the source) is not a journalist.
            if person and person not in (source, *meta_authors):
                meta_authors.append(person)
    candidates: list[tuple[list[str], FieldSource]] = [
        ([a for a in (clean_person(_unescape(n)) for n in ld.authors) if a], "json-ld"),
        (byline.authors, "text"),
        (markup or [], "selector"),
        (printed or [], "text"),
        (meta_authors, "meta"),
    ]
    authors: list[str] = []
    fallback: tuple[list[str], FieldSource] | None = None
    for names, where in candidates:
        people = not_the_site(names, *sites, url=url)
        if people:
            authors = people
            credits.sources["authors"] = where
            break
        if names and fallback is None:
            fallback = names, where
    if not authors and fallback is None and last is not None:
        people = not_the_site(last(), *sites, url=url)
        if people:
            authors = people
            credits.sources["authors"] = "selector"
    if not authors and fallback is not None:
        authors = fallback[0]
        credits.sources["authors"] = fallback[1]
    # A login ("annsmith", "ann-smith") that another source prints as a name.
    printed_forms = {_login(n): n for names, _where in candidates for n in names if " " in n}
    credits.authors = [
        printed_forms.get(_login(n), n) if _LOGIN.fullmatch(n) else n for n in authors[:10]
    ]

    editor = byline.editor
    if editor:
        credits.sources["editor"] = "text"
    else:
        found = meta.first(*EDITOR_META)
        editor = clean_person(found[0]) if found else None
        if editor:
            credits.sources["editor"] = "meta"
    credits.editor = editor
    return credits
