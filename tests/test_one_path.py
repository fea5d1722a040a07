"""One path from page to post: what a crawl writes is ``render_post`` of what
``extract`` gives, for every fixture page, byte for byte.

Every article case under ``fixtures/sites`` is served from 127.0.0.1 with its
saved headers and archived by ``archiver article URL --site SITE``; the post
written must equal ``render_post(extract(page, url, site=SITE))`` (pages 2..n
of a long article joining through ``extract_article``). The fetch time is the
crawl's own: it is read from the written post and given to ``extract``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import archiver
from archiver.extraction import Found, extract_article, make_page
from archiver.options import Options
from archiver.serve import SiteServer
from tests.support import FixtureCase, all_cases, free_port, run_archiver

pytestmark = pytest.mark.slow

ARTICLES = [case for case in all_cases() if case.kind == "article"]
SITES = sorted({case.site for case in ARTICLES})


def _serve(cases: list[FixtureCase], root: Path) -> dict[str, FixtureCase]:
    """Write each case's page under its URL's path, with its headers; path -> case."""
    routes: dict[str, dict[str, object]] = {}
    by_path = {}
    for case in cases:
        path = urlsplit(case.meta["url"]).path.lstrip("/") or "index.html"
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.body)
        routes[path] = {"headers": case.meta.get("headers") or {"Content-Type": "text/html"}}
        by_path[path] = case
    (root / "_routes.json").write_text(json.dumps({"routes": routes}), encoding="utf-8")
    return by_path


def _continuations(case: FixtureCase, by_path: dict[str, FixtureCase]) -> list[FixtureCase]:
    later = case.checks.get("continuation_urls", [])
    return [by_path[urlsplit(u).path.lstrip("/")] for u in later]


def _batches() -> list[tuple[str, list[FixtureCase]]]:
    """Per site, cases in batches of distinct URLs (two cases may be saved from
    one URL: the same article in two encodings), each batch one crawl."""
    batches: list[tuple[str, list[FixtureCase]]] = []
    for site in SITES:
        mine: list[list[FixtureCase]] = []
        for case in (c for c in ARTICLES if c.site == site):
            batch = next(
                (b for b in mine if all(c.meta["url"] != case.meta["url"] for c in b)), None
            )
            if batch is None:
                mine.append(batch := [])
            batch.append(case)
        batches += [(site, batch) for batch in mine]
    return batches


@pytest.mark.parametrize(
    ("site", "cases"), _batches(), ids=lambda v: v if isinstance(v, str) else str(len(v))
)
def test_crawl_writes_what_extract_gives(
    site: str, cases: list[FixtureCase], tmp_path: Path
) -> None:
    by_path = _serve(cases, tmp_path / "www")
    out = tmp_path / "out"
    with SiteServer(tmp_path / "www", port=free_port()) as server:
        urls = {f"{server.url}/{path}": case for path, case in by_path.items()}
        done = run_archiver(
            "article", *urls, "-o", str(out), "--site", site, "--quiet",
            "-s", "DOWNLOAD_DELAY=0", "-s", "ROBOTSTXT_OBEY=False",
        )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-3000:]
    later_pages = {c.name for case in cases for c in _continuations(case, by_path)}
    checked = 0
    with archiver.Archive(out) as archive:
        for url, case in urls.items():
            if case.name in later_pages:
                continue  # page 2 of a long article: part of page 1's post
            path = archive.find(url)
            assert path is not None, f"{case.id}: not archived ({done.stderr[-2000:]})"
            written = path.read_text(encoding="utf-8")
            fetched_at = datetime.fromisoformat(_fetched_at(written))
            options = Options(site=site)
            pages = [make_page(case.body, url, headers=case.meta.get("headers"),
                               fetched_at=fetched_at)]  # fmt: skip
            for more in _continuations(case, by_path):
                more_url = f"{url.rsplit('/', 1)[0]}/{more.meta['url'].rsplit('/', 1)[1]}"
                pages.append(make_page(more.body, more_url, headers=more.meta.get("headers"),
                                       fetched_at=fetched_at))  # fmt: skip
            article = extract_article(pages, options, Found(link=url))
            assert written == archiver.render_post(article), case.id
            if len(pages) == 1:
                headers = case.meta.get("headers")
                same = archiver.extract(
                    case.body, url, site=site, headers=headers, fetched_at=fetched_at
                )
                assert written == archiver.render_post(same), case.id
            checked += 1
    assert checked == len(cases) - len(later_pages) > 0


def _fetched_at(post: str) -> str:
    for line in post.splitlines():
        if line.startswith("  fetched_at: "):
            return line.split(": ", 1)[1].strip("'\"")
    raise AssertionError("the post has no fetched_at")
