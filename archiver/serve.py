"""A local HTTP server for a saved copy of a site (the demo, tests, benchmarks).

A site folder holds one file per URL path (``tag/xiaomi.htm``,
``1/792/792044.htm``) and an optional ``_routes.json``::

    {"rewrite_hosts": ["news.mydrivers.com"],
     "routes": {"1/1/1.htm": {"status": 404},
                "old.htm": {"status": 301, "location": "/1/792/792044.htm"},
                "flaky.htm": {"status": 500, "fail_times": 2},
                "x.htm": {"headers": {"Content-Type": "text/html; charset=gbk"}}}}

Links to a host in ``rewrite_hosts`` are rewritten to the server itself, so a
page saved with ``//news.mydrivers.com/...`` links is crawled locally.
Pages are served as ``text/html`` with no charset, as mydrivers.com does.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["SiteServer"]


class SiteServer:
    """Serve ``root`` on 127.0.0.1 in a background thread; a context manager.

    ``hits`` counts requests per path, so tests can check what was fetched.
    """

    def __init__(self, root: str | Path, port: int = 0) -> None:
        self.root = Path(root).resolve()
        manifest = self.root / "_routes.json"
        config: dict[str, Any] = json.loads(manifest.read_text()) if manifest.exists() else {}
        self.routes: dict[str, dict[str, Any]] = config.get("routes", {})
        self.rewrite_hosts: list[str] = config.get("rewrite_hosts", [])
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SiteServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def article_hits(self, pattern: str) -> int:
        """Requests whose path contains ``pattern``."""
        return sum(n for path, n in self.hits.items() if pattern in path)

    def _body(self, file: Path) -> bytes:
        data = file.read_bytes()
        for host in self.rewrite_hosts:
            for scheme in (b"https:", b"http:", b""):
                data = data.replace(scheme + b"//" + host.encode(), self.url.encode())
        return data

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_HEAD(self) -> None:
                self.do_GET()

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = unquote(parts.path).lstrip("/") or "index.html"
                key = path + (f"?{parts.query}" if parts.query else "")
                with server._lock:
                    server.hits[key] += 1
                    count = server.hits[key]
                route = server.routes.get(key) or server.routes.get(path) or {}
                status = int(route.get("status", 200))
                if status >= 500 and count > int(route.get("fail_times", 10**9)):
                    status = 200
                headers: dict[str, str] = {"Content-Type": "text/html"}
                headers.update(route.get("headers", {}))
                body = b""
                if 300 <= status < 400:
                    location = str(route["location"])
                    headers["Location"] = location if "//" in location else server.url + location
                elif status == 200:
                    file = (server.root / str(route.get("file", path))).resolve()
                    if file.is_dir():
                        file = file / "index.html"
                    if server.root not in file.parents or not file.is_file():
                        status, body = 404, b"<html><body>Not found</body></html>"
                    else:
                        body = server._body(file)
                else:
                    body = f"<html><body>Error {status}</body></html>".encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        return Handler
