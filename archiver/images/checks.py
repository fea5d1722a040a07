"""What came back for an image, checked: is it an image (its format, by its
first bytes), is it whole, and why a download failed, in words for the report."""

from __future__ import annotations

import re

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.pipelines.media import FileException
from twisted.python.failure import Failure

__all__ = ["sniff_image"]

# ------------------------------------------------------------------ the bytes

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
    (b"\xff\x0a", "jxl"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "jxl"),
)
_ISO_BRANDS = {b"avif": "avif", b"avis": "avif", b"heic": "heic", b"heix": "heic", b"mif1": "heic"}
_SVG = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]",
    re.IGNORECASE | re.DOTALL,
)


def sniff_image(data: bytes) -> str | None:
    """The file extension of the image format ``data`` is in, by its first
    bytes; None when it is not an image (an HTML page, JSON, nothing)."""
    for signature, ext in _SIGNATURES:
        if data.startswith(signature):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in _ISO_BRANDS:
        return _ISO_BRANDS[data[8:12]]
    if _SVG.match(data[:2048]):
        return "svg"
    return None


def _what_it_is(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head:
        return "an HTML page"
    if head.startswith((b"{", b"[")):
        return "JSON"
    return "no image format we know"


def _cut_short(data: bytes, ext: str) -> bool:
    """True when an image of a format with an end marker lacks it."""
    if ext == "png":
        return b"IEND" not in data[-64:]
    if ext == "jpg":
        return b"\xff\xd9" not in data[-4096:]
    if ext == "gif":
        return not data.rstrip(b"\x00").endswith(b";")
    return False


def _failure_reason(failure: Failure, request: Request) -> str:
    value = failure.value
    if isinstance(value, FileException) and str(value):
        return str(value)  # a check of media_downloaded: its reason as it is
    refused = request.meta.get("archiver_refused")
    if refused:
        return f"refused: {refused}"
    text = str(value).strip() or type(value).__name__
    if isinstance(value, IgnoreRequest):
        return f"refused: {text}"
    if "max size" in text or "maxsize" in text:
        limit = request.meta.get("download_maxsize")
        return f"too large (over {limit} bytes)"
    if "DataLoss" in type(value).__name__ or "dataloss" in text.lower() or "DataLoss" in text:
        return "cut short: the connection closed before the whole image came"
    return f"{type(value).__name__}: {text}"[:300]
