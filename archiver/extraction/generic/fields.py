"""The cascade for each article field: structured data, meta tags, then the page.

One ``extract_<field>`` function per field; each returns the value and where
it was found (``json-ld``, ``meta``, ``selector`` or ``text``).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from urllib.parse import urlsplit

from archiver.extraction.clean import absolutize, clean_text, image_src, is_junk_image
from archiver.extraction.dates import parse_date, search_date
from archiver.extraction.generic.byline import Byline, clean_person, clean_source
from archiver.extraction.generic.jsonld import JsonLd
from archiver.extraction.generic.metadata import MetaTags, strip_site_suffix
from archiver.extraction.generic.tree import Element, text_of
from archiver.models import FieldSource, Tag

__all__ = [
    "Credits",
    "DateFound",
    "extract_canonical_url",
    "extract_credits",
    "extract_date_modified",
    "extract_date_published",
    "extract_description",
    "extract_lead_image",
    "extract_site_name",
    "extract_tags",
    "http_url",
    "meta_image",
]

PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "publishtime",
    "publish_time",
    "pubdate",
    "og:time",
    "weibo:article:create_at",
    "apub:time",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "datecreated",
    "createdate",
    "firstpublishedtime",
    "release_date",
    "date",
)
MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "weibo:article:update_at",
    "dateupdate",
    "dcterms.modified",
    "last-modified",
    "lastmodifiedtime",
    "updated_time",
)
# A label before a date in running text: the page says which date it is.
# A label before a date in running text: the page says which date it is.
_PUBLISHED_LABEL = re.compile(
    r"(?:发布时间|发表时间|发布日期|发表日期|发布于|发表于|Published|Posted)\s*(?:on)?\s*[:：]?\s*",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(r"(?:更新时间|时间|日期|Updated|Date)\s*[:：]?\s*", re.IGNORECASE)
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
SITE_NAME_META = ("og:site_name", "application-name", "sitename", "site_name", "twitter:site")
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
_MAX_TAGS = 20


def http_url(value: str | None, base: str) -> str | None:
    """``value`` as an absolute http(s) URL, or None."""
    if not value or value.strip().startswith("data:"):
        return None
    url = absolutize(value.strip(), base)
    return url if _HTTP_URL.match(url) else None


class DateFound:
    """A date, the text it was read from, and where."""

    __slots__ = ("raw", "source", "value")

    def __init__(self, value: datetime, raw: str, source: FieldSource) -> None:
        self.value = value
        self.raw = raw
        self.source = source


def _from_values(
    values: list[str], source: FieldSource, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    for raw in values:
        value = parse_date(raw, tz=tz, now=now)
        if value is not None:
            return DateFound(value, clean_text(raw), source)
    return None


def extract_date_published(
    ld: JsonLd,
    meta: MetaTags,
    tree: Element,
    *,
    after: str,
    before: str,
    page: str,
    modified: DateFound | None,
    tz: tzinfo,
    now: datetime | None,
) -> tuple[DateFound | None, bool]:
    """The publication date, and whether it was found where articles print theirs.

    JSON-LD, meta tags, ``<time>``, then the text around the headline
    (``after``, up to the body, and ``before``), then a date labelled as
    the publication's (发布日期：...) anywhere in ``page``, the page's text,
    then the modification date ``modified`` (a page that only says when it
    was updated), then any labelled date, then the first date in ``page``.
    The second value is False for a date found only in the page's text at
    large, which a listing has too.
    """
    found = _from_values([ld.date_published] if ld.date_published else [], "json-ld", tz, now)
    if found is None:
        found = _from_values(meta.all(*PUBLISHED_META), "meta", tz, now)
    if found is None:
        stamps = [t.get("datetime") or "" for t in tree.iter("time")][:3]
        found = _from_values([s for s in stamps if s], "selector", tz, now)
    if found is not None:
        if len(found.raw) <= 10:
            # A date without a time (people.cn's publishdate): the byline may
            # print the same day with its time.
            for zone in (after, before):
                hit = search_date(zone, tz=tz, now=now)
                if hit is not None and hit[0].date() == found.value.date():
                    return DateFound(hit[0], clean_text(hit[1]), "text"), True
        return found, True
    for zone in (after, before):
        hit = search_date(zone, tz=tz, now=now)
        if hit is not None:
            return DateFound(hit[0], clean_text(hit[1]), "text"), True
    found = _labelled(_PUBLISHED_LABEL, page, tz, now)
    if found is not None:
        return found, True
    if modified is not None:
        return modified, True
    found = _labelled(_DATE_LABEL, page, tz, now)
    if found is not None:
        return found, False
    hit = search_date(page, tz=tz, now=None)
    if hit is not None:
        return DateFound(hit[0], clean_text(hit[1]), "text"), False
    return None, False


def _labelled(
    label: re.Pattern[str], page: str, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    for match in label.finditer(page, 0, min(len(page), 200_000)):
        hit = search_date(page[match.end() : match.end() + 40], tz=tz, now=now)
        if hit is not None:
            return DateFound(hit[0], clean_text(hit[1]), "text")
    return None


def extract_date_modified(
    ld: JsonLd, meta: MetaTags, *, tz: tzinfo, now: datetime | None
) -> DateFound | None:
    """The last modification date: JSON-LD, then meta tags."""
    found = _from_values([ld.date_modified] if ld.date_modified else [], "json-ld", tz, now)
    return found or _from_values(meta.all(*MODIFIED_META), "meta", tz, now)


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


def extract_site_name(
    ld: JsonLd, meta: MetaTags, title_tag: str
) -> tuple[str | None, FieldSource | None]:
    """The site's name: og:site_name and friends, JSON-LD, then the ``<title>`` suffix."""
    found = meta.first(*SITE_NAME_META)
    if found and not found[0].startswith("@"):
        return found[0], "meta"
    if ld.site_name or ld.publisher:
        return ld.site_name or ld.publisher, "json-ld"
    headline = strip_site_suffix(title_tag)
    rest = title_tag[len(headline) :] if title_tag.startswith(headline) else ""
    parts = [p for p in re.split(r"\s*(?:--+|——+|[_|｜·•»\-–—])\s*", rest) if p.strip()]
    if parts:
        return clean_text(parts[-1]), "selector"
    return None, None


