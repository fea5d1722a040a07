"""``render_post``: an article to the text of its post (see README, "The post format")."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from archiver.models import Article, Image
from archiver.post.scalars import plain_or_quoted, quote_scalar

__all__ = [
    "BODY_CLOSE",
    "BODY_OPEN",
    "FRONT_MATTERS",
    "check_front_matter",
    "render_post",
    "rfc822",
]

BODY_OPEN = "<div>   \n"
BODY_CLOSE = "  \n</div>\n            "
FRONT_MATTERS = ("full", "classic")
"""``full``: the old archive's keys, then ``tags`` and the ``archiver:`` mapping;
``classic``: the old archive's keys only."""


def check_front_matter(front_matter: str) -> str:
    """``front_matter`` if it is one of :data:`FRONT_MATTERS`, else ``ValueError``."""
    if front_matter not in FRONT_MATTERS:
        raise ValueError(f"front_matter: {front_matter!r} is neither 'full' nor 'classic'")
    return front_matter


def rfc822(moment: datetime) -> str:
    """The instant as the old archive's `date:` lines: RFC 822, in GMT, to the second."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _braces(text: str) -> str:
    return text.replace("{", "&#123;").replace("}", "&#125;")


def _image(image: Image) -> list[str]:
    """One ``images`` item: a small mapping, its keys after the first aligned under it."""
    pairs = [("url", quote_scalar(image.url))]
    if image.local is not None:
        pairs.append(("local", quote_scalar(image.local)))
    if image.alt:
        pairs.append(("alt", quote_scalar(image.alt)))
    if image.width is not None:
        pairs.append(("width", str(image.width)))
    if image.height is not None:
        pairs.append(("height", str(image.height)))
    return [
        f"{'   - ' if i == 0 else '     '}{key}: {value}" for i, (key, value) in enumerate(pairs)
    ]


def _archiver(article: Article) -> list[str]:
    """The ``archiver:`` mapping's lines: every other known field, none when none is."""
    lines: list[str] = []

    def scalar(key: str, value: str | None) -> None:
        if value is not None:
            lines.append(f"  {key}: {quote_scalar(value)}")

    def items(key: str, values: list[str]) -> None:
        if values:
            lines.append(f"  {key}:")
            lines.extend(f"   - {value}" for value in values)

    scalar("url", article.url)
    scalar("canonical_url", article.canonical_url)
    items("authors", [quote_scalar(name) for name in article.authors])
    scalar("editor", article.editor)
    scalar("source", article.source)
    if any(tag.url is not None for tag in article.tags):
        items("tag_urls", [quote_scalar(t.url) if t.url else "null" for t in article.tags])
    if article.lead_image_local is not None:
        scalar("lead_image", article.lead_image)  # headimg is the copy: the original is here
    if article.images:
        lines.append("  images:")
        for image in article.images:
            lines.extend(_image(image))
    scalar("date_published_raw", article.date_published_raw)
    scalar("description", article.description)
    scalar("language", article.language)
    if article.fetched_at is not None:
        # In UTC: an offset that is not whole seconds has no ISO 8601 form.
        scalar("fetched_at", article.fetched_at.astimezone(UTC).isoformat())
    return ["archiver:", *lines] if lines else []


def render_post(
    article: Article, *, image_placeholder: str = "", front_matter: str = "full"
) -> str:
    """The post for ``article``, as the archive stores it. Pure.

    ``image_placeholder`` is written as ``headimg``/``thumbnail`` when the
    article has no lead image (empty by default, never a random URL). The
    date is the true instant in GMT; ``date_modified`` becomes ``updated``.
    A missing ``date_published`` falls back to ``fetched_at``.

    ``front_matter="full"`` (the default) follows the old archive's keys with
    ``tags:`` (Hexo's own tag list) and one ``archiver:`` mapping holding every
    other field that is known; an article with none of them is written as the
    old archive wrote it. ``"classic"`` writes the old archive's keys only.
    """
    check_front_matter(front_matter)
    moment = article.date_published or article.fetched_at
    if moment is None:
        raise ValueError("article has neither date_published nor fetched_at: no post date")
    image = quote_scalar(article.lead_image_local or article.lead_image or image_placeholder)
    lines = ["", "---", f"title: {quote_scalar(article.title)}", "categories: "]
    lines += [f" - {plain_or_quoted(name)}" for name in article.categories]
    lines += [
        f"headimg: {image}",
        f"author: {plain_or_quoted(article.site_name) if article.site_name else quote_scalar('')}",
        "comments: false",
        f"date: {rfc822(moment)}",
    ]
    if article.date_modified is not None:
        lines.append(f"updated: {rfc822(article.date_modified)}")
    lines.append(f"thumbnail: {image}")
    if front_matter == "full":
        if article.tags:
            lines += ["tags:", *(f" - {plain_or_quoted(tag.name)}" for tag in article.tags)]
        lines += _archiver(article)
    lines += ["---", "", ""]
    return "\n".join(lines) + BODY_OPEN + _braces(article.body_html) + BODY_CLOSE
