"""Scrapy spiders of the archiver: thin navigation over the site modules."""
