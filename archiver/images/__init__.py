"""Images kept in the Hexo site: ``--images`` (``ARCHIVER_IMAGES``).

``ImagesPipeline`` is Scrapy's ``FilesPipeline`` (the media pipeline
machinery: requests through the engine and its middlewares, one download per
URL per run, results per item) between validation and the archive::

    ITEM_PIPELINES = {..., "archiver.images.ImagesPipeline": 200, ...}
    ARCHIVER_IMAGES = True

For every article it downloads the lead image, every ``Image`` of
``article.images``, every ``<img src>`` of the body and every full-size link
(``<a href>`` to an image file) around one, sending the article's URL as the
``Referer`` (image hosts refuse other pages' requests). What comes back is
checked: the status, the bytes (an image signature: an HTML error page
served with 200 is not kept), the size (``ARCHIVER_IMAGES_MAX_BYTES``,
20 MB) and completeness (``Content-Length`` against what arrived, the end
marker of a PNG, JPEG or GIF).

A kept image is stored once, by content hash, inside the site:
``<root>/source/images/ab/<sha256>.<ext>``, shared by every post that shows
it; ``<root>/.archiver/images.sqlite`` maps each URL to its file, so a later
run requests only what is missing. The post points at the copy with a
site-root URL and keeps the original next to it:

- ``<img src="/images/ab/….jpg" data-src-original="https://…">``, and the
  same for the link around it (``href`` / ``data-href-original``);
- ``headimg``/``thumbnail`` are the lead image's copy, ``archiver.lead_image``
  the original; each ``archiver.images`` item gets ``local:``.

An image that fails keeps its remote URL in the post; the report lists it
with the reason, ``images.sqlite`` remembers it, and the next run with
``--images`` tries it again (``ARCHIVER_MAX_RETRY_RUNS`` runs), rewriting
the post when it succeeds. Without ``--images`` the pipeline is off
(``NotConfigured``) and posts are written exactly as before.
"""

from __future__ import annotations

from archiver.images.checks import sniff_image
from archiver.images.pipeline import ImagesPipeline
from archiver.images.rewrite import image_urls, localize
from archiver.images.store import ImageIndex

__all__ = [
    "ImageIndex",
    "ImagesPipeline",
    "image_urls",
    "localize",
    "sniff_image",
]