def extract_canonical_url(
    tree: Element, meta: MetaTags, ld: JsonLd, base_url: str
) -> tuple[str | None, FieldSource | None]:
    """rel=canonical, then og:url, then the JSON-LD url; only on the page's own site."""
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical":
            url = http_url(link.get("href"), base_url)
            if url:
                return url, "selector"
            break
    found = meta.first("og:url")
    url = http_url(found[0], base_url) if found else None
    if url:
        return url, "meta"
    url = http_url(ld.url, base_url)
    if url and urlsplit(url).hostname == urlsplit(base_url).hostname:
        return url, "json-ld"
    return None, None


def extract_description(ld: JsonLd, meta: MetaTags) -> tuple[str | None, FieldSource | None]:
    """JSON-LD description, then description / og:description metas."""
    if ld.description and clean_text(ld.description):
        return clean_text(ld.description), "json-ld"
    found = meta.first("description", "og:description", "twitter:description")
    return (found[0], "meta") if found else (None, None)


def meta_image(ld: JsonLd, meta: MetaTags, base_url: str) -> tuple[str | None, FieldSource | None]:
    """The lead image the page declares (JSON-LD image, og:image), if not furniture."""
    for url in ld.images:
        absolute = http_url(url, base_url)
        if absolute and not is_junk_image(absolute):
            return absolute, "json-ld"
    for value in meta.all("og:image", "og:image:url", "twitter:image", "image"):
        absolute = http_url(value, base_url)
        if absolute and not is_junk_image(absolute):
            return absolute, "meta"
    return None, None


