"""Paragraph-level boilerplate in a pruned body: what is left once the
junk blocks are gone, judged by its place in the text rather than its name.

- A heading that introduces nothing: the last text of the body ("Das könnte
  Sie auch interessieren", "About the author", "Related" over a list that
  was pruned), or one followed straight by a sibling heading of its rank or
  higher. A short paragraph all in bold, or ending in a colon ("Lesen Sie
  auch:"), is such a heading when it ends the body.
- A picture's credit or caption line: a short paragraph opening with the
  label of a picture ("Foto:", "Titelbild:", "Crédits photos :", "Abbildung
  4:"), in the languages of the pages seen.
- A post's taxonomy printed as a line of the text: "Themen: A B",
  "Tags: x, y", "Category : News", "Schlagwörter:" (with the links after
  a label printed alone).
- The comments: a label that is all of its block ("Kommentare", "3
  Comments", "Leave a Reply", "评论(0)") past the first half of the text
  ends the article; it and all that follows go.
"""

from __future__ import annotations

import re
from itertools import islice

from lxml import etree

from archiver.extraction.generic.tree import Element, remove, text_of

__all__ = ["drop_boilerplate"]

_RANKS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LOWEST = 7
_BOLD = frozenset({"strong", "b"})
_CREDIT = re.compile(
    r"^\W{0,3}(?:(?:titel|beitrags|header|vorschau)?bild(?:er|quelle|nachweis)?|fotos?(?:nachweis)?"
    r"|photos?|cr[ée]dits?(?: photos?)?|image(?:s| credit)?|picture|abbildung \d+|abb\. ?\d+"
    r"|fig(?:ure|\.)? ?\d+)\s*:",
    re.IGNORECASE,
)
_CREDIT_MAX = 160
# A post's taxonomy printed as a line: "Themen: A B", "Tags: x, y", "Category : News".
_TAXONOMY = re.compile(
    r"(?:^|\s)(?:themen|tags?|schlagw[öo]rter?|stichw[öo]rter?|kategorien?|categor(?:y|ies)"
    r"|filed under|rubriken?|cat[ée]gories?|mots[- ]cl[ée]s|etiquetas|categor[ií]as?|标签)\s?[:：]",
    re.IGNORECASE,
)
_TAXONOMY_MAX = 120
# The label over a post's comments, alone in its block.
_COMMENTS = re.compile(
    r"^\W*(?:\d+\s+)?(?:kommentare|comments|leave a (?:reply|comment)|kommentare? schreiben"
    r"|schreibe einen kommentar|commentaires|laisser un commentaire|comentarios"
    r"|deja un comentario|commenti|lascia un commento|reacties|评论|网友评论|发表评论|相关评论)"
    r"(?:\s*[(（]\d+[)）])?\W*$",
    re.IGNORECASE,
)
_COMMENTS_LABEL = 40
_LABEL_CHILDREN = 3  # a label's block: a heading, a counter in a <span>
# Parts of the labels' words in lower and upper case: substring tests on the
# text cost a tenth of one case-insensitive regex scan.
_COMMENT_HINTS = (
    "omment",
    "OMMENT",
    "oment",
    "OMENT",
    "eply",
    "EPLY",
    "eacties",
    "EACTIES",
    "评论",
)
_LABEL_CHARS = 20
_LINES = ("p", "div", "li", "dd", "span")
"""A credit line is short: a paragraph opening "Bild:" that goes on is prose."""
_MAX_LABEL = 80
"""A heading longer than this, or ending a sentence, is a deck or a quote: text."""
_MAX_WORK = 20_000
"""Elements walked: a body larger than this keeps its headings."""


def _has_text(text: str | None) -> bool:
    return bool(text and text.strip())


def _outline(body: Element) -> list[tuple[Element | None, int]]:
    """The body's text in order: ``(heading, rank)`` for a heading, ``(None, 0)``
    for any other text."""
    items: list[tuple[Element | None, int]] = []
    walker = etree.iterwalk(body, events=("start", "end"))
    for count, (event, node) in enumerate(walker):
        if count > _MAX_WORK:
            return []
        tag = node.tag
        if event == "end":
            if node is not body and _has_text(node.tail):
                items.append((None, 0))
            continue
        if not isinstance(tag, str):
            continue
        rank = _RANKS.get(tag)
        if rank is not None and node is not body:
            text = text_of(node).strip()
            if len(text) > _MAX_LABEL or text.endswith("."):
                items.append((None, 0))  # a sentence (a deck, a pull quote): text
            elif text:
                items.append((node, rank))
            walker.skip_subtree()  # its end event still comes, with its tail
            continue
        if tag == "p" and node is not body:
            rank = _pseudo_heading(node)
            if rank:
                items.append((node, rank))
                walker.skip_subtree()
                continue
        if _has_text(node.text):
            items.append((None, 0))
    return items


