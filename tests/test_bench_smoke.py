"""The benchmark suite works: valid generated pages, and a whole run at N=20 gives real figures.

Not a timing test: it checks that the generator makes pages the archiver
reads right and that ``python -m bench.run`` measures what it says.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

import archiver
from archiver.serve import SiteServer
from bench.sitegen import BenchSite


def test_generated_pages_are_valid_mydrivers_pages() -> None:
    site = BenchSite(45, seed=3)
    assert site.listing_pages == 3
    paths = site.paths()
    assert len(set(paths)) == len(paths) >= 45 + 3
    assert site.render("/1/1/1.htm") is None and site.render("/tag/keji_9.htm") is None
    assert BenchSite(45, seed=3).render(paths[10]) == site.render(paths[10])  # deterministic
    assert BenchSite(45, seed=4).render(paths[10]) != site.render(paths[10])
    for ident in site.ids():
        meta = site.meta(ident)
        path = site.article_path(ident)
        body = site.render(path)
        assert body is not None and 50_000 <= len(body) <= 160_000
        article = archiver.extract(body, f"https://news.mydrivers.com{path}")
        assert article.title == meta.title
        assert article.date_published is not None
        assert article.date_published.replace(tzinfo=None) == meta.date
        assert [t.name for t in article.tags] == [name for name, _ in meta.tags]
        assert article.authors == [meta.author] and article.editor == meta.editor
        assert "<p>" in article.body_html and "广告" not in article.body_html
        assert archiver.read_post(archiver.render_post(article)).title == meta.title
    from archiver.extraction import extract_listing

    seen: set[str] = set()
    url: str | None = f"https://news.mydrivers.com{site.start_path}"
    while url:
        body = site.render(url.removeprefix("https://news.mydrivers.com"))
        assert body is not None
        listing = extract_listing(body, url)
        seen.update(listing.article_urls)
        url = listing.next_page
    assert seen == {f"https://news.mydrivers.com{site.article_path(i)}" for i in site.ids()}


def test_written_site_is_served_by_site_server(tmp_path: Path) -> None:
    site = BenchSite(20)
    site.write(tmp_path)
    with (
        SiteServer(tmp_path) as server,
        urllib.request.urlopen(f"{server.url}{site.start_path}") as answer,
    ):
        page = answer.read().decode()
    assert f'href="{server.url}{site.article_path(site.last_id)}"' in page
    assert "下一页" not in page.split('class="pages"')[1].split("</div>")[0].replace(
        '<span class="disabled">下一页</span>', ""
    )


@pytest.mark.slow
def test_bench_run_at_n20_gives_real_figures(tmp_path: Path) -> None:
    from bench import run

    out = tmp_path / "results.json"
    args = ["--sizes", "20", "--repeat", "2", "--extract-pages", "3", "--extract-tools",
            "archiver", "--work", str(tmp_path / "work"), "--json", str(out)]  # fmt: skip
    assert run.main(args) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    size = results["sizes"][0]
    assert size["n"] == 20
    assert size["bare"]["report"]["articles"] == 20
    assert size["bare"]["server"]["article"] == sum(
        BenchSite(20).meta(i).pages for i in BenchSite(20).ids()
    )
    assert size["archive"]["report"]["articles_written"] == 20
    assert size["archive"]["posts"] == 20
    assert size["archive"]["report"]["failed"] == []
    for key in ("bare", "archive", "again"):
        measured = size[key]["run"]
        assert measured["returncode"] == 0, Path(measured["log"]).read_text()
        assert measured["wall_s"] > 0 and measured["cpu_s"] > 0
        assert 30 < measured["peak_rss_mb"] < 1000
    assert len(size["pairs"]) == 2
    assert all(pair["archive"]["report"]["articles_written"] == 20 for pair in size["pairs"])
    # The archive equals the one-process run's; the check would see a difference.
    assert size["reference"]["same"] is True and size["reference"]["posts"] == 20
    # All processes together: the crawl process and its extraction worker (20 MB at least).
    run_figures = size["archive"]["run"]
    assert run_figures["tree_rss_mb"] >= run_figures["sampled_rss_mb"] + 20
    again = size["again"]["report"]
    assert again["articles_requested"] == 0 and size["again"]["server"].get("article", 0) == 0
    tool = results["extraction"]["tools"]["archiver"]
    assert tool["pages_per_s"] > 0 and tool["title_ok"] == 1.0
    assert set(results["extraction"]["stages_ms"]) >= {"parse (lxml)", "continuation_urls"}
    text = run.section(results)
    assert text.startswith(run.SECTION) and "\n| 20 | " in text
    incremental = text.split("### Incremental")[1].split("\n| 20 | ")[1].split("\n")[0]
    assert incremental.endswith("| met |")
    assert "- same posts and ledger as the reference run: [True]: met" in text


def test_identical_output_check_ignores_only_the_fetch_time(tmp_path: Path) -> None:
    from bench.run import _digest

    def archive(name: str, fetched: str, body: str) -> Path:
        post = tmp_path / name / "source" / "_posts" / "a" / "b.md"
        post.parent.mkdir(parents=True)
        post.write_text(f"---\ntitle: t\narchiver:\n  fetched_at: '{fetched}'\n---\n{body}\n")
        return tmp_path / name

    one = archive("one", "2026-01-01T00:00:00+00:00", "正文")
    assert _digest(one) == _digest(archive("two", "2026-11-29T21:00:00+00:00", "正文"))
    assert _digest(one) != _digest(archive("three", "2026-01-01T00:00:00+00:00", "正文。"))
