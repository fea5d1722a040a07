"""``--warc``: every response of a crawl, with its request, in WARC files (warcio),
one gzip member per record, rotated by size, with payload digests; a SIGKILL
loses at most the record being written."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.warc import OPEN, WarcWriter, iter_members, read_records, seal, warc_files
from tests.support import ROOT, free_port, run_archiver

pytestmark = pytest.mark.slow


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def _records(folder: Path) -> list[dict[str, Any]]:
    """Every record of every file, with its payload checked against its digest."""
    out = []
    for path in warc_files(folder):
        for _offset, record in read_records(path):
            headers = record.rec_headers
            raw = record.raw_stream.read()
            digest = headers.get_header("WARC-Payload-Digest")
            out.append(
                {
                    "file": path.name,
                    "type": record.rec_type,
                    "id": headers.get_header("WARC-Record-ID"),
                    "uri": headers.get_header("WARC-Target-URI"),
                    "concurrent": headers.get_header("WARC-Concurrent-To"),
                    "refers": headers.get_header("WARC-Refers-To"),
                    "status": record.http_headers.get_statuscode() if record.http_headers else None,
                    "http": record.http_headers,
                    "payload": raw,
                    "digest_ok": digest == _sha1(raw) if digest else None,
                    "has_block_digest": bool(headers.get_header("WARC-Block-Digest")),
                }
            )
    return out


# ---------------------------------------------------------------- the writer


def test_each_record_is_one_gzip_member_with_digests(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, max_bytes=10**9)
    ids = [writer.metadata(f"urn:x:{i}", {"i": i, "text": "字" * i}) for i in range(3)]
    assert writer.path is not None and writer.path.name.endswith(".warc.gz" + OPEN)
    writer.close()
    (path,) = warc_files(tmp_path)
    assert path.name.startswith("archiver-") and path.name.endswith(".warc.gz")
    members = list(iter_members(path))
    assert len(members) == 4  # warcinfo + 3
    data = path.read_bytes()
    for offset, uncompressed in members:  # each member stands alone
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        assert member.decompress(data[offset:]) == uncompressed
        assert uncompressed.startswith(b"WARC/1.0\r\n")
    records = _records(tmp_path)
    assert [r["type"] for r in records] == ["warcinfo", "metadata", "metadata", "metadata"]
    assert [r["id"] for r in records[1:]] == ids
    assert all(r["digest_ok"] and r["has_block_digest"] for r in records[1:])
    assert json.loads(records[3]["payload"]) == {"i": 2, "text": "字字"}
    # Other tools read the files too: warcio's own reader, with digests checked.
    with path.open("rb") as handle:
        assert len(list(ArchiveIterator(handle, check_digests="raise"))) == 4


def test_files_rotate_by_size(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, max_bytes=4000)
    for i in range(40):
        writer.metadata(f"urn:x:{i}", {"i": i, "noise": os.urandom(300).hex()})
    writer.close()
    files = warc_files(tmp_path)
    assert len(files) >= 5
    assert not any(p.name.endswith(OPEN) for p in files)
    assert all(p.stat().st_size <= 4000 + 1200 for p in files)
    numbers = [json.loads(r["payload"])["i"] for r in _records(tmp_path) if r["type"] == "metadata"]
    assert numbers == list(range(40))
    assert all(next(read_records(p))[1].rec_type == "warcinfo" for p in files)


def test_a_cut_last_member_is_left_out_and_sealed(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, max_bytes=10**9)
    for i in range(3):
        writer.metadata(f"urn:x:{i}", {"i": i, "noise": os.urandom(2000).hex()})
    assert writer.path is not None and writer.handle is not None
    path = writer.path
    writer.handle.close()  # as a killed run leaves it: never renamed
    writer.handle = None
    whole = path.stat().st_size
    last = list(iter_members(path))[-1][0]
    with path.open("r+b") as handle:  # the last record was being written
        handle.truncate(last + (whole - last) // 2)
    kept = [json.loads(r["payload"])["i"] for r in _records(tmp_path) if r["type"] == "metadata"]
    assert kept == [0, 1]
    sealed = seal(path)
    assert sealed is not None and sealed.name == path.name.removesuffix(OPEN) and not path.exists()
    assert sealed.stat().st_size == last  # the cut member is gone, the rest untouched
    with sealed.open("rb") as handle:
        assert len(list(ArchiveIterator(handle, check_digests="raise"))) == 3


_CHILD = """
import os, sys, time
from pathlib import Path
from archiver.warc import WarcWriter

class SlowDisk:  # each record reaches the file in many small writes
    def __init__(self, handle):
        self.handle = handle
    def write(self, data):
        for at in range(0, len(data), 32768):
            self.handle.write(data[at : at + 32768])
            self.handle.flush()
            time.sleep(0.002)
    def __getattr__(self, name):
        return getattr(self.handle, name)

