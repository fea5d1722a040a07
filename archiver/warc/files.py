"""The WARC files of an archive: where they are, and reading them back, whole
members only; a file a killed run left open sealed (``seal``)."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

__all__ = [
    "OPEN",
    "WARC_FOLDER",
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
