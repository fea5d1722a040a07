"""Item pipelines: validate each article, then write it through the archive.

What fails validation goes to ``rejects.jsonl`` in the archive root, one
JSON object a line (``url``, ``field``, ``reason``, ``time``), into the
stats (``archiver/rejected/<field>``) and into the run report. Nothing is
dropped silently.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, NoReturn

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from archiver.crawlstate import CrawlState, state_of
from archiver.models import Article

__all__ = ["ArchivePipeline", "ValidationPipeline"]

# Problems that make a post wrong, found by the extractor and flagged in the model.
_BLOCKING_WARNINGS = {"mojibake", "replacement-chars"}
FIELDS = ("title", "date_published", "authors", "tags", "lead_image", "body_html")


class ValidationPipeline:
    """Turn each item into a valid ``Article`` or reject it with the reason."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.state: CrawlState = state_of(crawler)
        self.rejects = self.state.archive.root / "rejects.jsonl"

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidationPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        url = str(item.get("url"))
        if "skip" in item:
            raise DropItem(f"{url}: {item['skip']}")
        error = item.get("error")
        if isinstance(error, ValidationError):
            first = error.errors()[0]
            self.reject(url, ".".join(map(str, first["loc"])) or "?", first["msg"])
        article = item.get("article")
        if isinstance(article, dict):
            try:
                article = Article.model_validate(article)
            except ValidationError as exc:
                first = exc.errors()[0]
                self.reject(url, ".".join(map(str, first["loc"])) or "?", first["msg"])
        if not isinstance(article, Article):
            self.reject(url, "article", "no article in the item")
        blocking = _BLOCKING_WARNINGS.intersection(article.warnings)
        if blocking:
            self.reject(url, "body_html", f"text is garbled ({', '.join(sorted(blocking))})")
        if article.date_published is None:
            moment = article.fetched_at or datetime.now(UTC)
            sources = {**article.field_sources, "date_published": "default"}
            article = article.model_copy(
                update={"date_published": moment, "field_sources": sources}
            )
        return {**item, "article": article}

    def reject(self, url: str, field: str, reason: str) -> NoReturn:
        stats = self.crawler.stats
        stats.inc_value("archiver/articles_rejected")
        stats.inc_value(f"archiver/rejected/{field}")
        record = {"url": url, "field": field, "reason": reason, "time": _now()}
        self.rejects.parent.mkdir(parents=True, exist_ok=True)
        with self.rejects.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.state.fail(url, f"rejected: {field}: {reason}", retry=False)
        raise DropItem(f"{url}: {field}: {reason}")


class ArchivePipeline:
    """Write each valid article's post; count written, updated and unchanged."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.state: CrawlState = state_of(crawler)
        self.refresh = crawler.settings.getbool("ARCHIVER_REFRESH")

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        article: Article = item["article"]
        result = self.state.archive.save(
            article, mark_updated=True, aliases=tuple(item.get("aliases", ()))
        )
        self.crawler.stats.inc_value(f"archiver/articles_{result.status}")
        if article.key_url:
            self.state.known_urls.add(article.key_url)
        self._count_fields(article)
        return {"url": item["url"], "path": str(result.path), "status": result.status}

    def _count_fields(self, article: Article) -> None:
        site = (article.categories[1] if len(article.categories) > 1 else None) or (
            article.site_name or "?"
        )
        counts = self.state.field_counts.setdefault(site, dict.fromkeys(("articles", *FIELDS), 0))
        counts["articles"] += 1
        for name in FIELDS:
            value = getattr(article, name)
            if name == "date_published":
                value = article.field_sources.get(name) != "default"
            elif name == "authors":
                value = value or article.editor or article.source
            if value:
                counts[name] += 1


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
