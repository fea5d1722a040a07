"""Who wrote the article: authors, editor and source, from JSON-LD, the
printed byline and meta tags."""

from __future__ import annotations

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


class Credits:
    """Authors, editor and source, each with where it was found."""

    __slots__ = ("authors", "editor", "source", "sources")

    def __init__(self) -> None:
        self.authors: list[str] = []
        self.editor: str | None = None
        self.source: str | None = None
        self.sources: dict[str, FieldSource] = {}


def extract_credits(ld: JsonLd, meta: MetaTags, byline: Byline, title_tag: str) -> Credits:
    """Authors: JSON-LD, the printed byline, then author metas; editor and source:
    the printed byline, then metas.

    Meta tags come last for people: Chinese CMSes fill them with the site's
    name (网易), an id (104363) or a template placeholder (name, email).
    """
    credits = Credits()
    source = byline.source
    if source:
        credits.sources["source"] = "text"
    else:
        source = next((s for s in map(clean_source, meta.all(*SOURCE_META)) if s), None)
        if source:
            credits.sources["source"] = "meta"
    credits.source = source

    authors = [a for a in (clean_person(n) for n in ld.authors) if a]
    if authors:
        credits.sources["authors"] = "json-ld"
    elif byline.authors:
        authors = byline.authors
        credits.sources["authors"] = "text"
    else:
        suffix = title_tag[len(strip_site_suffix(title_tag)) :]
        for value in meta.all(*AUTHOR_META):
            for name in value.split(","):
                person = clean_person(name)
                # The site's name (网易) or the outlet (新浪: article:author is
                # the source) is not a journalist.
                if person and person not in suffix and person not in (source, *authors):
                    authors.append(person)
        if authors:
            credits.sources["authors"] = "meta"
    credits.authors = authors[:10]

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
