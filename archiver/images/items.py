"""What the images pipeline is given: an ``Article``, ``ArticlePages``, a dict
with an ``article``, or a post of an earlier run tried again (``_Retry``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.items import ArticlePages
from archiver.models import Article


@dataclass
class _Retry:
    """A post whose images failed in an earlier run, tried again."""

    article: Article
    referer: str
    key: str
    path: Path


def _article_of(item: Any) -> Article | None:
    if isinstance(item, Article):
        return item
    if isinstance(item, ArticlePages | _Retry):
        return item.article
    if isinstance(item, dict):
        found = item.get("article")
        return found if isinstance(found, Article) else None
    return None


def _with_article(item: Any, article: Article) -> Any:
    if isinstance(item, Article):
        return article
    if isinstance(item, ArticlePages | _Retry):
        item.article = article
        return item
    if isinstance(item, dict):
        return {**item, "article": article}
    return item


def _referer(item: Any, article: Article) -> str:
    if isinstance(item, _Retry):
        return item.referer
    return article.url or article.canonical_url or ""