writer = WarcWriter(Path(sys.argv[1]), max_bytes=10**10)
i = 0
while True:
    writer.metadata(f"urn:kill:{i}", {"i": i, "noise": os.urandom(400_000).hex()})
    print(i, flush=True)  # written and flushed
    i += 1
    if sys.argv[2] == "slow" and not isinstance(writer.handle, SlowDisk):
        writer.handle = SlowDisk(writer.handle)
"""


@pytest.mark.parametrize(
    ("disk", "round_"), [(disk, n) for disk in ("fast", "slow") for n in range(3)]
)
def test_sigkill_loses_at_most_the_record_being_written(
    tmp_path: Path, disk: str, round_: int
) -> None:
    """A record reaches the file in one write (``fast``), or in many, as a slow
    disk or a huge record makes it (``slow``: a kill then often cuts one)."""
    folder = tmp_path / "warc"
    with subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(folder), disk],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as child:
        assert child.stdout is not None
        acknowledged = -1
        while acknowledged < 5 + 3 * round_:
            acknowledged = int(child.stdout.readline())
        time.sleep(0.01 + 0.01 * round_)  # somewhere in the next record
        child.send_signal(signal.SIGKILL)
        child.wait()
        acknowledged = max([acknowledged, *(int(line) for line in child.stdout.read().split())])
    (path,) = warc_files(folder)
    assert path.name.endswith(OPEN)  # killed: never renamed

    def numbers(where: Path) -> list[int]:
        with_i = [r for r in _records(where) if r["type"] == "metadata"]
        assert all(r["digest_ok"] for r in with_i)
        return [json.loads(r["payload"]).get("i", -1) for r in with_i]

    got = numbers(folder)
    assert got == list(range(len(got)))  # whole records, in order, none damaged
    assert len(got) >= acknowledged + 1  # everything flushed before the kill is there
    assert len(got) <= acknowledged + 2  # at most the record being written besides

    # The next writer seals the file (its cut member off) and starts a new one.
    writer = WarcWriter(folder, max_bytes=10**9)
    writer.metadata("urn:after", {"after": True})
    writer.close()
    assert [p.name.endswith(OPEN) for p in warc_files(folder)] == [False, False]
    assert writer.sealed == [path.with_name(path.name.removesuffix(OPEN))]
    for file in warc_files(folder):
        with file.open("rb") as handle:
            list(ArchiveIterator(handle, check_digests="raise"))
    assert numbers(folder) == [*got, -1]


# ---------------------------------------------------------------- the crawl


def test_the_demo_crawl_captures_every_response(tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = run_archiver("demo", "-o", str(out), "--warc", "--port", str(free_port()), "-q")
    assert done.returncode == 0, done.stderr
    folder = out / ".archiver" / "warc"
    files = warc_files(folder)
    assert len(files) == 1 and not files[0].name.endswith(OPEN)
    records = _records(folder)
    kinds = Counter(r["type"] for r in records)
    responses = [r for r in records if r["type"] == "response"]
    requests = {r["concurrent"]: r for r in records if r["type"] == "request"}
    assert kinds["warcinfo"] == 1
    assert kinds["response"] == kinds["request"] == len(requests)
    assert all(r["digest_ok"] and r["has_block_digest"] for r in responses)
    for response in responses:  # each response with the request that asked for it
        request = requests[response["id"]]
        assert request["uri"] == response["uri"]
        assert request["http"].protocol == "GET"
        assert request["http"].statusline.endswith(" HTTP/1.1")
        assert request["http"].get_header("User-Agent").startswith("hexo-news-archiver/")
    paths = Counter(r["uri"].split("/", 3)[3] for r in responses)
    statuses = {r["uri"].split("/", 3)[3]: r["status"] for r in responses}
    assert paths["robots.txt"] == 1
    assert statuses["1/789/789520.htm"] == "404"  # the dead link
    assert statuses["1/790/790777.htm"] == "301"  # the redirect, as received
    assert paths["1/790/790842.htm"] == 3  # 500, 500, then 200: every try
    assert paths["tag/xiaomi_3.htm"] == 1
    # One metadata record per article the crawl extracted (page 2 of a long one included).
    articles = [json.loads(r["payload"]) for r in records if r["type"] == "metadata"]
    assert len(articles) == 26  # 25 posts and the page that is not an article
    ids = {r["id"] for r in responses}
    for meta in articles:
        assert meta["archiver"] == "article"
        assert all(page["response"] in ids for page in meta["pages"])
        assert meta["options"]["ARCHIVER_SITE"] == "mydrivers"
    assert max(len(m["pages"]) for m in articles) == 2
