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

from archiver.warc.files import (
    OPEN,
    WARC_FOLDER,
    iter_members,
    read_member,
    read_records,
    seal,
    warc_files,
)
from archiver.warc.middleware import Capture, WarcMiddleware, capture_options
from archiver.warc.writer import WarcWriter

__all__ = [
    "OPEN",
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
