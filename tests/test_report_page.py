"""``archiver report DIR -o report.html``: one self-contained page, opened in
headless Chromium (a screenshot is kept under ``artifacts/report-page/``),
that makes no network request."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest

from archiver import Archive
from archiver.cli import main
from archiver.report_page import gather, render
from tests.hexo_support import ARTIFACTS, chromium_path, field_articles

SHOTS = ARTIFACTS / "report-page"
NOW = datetime.now(UTC).replace(microsecond=0)
FIELDS = ("title", "date_published", "authors", "tags", "lead_image", "body_html")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Posts over 40 days from two sites, 12 runs each (the last one of 示例新闻网
    lost its dates and authors), failures in the ledger and in a run report."""
    root = tmp_path_factory.mktemp("archive")
    base = field_articles()[0][1]
    with Archive(root) as archive:
        for n in range(90):
            day = NOW - timedelta(days=n % 40, hours=n)
            site = "示例新闻网" if n % 3 else "快科技（原驱动之家）"
            archive.write(base.model_copy(update={
                "url": f"https://news.example.org/{n}.html", "canonical_url": None,
                "title": f"第{n}篇：<b>新闻</b> & “引号”", "date_published": day,
                "categories": ["新媒体", site, "要闻"],
            }))  # fmt: skip
            archive.ledger.db.execute(
                "UPDATE posts SET first_seen = ? WHERE url = ?",
                ((day + timedelta(hours=2)).timestamp(), f"https://news.example.org/{n}.html"),
            )
        for site in ("示例新闻网", "快科技（原驱动之家）"):
            for run in range(12):
                rates = dict.fromkeys(FIELDS, 1.0) | {"tags": 0.8 - run / 100, "authors": 0.9}
                if site == "示例新闻网" and run == 11:
                    rates |= {"date_published": 0.1, "authors": 0.0}
                archive.ledger.record_run(site, 10 + run, json.dumps(rates))
        archive.ledger.db.execute(
            "UPDATE runs SET started = ? - (25 - id) * 3600", (NOW.timestamp(),)
        )
        archive.ledger.record_failure("https://news.example.org/gone.html", "HTTP 404")
        archive.ledger.record_failure("https://news.example.org/slow.html", "TimeoutError: <x>")
    (root / "logs").mkdir()
    (root / "logs" / "last.json").write_text(json.dumps({
        "articles_written": 3, "finish_reason": "finished",
        "failed": [{"url": "https://news.example.org/broken.html",
                    "reason": "rejected: title: <script>alert(1)</script>"}],
    }), encoding="utf-8")  # fmt: skip
    return root


def test_the_page_shows_what_matters(archive: Path) -> None:
    facts = gather(archive, [archive / "logs" / "last.json"])
    assert facts.posts == 90 and sum(facts.published.values()) == 90
    assert facts.runs["示例新闻网"][-1]["fell"] == ["authors", "date_published"]
    assert all(not run["fell"] for run in facts.runs["快科技（原驱动之家）"])
    html = render(facts)
    assert "Layout change? fewer author, date than in the runs before" in html
    assert "HTTP 404" in html and "TimeoutError: &lt;x&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert "Published per day" in html and "Archived per day" in html
    assert "Disk use" in html and "新媒体/示例新闻网" in html


def test_the_page_loads_nothing(archive: Path) -> None:
    html = render(gather(archive, [archive / "logs" / "last.json"]))
    assert "default-src 'none'" in html
    # Nothing that a browser fetches: no script, no stylesheet or font, no
    # CSS url(); the only addresses are links (<a href>) a reader may follow.
    for pattern in (r"<script", r"<link\b", r"url\(", r"@import", r"<iframe", r"<base\b"):
        assert not re.search(pattern, html, re.I), pattern
    links = 0
    for element in lxml.html.fromstring(html).iter():
        for name, value in element.attrib.items():
            if "//" in value or name in ("src", "srcset", "data", "poster", "action"):
                assert (element.tag, name) == ("a", "href"), (element.tag, name, value)
                links += 1
    assert links >= 3  # the failed URLs


def test_the_command(archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "report.html"
    runs = str(archive / "logs" / "last.json")
    assert main(["report", str(archive), "-o", str(target), "--runs", runs]) == 0
    assert str(target) in capsys.readouterr().out
    assert "broken.html" in target.read_text(encoding="utf-8")


CHROMIUM_OWN = {"update.googleapis.com", "accounts.google.com", "clients2.google.com",
                "optimizationguide-pa.googleapis.com", "redirector.gvt1.com",
                "edgedl.me.gvt1.com", "content-autofill.googleapis.com"}  # fmt: skip
"""Hosts headless Chromium itself calls (updates, clock, accounts), whatever the page."""


class _Trap:
    """Chromium's proxy: every request it makes (http, https, even to
    127.0.0.1) arrives here first, and its host is recorded."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hosts: list[str] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(2)
            try:
                line = conn.recv(1024).split(b"\r\n", 1)[0].decode("latin-1")
            except OSError:
                line = "?"
            conn.close()
            if not line:
                continue  # a preconnect closed unused: nothing was asked for
            # "CONNECT host:443 HTTP/1.1" or "GET http://host/path HTTP/1.1"
            found = re.match(r"\S+ (?:\w+://)?([^/:\s]+)", line)
            self.hosts.append(found.group(1) if found else line)

    def page_requests(self) -> list[str]:
        return [host for host in self.hosts if host not in CHROMIUM_OWN]

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def trap() -> Iterator[_Trap]:
    trap = _Trap()
    yield trap
    trap.close()


@pytest.mark.browser
def test_chromium_shows_it_without_network(archive: Path, trap: _Trap) -> None:
    chromium = chromium_path()
    page = archive / "report.html"
    assert main(["report", str(archive), "-o", str(page), "--runs",
                 str(archive / "logs" / "last.json")]) == 0  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "report.png"
    shot.unlink(missing_ok=True)
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1000,2600",
        f"--proxy-server=http://127.0.0.1:{trap.port}", "--proxy-bypass-list=<-loopback>",
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(
        [chromium, *flags, f"--screenshot={shot}", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 30_000, "an empty screenshot"
    print(f"\nreport page screenshot: {shot} ({time.monotonic() - started:.1f}s)")
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 4 and "Layout change?" in dom.stdout
    time.sleep(0.3)
    assert trap.page_requests() == [], "the page made a network request"
    # The trap catches what a page loads: a page with one image is caught.
    control = archive / "control.html"
    control.write_text('<img src="http://example.invalid/x.png">', encoding="utf-8")
    subprocess.run([chromium, *flags, "--dump-dom", control.resolve().as_uri()],
                   capture_output=True, timeout=120, check=False)  # fmt: skip
    time.sleep(0.3)
    assert trap.page_requests() == ["example.invalid"], "the network trap does not work"
