"""``archiver demo``: archive the bundled copy of a mydrivers tag page, offline.

The copy (``archiver/demo/site``, shipped with the package: listing pages, articles, a dead
link, a redirect, a page that is not an article) is served on 127.0.0.1 and
archived through the real crawl, with the mydrivers module forced.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from archiver.options import Options
from archiver.run import Crawl, run_crawls
from archiver.serve import SiteServer

__all__ = ["DEMO_SITE", "run_demo"]

DEMO_SITE = Path(os.environ.get("ARCHIVER_DEMO_SITE") or Path(__file__).resolve().parent / "site")
START = "tag/xiaomi.htm"
DEMO_PORT = 8737
"""Fixed, so that a second demo run into the same folder finds its articles known
(a local copy's URLs, and so the ledger's keys, carry the port)."""


def run_demo(
    options: Options, *, port: int = DEMO_PORT, settings: Iterable[tuple[str, Any]] = ()
) -> dict[str, Any]:
    """Serve the demo site, archive it into ``options.output``; returns the run
    report, with ``failed_unexpected``: failures the demo does not plan for."""
    if not (DEMO_SITE / START).is_file():
        raise LookupError(f"demo site not found at {DEMO_SITE} (set ARCHIVER_DEMO_SITE)")
    options = options.replace(site=options.site or "mydrivers")
    extra = [("DOWNLOAD_DELAY", "0"), *settings]
    try:
        server = SiteServer(DEMO_SITE, port=port)
    except OSError as exc:
        raise LookupError(f"demo: cannot serve on 127.0.0.1:{port}: {exc.strerror}") from None
    with server:
        report = run_crawls([Crawl("tag", (f"{server.url}/{START}",), options)], extra)
    expected_path = DEMO_SITE / "EXPECTED.json"
    planned: set[str] = set()
    if expected_path.exists():
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        planned = {str(item["path"]).lstrip("/") for item in expected.get("failed", [])}
    report["failed_unexpected"] = [
        f for f in report["failed"] if f["url"].split("/", 3)[-1] not in planned
    ]
    return report
