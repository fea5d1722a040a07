"""Every response of a crawl, kept as WARC files: ``--warc`` (``ARCHIVER_WARC``).

``WarcMiddleware`` is a downloader middleware next to the network (950, after
the HTTP cache, before decompression and redirects): each response as it
came, with the request that asked for it, is written to
``<root>/.archiver/warc/archiver-<time>-<pid>-<n>.warc.gz`` with warcio:
a ``response`` record (``WARC-Payload-Digest`` and ``WARC-Block-Digest``,
``WARC-IP-Address``) and a ``request`` record (``WARC-Concurrent-To``).
Robots.txt, redirects, errors and images are responses too. For each article
the crawl extracted, a ``metadata`` record (``application/json``,
``WARC-Refers-To`` its first page) holds what ``archiver reextract`` needs
to rebuild its post exactly: where the article was found (``Found``), its
pages in order (the response record of each, the headers and fetch time the
extractor saw) and the options of the run.

A kill loses at most the record being written, never an earlier one:

- each record is its own gzip member, compressed in memory and written with
  one ``write`` and a flush, so a file is always whole members and at most
  one cut member at its end;
- a file being written is named ``….warc.gz.open``; it is renamed when the
  run ends or the file reaches ``ARCHIVER_WARC_MAX_BYTES`` (1 GB) and the
  next one starts;
- the next run (or ``reextract``) cuts the unfinished member off a file
  that a killed run left open, and renames it;
- :func:`iter_members` and :func:`read_records` read whole members only:
  a cut member at the end of a file is left out.
"""

from __future__ import annotations

import io
import json
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.items import ArticlePages
from archiver.options import Options

__all__ = [
    "WARC_FOLDER",
    "Capture",
    "WarcMiddleware",
    "WarcWriter",
    "capture_options",
    "iter_members",
    "read_member",
    "read_records",
    "seal",
    "warc_files",
]

WARC_FOLDER = Path(".archiver") / "warc"
"""Where the WARC files of an archive live, under its root."""
OPEN = ".open"
"""The suffix of a file being written."""
_CHUNK = 1 << 20
_LEVEL = 6
_REMEMBERED = 20_000
"""Response records remembered for the articles' metadata records (the pages
of an article come shortly before it; listing pages are never asked for)."""
_NOT_CAPTURED = ("output", "report", "progress", "fsync", "max_retry_runs")
"""Options that do not change a post: not written in the capture."""


def warc_files(folder: Path) -> list[Path]:
    """The WARC files of ``folder``, oldest first (names start with their time)."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.name.endswith((".warc.gz", ".warc.gz" + OPEN))]
    return sorted(found, key=lambda p: p.name)


# ------------------------------------------------------------------ reading


def _members(path: Path, start: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, uncompressed bytes) of each whole gzip member of ``path``."""
    with path.open("rb") as handle:
        handle.seek(start)
        offset, pending = start, b""
        while True:
            data = pending or handle.read(_CHUNK)
            if not data:
                return
            member = zlib.decompressobj(zlib.MAX_WBITS | 16)
            parts: list[bytes] = []
            fed = 0
            while True:
                try:
                    parts.append(member.decompress(data))
                except zlib.error:
                    return  # damaged: nothing after it can be trusted
                fed += len(data)
                if member.eof:
                    end = offset + fed - len(member.unused_data)
                    yield offset, end, b"".join(parts)
                    offset, pending = end, member.unused_data
                    break
                data = handle.read(_CHUNK)
                if not data:
                    return  # the last member is cut short (a killed run): left out


def iter_members(path: Path, start: int = 0) -> Iterator[tuple[int, bytes]]:
    """(offset, uncompressed bytes) of each whole gzip member of ``path`` from
    ``start``; stops at a member that is cut short or damaged."""
    for offset, _end, data in _members(path, start):
        yield offset, data


def read_member(path: Path, offset: int) -> bytes:
    """The uncompressed bytes of the member at ``offset``; ``ValueError`` if it is cut."""
    for _, data in iter_members(path, offset):
        return data
    raise ValueError(f"{path}: no whole record at offset {offset}")


def _record(data: bytes) -> ArcWarcRecord:
    return next(iter(ArchiveIterator(io.BytesIO(data), check_digests=False)))


