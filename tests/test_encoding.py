"""Decoding pages: BOM, declarations checked against the bytes, detection, warnings."""

from __future__ import annotations

import codecs

import pytest

from archiver.extraction.encoding import decode_html, normalize_codec, sniff_non_html, text_warnings

CHINESE = (
    "小米汽车首款车型亮相，雷军：这是我们最重要的一次发布。记者从发布会现场获悉，新车将于明年上市。"
)


def page(charset_meta: str = "", body: str = CHINESE, title: str = "Title") -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>{title}</title></head><body><p>{body}</p></body></html>"


def test_utf8_declared_utf8() -> None:
    text, codec, warnings = decode_html(page("utf-8").encode("utf-8"))
    assert CHINESE in text
    assert codec == "utf-8"
    assert warnings == []


def test_utf8_bytes_under_gb2312_meta_are_utf8() -> None:
    raw = page("gb2312").encode("utf-8")
    text, codec, warnings = decode_html(raw)
    assert codec == "utf-8"
    assert CHINESE in text
    assert warnings == []


def test_gbk_bytes_under_utf8_meta_are_gb18030() -> None:
    raw = page("utf-8").encode("gbk")
    text, codec, warnings = decode_html(raw)
    assert codec == "gb18030"
    assert CHINESE in text
    assert warnings == []


def test_gb2312_label_reads_gbk_only_characters() -> None:
    # 镕 and 喆 are outside GB2312: pages labelled gb2312 use them anyway.
    body = CHINESE + "朱镕基与陶喆"
    raw = page("gb2312", body).encode("gbk")
    text, codec, _ = decode_html(raw)
    assert codec == "gb18030"
    assert "朱镕基与陶喆" in text


def test_header_charset_used_when_meta_missing() -> None:
    raw = page(body="Été: café crème brûlée").encode("cp1252")
    text, codec, warnings = decode_html(raw, "text/html; charset=ISO-8859-1")
    assert codec == "cp1252"
    assert "café crème brûlée" in text
    assert warnings == []


def test_header_lies_meta_right() -> None:
    raw = page("gbk").encode("gbk")
    text, codec, _ = decode_html(raw, "text/html; charset=utf-8")
    assert codec == "gb18030"
    assert CHINESE in text


def test_undeclared_utf8() -> None:
    text, codec, warnings = decode_html(page().encode("utf-8"), "text/html")
    assert (codec, warnings) == ("utf-8", [])
    assert CHINESE in text


def test_undeclared_gbk_detected() -> None:
    text, codec, warnings = decode_html(page().encode("gbk"))
    assert codec == "gb18030"
    assert CHINESE in text
    assert warnings == []


def test_undeclared_big5_detected_not_read_as_gbk() -> None:
    body = "這是一篇關於臺灣經濟發展的新聞報導，記者從現場獲悉，相關部門將於明年公佈詳細計劃。" * 3
    text, _, _ = decode_html(page(body=body).encode("big5"))
    assert body in text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins_over_meta(bom: bytes, codec: str) -> None:
    raw = bom + page("gb2312").encode(codec)
    text, got, warnings = decode_html(raw, "text/html; charset=gbk")
    assert got == codec
    assert CHINESE in text
    assert not text.startswith("\ufeff")
    assert warnings == []


def test_xml_declaration() -> None:
    raw = ('<?xml version="1.0" encoding="GBK"?>' + page()).encode("gbk")
    text, codec, _ = decode_html(raw)
    assert codec == "gb18030"
    assert CHINESE in text


def test_ascii_page_takes_declared_codec() -> None:
    _, codec, warnings = decode_html(b"<html><meta charset=gbk><p>hello</p></html>")
    assert codec == "gb18030"
    assert warnings == []


def test_utf8_read_as_latin1_is_flagged() -> None:
    garbled = page("utf-8").encode("utf-8").decode("latin-1").encode("utf-8")
    _, _, warnings = decode_html(garbled)
    assert "mojibake" in warnings


def test_latin_utf8_read_as_cp1252_is_flagged() -> None:
    garbled = "Le café était très crème, déjà façonné à l'été.".encode().decode("cp1252")
    assert "mojibake" in text_warnings(garbled)


def test_utf8_read_as_gbk_is_flagged() -> None:
    garbled = CHINESE.encode("utf-8").decode("gbk", "replace")
    assert "mojibake" in text_warnings(garbled * 2)


def test_gbk_read_as_latin1_is_flagged() -> None:
    garbled = CHINESE.encode("gbk").decode("latin-1")
    assert "mojibake" in text_warnings(garbled)


def test_kunkun_is_flagged() -> None:
    assert "mojibake" in text_warnings("正文锟斤拷锟斤拷")


def test_undecodable_bytes_give_replacement_warning() -> None:
    # Neither UTF-8 nor any GB encoding: a UTF-8 page cut mid-character with
    # a stray invalid byte, labelled utf-8.
    raw = page("utf-8").encode("utf-8") + b"\xff\xfe\xfd\x80\x80"
    text, _, warnings = decode_html(raw)
    assert CHINESE in text or "replacement-chars" in warnings
    assert "replacement-chars" in warnings or "mojibake" in warnings


@pytest.mark.parametrize(
    "text",
    [
        CHINESE,
        "Le café était très bon à Montréal; naïve façade, Ærø, Œuvre.",
        "日本語のニュース記事です。東京都は本日、新しい計画を発表した。",
        "Ein schöner Tag für Übergrößen: Straße, Äpfel, Öl.",
        "浜海新区的涓涓细流",  # real words using "mojibake" characters
    ],
)
def test_clean_text_not_flagged(text: str) -> None:
    assert text_warnings(text) == []


