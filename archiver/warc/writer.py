"""``WarcWriter``: records appended to an archive's WARC files, one gzip member
each, a file renamed without ``.open`` once it is finished."""

from __future__ import annotations

import io
import json
import os
import threading
import zlib
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Request, Response
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.warc.files import OPEN, seal, warc_files

__all__ = ["WarcWriter"]

_LEVEL = 6

# ------------------------------------------------------------------ writing

_ACTIVE: set[Path] = set()
"""Files open for writing in this process: never sealed under a writer."""
_GUARD = threading.Lock()
_SERIAL = [0]


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return packer.compress(data) + packer.flush()


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _headers(headers: Any) -> list[tuple[str, str]]:
    out = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        if key.lower() == "transfer-encoding":
            # The body is stored as received but de-chunked (Scrapy did it):
            # the header would tell readers to de-chunk it again.
            key = "X-Archive-Orig-Transfer-Encoding"
        for value in values if isinstance(values, list | tuple) else [values]:
            out.append((key, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return out


class WarcWriter:
    """Writes records to the WARC files of ``folder``, one gzip member each;
    a new file past ``max_bytes``. Opened on the first record: leftovers of a
    killed run are sealed then (call it under the archive's lock)."""

    def __init__(self, folder: Path, *, max_bytes: int, durable: bool = False) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.durable = durable
        self.path: Path | None = None
        self.handle: io.BufferedWriter | None = None
        self.size = 0
        self.files: list[Path] = []
        self.sealed: list[Path] = []
        self._builder = WARCWriter(io.BytesIO(), gzip=False)

    # ----------------------------------------------------------- records

    def _bytes(self, record: ArcWarcRecord) -> bytes:
        buffer = io.BytesIO()
        WARCWriter(buffer, gzip=False).write_record(record)
        return _gzip(buffer.getvalue())

    def exchange(self, request: Request, response: Response) -> str:
        """Write ``response`` as received and the ``request`` that asked for it;
        returns the response record's ID."""
        url = response.url
        protocol = getattr(response, "protocol", None) or "HTTP/1.1"
        http = StatusAndHeaders(
            _status_line(response.status), _headers(response.headers), protocol=protocol
        )
        extra: dict[str, str] = {}
        if getattr(response, "ip_address", None) is not None:
            extra["WARC-IP-Address"] = str(response.ip_address)
        answer = self._builder.create_warc_record(
            url, "response", payload=io.BytesIO(response.body), length=len(response.body),
            http_headers=http, warc_headers_dict=extra,
        )  # fmt: skip
        answer_id = str(answer.rec_headers.get_header("WARC-Record-ID"))
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        asked = _headers(request.headers)
        if not any(name.lower() == "host" for name, _ in asked):
            asked.insert(0, ("Host", parts.netloc))
        question = self._builder.create_warc_record(
            request.url, "request", payload=io.BytesIO(request.body), length=len(request.body),
            http_headers=StatusAndHeaders(
                f"{request.method} {target} HTTP/1.1", asked, is_http_request=True
            ),
            warc_headers_dict={
                "WARC-Concurrent-To": answer_id,
                "WARC-Date": str(answer.rec_headers.get_header("WARC-Date")),
            },
        )  # fmt: skip
        self.write(self._bytes(answer) + self._bytes(question))
        return answer_id

    def metadata(self, uri: str, data: dict[str, Any], refers_to: str | None = None) -> str:
        """Write a ``metadata`` record of JSON about ``uri``; returns its ID."""
        extra = {"WARC-Refers-To": refers_to} if refers_to else {}
        payload = json.dumps(data, ensure_ascii=False).encode()
        record = self._builder.create_warc_record(
            uri, "metadata", payload=io.BytesIO(payload), length=len(payload),
            warc_content_type="application/json", warc_headers_dict=extra,
        )  # fmt: skip
        self.write(self._bytes(record))
        return str(record.rec_headers.get_header("WARC-Record-ID"))

    # ----------------------------------------------------------- files

    def write(self, data: bytes) -> None:
        """Append whole members ``data`` (one write, flushed): a kill leaves
        every earlier record whole."""
        if self.handle is None or (self.size and self.size + len(data) > self.max_bytes):
            self._next_file()
        assert self.handle is not None
        self.handle.write(data)
        self.handle.flush()
        self.size += len(data)

    def _next_file(self) -> None:
        if self.handle is None and not self.files:
            self._seal_leftovers()
        self._finish()
        self.folder.mkdir(parents=True, exist_ok=True)
        with _GUARD:
            _SERIAL[0] += 1
            serial = _SERIAL[0]
        moment = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        name = f"archiver-{moment}-{os.getpid()}-{serial:05d}.warc.gz"
        self.path = self.folder / (name + OPEN)
        with _GUARD:
            _ACTIVE.add(self.path)
        self.handle = self.path.open("xb")
        self.size = 0
        fields = (
            f"software: hexo-news-archiver/{__version__} (warcio)\r\n"
            "format: WARC File Format 1.0\r\n"
            "conformsTo: https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.0/\r\n"
        ).encode()
        info = self._builder.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(fields), length=len(fields),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Filename": name},
        )  # fmt: skip
        data = self._bytes(info)
        self.handle.write(data)
        self.handle.flush()
        self.size = len(data)

    def _seal_leftovers(self) -> None:
        for path in warc_files(self.folder):
            with _GUARD:
                active = path in _ACTIVE
            if path.name.endswith(OPEN) and not active:
                sealed = seal(path)
                if sealed is not None:
                    self.sealed.append(sealed)

    def _finish(self) -> None:
        if self.handle is None or self.path is None:
            return
        if self.durable:
            os.fsync(self.handle.fileno())
        self.handle.close()
        final = self.path.with_name(self.path.name.removesuffix(OPEN))
        os.replace(self.path, final)
        with _GUARD:
            _ACTIVE.discard(self.path)
        self.files.append(final)
        self.handle = None
        self.path = None

    def close(self) -> None:
        """Finish the current file (renamed without ``.open``)."""
        self._finish()