def read_records(path: Path) -> Iterator[tuple[int, ArcWarcRecord]]:
    """(offset, record) of every whole record of ``path``, in order; read each
    record's content before asking for the next."""
    for offset, data in iter_members(path):
        yield offset, _record(data)


def seal(path: Path) -> Path | None:
    """A file left open by a killed run: its cut last member removed, renamed
    without ``.open``. Returns the new path (None if nothing whole was left)."""
    size = 0
    for _start, end, _data in _members(path):
        size = end
    with path.open("r+b") as handle:
        handle.truncate(size)
    if size == 0:
        path.unlink()
        return None
    target = path.with_name(path.name.removesuffix(OPEN))
    os.replace(path, target)
    return target


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


# ------------------------------------------------------------------ the crawl


def capture_options(options: Options) -> dict[str, Any]:
    """The options of a run that decide its posts, as ``ARCHIVER_*`` settings."""
    names = {f"ARCHIVER_{name.upper()}" for name in _NOT_CAPTURED}
    return {k: v for k, v in options.to_settings().items() if k not in names}


@dataclass
class _Shared:
    writer: WarcWriter
    users: int = 0


_WRITERS: dict[Path, _Shared] = {}


def _acquire(folder: Path, options: Options) -> WarcWriter:
    key = folder.resolve()
    with _GUARD:
        shared = _WRITERS.get(key)
        if shared is None:
            writer = WarcWriter(folder, max_bytes=options.warc_max_bytes, durable=options.fsync)
            shared = _WRITERS[key] = _Shared(writer)
        shared.users += 1
        return shared.writer


def _release(writer: WarcWriter) -> None:
    with _GUARD:
        for key, shared in list(_WRITERS.items()):
            if shared.writer is writer:
                shared.users -= 1
                if shared.users > 0:
                    return
                del _WRITERS[key]
    writer.close()


@dataclass
class Capture:
    """What ``reextract`` needs of one article, as its metadata record says."""

    found: dict[str, Any]
    pages: list[dict[str, Any]]
    options: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


class WarcMiddleware:
    """Write every response, with its request, to the archive's WARC files; and
    for each article, the metadata record ``archiver reextract`` rebuilds it from."""

    def __init__(self, crawler: Any, options: Options) -> None:
        assert options.output is not None
        self.crawler = crawler
        self.options = options
        self.folder = options.output / WARC_FOLDER
        self.writer: WarcWriter | None = None
        # The response record of each recent page, for the article's metadata record.
        self.records: OrderedDict[str, str] = OrderedDict()
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_done, signal=signal)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> WarcMiddleware:
        options = Options.from_settings(crawler.settings)
        if not options.warc:
            raise NotConfigured("ARCHIVER_WARC is off")
        if options.output is None:
            raise NotConfigured("ARCHIVER_OUTPUT is not set: no archive to keep WARC files in")
        return cls(crawler, options)

    def _writer(self) -> WarcWriter:
        if self.writer is None:
            # Spider arguments are settings by now: read the options again.
            self.options = Options.from_settings(self.crawler.settings)
            self.writer = _acquire(self.folder, self.options)
        return self.writer

    def process_response(self, request: Request, response: Response) -> Response:
        record = self._writer().exchange(request, response)
        self.crawler.stats.inc_value("archiver/warc_responses")
        if "archiver_image" not in request.meta:  # an image is no page of an article
            self.records[response.url] = record
            self.records.move_to_end(response.url)
            if len(self.records) > _REMEMBERED:
                self.records.popitem(last=False)  # reextract finds it by URL then
        return response

    def item_done(self, item: Any, **_: Any) -> None:
        if not isinstance(item, ArticlePages) or not item.pages:
            return
        pages = [
            {
                "url": page.url,
                "response": self.records.pop(page.url, None),
                "fetched_at": page.fetched_at.isoformat() if page.fetched_at else None,
                "headers": dict(page.headers),
            }
            for page in item.pages
        ]
        data = {
            "archiver": "article",
            "version": 1,
            "found": item.found.to_json(),
            "pages": pages,
            "options": capture_options(self.options),
        }
        first = pages[0]["response"]
        refers_to = first if isinstance(first, str) else None
        self._writer().metadata(item.pages[0].url, data, refers_to=refers_to)
        self.crawler.stats.inc_value("archiver/warc_articles")

    def spider_closed(self, spider: Any) -> None:
        if self.writer is not None:
            _release(self.writer)
            self.writer = None