def test_normalize_codec() -> None:
    assert normalize_codec("GB2312") == "gb18030"
    assert normalize_codec("x-gbk") == "gb18030"
    assert normalize_codec("iso-8859-1") == "cp1252"
    assert normalize_codec("UTF8") == "utf-8"
    assert normalize_codec("no-such-charset") is None


@pytest.mark.parametrize(
    ("raw", "media_type"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x01\x02binary", "application/octet-stream"),
        (b"<html><body>hi</body></html>", None),
        (codecs.BOM_UTF16_LE + "<html>".encode("utf-16-le"), None),
    ],
)
def test_sniff_non_html(raw: bytes, media_type: str | None) -> None:
    assert sniff_non_html(raw) == media_type


def test_big_page_is_fast() -> None:
    import time

    raw = page("gb2312", CHINESE * 200_000).encode("utf-8")  # about 20 MB
    start = time.perf_counter()
    text, codec, warnings = decode_html(raw)
    assert time.perf_counter() - start < 2.0
    assert codec == "utf-8"
    assert warnings == []
    assert len(text) > 9_000_000


def test_gb2312_page_with_one_bad_byte_stays_gb18030() -> None:
    # Decoded as ptcp154 before: a close call of charset-normalizer's.
    raw = page(body=CHINESE * 5).encode("gb2312")
    raw = raw[:150] + b"\x80" + raw[150:]
    text, codec, warnings = decode_html(raw)
    assert codec == "gb18030"
    assert CHINESE[:20] in text
    assert warnings == ["replacement-chars"]


def test_declared_gb2312_page_with_one_bad_byte_stays_gb18030() -> None:
    raw = page("gb2312", body=CHINESE * 5).encode("gb2312")
    raw = raw[:200] + b"\xff" + raw[200:]
    _, codec, warnings = decode_html(raw)
    assert codec == "gb18030"
    assert "replacement-chars" in warnings


def test_utf8_page_with_one_bad_byte_stays_utf8() -> None:
    # Decoded as mac-latin2 before, with no warning.
    body = "Ein schöner Tag für Übergrößen: Straße, Äpfel, Öl. " * 20
    raw = page(body=body).encode("utf-8")
    raw = raw[:200] + b"\xc3" + raw[201:]
    text, codec, warnings = decode_html(raw)
    assert codec == "utf-8"
    assert "Übergrößen" in text
    assert warnings == ["replacement-chars"]


@pytest.mark.parametrize(
    "body",
    [
        "Ein schöner Tag für Übergrößen: Straße, Äpfel, Öl. " * 20,
        "Le café était très bon à Montréal; naïve façade. " * 20,
    ],
)
def test_undeclared_latin_page_is_not_read_as_gbk(body: str) -> None:
    text, codec, warnings = decode_html(page(body=body).encode("cp1252"))
    assert codec != "gb18030"
    assert body[:30] in text
    assert warnings == []


@pytest.mark.parametrize("bad_at", [300, 150_000])
def test_long_undeclared_gbk_page_with_a_bad_byte_stays_gb18030(bad_at: int) -> None:
    # The Chinese check reads windows of a long page, not all of it.
    filler = "<p>" + "Some ASCII markup and scripts between the paragraphs. " * 8 + "</p>\n"
    body = (filler * 3 + f"<p>{CHINESE}</p>\n") * 300
    raw = page(body=body).encode("gb18030")
    at = raw.index(b"Some", bad_at)  # between ASCII words: no character to pair with
    raw = raw[:at] + b"\x80" + raw[at:]
    text, codec, _ = decode_html(raw)
    assert codec == "gb18030"
    assert CHINESE[:20] in text
    assert text.count("\ufffd") == 1


def test_long_latin_page_with_accents_only_late_is_not_read_as_gbk() -> None:
    # Windows that hold too few non-ASCII characters to judge: the whole
    # sample is read, and the accented words show it is no Chinese.
    ascii_part = "<p>" + "Plain ASCII text about the weather and the news. " * 40 + "</p>\n"
    # Each accented letter followed by a letter: the bytes decode as GBK too.
    accented = "<p>" + "Der schöne Bäcker Müller aus der Straße kennt Größen. " * 20 + "</p>\n"
    body = ascii_part * 100 + accented * 3
    raw = page(body=body).encode("cp1252")
    assert raw.decode("gb18030")  # no error: only the Chinese check can tell
    text, codec, _ = decode_html(raw)
    assert codec != "gb18030"
    assert "Bäcker Müller" in text


def test_garbled_long_page_is_flagged_from_its_windows() -> None:
    # The statistics read windows spread over the page: a page garbled
    # throughout is caught wherever its non-ASCII text sits.
    filler = "<script>var x = 1;</script>\n" * 2000
    garbled = CHINESE.encode("utf-8").decode("gbk", "replace")
    assert "mojibake" in text_warnings(filler + garbled * 200 + filler)


def test_a_mark_only_in_the_article_body_is_caught_by_the_article_check() -> None:
    import archiver

    filler = "<p>" + "Plain ASCII navigation text, nothing to see. " * 40 + "</p>\n"
    body = "".join(f"<p>{CHINESE}第{i}段。</p>" for i in range(30))
    html = (
        "<html><head><title>正文标题</title></head><body>"
        + filler * 60
        + f"<article><h1>正文标题</h1>{body}<p>{CHINESE}锟斤拷锟斤拷</p></article>"
        + filler * 60
        + "</body></html>"
    ).encode()
    assert "mojibake" not in text_warnings(html.decode()[:30_000])
    assert "mojibake" in archiver.extract(html, "https://example.org/a/1.html").warnings
