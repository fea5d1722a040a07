"""The fault suite: a hostile or broken site, a full disk, a broken ledger.

Each test crawls the local site of ``tests/fault_server.py`` with one fault
injected and checks the outcome a user needs: nothing fetched off the site,
the failure in the report with its reason and in the exit status, and the
archive after a later healthy run equal to a clean crawl's, file for file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.archive import ArchiveLock
from archiver.options import DEFAULT_MAX_PAGES, Options
from tests.fault_server import Fault, FaultServer, article_html, listing_html
from tests.support import ROOT, posts_of

pytestmark = pytest.mark.slow

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=2", "--quiet")


@pytest.fixture
def site() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture
def elsewhere() -> Iterator[FaultServer]:
    """Another host on loopback: nothing may be fetched from it."""
    with FaultServer() as server:
        yield server


def crawl(
    site: FaultServer, out: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report = out.parent / f"{out.name}-report.json"
    report.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "tag", f"{site.url}/news/", "-o", str(out),
         "--report", str(report), *FAST, *args],
        capture_output=True, text=True, timeout=180, cwd=ROOT, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return done, data


def reasons(report: dict[str, Any]) -> str:
    return "\n".join(f"{f['url']}: {f['reason']}" for f in report.get("failed", []))


def test_meta_refresh_in_a_body_is_not_followed(
    site: FaultServer, elsewhere: FaultServer, tmp_path: Path
) -> None:
    trap = f'<meta http-equiv="refresh" content="0; url={elsewhere.url}/news/0009.html">'
    site.faults["news/0002.html"] = Fault(body=article_html(2, extra=trap).encode())
    done, report = crawl(site, tmp_path / "out")
    assert done.returncode == 0, reasons(report)
    assert elsewhere.log == []
    titles = [text.split("\n")[2] for text in posts_of(tmp_path / "out").values()]
    assert "title: '第2号新闻标题'" in titles and len(titles) == 6


def test_meta_refresh_in_the_head_stays_on_the_site(
    site: FaultServer, elsewhere: FaultServer, tmp_path: Path
) -> None:
    moved = (
        f'<html><head><meta http-equiv="refresh" content="0; url={elsewhere.url}/x"></head></html>'
    )
    site.faults["news/0003.html"] = Fault(body=moved.encode())
    done, report = crawl(site, tmp_path / "out")
    assert done.returncode == 1
    assert elsewhere.log == []
    assert "leaves the site" in reasons(report)
    with sqlite3.connect(tmp_path / "out" / ".archiver" / "ledger.sqlite") as db:
        urls = {u for (u,) in db.execute("SELECT url FROM posts")}
    assert not any(elsewhere.url in u for u in urls)  # never archived under a key


def test_redirect_to_another_loopback_host_is_refused(
    site: FaultServer, elsewhere: FaultServer, tmp_path: Path
) -> None:
    site.faults["news/0004.html"] = Fault(302, {"Location": f"{elsewhere.url}/news/0001.html"})
    done, report = crawl(site, tmp_path / "out")
    assert done.returncode == 1
    assert elsewhere.log == []
    assert f"news/0004.html: redirect to 127.0.0.1:{elsewhere.url.rsplit(':', 1)[1]}" in reasons(
        report
    )
    assert len(posts_of(tmp_path / "out")) == 5


def test_retry_after_is_honoured(site: FaultServer, tmp_path: Path) -> None:
    site.faults["news/0005.html"] = Fault(429, {"Retry-After": "2"}, times=1)
    done, report = crawl(site, tmp_path / "out")
    assert done.returncode == 0, reasons(report)
    first, second = site.times("news/0005.html")
    assert second - first >= 1.9
    assert len(posts_of(tmp_path / "out")) == 6


def test_retry_after_over_the_cap_fails_and_is_retried_next_run(
    site: FaultServer, tmp_path: Path
) -> None:
    site.faults["news/0005.html"] = Fault(429, {"Retry-After": "3600"}, times=1)
    out = tmp_path / "out"
    done, report = crawl(site, out, "-s", "ARCHIVER_RETRY_AFTER_MAX=5")
    assert done.returncode == 1
    assert "Retry-After 3600 s is over the 5 s cap" in reasons(report)
    assert site.hits("news/0005.html") == 1  # no hammering
    again, report = crawl(site, out)
    assert again.returncode == 0, reasons(report)
    assert len(posts_of(out)) == 6


def test_robots_txt_server_error_means_disallow(site: FaultServer, tmp_path: Path) -> None:
    site.faults["robots.txt"] = Fault(503)
    done, report = crawl(site, tmp_path / "out")
    assert done.returncode == 1
    assert {p for _, p in site.log} == {"robots.txt"}  # asked (and retried), nothing else
    assert "robots.txt answered HTTP 503" in reasons(report)
    assert posts_of(tmp_path / "out") == {}


def test_a_listing_that_keeps_coming_back_stops(site: FaultServer, tmp_path: Path) -> None:
    # Every page links a "next" page that is the same list again.
    def same(path: str, count: int) -> tuple[int, dict[str, str], bytes] | None:
        if path.startswith("news/list_"):
            number = int(path[10:-5]) + 1
            return 200, {}, listing_html(2, [3, 4], f"/news/list_{number}.html").encode()
        return None

    site.routes.append(same)
    done, report = crawl(site, tmp_path / "out")
    assert done.returncode == 0, reasons(report)
    assert report["stopped"] == {"repeated_page": 1}
    assert sum(1 for _, p in site.log if p.startswith("news/list_")) == 2


def test_an_endless_listing_stops_at_the_page_limit(site: FaultServer, tmp_path: Path) -> None:
    def endless(path: str, count: int) -> tuple[int, dict[str, str], bytes] | None:
        if path.startswith("news/list_"):
            number = int(path[10:-5])
            return (
                200,
                {},
                listing_html(number, [number * 10], f"/news/list_{number + 1}.html").encode(),
            )
        return None

    site.routes.append(endless)
    _done, report = crawl(site, tmp_path / "out", "-s", "ARCHIVER_MAX_PAGES=12")
    assert report["stopped"] == {"max_pages": 1}
    assert report["pages_fetched"] == 12
    assert Options.parse().max_pages == DEFAULT_MAX_PAGES == 1000  # the limit by default
    assert Options.parse(max_pages=0).max_pages is None  # --max-pages 0: none


def test_a_nul_byte_in_a_tag_page_is_not_binary(site: FaultServer, tmp_path: Path) -> None:
    body = listing_html(1, [1, 2], "/news/list_2.html").replace("<h2>", "\x00<h2>").encode()
    site.faults["news/"] = Fault(body=body)
    done, report = crawl(site, tmp_path / "out")
    assert done.returncode == 0, reasons(report)
    assert len(posts_of(tmp_path / "out")) == 6


def _clean(site: FaultServer, tmp_path: Path) -> dict[str, str]:
    done, report = crawl(site, tmp_path / "clean")
    assert done.returncode == 0, reasons(report)
    return posts_of(tmp_path / "clean")


def test_a_failed_article_keeps_its_context_when_retried(site: FaultServer, tmp_path: Path) -> None:
    clean = _clean(site, tmp_path)
    site.log.clear()
    site.faults["news/0003.html"] = Fault(500, times=3)  # the first run's three attempts
    out = tmp_path / "out"
    done, report = crawl(site, out)
    assert done.returncode == 1 and "news/0003.html: HTTP 500" in reasons(report)
    again, report = crawl(site, out)
    assert again.returncode == 0, reasons(report)
    assert posts_of(out) == clean  # filed under the tag it was found on, not 最新
    with sqlite3.connect(out / ".archiver" / "ledger.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM failures").fetchone()[0] == 0


def test_the_failure_of_a_url_with_a_query_is_cleared(site: FaultServer, tmp_path: Path) -> None:
    site.faults["news/"] = Fault(
        body=listing_html(1, [1, 2], None).replace("0002.html", "0002.html?r=2").encode()
    )
    site.faults["news/0002.html?r=2"] = Fault(503, times=3)
    out = tmp_path / "out"
    crawl(site, out)
    again, report = crawl(site, out)
    assert again.returncode == 0, reasons(report)
    with sqlite3.connect(out / ".archiver" / "ledger.sqlite") as db:
        assert db.execute("SELECT url FROM failures").fetchall() == []


def test_no_space_left_fails_the_articles_and_the_next_run_finishes(
    site: FaultServer, tmp_path: Path
) -> None:
    clean = _clean(site, tmp_path)
    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(
        "import errno, os\n"
        "_replace = os.replace\n"
        "def replace(src, dst, *a, **k):\n"
        "    if '/source/_posts/' in str(dst) and '0004' not in str(src) + str(dst):\n"
        "        raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "    return _replace(src, dst, *a, **k)\n"
        "os.replace = replace\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    env = {"PYTHONPATH": f"{inject}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done, report = crawl(site, out, env=env)
    assert done.returncode == 1
    assert reasons(report).count("write failed: No space left on device") == 6
    assert report["articles_written"] == 0 and posts_of(out) == {}
    again, report = crawl(site, out)
    assert again.returncode == 0, reasons(report)
    assert posts_of(out) == clean


def test_a_corrupt_ledger_stops_with_one_line_and_check_fix_rebuilds_it(
    site: FaultServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done, report = crawl(site, out)
    assert done.returncode == 0
    ledger = out / ".archiver" / "ledger.sqlite"
    for extra in ("-wal", "-shm"):
        Path(f"{ledger}{extra}").unlink(missing_ok=True)
    ledger.write_bytes(ledger.read_bytes()[:100])  # truncated
    broken, report = crawl(site, out)
    assert broken.returncode == 2
    assert broken.stderr.strip().count("\n") == 0 and "check --fix" in broken.stderr
    assert report["finish_reason"] == "not-started"
    fixed = subprocess.run(
        [sys.executable, "-m", "archiver", "check", str(out), "--fix"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert list(ledger.parent.glob("ledger.sqlite.corrupt-*"))
    site.log.clear()
    again, report = crawl(site, out)
    assert again.returncode == 0
    assert report["articles_requested"] == 0  # the rebuilt ledger knows every post's URL


def test_a_locked_run_writes_a_report_saying_it_did_not_run(
    site: FaultServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with ArchiveLock(out):
        done, report = crawl(site, out)
    assert done.returncode == 3
    assert report["finish_reason"] == "not-started"
    assert "another archiver run" in reasons(report)