AUTHOR_META = (
    "article:author",
    "og:article:author",
    "author",
    "byl",
    "dc.creator",
    "twitter:creator",
)
SOURCE_META = ("source", "contentsource", "mediaid", "og:source", "article:source")
EDITOR_META = ("editor", "article:editor")


class Credits:
    """Authors, editor and source, each with where it was found."""

    __slots__ = ("authors", "editor", "source", "sources")

    def __init__(self) -> None:
        self.authors: list[str] = []
        self.editor: str | None = None
        self.source: str | None = None
        self.sources: dict[str, FieldSource] = {}


def extract_credits(ld: JsonLd, meta: MetaTags, byline: Byline, title_tag: str) -> Credits:
    """Authors: JSON-LD, the printed byline, then author metas; editor and source:
    the printed byline, then metas.

    Meta tags come last for people: Chinese CMSes fill them with the site's
    name (网易), an id (104363) or a template placeholder (name, email).
    """
    credits = Credits()
    source = byline.source
    if source:
        credits.sources["source"] = "text"
    else:
        source = next((s for s in map(clean_source, meta.all(*SOURCE_META)) if s), None)
        if source:
            credits.sources["source"] = "meta"
    credits.source = source

    authors = [a for a in (clean_person(n) for n in ld.authors) if a]
    if authors:
        credits.sources["authors"] = "json-ld"
    elif byline.authors:
        authors = byline.authors
        credits.sources["authors"] = "text"
    else:
        suffix = title_tag[len(strip_site_suffix(title_tag)) :]
        for value in meta.all(*AUTHOR_META):
            for name in value.split(","):
                person = clean_person(name)
                # The site's name (网易) or the outlet (新浪: article:author is
                # the source) is not a journalist.
                if person and person not in suffix and person not in (source, *authors):
                    authors.append(person)
        if authors:
            credits.sources["authors"] = "meta"
    credits.authors = authors[:10]

    editor = byline.editor
    if editor:
        credits.sources["editor"] = "text"
    else:
        found = meta.first(*EDITOR_META)
        editor = clean_person(found[0]) if found else None
        if editor:
            credits.sources["editor"] = "meta"
    credits.editor = editor
    return credits


# Sizes written into image file names: 850x118.jpg, xxx_w606_h412.png.
_SIZE_IN_NAME = (
    re.compile(r"(?<![0-9])(\d{2,4})[xX*](\d{2,4})(?![0-9])"),
    re.compile(r"[_-]w(\d{1,4})[_-]h(\d{1,4})(?![0-9])"),
)
_NUMBER = re.compile(r"\s*(\d+)")


def _dimension(img: Element, *names: str) -> int | None:
    for name in names:
        match = _NUMBER.match(img.get(name) or "")
        if match and int(match.group(1)) > 0:
            return int(match.group(1))
    return None


def _size(url: str, width: int | None, height: int | None) -> tuple[int | None, int | None]:
    if width is not None and height is not None:
        return width, height
    path = urlsplit(url).path
    for pattern in _SIZE_IN_NAME:
        match = pattern.search(path)
        if match:
            return int(match.group(1)), int(match.group(2))
    return width, height


def _is_banner(width: int | None, height: int | None) -> bool:
    """A strip-shaped image (an ad or a site banner, 850x118), not a photo."""
    if not width or not height:
        return False
    return width >= 4 * height or height >= 4 * width


def extract_lead_image(
    body: Element, ld: JsonLd, meta: MetaTags, base_url: str
) -> tuple[str | None, FieldSource | None]:
    """The first content image of the body as shown (lazy sources resolved),
    else the image the page declares (JSON-LD image, og:image).

    Icons, logos, 1x1 pixels, ``data:`` URIs and banner-shaped images are
    not lead images.
    """
    for img in body.iter("img"):
        url = http_url(image_src(img), base_url)
        if url is None:
            continue
        width, height = _size(
            url, _dimension(img, "w", "width", "data-w"), _dimension(img, "h", "height", "data-h")
        )
        if is_junk_image(url, width, height) or _is_banner(width, height):
            continue
        return url, "selector"
    return meta_image(ld, meta, base_url)
