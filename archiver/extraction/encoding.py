"""Decode a page's bytes to text, the way Chinese news pages need it.

Order of evidence: a byte-order mark; then the HTTP ``Content-Type`` charset
and the page's own ``<meta charset>`` / ``http-equiv`` declaration, each
checked against the bytes; then the same readings allowing a few bad bytes
(replaced and reported: a GB2312 page with one stray byte stays GB18030, a
UTF-8 page stays UTF-8); then detection, among the encodings web pages use.
Declarations lie often enough on Chinese sites (UTF-8 pages that say
``gb2312``, GBK pages that say ``utf-8``) that a declaration is only trusted
when the bytes agree with it.

GB2312 and GBK are read as GB18030, their superset: a page labelled GB2312
routinely holds characters only GBK or GB18030 can encode. Latin-1 and
ASCII are read as windows-1252, as browsers do.

The text is then checked: mojibake (UTF-8 read as Latin-1 or GBK) and
U+FFFD replacement characters are reported as warnings, never hidden.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_html", "normalize_codec", "sniff_non_html", "text_warnings"]

# How much of the page to scan for a <meta> declaration. The HTML standard's
# prescan reads 1024 bytes; real Chinese pages often put the meta tag after
# long inline scripts, so look further.
_META_SCAN_BYTES = 32 * 1024
# Detection and mojibake checks read a sample, so a 20 MB page costs no more
# than a normal one.
_SAMPLE_CHARS = 256 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with it
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels whose real-world meaning is a wider encoding (WHATWG Encoding
# standard, plus the GB family folded into GB18030).
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "gb18030": "gb18030",
    "hz": "gb18030",
    "latin_1": "cp1252",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "cp1252": "cp1252",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "iso8859_9": "cp1254",
    "tis_620": "cp874",
    # A page cannot really be UTF-16 without a BOM and still parse as ASCII
    # markup; browsers read such a label as UTF-8.
    "utf_16": "utf-8",
    "utf_16_le": "utf-8",
    "utf_16_be": "utf-8",
    "utf_8": "utf-8",
}

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:+-]+)""")

# UTF-8 text decoded as windows-1252/Latin-1: a lead byte of a 2- or 3-byte
# sequence (Ã Â for Latin text, ä-é for CJK) followed by continuation bytes,
# which cp1252 shows as U+0080-U+00BF or its punctuation block (€ ‚ “ ” ™ ...).
_CP1252_CONT = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_LATIN_MOJIBAKE = re.compile(
    f"[\u00c2\u00c3\u00c5][{_CP1252_CONT}]|[\u00e2-\u00ef][{_CP1252_CONT}]{{2}}"
)
# GBK text decoded as Latin-1: runs of high Latin-1 letters no language writes.
_GBK_AS_LATIN = re.compile("[\u00a1-\u00fe]{8,}")
# UTF-8 text decoded as GBK: these characters are rare in real Chinese but
# make up much of UTF-8-read-as-GBK output (锛 from fullwidth punctuation,
# 銆 from 、。, 鐨 from 的, 鏄 from 是...). 锟斤拷 is U+FFFD read as GBK.
_GBK_MOJIBAKE_CHARS = re.compile("[锛銆鈥鐨鏄鍦涓浠鎴鍙緋璇鏈彂鏂鑰]")
_KUNKUN = re.compile("锟斤拷|烫烫烫|屯屯屯")
_CJK = re.compile("[\u4e00-\u9fff]")
# CJK ideographs, CJK punctuation and full-width forms.
_CHINESE_RUNS = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
_REPLACEMENT = "\ufffd"
_IN_WORD = re.compile("[A-Za-z][\u4e00-\u9fff][A-Za-z]")
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")
# The mojibake statistics read this many windows of the page, of this many characters.
_WINDOWS = 16
_WINDOW_CHARS = 1024
# The Chinese check reads windows this long (regex scans cost about 10 ns a
# character: 256K characters read whole took 5 ms), unless they hold fewer
# than this many non-ASCII characters.
_CHINESE_WINDOW_CHARS = 2048
_ENOUGH_NON_ASCII = 500


def normalize_codec(label: str) -> str | None:
    """The Python codec to use for a charset label, or None if unknown.

    >>> normalize_codec("GB2312"), normalize_codec("ISO-8859-1"), normalize_codec("UTF8")
    ('gb18030', 'cp1252', 'utf-8')
    """
    label = label.strip().strip("\"'").lower()
    if label in {"x-gbk", "gb_2312-80", "x-gb2312", "gb_2312", "csgb2312", "chinese"}:
        return "gb18030"
    if label in {"x-user-defined", "unicode"}:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    key = name.replace("-", "_")
    return _ALIASES.get(key, name)


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_codec(match.group(1)) if match else None


