"""``scrapy crawl article -a url="URL URL..."``: archive single articles."""

from __future__ import annotations

from archiver.spiders.base import ArchiveSpider


class ArticleSpider(ArchiveSpider):
    name = "article"
