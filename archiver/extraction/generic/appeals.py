"""Calls to action and notices inside a pruned body: the publisher talking
to the reader, not the article.

Templates put them in the article's own text flow, without a telling class
name: "Subscribe to read the full story", "Melde dich für unseren
Newsletter an!", "Soutenez notre travail", "download our app", "follow us
on ...", "© 2022 X. All rights reserved", "*Werbung.". Each is a short text
block that (a) uses the vocabulary of such appeals (subscribe, newsletter,
donate, support us, member, app, follow us, log in, full story, never
miss..., in the main languages of the pages) or opens as a notice
(copyright, advertorial label), and (b) has the shape of one: a link in it,
a place in the body's trailing blocks (after its last long paragraph of
prose), where publishers print them, or a line ending in "!". Running text
that happens to name a newsletter is long, or has prose after it, and
stays. An appeal goes with its box: the wrapper it titles, or whose text is
mostly appeals.

Also out: a teaser for another article, ending in a "read more" link of its
own (``Weiterlesen``, ``Read more``, ``Lire la suite``), wherever it is; and
an author's biography at the end, under its label ("Über den Autor",
"About the author").
"""

from __future__ import annotations

import re

from archiver.extraction.generic.tree import Element, remove, text_of

__all__ = ["READ_MORE", "drop_appeals"]

