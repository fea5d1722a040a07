"""End-to-end crawls of a made-up news site on 127.0.0.1: listing, feed, sitemap,
incremental runs, import of old posts, concurrent runs, and kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archiver import read_post
from archiver.serve import SiteServer
from tests.support import FIXTURES, ROOT, free_port, posts_of, run_archiver

SITE = FIXTURES / "madeup"
FAST = ["-s", "DOWNLOAD_DELAY=0", "--quiet"]
ALL_TITLES = {
    "长江新区发布数字经济三年行动计划",
    "城市地铁四号线今日开通试运营",
    "春季招聘会吸引三百家企业参展",
    "本地高校发布人工智能课程体系",
    "气象台发布今年首个暴雨蓝色预警",
    "老旧小区改造工程进入收尾阶段",
}


@pytest.fixture
def server() -> SiteServer:
    with SiteServer(SITE, port=free_port()) as running:
        yield running  # type: ignore[misc]


def report_of(path: Path) -> dict[str, object]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def titles(root: Path) -> set[str]:
    return {read_post(text).title for text in posts_of(root).values()}


def test_listing_pages_are_archived_with_pagination(server: SiteServer, tmp_path: Path) -> None:
    out, report = tmp_path / "site", tmp_path / "report.json"
    done = run_archiver(
        "tag", f"{server.url}/news/", "-o", str(out), "--report", str(report), *FAST
    )
    assert done.returncode == 0, done.stderr
    assert titles(out) == ALL_TITLES
    data = report_of(report)
    assert data["pages_fetched"] == 2
    assert data["articles_written"] == 6 and data["failed"] == []
    assert server.hits["news/list_2.html"] == 1
    post = read_post(next(t for t in posts_of(out).values() if "地铁" in t))
    assert post.date_published is not None
    assert post.date_published == datetime(2024, 3, 2, 14, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_feed_title_names_the_site(server: SiteServer, tmp_path: Path) -> None:
    out, report = tmp_path / "site", tmp_path / "report.json"
    done = run_archiver(
        "feed", f"{server.url}/rss.xml", "-o", str(out), "--report", str(report), *FAST
    )
    assert done.returncode == 0, done.stderr
    posts = [read_post(t) for t in posts_of(out).values()]
    assert len(posts) == 4
    assert {p.site_name for p in posts} == {"示例新闻网"}
    assert all(p.categories[1] == "示例新闻网" for p in posts)
    assert report_of(report)["articles_written"] == 4


def test_sitemap_from_robots_txt(server: SiteServer, tmp_path: Path) -> None:
    out, report = tmp_path / "site", tmp_path / "report.json"
    done = run_archiver(
        "sitemap", f"{server.url}/robots.txt", "-o", str(out), "--report", str(report), *FAST
    )
    assert done.returncode == 0, done.stderr
    assert len(posts_of(out)) == 4  # articles 3..6 are in the news sitemap
    assert server.hits["sitemap.xml"] == 1 and server.hits["sitemap-news.xml"] == 1


def test_second_run_requests_no_article(server: SiteServer, tmp_path: Path) -> None:
    out, report = tmp_path / "site", tmp_path / "report.json"
    assert run_archiver("tag", f"{server.url}/news/", "-o", str(out), *FAST).returncode == 0
    before = posts_of(out)
    server.hits.clear()
    done = run_archiver(
        "tag", f"{server.url}/news/", "-o", str(out), "--report", str(report), *FAST
    )
    assert done.returncode == 0, done.stderr
    data = report_of(report)
    assert data["articles_requested"] == 0 and data["articles_known"] == 3
    assert server.article_hits("news/2024/") == 0
    assert data["pages_fetched"] == 1  # the first page brought nothing new: stop there
    assert posts_of(out) == before


def test_import_of_old_posts_then_crawl_skips_them(server: SiteServer, tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert run_archiver("tag", f"{server.url}/news/", "-o", str(first), *FAST).returncode == 0
    old = tmp_path / "old" / "source" / "_posts"
    for relative, text in posts_of(first).items():
        target = old / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")  # old-format posts: no URL, no ledger
    done = run_archiver("import", str(old))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "imported 6 posts" in done.stdout
    server.hits.clear()
    report = tmp_path / "report.json"
    root = tmp_path / "old"
    done = run_archiver(
        "tag", f"{server.url}/news/", "-o", str(root), "--report", str(report), *FAST
    )
    assert done.returncode == 0, done.stderr
    assert report_of(report)["articles_requested"] == 0
    assert server.article_hits("news/2024/") == 0
    assert len(posts_of(root)) == 6


def test_two_runs_at_once_second_is_refused(server: SiteServer, tmp_path: Path) -> None:
    out = tmp_path / "site"
    slow = subprocess.Popen(
        [sys.executable, "-m", "archiver", "tag", f"{server.url}/news/", "-o", str(out),
         "-s", "DOWNLOAD_DELAY=1", "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        lock = out / ".archiver" / "lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.05)
        second = run_archiver("tag", f"{server.url}/news/", "-o", str(out), *FAST)
        assert second.returncode == 3
        assert "another archiver run" in second.stderr
    finally:
        _, errors = slow.communicate(timeout=120)
    assert slow.returncode == 0, errors
    assert titles(out) == ALL_TITLES
    # the lock of a finished (or killed) run does not block the next one
    assert run_archiver("tag", f"{server.url}/news/", "-o", str(out), *FAST).returncode == 0


@pytest.mark.parametrize("delay", [0.3, 0.9, 1.6])
def test_killed_run_is_finished_by_the_next(
    server: SiteServer, tmp_path: Path, delay: float
) -> None:
    clean = tmp_path / "clean"
    assert run_archiver("tag", f"{server.url}/news/", "-o", str(clean), *FAST).returncode == 0
    out = tmp_path / "killed"
    victim = subprocess.Popen(
        [sys.executable, "-m", "archiver", "tag", f"{server.url}/news/", "-o", str(out),
         "-s", "DOWNLOAD_DELAY=0.1", "-s", "DOWNLOAD_DELAY_JITTER=0", "--quiet"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(delay)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    for text in posts_of(out).values():
        read_post(text)  # no half-written post, whenever the kill came
    done = run_archiver("tag", f"{server.url}/news/", "-o", str(out), *FAST)
    assert done.returncode == 0, done.stderr
    assert posts_of(out) == posts_of(clean)
    assert not list((out / "source").rglob(".tmp-*")) if (out / "source").exists() else True
    check = run_archiver("check", str(out))
    assert check.returncode == 0, check.stdout


def test_library_crawl_returns_the_report(server: SiteServer, tmp_path: Path) -> None:
    import archiver

    out = tmp_path / "site"
    report = archiver.crawl(
        [f"{server.url}/news/"], output=out, max_pages=1, settings={"DOWNLOAD_DELAY": 0}
    )
    assert report["pages_fetched"] == 1 and report["articles_written"] == 3
    assert len(posts_of(out)) == 3
    again = archiver.crawl(
        f"{server.url}/news/", output=out, max_pages=1, settings={"DOWNLOAD_DELAY": 0}
    )
    assert again["articles_requested"] == 0  # callable again: each crawl in its own process
    # The first runs stopped at their page limit: a full run walks on to page 2.
    full = archiver.crawl(f"{server.url}/news/", output=out, settings={"DOWNLOAD_DELAY": 0})
    assert full["pages_fetched"] == 2 and full["articles_written"] == 3
    assert full["articles_known"] == 3
