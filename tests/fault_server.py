"""A fault-injecting local site for the fault suite (``tests/test_faults.py``).

It serves a small news site (a tag page of three linked listing pages, six
articles) on 127.0.0.1 and lets a test replace any path by a fault: a status
with headers, a redirect, a body of its own, a response that fails the first
N times. Every request is logged with its time, so a test can check what was
fetched and when.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Fault", "FaultServer", "article_html", "listing_html"]

TAG = "示例"


def article_html(number: int, *, extra: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>第{number}号新闻标题_示例新闻网</title>"
        "<meta property='og:site_name' content='示例新闻网'></head><body>"
        f"<h1>第{number}号新闻标题</h1><div class='info'>2024-03-0{number % 9 + 1} 10:00"
        " 来源：示例新闻网</div><div class='article'>"
        + "".join(
            f"<p>第{number}号新闻的第{k}段正文，介绍了本地的最新发展情况和有关部门的安排。</p>"
            for k in range(1, 6)
        )
        + extra
        + "</div></body></html>"
    )


def listing_html(page: int, articles: list[int], next_page: str | None) -> str:
    items = "".join(
        f"<li><a href='/news/{n:04d}.html'>第{n}号新闻标题</a>"
        f" <span>2024-03-0{n % 9 + 1}</span></li>"
        for n in articles
    )
    more = f"<div class='pages'><a href='{next_page}'>下一页</a></div>" if next_page else ""
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{TAG}_示例新闻网</title></head><body><h2>{TAG}</h2>"
        f"<ul class='list'>{items}</ul>{more}</body></html>"
    )


@dataclass
class Fault:
    """What a path answers instead of the site's page."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    times: int = 10**9
    """Answer the fault this many times, then the site's page."""


Route = Callable[[str, int], tuple[int, dict[str, str], bytes] | None]


class FaultServer:
    """The site on 127.0.0.1, with ``faults`` by path and ``routes`` (functions)."""

    def __init__(self) -> None:
        self.faults: dict[str, Fault] = {}
        self.routes: list[Route] = []
        self.log: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def hits(self, path: str) -> int:
        return sum(1 for _, p in self.log if p == path)

    def times(self, path: str) -> list[float]:
        return [t for t, p in self.log if p == path]

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def page(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """The healthy site."""
        html: dict[str, str] = {}
        path = path.split("?", 1)[0]
        if path == "robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if path == "news/":
            return 200, {**html}, listing_html(1, [1, 2], "/news/list_2.html").encode()
        if path == "news/list_2.html":
            return 200, {**html}, listing_html(2, [3, 4], "/news/list_3.html").encode()
        if path == "news/list_3.html":
            return 200, {**html}, listing_html(3, [5, 6], None).encode()
        if path.startswith("news/") and path.endswith(".html") and path[5:9].isdigit():
            return 200, {**html}, article_html(int(path[5:9])).encode()
        return 404, {}, b"<html><body>Not found</body></html>"

    def _answer(self, path: str, count: int) -> tuple[int, dict[str, str], bytes]:
        for route in self.routes:
            answer = route(path, count)
            if answer is not None:
                return answer
        fault = self.faults.get(path)
        if fault is not None and count <= fault.times:
            body = self.page(path)[2] if fault.body is None else fault.body
            return fault.status, fault.headers, body
        return self.page(path)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
                with server._lock:
                    server.log.append((time.monotonic(), path))
                    count = sum(1 for _, p in server.log if p == path)
                status, headers, body = server._answer(path, count)
                self.send_response(status)
                headers = {"Content-Type": "text/html; charset=utf-8", **headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
