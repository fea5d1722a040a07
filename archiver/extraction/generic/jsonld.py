"""Structured data: the article node of a page's JSON-LD.

Reads every ``<script type="application/ld+json">``, tolerating what real
pages ship: HTML comments and CDATA around the JSON, trailing commas, raw
newlines inside strings, several objects in one script, ``@graph`` and
lists. When a script is beyond repair, the few fields we need are read with
regular expressions rather than lost.

Baidu's "cambrian" JSON-LD (``title``, ``pubDate``, ``images``), common on
Chinese sites, is read as an article too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from archiver.extraction.generic.tree import Element

__all__ = ["ARTICLE_TYPES", "JsonLd", "read_json_ld"]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "techarticle",
        "scholarlyarticle",
        "liveblogposting",
        "socialmediaposting",
        "report",
    }
)
_LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage"})
_SITE_TYPES = frozenset({"website", "organization", "newsmediaorganization", "corporation"})

_MAX_SCRIPTS = 20
_MAX_SCRIPT_CHARS = 500_000
_MAX_NODES = 500

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_COMMENTS = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")
_RAW_CONTROLS = re.compile(r"[\x00-\x1f]")
_FIELD = re.compile(
    r'"(headline|datePublished|dateModified|pubDate|upDate|description|inLanguage)"'
    r'\s*:\s*"((?:[^"\\]|\\.){1,2000})"'
)
_AUTHOR_NAME = re.compile(
    r'"author"\s*:\s*[\[{]?\s*(?:\{[^}]*?)?"name"\s*:\s*"((?:[^"\\]|\\.){1,200})"'
)
_TYPE = re.compile(r'"@type"\s*:\s*"(\w+)"')


@dataclass
class JsonLd:
    """What the page's structured data says about the article; empty if nothing."""

    headline: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    images: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    section: str | None = None
    description: str | None = None
    language: str | None = None
    url: str | None = None
    site_name: str | None = None
    is_article: bool = False
    """A node typed as an article (or a cambrian page) was found."""
    is_listing: bool = False
    """The page calls itself a collection or item list, and no article."""
    broken: bool = False
    """At least one script could not be parsed as JSON."""
    author_types: set[str] = field(default_factory=set)
    """The ``@type`` of the author nodes (``person``, ``organization``...)."""


def _repair(text: str) -> str:
    text = _COMMENTS.sub("", text.strip()).strip().rstrip(";")
    text = _TRAILING_COMMA.sub(r"\1", text)
    # Raw newlines and tabs inside strings are invalid JSON but common.
    return _RAW_CONTROLS.sub(" ", text)


def _parse(text: str) -> tuple[list[Any], bool]:
    """All JSON values in ``text`` and whether a repair or salvage was needed."""
    try:
        return [json.loads(text)], False
    except ValueError:
        pass
    text = _repair(text)
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    index = 0
    while index < len(text):
        while index < len(text) and text[index] in " \t\r\n,;":
            index += 1
        if index >= len(text):
            break
        try:
            value, index = decoder.raw_decode(text, index)
        except ValueError:
            return values, True
        values.append(value)
    return values, True


