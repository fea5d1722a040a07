"""archiver: archive news articles as Hexo front-matter Markdown posts.

The public API::

    import archiver
    article = archiver.extract(html_bytes, url)        # a page to an Article
    text = archiver.render_post(article)               # an Article to a post
    archiver.read_post(text)                           # and back
    archiver.Archive("my-site").write(article)         # into a Hexo site
    archiver.crawl(["https://…/tag/x.htm"], output="my-site")  # a whole crawl
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archiver.errors import ArchiverError, NotAnArticle, PostFormatError, UnknownSite
from archiver.models import Article, Image, Listing, Tag
from archiver.post import read_post, render_post

__all__ = [
    "Archive",
    "ArchiverError",
    "Article",
    "Image",
    "Listing",
    "NotAnArticle",
    "PostFormatError",
    "Tag",
    "UnknownSite",
    "crawl",
    "extract",
    "read_post",
    "render_post",
]

__version__ = "0.1.0"

if TYPE_CHECKING:
    from archiver.archive import Archive
    from archiver.extraction import extract
    from archiver.run import crawl


def __getattr__(name: str) -> Any:
    # Lazy: `import archiver` stays cheap and does not pull Scrapy in.
    if name == "Archive":
        from archiver.archive import Archive

        return Archive
    if name == "extract":
        from archiver.extraction import extract

        return extract
    if name == "crawl":
        from archiver.run import crawl

        return crawl
    raise AttributeError(f"module 'archiver' has no attribute {name!r}")
