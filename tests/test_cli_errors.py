"""The command line as a new user meets it: every usage or environment error is
one line on stderr with exit status 2 and no traceback (``--debug`` shows it);
network failures are listed per URL, never as tracebacks, and ``--quiet``
prints nothing that cron would mail; a URL given to the wrong command is
crawled as what it is; a crawl that finds no article does not exit 0."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import archiver
from archiver.serve import SiteServer
from tests.support import FIXTURES, free_port, posts_of, run_archiver

FAST = ("-s", "DOWNLOAD_DELAY=0")


def one_line(done: subprocess.CompletedProcess[str], status: int) -> str:
    """The one line a failed command printed on stderr (and nothing on stdout)."""
    output = done.stdout + done.stderr
    assert done.returncode == status, output
    assert "Traceback" not in output, output
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{done.stderr}"
    assert done.stdout == "", done.stdout
    return lines[0]


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with SiteServer(FIXTURES / "madeup", port=free_port()) as server:
        yield server.url


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    (tmp_path / "bad.toml").write_text("[[source]\nkind = ", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><body><p>no article</p></body></html>")
    (tmp_path / "archive" / "source" / "_posts").mkdir(parents=True)
    return tmp_path


CLOSED = "http://127.0.0.1:9/news/"  # the discard port: nothing listens there

USAGE_ERRORS = [
    (["tag", "not-a-url", "-o", "{tmp}/out"], "not an http(s) URL"),
    (["tag", "example.com/news/", "-o", "{tmp}/out"], "did you mean https://example.com/news/"),
    (["feed", "ftp://example.com/rss.xml", "-o", "{tmp}/out"], "not an http(s) URL"),
    (["tag", CLOSED, "-o", "{tmp}/out", "--site", "nosuch"], "known sites: mydrivers"),
    (["tag", CLOSED, "-o", "{tmp}/a-file/out"], "a-file is a file, not a folder"),
    (["tag", CLOSED, "-o", "{tmp}/out", "--report", "{tmp}/a-file/r.json"], "not a folder"),
    (["crawl", "nosuchsite", "-o", "{tmp}/out"], "known sites: mydrivers"),
    (["crawl", "generic", "-o", "{tmp}/out"], "no latest-news list"),
    (["tag", CLOSED, "-o", "{tmp}/out", "--max-pages", "-3"], "--max-pages: must be 0 or more"),
    (["tag", CLOSED, "-o", "{tmp}/out", "--max-pages", "many"], "--max-pages: expected a whole"),
    (["tag", CLOSED, "-o", "{tmp}/out", "--since", "soon"], "--since: not an ISO date"),
    (["tag", CLOSED, "-o", "{tmp}/out", "--categories", "a/b/c/d"], "--categories"),
    (["tag", CLOSED], "required: -o/--output"),
    (["tag", CLOSED, "-o", "{tmp}/out", "--front-matter", "tiny"], "invalid choice"),
    (["nosuchcommand"], "invalid choice"),
    (["run", "{tmp}/missing.toml", "-o", "{tmp}/out"], "missing.toml"),
    (["run", "{tmp}/bad.toml", "-o", "{tmp}/out"], "not valid TOML"),
    (["demo", "--port", "0", "-o", "{tmp}/out"], "a port is 1 to 65535"),
    (["demo", "--port", "http", "-o", "{tmp}/out"], "not a port number"),
    (["export", "{tmp}"], "not an archive"),
    (["export", "{tmp}", "--format", "xml"], "invalid choice"),
    (["report", "{tmp}/nowhere"], "not an archive"),
    (["report", "{tmp}/archive", "--runs", "{tmp}/bad.toml"], "bad.toml: not a run report"),
    (["report", "{tmp}/archive", "-o", "{tmp}/a-file/r.html"], "a-file"),
    (["extract", "{tmp}/missing.html"], "no such file"),
    (["extract", "{tmp}/page.html", "--site", "nosuch"], "unknown site"),
    (["extract", "{tmp}/page.html", "--url", "not a url"], "http(s) URL"),
    (["check", "{tmp}/nowhere"], "not a folder"),
    (["import", "{tmp}/nowhere"], "not a folder"),
]


@pytest.mark.parametrize(
    ("args", "words"), USAGE_ERRORS, ids=[f"{' '.join(a[:2])} ({w[:18]})" for a, w in USAGE_ERRORS]
)
def test_usage_error_is_one_line_exit_2(tmp: Path, args: list[str], words: str) -> None:
    done = run_archiver(*(a.format(tmp=tmp) for a in args))
    line = one_line(done, 2)
    assert words in line, line
    assert line.startswith("archiver"), line
    assert not (tmp / "out").exists()  # nothing started


def test_debug_shows_the_traceback(tmp: Path) -> None:
    for args in (["--debug", "tag", "not-a-url"], ["tag", "not-a-url", "--debug"]):
        done = run_archiver(*args, "-o", str(tmp / "out"))
        assert done.returncode == 2
        assert "Traceback" in done.stderr and "not an http(s) URL" in done.stderr


def test_a_locked_archive_is_one_line_exit_3(tmp: Path) -> None:
    from archiver.archive.lock import ArchiveLock

    with ArchiveLock(tmp / "out"):
        line = one_line(run_archiver("tag", CLOSED, "-o", str(tmp / "out")), 3)
    assert "archiver:" in line


def test_version_and_sites() -> None:
    done = run_archiver("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"archiver {archiver.__version__}"
    done = run_archiver("sites")
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines()}
    assert list(rows)[-1] == "generic"
    assert "news.mydrivers.com" in rows["mydrivers"]
    assert rows["mydrivers"].rstrip().endswith("https://news.mydrivers.com/")


def test_unreachable_host_quiet_prints_nothing(tmp: Path) -> None:
    """What cron would mail: nothing. The failures are in the report, per URL."""
    report = tmp / "r.json"
    done = run_archiver("tag", CLOSED, "-o", str(tmp / "out"), "--quiet", "--report",
                        str(report), "-s", "RETRY_TIMES=0", *FAST)  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == "" and done.stderr == "", done.stderr
    failed = json.loads(report.read_text(encoding="utf-8"))["failed"]
    assert failed and all(f["reason"] for f in failed)


def test_unreachable_host_is_listed_not_traced(tmp: Path) -> None:
    done = run_archiver("tag", CLOSED, "-o", str(tmp / "out"), "-s", "RETRY_TIMES=0", *FAST)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "failed: " in done.stdout and "127.0.0.1:9" in done.stdout
    assert done.stderr == "", done.stderr


def test_extract_failures_are_one_line(tmp: Path, site: str) -> None:
    line = one_line(run_archiver("extract", str(tmp / "page.html")), 1)
    assert "page.html" in line
    line = one_line(run_archiver("extract", f"http://127.0.0.1:{free_port()}/x.html"), 1)
    assert "cannot fetch" in line
    line = one_line(run_archiver("extract", f"{site}/nowhere.html"), 1)
    assert "HTTP 404" in line


# ---------------------------------------------------------------- counted, not logged


def test_skipped_articles_are_counted_not_logged(tmp: Path, site: str) -> None:
    out, report = tmp / "out", tmp / "r.json"
    args = ["tag", f"{site}/news/", "-o", str(out), "--report", str(report), *FAST]
    done = run_archiver(*args, "--since", "2024-03-04")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", done.stderr  # no WARNING per article skipped by --since
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["articles_too_old"] > 0
    assert f"{data['articles_too_old']} before --since" in done.stdout
    done = run_archiver(*args)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    done = run_archiver(*args)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["articles_known"] > 0 and data["articles_requested"] == 0
    assert f"{data['articles_known']} already archived" in done.stdout


# ---------------------------------------------------------------- the wrong command


WRONG = [
    ("tag", "rss.xml", "archiver feed URL", 4),
    ("article", "rss.xml", "archiver feed URL", 4),
    ("tag", "sitemap-news.xml", "archiver sitemap URL", 4),
    ("tag", "robots.txt", "archiver sitemap URL", 4),
    ("feed", "sitemap.xml", "archiver sitemap URL", 4),
    ("feed", "news/", "archiver tag URL", 6),
    ("feed", "news/2024/0002.html", "archiver article URL", 1),
    ("sitemap", "news/", "archiver tag URL", 6),
    ("sitemap", "rss.xml", "archiver feed URL", 4),
]


@pytest.mark.parametrize(("command", "path", "hint", "posts"), WRONG)
def test_a_url_given_to_the_wrong_command_is_crawled_as_what_it_is(
    tmp: Path, site: str, command: str, path: str, hint: str, posts: int
) -> None:
    out = tmp / "out"
    done = run_archiver(command, f"{site}/{path}", "-o", str(out), "--quiet", *FAST)
    assert done.returncode == 0, done.stderr
    line = one_line(done, 0)
    assert line.startswith("archiver: warning: ") and hint in line, line
    assert len(posts_of(out)) == posts


def test_the_library_crawls_a_feed_given_as_a_listing(tmp: Path, site: str) -> None:
    report = archiver.crawl(f"{site}/rss.xml", output=tmp / "out", settings={"DOWNLOAD_DELAY": 0})
    assert report["articles_written"] == 4 and report["failed"] == []
    with pytest.raises(ValueError, match="not an http"):
        archiver.crawl("rss.xml", output=tmp / "out")


def test_a_crawl_that_finds_no_article_does_not_exit_0(tmp: Path) -> None:
    www = tmp / "www"
    www.mkdir()
    shutil.copy(tmp / "page.html", www / "index.html")
    with SiteServer(www, port=free_port()) as server:
        done = run_archiver("tag", f"{server.url}/", "-o", str(tmp / "out"), *FAST)
    assert done.returncode == 1
    assert "no article found at" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_output_is_one_line(tmp: Path) -> None:
    locked = tmp / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        line = one_line(run_archiver("tag", CLOSED, "-o", str(locked / "out")), 2)
    finally:
        locked.chmod(0o700)
    assert "cannot write" in line


# ---------------------------------------------------------------- Ctrl-C


def _pump(stream: Any, lines: Any) -> None:
    try:
        for line in stream:
            lines.put(line)
    except ValueError:  # closed by the test's end
        pass


def test_ctrl_c_says_at_once_and_a_second_stops_now(tmp: Path, site: str) -> None:
    import queue
    import signal
    import sys
    import threading
    import time

    out = tmp / "out"
    lines: queue.Queue[str] = queue.Queue()
    with subprocess.Popen(
        [sys.executable, "-m", "archiver", "tag", f"{site}/news/", "-o", str(out), "--quiet",
         "-s", "DOWNLOAD_DELAY=1", "-s", "DOWNLOAD_DELAY_JITTER=0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    ) as run:  # fmt: skip
        stderr = run.stderr
        assert stderr is not None
        reader = threading.Thread(target=_pump, args=(stderr, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + 30
        while not posts_of(out) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert posts_of(out), "no post written"
        # A terminal's Ctrl-C goes to the whole process group (extraction workers too).
        os.killpg(run.pid, signal.SIGINT)
        sent = time.monotonic()
        line = ""
        while not line.strip():
            line = lines.get(timeout=5)
        said = time.monotonic() - sent
        time.sleep(0.5)
        assert "finishing the" in line and "press Ctrl-C again to stop now" in line, line + "".join(
            lines.queue
        )
        assert said < 1.5, f"said after {said:.1f}s"
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=10)
        reader.join(timeout=5)
    assert time.monotonic() - sent < 10
    assert run.returncode != 0
    rest = "".join(lines.queue)
    assert "Traceback" not in rest, rest