def _meta_charset(body: bytes) -> str | None:
    head = body[:_META_SCAN_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    return normalize_codec(match.group(1).decode("ascii", "replace"))


def _decodes(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_chinese(text: str) -> bool:
    """True when the non-ASCII characters of ``text`` are mostly common CJK.

    GB18030 decodes many non-Chinese byte strings without error; this checks
    that what came out is plausible Chinese, not Latin-1 read as GBK.
    """
    sample = _spread(text[:_SAMPLE_CHARS], _CHINESE_WINDOW_CHARS)
    non_ascii = _count_non_ascii(sample)
    if non_ascii < _ENOUGH_NON_ASCII and len(sample) < min(len(text), _SAMPLE_CHARS):
        # Too few non-ASCII characters in the windows to judge: read all of it.
        sample = text[:_SAMPLE_CHARS]
        non_ascii = _count_non_ascii(sample)
    if not non_ascii:
        return True
    chinese = sum(map(len, _CHINESE_RUNS.findall(sample)))
    if chinese / non_ascii <= 0.9:
        return False
    # Latin text read as GBK: "schöner" gives one ideograph between letters
    # (sch鰊er); Chinese runs of ideographs do not sit inside words.
    inside_words = len(_IN_WORD.findall(sample))
    return inside_words <= 0.2 * chinese


# What charset-normalizer may answer for a web page: the encodings pages are
# written in. A close call between them and an exotic one (ptcp154,
# mac-latin2, cp037...) is a page with a few bad bytes, not an exotic page.
_WEB_CODECS = frozenset(
    "utf-8 gb18030 big5hkscs cp932 euc_jp cp949 cp1250 cp1251 cp1252 cp1253 cp1254 "  # noqa: SIM905
    "cp1255 cp1256 cp1257 cp874 koi8_r koi8_u iso8859_2 iso8859_5 iso8859_7 iso8859_15".split()
)
_LATIN_CODECS = frozenset({"cp1250", "cp1252", "cp1254", "cp1257", "iso8859_2", "iso8859_15"})
# A reading with at most this share of undecodable bytes (and at most
# _MAX_BAD of them) is the page's encoding with a few damaged bytes.
_BAD_SHARE = 0.005
_MAX_BAD = 20
_PREFIX_BYTES = 32 * 1024


def _nearly(body: bytes, codec: str) -> str | None:
    """``body`` read as ``codec`` when only a few bytes fail (replaced), else None."""
    try:
        head = body[:_PREFIX_BYTES]
        if len(body) > _PREFIX_BYTES:
            # Bytes of another encoding fail all over: a prefix shows it
            # before the whole page is decoded.
            bad = head.decode(codec, "replace").count(_REPLACEMENT)
            if bad - head.count(b"\xef\xbf\xbd") > _MAX_BAD + 1:  # +1: a character cut at the end
                return None
        text = body.decode(codec, "replace")
    except LookupError:
        return None
    bad = text.count(_REPLACEMENT) - body.count(b"\xef\xbf\xbd")
    non_ascii = _count_non_ascii(text[:_SAMPLE_CHARS])
    if bad <= min(_MAX_BAD, max(1, int(_BAD_SHARE * non_ascii))):
        return text
    return None


def _detect(body: bytes) -> str | None:
    """Best codec for undeclared, non-UTF-8 bytes: GB18030, then
    charset-normalizer among the web's encodings."""
    text = _decodes(body, "gb18030")
    if text is not None and _looks_chinese(text):
        return "gb18030"
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with Scrapy
        return None
    codecs_found = [normalize_codec(m.encoding) for m in from_bytes(body[: 2 * _SAMPLE_CHARS])]
    found = next((c for c in codecs_found if c in _WEB_CODECS), None)
    if found in _LATIN_CODECS and "cp1252" in codecs_found:
        # Western text fits several Latin code pages: windows-1252 is what an
        # undeclared page means (the HTML standard's default).
        return "cp1252"
    return found


def text_warnings(text: str) -> list[str]:
    """Warnings about decoded text: ``mojibake``, ``replacement-chars``.

    Cheap on any page: a wrong decoding garbles every non-ASCII character
    alike, so its marks are read from windows spread over the page.
    ``extract_pages`` checks the article's own title
    and body whole, so a mark only there (锟斤拷 or U+FFFD in one paragraph) is caught.
    """
    sample = text[:_SAMPLE_CHARS]
    if sample.isascii():
        return []
    sample = _spread(sample)
    warnings: list[str] = []
    if _is_mojibake(sample):
        warnings.append("mojibake")
    if _REPLACEMENT in sample:
        warnings.append("replacement-chars")
    return warnings


def _spread(sample: str, window: int = _WINDOW_CHARS) -> str:
    """``_WINDOWS`` windows of ``window`` characters evenly spread over ``sample``
    (all of it when short): the page's head and nav, its body, its footer."""
    if len(sample) <= _WINDOWS * window:
        return sample
    step = len(sample) // _WINDOWS
    return " ".join(sample[i * step : i * step + window] for i in range(_WINDOWS))


def _is_mojibake(sample: str) -> bool:
    # Every pattern below is non-ASCII: scan only the non-ASCII runs, each
    # kept apart by one space (several times faster on real pages).
    sample = _ASCII_RUN.sub(" ", sample)
    if _KUNKUN.search(sample):
        return True
    non_ascii = _count_non_ascii(sample)
    if not non_ascii:
        return False
    latin = len(_LATIN_MOJIBAKE.findall(sample))
    if latin >= 3 and latin * 2 / non_ascii > 0.05:
        return True
    gbk_latin = sum(len(m) for m in _GBK_AS_LATIN.findall(sample))
    if gbk_latin >= 16 and gbk_latin / non_ascii > 0.2:
        return True
    odd = len(_GBK_MOJIBAKE_CHARS.findall(sample))
    if odd >= 5:
        # In real Chinese these characters are well under 1% of the text; in
        # UTF-8 read as GBK they are a tenth or more.
        cjk = len(_CJK.findall(sample))
        if odd / cjk > 0.04:
            return True
    return False


def _count_non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _choose(body: bytes, declared: list[str]) -> tuple[str, str] | None:
    """``(text, codec)`` for the first reading the bytes agree with, if any."""
    if body.isascii():
        codec = declared[0] if declared else "utf-8"
        text = _decodes(body, codec)
        return (text, codec) if text is not None else None
    # UTF-8 is self-checking: non-ASCII bytes that decode as UTF-8 are UTF-8
    # whatever the label says (the common gb2312-labelled UTF-8 page).
    candidates = ["utf-8", *(c for c in declared if c != "utf-8")]
    for codec in candidates:
        text = _decodes(body, codec)
        if text is not None:
            return text, codec
    # A page with a few bad bytes (a truncated character, a stray byte): UTF-8
    # or the declared encoding with replacement characters, which the
    # warnings report, rather than a codec no page uses.
    for codec in candidates:
        text = _nearly(body, codec)
        if text is not None and (codec != "gb18030" or _looks_chinese(text)):
            return text, codec
    nearly = _nearly(body, "gb18030")
    if nearly is not None and _looks_chinese(nearly):
        return nearly, "gb18030"
    detected = _detect(body)
    if detected is not None:
        text = _decodes(body, detected) or _nearly(body, detected)
        if text is not None:
            return text, detected
    return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str, list[str]]:
    """Decode a page: ``(text, codec name, warnings)``.

    ``content_type`` is the HTTP ``Content-Type`` header, if any. The codec
    name is a Python codec name (``utf-8``, ``gb18030``, ``cp1252``...).
    Warnings are ``mojibake`` and ``replacement-chars``.
    """
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            text = body[len(bom) :].decode(bom_codec, "replace")
            return text, bom_codec, text_warnings(text)

    declared = [c for c in (_header_charset(content_type), _meta_charset(body)) if c]
    chosen = _choose(body, declared)
    if chosen is None:
        # Nothing fits exactly: the first declaration (or UTF-8) with
        # replacement characters, which the warnings then report.
        codec = declared[0] if declared else "utf-8"
        chosen = body.decode(codec, "replace"), codec
    text, codec = chosen
    return text, codec, text_warnings(text)


_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"OggS", "application/ogg"),
    (b"\x00\x00\x00\x18ftyp", "video/mp4"),
    (b"\x00\x00\x00\x20ftyp", "video/mp4"),
    (b"ID3", "audio/mpeg"),
)


def sniff_non_html(body: bytes) -> str | None:
    """The media type of ``body`` when its bytes are clearly not a web page.

    Recognises PDF, common image, archive and media signatures, and binary
    data in general (NUL bytes in the first kilobyte, which text never has
    outside UTF-16/32, whose BOM is checked first). ``None`` for text.
    """
    head = body[:1024]
    for signature, media_type in _BINARY_SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    nuls = head.count(b"\x00")
    # A stray NUL in a page (a CMS bug) is not binary data: markup with a few
    # NULs is still a web page; the decoder drops them.
    if nuls and not (nuls <= 16 and _MARKUP.search(head)):
        return "application/octet-stream"
    return None


_MARKUP = re.compile(rb"(?i)<(?:!doctype|html|head|body|meta|title|div|p|a|ul|li|table)[\s>/]")