def _pseudo_heading(node: Element) -> int:
    """``_LOWEST`` for a paragraph that reads as a label: all in bold, or
    short and ending in a colon; 0 for any other."""
    text = text_of(node).strip()
    if not text or len(text) > _MAX_LABEL:
        return 0
    if text.endswith(":"):
        return _LOWEST  # "Lesen Sie auch:", dropped only at the end of the body
    children = [child for child in node if isinstance(child.tag, str)]
    if (
        len(children) == 1
        and children[0].tag in _BOLD
        and not _has_text(node.text)
        and not _has_text(children[0].tail)
        and not text.endswith((".", "?", "!"))
    ):
        return _LOWEST
    return 0


def _drop_comments(body: Element, text: str | None = None) -> None:
    """The comments label past the first half of the text, and all after it.
    ``text``: the body's text, or an earlier version of it holding all it holds."""
    probe = text_of(body) if text is None else text
    if not any(hint in probe for hint in _COMMENT_HINTS):
        return  # (most bodies: substring tests, no walk)
    label = _comments_label(body)
    if label is None:
        return
    after = _text_from(label, body)
    if after * 2 > len(text_of(body)):
        return  # not past the first half: a section of the article so named
    _cut_from(label, body)


def _comments_label(body: Element) -> Element | None:
    """The first block of ``body`` that is all a comments label, or None: a
    block of a few elements that hold no others (a heading, a counter in a
    ``<span>``), so that no wrapper's text is read."""
    for node in islice(body.iterdescendants(), _MAX_WORK):
        if len(node) > _LABEL_CHILDREN or not isinstance(node.tag, str):
            continue
        if any(len(child) for child in node):
            continue
        label = text_of(node).strip()
        if len(label) <= _COMMENTS_LABEL and _COMMENTS.match(label):
            return node
    return None


def _text_from(node: Element, body: Element) -> int:
    """The length of ``body``'s text from ``node`` on, in document order."""
    size = len(text_of(node)) + len(node.tail or "")
    while node is not body:
        for following in node.itersiblings():
            size += len(text_of(following)) + len(following.tail or "")
        parent = node.getparent()
        if parent is None:
            break
        if parent is not body:
            size += len(parent.tail or "")
        node = parent
    return size


def _cut_from(node: Element, body: Element) -> None:
    """``node`` and everything after it in ``body``, in document order, removed."""
    parent = node.getparent()
    if parent is None:
        return
    for following in list(node.itersiblings()):
        parent.remove(following)
    parent.remove(node)  # (its tail goes with it)
    while parent is not body:
        grand = parent.getparent()
        if grand is None:
            return
        parent.tail = None
        for following in list(parent.itersiblings()):
            grand.remove(following)
        parent = grand


def drop_boilerplate(body: Element, text: str | None = None) -> Element:
    """``body`` without headings that introduce nothing and without the
    comments (changed in place). ``text``: see ``_drop_comments``."""
    _drop_comments(body, text)
    items = _outline(body) if next(body.iter(*_RANKS, "p"), None) is not None else []
    doomed: list[Element] = []
    following: int | None = None  # the rank of the next heading, None at the end
    seen_text = False
    following_at: Element | None = None
    for heading, rank in reversed(items):
        if heading is None:
            seen_text = True
            continue
        if not seen_text and (
            following is None
            or (
                following <= rank
                and rank < _LOWEST
                and following_at is not None
                and following_at.getparent() is heading.getparent()
            )
        ):
            doomed.append(heading)
            # What this heading introduced is nothing: the one before it
            # introduces what comes after it.
            continue
        if rank == _LOWEST:
            seen_text = True  # kept, a label in bold is text to the headings above it
            continue
        following, following_at, seen_text = rank, heading, False
    for heading in doomed:
        remove(heading)
    for paragraph in list(body.iter(*_LINES)):
        if paragraph.getparent() is None:
            continue
        text = text_of(paragraph).strip()
        if (paragraph.tag == "p" and len(text) <= _CREDIT_MAX and _CREDIT.match(text)) or (
            len(text) <= _TAXONOMY_MAX
            and (":" in text or "：" in text)
            and _TAXONOMY.search(text)
            and not any(child.tag in _LINES for child in paragraph)
        ):
            parent = paragraph.getparent()
            if (
                len(text) <= _LABEL_CHARS
                and parent is not body
                and parent is not None
                and len(text_of(parent).strip()) <= _TAXONOMY_MAX
            ):
                paragraph = parent  # the label alone: its line is its parent
            remove(paragraph)
    return body
