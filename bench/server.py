"""A fast HTTP server for the benchmark site, in its own process.

    python -m bench.server -n 10000 --seed 7 --port 0      # pages rendered on request
    python -m bench.server --dir SITE_FOLDER --port 8000    # a folder written by sitegen

A bare asyncio protocol (HTTP/1.1 keep-alive, GET and HEAD): with pages
rendered from the seed in ~0.3 ms, the server costs a fraction of what the
crawler it serves costs, and a site of 100,000 articles takes no disk. The
first line on stdout is ``listening on http://127.0.0.1:PORT``.

``GET /_stats`` answers JSON: requests by kind (listing, article, image,
other, 404), bytes sent and the server's CPU seconds; ``/_stats?reset=1`` also
zeroes the counters, so a runner can check what each crawl fetched.
``--delay S`` answers each request S seconds late: a slow site, where fetching
(not the crawler's CPU) sets the pace (``bench.distributed``).

``--images`` serves the pictures too (for ``archiver --images``): the pages'
links to the image hosts (``img1.mydrivers.com``, ``icons.mydrivers.com``)
point at ``//localhost:PORT/_img/<host>/...`` (another host name: Scrapy gives
it its own download slot, as a real image host gets), which answers a real
JPEG or PNG of 8-72 KB, the same bytes for the same path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from bench.sitegen import BenchSite

__all__ = ["main", "serve"]

_ARTICLE = re.compile(r"^/1/\d+/\d+(?:_\d+)?\.htm$")


_IMAGE_HOSTS = (b"img1.mydrivers.com", b"icons.mydrivers.com")


def _with_images(render: Callable[[str], bytes | None], port: int) -> Callable[[str], bytes | None]:
    """``render`` with the image hosts' links pointed at this server, which
    answers ``/_img/...`` with a picture (archiver.demo.pictures, padded)."""
    import hashlib
    import zlib
    from functools import lru_cache

    from archiver.demo.pictures import picture

    @lru_cache(maxsize=4096)
    def image(path: str) -> bytes:
        seed = hashlib.sha256(path.encode()).digest()
        kind = "png" if path.endswith(".png") else "jpg"
        data = picture(path, 160, 96, kind)
        filler = (seed * 2048)[: 8192 + int.from_bytes(seed[:4], "big") % 65536]
        if kind == "jpg":  # a comment segment after SOI: still a valid JPEG
            chunks = [filler[i : i + 65533] for i in range(0, len(filler), 65533)]
            segments = b"".join(b"\xff\xfe" + (len(c) + 2).to_bytes(2, "big") + c for c in chunks)
            return data[:2] + segments + data[2:]
        # a private ancillary chunk before IEND: still a valid PNG
        chunk = b"apAD" + filler
        padded = len(filler).to_bytes(4, "big") + chunk + zlib.crc32(chunk).to_bytes(4, "big")
        return data[:-12] + padded + data[-12:]

    base = f"//localhost:{port}/_img/".encode()

    def render_with_images(path: str) -> bytes | None:
        if path.startswith("/_img/"):
            return image(path)
        found = render(path)
        if found is not None:
            for host in _IMAGE_HOSTS:
                found = found.replace(b"//" + host + b"/", base + host + b"/")
        return found

    return render_with_images


def _folder_renderer(root: Path, base: str) -> Callable[[str], bytes | None]:
    """Files under ``root`` (file path = URL path), news host links pointed at ``base``."""
    manifest = root / "_routes.json"
    hosts = json.loads(manifest.read_text())["rewrite_hosts"] if manifest.exists() else []
    root = root.resolve()

    def render(path: str) -> bytes | None:
        file = (root / path.lstrip("/")).resolve()
        if root not in file.parents or not file.is_file():
            return None
        data = file.read_bytes()
        for host in hosts:
            data = data.replace(b"//" + host.encode(), base.encode())
        return data

    return render


class _Http(asyncio.Protocol):
    render: Callable[[str], bytes | None]
    stats: Counter[str]
    delay: float = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            if not self._answer(head):
                return

    def _answer(self, head: bytes) -> bool:
        line, _, rest = head.partition(b"\r\n")
        try:
            method, target, version = line.decode("latin-1").split(" ", 2)
        except ValueError:
            self.transport.close()
            return False
        path, _, query = target.partition("?")
        path = unquote(path)
        lowered = rest.lower()
        keep = version == "HTTP/1.1" and b"connection: close" not in lowered
        stats = self.stats
        if path == "/_stats":
            body = json.dumps({**stats, "cpu_s": round(time.process_time(), 3)}).encode()
            if "reset" in query:
                stats.clear()
            status, ctype = "200 OK", "application/json"
        else:
            found = type(self).render(path)
            if found is None:
                stats["404"] += 1
                body, status = b"<html><body>Not found</body></html>", "404 Not Found"
            else:
                kind = (
                    "article" if _ARTICLE.match(path)
                    else "listing" if "/tag/" in path
                    else "image" if path.startswith("/_img/")
                    else "other"
                )  # fmt: skip
                stats[kind] += 1
                stats["bytes"] += len(found)
                body, status = found, "200 OK"
            ctype = "text/html"  # no charset, as mydrivers.com serves its pages
            if path.startswith("/_img/") and found is not None:
                ctype = "image/png" if path.endswith(".png") else "image/jpeg"
        headers = (
            f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            f"Server: bench\r\nConnection: {'keep-alive' if keep else 'close'}\r\n\r\n"
        ).encode()
        data = headers if method == "HEAD" else headers + body
        if self.delay and path != "/_stats":  # a slow site: each answer after --delay seconds
            asyncio.get_running_loop().call_later(self.delay, self._send, data, keep)
            return keep
        return self._send(data, keep)

    def _send(self, data: bytes, keep: bool) -> bool:
        if self.transport.is_closing():
            return False
        self.transport.write(data)
        if not keep:
            self.transport.close()
        return keep


async def serve(
    n: int | None,
    seed: int,
    port: int,
    folder: Path | None,
    per_page: int = 20,
    images: bool = False,
    delay: float = 0.0,
) -> None:
    loop = asyncio.get_running_loop()
    stats: Counter[str] = Counter()
    protocol = type("Http", (_Http,), {"stats": stats, "delay": delay})
    server = await loop.create_server(protocol, "127.0.0.1", port, backlog=1024, reuse_address=True)
    bound = server.sockets[0].getsockname()[1]
    base = f"//127.0.0.1:{bound}"
    if folder is not None:
        protocol.render = staticmethod(_folder_renderer(folder, base))  # type: ignore[attr-defined]
    else:
        assert n is not None
        site = BenchSite(n, seed=seed, news=base, per_page=per_page)
        protocol.render = staticmethod(site.render)  # type: ignore[attr-defined]
    if images:
        protocol.render = staticmethod(_with_images(protocol.render, bound))  # type: ignore[attr-defined]
    print(f"listening on http://127.0.0.1:{bound}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, help="articles of the generated site")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="serve this folder instead (sitegen.write)")
    parser.add_argument("--images", action="store_true", help="serve the pages' pictures too")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    if (args.n is None) == (args.dir is None):
        parser.error("give -n N or --dir DIR")
    try:
        asyncio.run(
            serve(args.n, args.seed, args.port, args.dir, args.per_page, args.images, args.delay)
        )
    except KeyboardInterrupt:
        pass
    finally:
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