# Word starts (and CJK phrases) of appeals to the reader, lowercased text.
_APPEAL = re.compile(
    r"\b(?:subscri(?:be|ption|ber)|newsletter|sign[ -]?up\b|log ?in\b|donate\b|make a donation"
    r"|support(?:ing)? (?:us|our (?:work|journalism))|become a (?:member|subscriber|patron)"
    r"|follow (?:us|[\w@ ]{1,30} on (?:twitter|facebook|instagram|linkedin|tiktok|youtube))"
    r"|(?:download|get|install|with) (?:the|our) [\w ]{0,25}apps?\b|app store|google play"
    r"|full story|read more\b|lesen sie (?:auch|mehr)|mehr zum thema|(?:à )?lire aussi"
    r"|le[ea] tambi[eé]n|leggi anche|click here|hier klicken|klicken sie hier|cliquez ici"
    r"|haz clic|clicca qui|(?:support|unterstützung|soutien|apoyo|sostegno) (?:of|from|der|de|des"
    r"|di) (?:our |unserer |nos |sus |nuestros |dei )?(?:readers|leser|lecteurs|lectores|lettori)"
    r"|abonnier|abonnement|abo\b|jetzt (?:anmelden|registrieren|spenden|abonnieren|unterstützen)"
    r"|unterstütze(?:n sie)? (?:uns|unser)|spenden? sie|mitglied werden|werden? (?:sie )?mitglied"
    r"|folg(?:en sie|e) uns|abonnez|s.abonner|inscrivez|lettre d.information|fai(?:re|tes) un don"
    r"|soutenez|soutenir (?:notre|nos)|suivez[- ]nous|suscr[ií]b|suscripci[oó]n|bolet[ií]n"
    r"|ap[oó]y(?:a|anos)\b|hazte (?:miembro|socio)|membres[ií]a|s[ií]guenos|abbona|iscriviti"
    r"|sostien|seguici|fai una donazione|wesprzyj|darowizn|prenumer|subskryp|abonneer"
    r"|nieuwsbrief|steun ons|doneer|advertise with|never miss|don.t miss|ne (?:manquez|ratez)"
    r"|no te pierdas|non perdere"
    r"|(?:nichts|keine?n?|nie)(?: mehr)? [\w ]{0,30}(?:verpassen|versäumen))"
    r"|(?:next|previous) (?:article|post|story)|(?:nächste|vorherige)[nr]? (?:artikel|beitrag)"
    r"|article (?:suivant|précédent)|(?:siguiente|anterior) art[ií]culo|herunterladen|télécharger"
    r"|newsletter|订阅|关注我们|关注[^。，]{0,12}公众号|扫码|扫一扫"
    r"|(?:下载|安装)[^。，]{0,12}(?:app|客户端)|客户端下载",
)
# A notice about the text rather than the text: the publisher's copyright
# line, the label of an advertorial ("*Werbung.", "Anzeige:", "Sponsored |").
_NOTICE = re.compile(
    r"^\W{0,3}(?:©|\(c\)|copyright\b|(?:werbung|anzeige|sponsored|advertorial|publicité"
    r"|publicidad|pubblicità)\s*[.:|*–-])",
    re.IGNORECASE,
)
# The last link of a teaser: "read more" in the languages of the pages.
READ_MORE = re.compile(
    r"^\W*(?:weiterlesen|mehr lesen|read more|continue reading|lire la suite|lire plus"
    r"|leer más|seguir leyendo|continua a leggere|leggi tutto|阅读全文|查看全文)\W*$",
    re.IGNORECASE,
)
# The label of an author's biography box, printed at the end of the article.
_ABOUT_AUTHOR = re.compile(
    r"^\W*(?:about the authors?|über (?:den autor|die autorin|die autor\w*)|zur person"
    r"|à propos de l.auteur|sobre (?:el|la) autora?|sull.autore|o autorze|作者简介)\W*$",
    re.IGNORECASE,
)
_MAX_BIO = 1200
"""Characters after an author label: more is the article going on."""
_TEXT_BLOCKS = frozenset({"p", "div", "section", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dd"})
_INNER = frozenset({"p", "div", "section", "ul", "ol", "li", "table", "blockquote", "figure"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MAX_APPEAL = 320
"""Characters: an appeal is a line or two; a longer block is prose."""
_PROSE = 200
"""A block this long without appeal words is running text: the tail starts after it."""
_MAX_TEASER = 400
_LONG = 3 * _MAX_TEASER
_LABEL = 40
_MAX_BOX = 600
_MAX_EXCLAIMED = 160
_BOX_SHARE = 0.25
_BOX_APPEALS = 0.5
_LABEL_MAX = 80
_MAX_WORK = 5000


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _blocks(body: Element) -> list[Element]:
    """The body's innermost text blocks, in order."""
    found: list[Element] = []
    for count, node in enumerate(body.iter(*_TEXT_BLOCKS)):
        if count > _MAX_WORK:
            return []
        if node is body or any(child.tag in _INNER for child in node):
            continue
        found.append(node)
    return found


def _teaser(node: Element, text: str) -> bool:
    """A short block ending in its own "read more" link."""
    if len(text) > _MAX_TEASER:
        return False
    links = list(node.iter("a"))
    if not links or not links[-1].get("href"):
        return False
    last = links[-1]
    return bool(READ_MORE.match(text_of(last))) and text.endswith(_squeezed(text_of(last)))


def _size(text: str) -> int:
    """A text's length in UTF-8 bytes: a Chinese character says as much as
    a Latin word's three letters, and a line of them is as short."""
    return len(text.encode("utf-8", "replace"))


def _exclaimed(text: str) -> bool:
    """A line or two ending in "!" (or a label's ":"): the tone of an appeal,
    in the middle of the text too."""
    return _size(text) <= _MAX_EXCLAIMED and text.endswith(("!", ":", "！", "："))


def _appeal(text: str) -> bool:
    if not 0 < _size(text) <= _MAX_APPEAL:
        return False
    return _APPEAL.search(text.lower()) is not None or _NOTICE.match(text) is not None


def drop_appeals(body: Element) -> Element:
    """``body`` without calls to action and teasers (changed in place)."""
    blocks = _blocks(body)
    texts = [text_of(node) for node in blocks]
    # Only a short block's text is squeezed and read: a long one is prose.
    texts = [_squeezed(text) if len(text) < _LONG else text for text in texts]
    tail = 0  # the index of the first block after the last long paragraph of prose
    for index in range(len(blocks) - 1, -1, -1):
        text = texts[index]
        if _size(text) >= _PROSE and blocks[index].tag not in _HEADINGS and not _appeal(text):
            tail = index + 1
            break
    doomed: list[Element] = []
    for index, text in enumerate(texts):
        short = len(text) < _LABEL and _ABOUT_AUTHOR.match(text) is not None
        if short and sum(map(len, texts[index + 1 :])) <= _MAX_BIO:
            doomed, blocks, texts = blocks[index:], blocks[:index], texts[:index]
            break
    for index, (node, text) in enumerate(zip(blocks, texts, strict=True)):
        if not text or len(text) > _MAX_TEASER:
            continue
        linked = next(node.iter("a"), None) is not None
        if linked and _teaser(node, text):
            doomed.append(node)
            continue
        placed = linked or (index >= tail and node.tag != "li") or _exclaimed(text)
        if placed and _appeal(text):
            doomed.append(node)
    if not doomed:
        return body
    whole = len(text_of(body))
    sizes = {node: len(text_of(node)) for node in doomed}
    for node in doomed:
        remove(_box(node, body, whole, sizes))
    return body


def _heads(node: Element, parent: Element) -> bool:
    """``node`` is the title of ``parent``: a short label that opens it."""
    if parent[0] is not node or (parent.text and parent.text.strip()):
        return False
    text = _squeezed(text_of(node))
    return len(text) <= _LABEL_MAX and not text.endswith(".")


def _box(node: Element, body: Element, whole: int, sizes: dict[Element, int]) -> Element:
    """The box an appeal is printed in: its largest wrapper that is a small
    part of the body and mostly appeals (a "Support us" heading, its pitch
    and its button)."""
    box = node
    parent = node.getparent()
    while parent is not None and parent is not body:
        size = len(text_of(parent))
        if size > _MAX_BOX or size > _BOX_SHARE * whole:
            break
        appealing = sum(sizes.get(inner, 0) for inner in parent.iterdescendants())
        if appealing < _BOX_APPEALS * size and not _heads(box, parent):
            break
        box, parent = parent, parent.getparent()
    return box
