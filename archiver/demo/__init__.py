"""``archiver demo``: archive the bundled copy of a mydrivers tag page, offline.

The copy (``archiver/demo/site``, shipped with the package: listing pages, articles, a dead
link, a redirect, a page that is not an article) is served on 127.0.0.1 and
archived through the real crawl, with the mydrivers module forced.

Its pictures (``site/_images``) are served by a second host on the next port
(``ImageHost``), as the site's image servers do: a request whose ``Referer``
is not a page of the demo site gets 403. ``archiver demo --images`` keeps
them in the archive, so the Hexo site built from it shows every picture with
nothing fetched from anywhere else.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archiver.options import Options
from archiver.run import Crawl, run_crawls
from archiver.serve import SiteServer

__all__ = ["DEMO_SITE", "DemoSite", "ImageHost", "run_demo"]

DEMO_SITE = Path(os.environ.get("ARCHIVER_DEMO_SITE") or Path(__file__).resolve().parent / "site")
START = "tag/xiaomi.htm"
DEMO_PORT = 8737
"""Fixed, so that a second demo run into the same folder finds its articles known
(a local copy's URLs, and so the ledger's keys, carry the port). The image
host takes the next port (any free one if that is taken)."""


class ImageHost(SiteServer):
    """A ``SiteServer`` of pictures that answers 403 to a request whose
    ``Referer`` does not start with ``referer`` (hotlink protection, as
    mydrivers' image host has it); ``robots.txt`` is for everyone.
    ``refused`` counts the refused requests per path."""

    def __init__(self, root: str | Path, port: int = 0, *, referer: str = "") -> None:
        self.referer = referer
        self.refused: Counter[str] = Counter()
        self._refused_lock = threading.Lock()
        super().__init__(root, port)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        base = super()._handler()
        host = self

        class Handler(base):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                referer = self.headers.get("Referer") or ""
                if path == "/robots.txt" or (host.referer and referer.startswith(host.referer)):
                    super().do_GET()
                    return
                with host._refused_lock:
                    host.refused[path] += 1
                body = b"<html><body>403 Forbidden: no hotlinking</body></html>"
                self.send_response(403)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        return Handler


class DemoSite(SiteServer):
    """The demo's pages, with links to the image hosts pointed at ``images``."""

    def __init__(
        self, root: str | Path, port: int = 0, *, images: str = "", image_hosts: Iterable[str] = ()
    ) -> None:
        self.images = images
        self.image_hosts = list(image_hosts)
        super().__init__(root, port)

    def _body(self, file: Path) -> bytes:
        data = super()._body(file)
        if self.images:
            for host in self.image_hosts:
                for scheme in (b"https:", b"http:", b""):
                    data = data.replace(scheme + b"//" + host.encode(), self.images.encode())
        return data


def _image_host(port: int) -> ImageHost | None:
    folder = DEMO_SITE / "_images"
    if not folder.is_dir():
        return None
    for candidate in dict.fromkeys((port + 1 if port else 0, 0)):
        try:
            return ImageHost(folder, port=candidate)
        except OSError:
            continue
    return None


def run_demo(
    options: Options, *, port: int = DEMO_PORT, settings: Iterable[tuple[str, Any]] = ()
) -> dict[str, Any]:
    """Serve the demo site and its image host, archive it into ``options.output``;
    returns the run report, with ``failed_unexpected``: failures the demo does
    not plan for."""
    if not (DEMO_SITE / START).is_file():
        raise LookupError(f"demo site not found at {DEMO_SITE} (set ARCHIVER_DEMO_SITE)")
    options = options.replace(site=options.site or "mydrivers")
    extra = [("DOWNLOAD_DELAY", "0"), *settings]
    expected_path = DEMO_SITE / "EXPECTED.json"
    expected = (
        json.loads(expected_path.read_text(encoding="utf-8")) if expected_path.exists() else {}
    )
    images = _image_host(port)
    if images is not None:
        images.start()
    try:
        server = DemoSite(
            DEMO_SITE,
            port=port,
            images=images.url if images else "",
            image_hosts=expected.get("images", {}).get("hosts", []),
        )
    except OSError as exc:
        if images is not None:
            images.stop()
        raise LookupError(f"demo: cannot serve on 127.0.0.1:{port}: {exc.strerror}") from None
    if images is not None:
        images.referer = server.url + "/"  # pages of the demo site only
    try:
        with server:
            report = run_crawls([Crawl("tag", (f"{server.url}/{START}",), options)], extra)
    finally:
        if images is not None:
            images.stop()
    planned = {str(item["path"]).lstrip("/") for item in expected.get("failed", [])}
    report["failed_unexpected"] = [
        f for f in report["failed"] if f["url"].split("/", 3)[-1] not in planned
    ]
    if images is not None:
        asked = sum(n for path, n in images.hits.items() if path != "robots.txt")
        report["demo_image_host"] = {"requests": asked, "refused": sum(images.refused.values())}
    return report
