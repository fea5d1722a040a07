"""Our Scrapy parts in someone else's project, enabled from its own settings.

``fixtures/scrapy-project`` is a separate Scrapy project (its own
``scrapy.cfg`` and ``settings.py``) whose spider yields ``archiver.Article``
items made by ``archiver.extract``; it enables only
``archiver.pipelines.ValidationPipeline`` and ``ArchivePipeline``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import archiver
from archiver.archive import ArchiveLock
from archiver.serve import SiteServer
from tests.support import FIXTURES, free_port, posts_of, without_fetch_time

PROJECT = FIXTURES / "scrapy-project"
SITE = FIXTURES / "madeup"

pytestmark = pytest.mark.slow


def scrapy_crawl(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "pages", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT, copy)
    return copy


def test_pipelines_archive_the_articles_of_another_project(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with SiteServer(SITE, port=free_port()) as server:
        done = scrapy_crawl(
            project, "-a", f"url={server.url}/news/", "-s", f"ARCHIVER_OUTPUT={out}"
        )
        pages = {
            f"{server.url}/news/2024/{n}.html": (SITE / "news" / "2024" / f"{n}.html").read_bytes()
            for n in ("0001", "0002", "0003")
        }
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    posts = posts_of(out)
    assert len(posts) == 3, done.stderr[-3000:]
    # The post of each article is the one path's post for that page, byte for byte
    # (the fetch time aside), and the ledger knows its URL.
    expected = {}
    for url, body in pages.items():
        article = archiver.extract(body, url)
        expected[url] = without_fetch_time(archiver.render_post(article))
    assert sorted(posts.values()) == sorted(expected.values())
    with archiver.Archive(out) as archive:
        for url in pages:
            assert archive.find(url) is not None
    assert not (project / "archive").exists()


def test_without_archiver_output_nothing_is_written(project: Path) -> None:
    with SiteServer(SITE, port=free_port()) as server:
        done = scrapy_crawl(project, "-a", f"url={server.url}/news/")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ARCHIVER_OUTPUT is not set" in done.stderr
    created = {p.name for p in project.iterdir()} - {"scrapy.cfg", "newsbot"}
    assert created == set(), created  # no ./archive, no ledger, nothing


def test_scrapy_crawl_is_locked_like_the_command(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "archive"
    with SiteServer(SITE, port=free_port()) as server, ArchiveLock(out):
        done = scrapy_crawl(
            project, "-a", f"url={server.url}/news/", "-s", f"ARCHIVER_OUTPUT={out}"
        )
    assert "another archiver run" in done.stderr
    assert posts_of(out) == {}
