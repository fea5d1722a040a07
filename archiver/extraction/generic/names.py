"""What a block's class and id say about it (matched on lowered names:
case-insensitive matching is several times slower).

- ``NEGATIVE_NAMES`` / ``POSITIVE_NAMES``: junk (comment, sidebar, list...)
  and content (article, content, post...), for the body's scores;
- ``is_marked_body``: the names CMSes and schema.org give the article's
  text (``itemprop=articleBody``, ``entry-content``, ``article-body``...),
  the names trafilatura's ``BODY_XPATH`` looks for first.
"""

from __future__ import annotations

import re

from archiver.extraction.generic.tree import Element

__all__ = ["NEGATIVE_NAMES", "POSITIVE_NAMES", "is_marked_body"]

_MARKED_BODY = re.compile(
    r"(?:^|[\s_-])(?:(?:entry|article|art|post|page|text|story|blog|single|theme|news|td-post)"
    r"[-_]?(?:content|body|text|inner|entry)|article__(?:content|body|text)|articlebody|body-?text"
    r"|post-?bodycopy|story-?(?:content|body)|rich_media_content|field-body|fulltext"
    r"|article-?detail|detail-?content)(?:$|[\s_-])"
)


def is_marked_body(element: Element, names: str | None = None) -> bool:
    """True for a block marked up as the article's body (``names``: its class and
    id, lowered)."""
    if element.get("itemprop") == "articleBody":
        return True
    if names is None:
        names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    # Every marked name holds one of these words: cheap substring tests first.
    if not (
        "content" in names
        or "body" in names
        or "text" in names
        or "entry" in names
        or "inner" in names
        or "detail" in names
    ):
        return False
    return _MARKED_BODY.search(names) is not None


NEGATIVE_NAMES = re.compile(
    r"comment|footer|foot|sidebar|side-|side_|widget|share|social|related|recommend|relate"
    r"|hot|rank|nav|menu|banner|advert|a(?<!\wa)d\b|a(?<![a-z]a)d-|ads|sponsor|promo|login|copyright"
    r"|breadcrumb"
    r"|tags?\b|pager|pagination|popup|modal|toolbar|subscribe|author-info|disclaimer|statement"
    r"|jubao|report|qrcode|erweima|more|list",
    # Matched against lowered names: case-insensitive matching is five times slower.
    # Every alternative starts with a letter (the "ad" word tests look behind
    # after its "a"): the regex engine then skips to the letters that can
    # start a match, twice as fast as trying every alternative everywhere.
)
POSITIVE_NAMES = re.compile(
    r"article|content|post|entry|text|body|main|story|detail|artibody|news_txt|txt|zw|zhengwen"
    r"|rich_media|cont|con_"
)
