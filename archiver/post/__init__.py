"""The post format: ``render_post`` (article to text) and ``read_post`` (back).

The layout is the existing archive's, byte for byte (see README, "The post
format"), followed in the ``full`` front matter by Hexo's ``tags:`` list and
one ``archiver:`` mapping holding every other known field of the article.
Where the old script wrote broken YAML or lost characters, the writer here
quotes so that any YAML parser reads back exactly what was written.

- :mod:`archiver.post.scalars`: quoting and reading one YAML scalar;
- :mod:`archiver.post.render`: ``render_post``;
- :mod:`archiver.post.read` and :mod:`archiver.post.namespace`: ``read_post``.
"""

from __future__ import annotations

from archiver.post.read import BEIJING, read_post
from archiver.post.render import FRONT_MATTERS, check_front_matter, render_post
from archiver.post.scalars import quote_scalar

__all__ = [
    "BEIJING",
    "FRONT_MATTERS",
    "check_front_matter",
    "quote_scalar",
    "read_post",
    "render_post",
]
