"""``scrapy crawl tag -a url=URL``: a tag or listing page of any site, with its pagination."""

from __future__ import annotations

from archiver.spiders.base import ArchiveSpider


class TagSpider(ArchiveSpider):
    name = "tag"
