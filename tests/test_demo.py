"""``archiver demo``: the README's main command, a real crawl of the bundled
mydrivers tag page on 127.0.0.1, checked file for file against EXPECTED.json."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from archiver import read_post
from archiver.archive.names import safe_name
from tests.support import ROOT, free_port, posts_of, run_archiver

EXPECTED = json.loads((ROOT / "archiver/demo/site/EXPECTED.json").read_text(encoding="utf-8"))


def test_demo_archives_exactly_the_expected_posts(tmp_path: Path) -> None:
    out, rep = tmp_path / "demo", tmp_path / "report.json"
    port = str(free_port())
    done = run_archiver("demo", "-o", str(out), "--report", str(rep), "--port", port)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "25 written" in done.stdout and "source/_posts" in done.stdout

    posts = posts_of(out)
    folder = "/".join(EXPECTED["categories"])
    want = {f"{folder}/{safe_name(item['title'])}.md" for item in EXPECTED["archived"]}
    assert set(posts) == want
    by_title = {read_post(text).title: read_post(text) for text in posts.values()}
    for item in EXPECTED["archived"]:
        post = by_title[item["title"]]
        assert post.date_published == datetime.fromisoformat(item["date_published"]), item["path"]
        assert post.categories == EXPECTED["categories"]
        assert post.site_name == "快科技（原驱动之家）"
        assert (post.lead_image is None) == (item["images"] == 0), item["path"]
        assert 'referrerpolicy="no-referrer"' in post.body_html or item["images"] == 0
        assert "<script" not in post.body_html
        if item["pages"] > 1:  # one post for an article split over pages
            assert post.body_html.count('class="news_info"') == 0
            assert all(tag in post.body_html for tag in item["tags"]), item["path"]

    report = json.loads(rep.read_text(encoding="utf-8"))
    assert report["articles_written"] == 25
    assert report["pages_fetched"] == len(EXPECTED["listing_pages"])
    assert report["articles_rejected"] == 0
    failed = {f["url"].split("/", 3)[3]: f["reason"] for f in report["failed"]}
    assert failed.keys() == {f["path"] for f in EXPECTED["failed"]}
    for item in EXPECTED["failed"]:
        assert failed[item["path"]].startswith(item["reason"])
    assert report["elapsed_s"] < 60

    # A second demo into the same folder adds nothing and requests no article
    # (only the dead link, kept to be retried).
    again = run_archiver("demo", "-o", str(out), "--report", str(rep), "--port", port)
    assert again.returncode == 0, again.stderr
    report = json.loads(rep.read_text(encoding="utf-8"))
    assert report["articles_written"] == 0 and report["articles_requested"] <= 1
    assert posts_of(out) == posts