def _nodes(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _nodes(value["@graph"], depth + 1)
        main = value.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _nodes(main, depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value"))
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _person_name(item: dict[str, Any]) -> str | None:
    name = _text(item.get("name"))
    if name is None and (item.get("givenName") or item.get("familyName")):
        parts = (_text(item.get(key)) for key in ("givenName", "familyName"))
        name = " ".join(p for p in parts if p) or None
    if name and " " not in name:
        # A first name ("Nils") whose description opens with the full name:
        # "Nils Muster ist freier Autor...".
        description = _text(item.get("description")) or ""
        if description.startswith(name + " "):
            surname = _SURNAME.match(description, len(name))
            if surname:
                name += " " + surname.group(1)
    return name


_SURNAME = re.compile(r"\s+([A-ZÀ-ÖØ-Þ][^\W\d_]+(?:-[A-ZÀ-ÖØ-Þ][^\W\d_]+)?)(?=[\s,.;:]|$)")


def _names(value: Any, ids: dict[str, dict[str, Any]]) -> list[str]:
    """Names of the people in ``value``: strings, Person nodes, ``{"@id": ...}``
    references to a node elsewhere in the page's graph (resolved through ``ids``)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:20]:
        if isinstance(item, dict):
            reference = item.get("@id")
            if isinstance(reference, str) and "name" not in item and reference in ids:
                item = ids[reference]
            if _types(item) & _SITE_TYPES and len(items) > 1:
                continue
            name = _person_name(item)
        else:
            name = _text(item)
        if name and name not in names:
            names.append(name)
    return names


def _urls(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for item in items[:20]:
        url = item.get("url") or item.get("contentUrl") if isinstance(item, dict) else item
        if isinstance(url, list):
            url = url[0] if url else None
        if isinstance(url, str) and url.strip() and url.strip() not in urls:
            urls.append(url.strip())
    return urls


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        return [k.strip() for k in re.split(r"[,，;；]", value) if k.strip()]
    if isinstance(value, list):
        return [k.strip() for k in value if isinstance(k, str) and k.strip()]
    return []


def _fill_article(result: JsonLd, node: dict[str, Any], ids: dict[str, dict[str, Any]]) -> None:
    result.is_article = True
    result.headline = result.headline or _text(
        node.get("headline") or node.get("name") or node.get("title")
    )
    result.date_published = result.date_published or _text(
        node.get("datePublished") or node.get("pubDate") or node.get("dateCreated")
    )
    result.date_modified = result.date_modified or _text(
        node.get("dateModified") or node.get("upDate")
    )
    if not result.authors:
        result.authors = _names(node.get("author") or node.get("creator"), ids)
        result.author_types = _author_types(node.get("author") or node.get("creator"), ids)
    result.publisher = result.publisher or _publisher(node.get("publisher"), ids)
    if not result.images:
        result.images = _urls(node.get("image") or node.get("images") or node.get("thumbnailUrl"))
    if not result.keywords:
        result.keywords = _keywords(node.get("keywords"))
    result.section = result.section or _text(node.get("articleSection"))
    result.description = result.description or _text(node.get("description"))
    result.language = result.language or _text(node.get("inLanguage"))
    url = node.get("url") or node.get("@id")
    if isinstance(url, str) and url.strip().lower().startswith("http"):
        result.url = result.url or url.strip()


def _resolve(value: Any, ids: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and "name" not in value:
        reference = value.get("@id")
        if isinstance(reference, str):
            return ids.get(reference, value)
    return value


def _publisher(value: Any, ids: dict[str, dict[str, Any]]) -> str | None:
    """The publisher's name; None for a person (a blog's owner is no site name)."""
    resolved = _resolve(value, ids)
    if isinstance(resolved, dict) and "person" in _types(resolved):
        return None
    return _text(resolved)


def _author_types(value: Any, ids: dict[str, dict[str, Any]]) -> set[str]:
    items = value if isinstance(value, list) else [value]
    types: set[str] = set()
    for item in items[:20]:
        resolved = _resolve(item, ids)
        if isinstance(resolved, dict):
            types |= _types(resolved)
    return types


def _salvage(result: JsonLd, text: str) -> None:
    """Read single fields out of a script that is not JSON at all."""
    types = {t.lower() for t in _TYPE.findall(text)}
    if not types & ARTICLE_TYPES and "cambrian" not in text:
        return
    values: dict[str, str] = {}
    for key, value in _FIELD.findall(text):
        values.setdefault(key, value)
    if not values:
        return

    def unescape(value: str | None) -> str | None:
        if value is None:
            return None
        try:
            decoded = json.loads(f'"{value}"')
        except ValueError:
            return value
        return decoded if isinstance(decoded, str) else value

    result.is_article = True
    result.headline = result.headline or unescape(values.get("headline"))
    result.date_published = result.date_published or unescape(
        values.get("datePublished") or values.get("pubDate")
    )
    result.date_modified = result.date_modified or unescape(
        values.get("dateModified") or values.get("upDate")
    )
    result.description = result.description or unescape(values.get("description"))
    result.language = result.language or unescape(values.get("inLanguage"))
    author = _AUTHOR_NAME.search(text)
    if author and not result.authors:
        name = unescape(author.group(1))
        result.authors = [name] if name else []


def read_json_ld(tree: Element) -> JsonLd:
    """The article described by the page's JSON-LD scripts (first article node wins)."""
    result = JsonLd()
    scripts = [s for s in tree.iter("script") if "ld+json" in (s.get("type") or "").lower()]
    listing = False
    nodes: list[dict[str, Any]] = []
    for script in scripts[:_MAX_SCRIPTS]:
        text = (script.text or "")[:_MAX_SCRIPT_CHARS]
        if not text.strip():
            continue
        values, repaired = _parse(text)
        if repaired:
            result.broken = True
        if not values:
            result.broken = True
            _salvage(result, text)
            continue
        for value in values:
            for node in _nodes(value):
                if len(nodes) >= _MAX_NODES:
                    break
                nodes.append(node)
    # Nodes named by "@id" (the Person of a Yoast graph), for references to them.
    ids: dict[str, dict[str, Any]] = {}
    for node in nodes:
        key = node.get("@id")
        if isinstance(key, str) and len(node) > 1:
            ids.setdefault(key, node)
    for node in nodes:
        types = _types(node)
        context = str(node.get("@context", ""))
        if types & ARTICLE_TYPES or ("cambrian" in context and not types):
            _fill_article(result, node, ids)
        elif types & _LISTING_TYPES:
            listing = True
        if types & {"website"}:
            result.site_name = result.site_name or _text(node.get("name"))
        if "publisher" in node and not result.publisher:
            result.publisher = _publisher(node.get("publisher"), ids)
    result.is_listing = listing and not result.is_article
    return result
