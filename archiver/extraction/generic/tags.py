"""The article's tags: tag-page links near the body, then JSON-LD keywords,
then keyword meta tags."""

from __future__ import annotations

import re

from archiver.extraction.generic.jsonld import JsonLd
from archiver.extraction.generic.metadata import MetaTags
from archiver.extraction.generic.tree import Element, text_of
from archiver.extraction.text import clean_text
from archiver.extraction.urls import http_url
from archiver.models import FieldSource, Tag

__all__ = ["extract_tags"]

_TAG_HREF = re.compile(r"/tags?/|[?&]tag=", re.IGNORECASE)
_TAG_BOX = re.compile(r"tag|keyword|biaoqian|bq", re.IGNORECASE)
_MAX_TAG_SCAN = 3000


def _in_tag_box(anchor: Element) -> bool:
    node = anchor.getparent()
    for _level in range(3):
        if node is None:
            return False
        if _TAG_BOX.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
        node = node.getparent()
    return False


def _tag_links(scope: Element) -> list[Element]:
    """Tag links of ``scope``: ``rel=tag``, or a link to a tag page inside a box
    named like a tag list (sidebars of hot topics are not the article's tags).
    """
    found: list[Element] = []
    for count, anchor in enumerate(scope.iter("a")):
        if count >= _MAX_TAG_SCAN or len(found) >= 100:
            break
        rel = (anchor.get("rel") or "").lower().split()
        if "tag" in rel or (_TAG_HREF.search(anchor.get("href") or "") and _in_tag_box(anchor)):
            found.append(anchor)
    return found


KEYWORD_META = ("news_keywords", "keywords", "tags", "article:tag", "og:article:tag")

_MAX_TAGS = 20


def _split_keywords(value: str) -> list[str]:
    if re.search(r"[,，;；|、]", value):
        parts = re.split(r"\s*[,，;；|、]\s*", value)
    elif re.search(r"[\u4e00-\u9fff]", value):
        parts = value.split()  # 凤凰网: "小花 小刚 纸片"
    else:
        parts = [value]
    return [p.strip() for p in parts if p.strip()]


def _good_tag(name: str, title: str, longest: int = 30) -> bool:
    if not 0 < len(name) <= longest or name.isdigit() or "<" in name:
        return False
    # Keywords that repeat the headline or a long piece of it are not tags.
    return not (len(name) > 8 and name in title)


def extract_tags(
    ld: JsonLd,
    meta: MetaTags,
    scope: Element | None,
    base_url: str,
    title: str,
) -> tuple[list[Tag], FieldSource | None]:
    """Tags: tag-page links near the body, then JSON-LD keywords, then keyword metas."""
    tags: list[Tag] = []
    names: set[str] = set()
    if scope is not None:
        for anchor in _tag_links(scope):
            name = clean_text(text_of(anchor)).lstrip("#").strip()
            if _good_tag(name, title, longest=16) and name not in names:
                names.add(name)
                tags.append(Tag(name=name, url=http_url(anchor.get("href"), base_url)))
        if tags:
            return tags[:_MAX_TAGS], "selector"
    source: FieldSource = "json-ld"
    words = list(ld.keywords)
    if not words:
        source = "meta"
        for value in meta.all(*KEYWORD_META):
            words.extend(_split_keywords(value.replace(title, " ") if title else value))
    for word in words:
        name = clean_text(word)
        if _good_tag(name, title) and name not in names:
            names.add(name)
            tags.append(Tag(name=name))
    return tags[:_MAX_TAGS], (source if tags else None)
