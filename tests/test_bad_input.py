"""Bad input in a real crawl: each page gets a clear outcome in the report,
none stops the crawl for long, none writes a broken post."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from archiver import read_post
from archiver.serve import SiteServer
from tests.support import free_port, posts_of, run_archiver

GOOD = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}_示例</title></head><body><div class="nav"><a href="/">首页</a></div>
<h1>{title}</h1><div class="info">2024-05-01 10:00 来源：示例日报 作者：测试</div>
<div class="content">{body}</div></body></html>"""
PARA = (
    "<p>这是一段足够长的正文，用来让抽取器认定这是一篇真正的新闻文章，而不是导航或者列表页面。</p>"
)


def build(root: Path) -> dict[str, str]:
    """A listing linking one page of each kind of bad input; returns path -> kind."""
    pages: dict[str, bytes] = {
        "a/good.html": GOOD.format(title="正常的文章", body=PARA * 5).encode(),
        "a/huge.html": GOOD.format(
            title="二十兆的大页面", body=PARA * 5 + "<p>填充</p>" * 1_400_000
        ).encode(),
        "a/pdf.html": b"%PDF-1.7\n" + b"\x00binary" * 1000,
        "a/image.html": b"\x89PNG\r\n\x1a\n" + b"\x00" * 500,
        "a/empty.html": b"",
        "a/blank.html": b"<html><head><title></title></head><body></body></html>",
        "a/jsonld.html": (
            '<html><head><meta charset="utf-8"><script type="application/ld+json">{"@type": '
            '"NewsArticle", "headline": "坏掉的JSON-LD", </script><title>坏掉的JSON-LD_示例</title>'
            "</head><body><h1>坏掉的JSON-LD</h1><p>2024-05-02 08:00</p>"
            + PARA * 4
            + "</body></html>"
        ).encode(),
        "a/english.html": (
            '<html lang="en"><head><title>Plain English page - Example</title></head><body>'
            "<h1>Plain English page</h1><p>Published May 3, 2024</p>"
            + "<p>This is a reasonably long English paragraph about nothing at all. </p>" * 6
            + "</body></html>"
        ).encode(),
        "a/japanese.html": (
            '<html lang="ja"><head><meta charset="shift_jis">'
            "<title>日本語の記事</title></head><body>"
            "<h1>日本語の記事</h1><p>2024年5月4日 12:00</p>"
            + "<p>これは日本語のテスト記事の本文です。十分な長さが必要です。</p>" * 6
            + "</body></html>"
        ).encode("shift_jis"),
        "a/gbk-lying.html": (
            '<html><head><meta charset="utf-8"><title>编码说谎的页面</title></head><body>'
            "<h1>编码说谎的页面</h1><p>2024年05月05日 09:30</p>" + PARA * 4 + "</body></html>"
        ).encode("gbk"),
    }
    links = "".join(f'<li><a href="/{path}">{path}</a></li>' for path in pages)
    pages["list.html"] = f"<html><body><ul>{links}</ul></body></html>".encode()
    for path, data in pages.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    routes = {"a/pdf.html": {"headers": {"Content-Type": "text/html"}}}
    (root / "_routes.json").write_text(json.dumps({"routes": routes}))
    return {p: p.split("/")[-1].split(".")[0] for p in pages if p != "list.html"}


@pytest.mark.slow
def test_bad_pages_get_clear_outcomes(tmp_path: Path) -> None:
    site, out, rep = tmp_path / "www", tmp_path / "out", tmp_path / "r.json"
    kinds = build(site)
    with SiteServer(site, port=free_port()) as server:
        started = time.monotonic()
        done = run_archiver(
            "tag", f"{server.url}/list.html", "-o", str(out), "--report", str(rep),
            "-s", "DOWNLOAD_DELAY=0", "--quiet", timeout=300,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stderr  # some pages failed, and the status says so
    assert elapsed < 120
    report = json.loads(rep.read_text(encoding="utf-8"))
    failed = {f["url"].split("/", 3)[3]: f["reason"] for f in report["failed"]}
    written = {read_post(t).title: read_post(t) for t in posts_of(out).values()}
    assert "not-html" in failed["a/pdf.html"]  # a PDF served as text/html
    assert "not-html" in failed["a/image.html"]
    assert "a/empty.html" in failed and "a/blank.html" in failed
    assert "正常的文章" in written
    assert "编码说谎的页面" in written  # GBK bytes under a lying utf-8 meta, read right
    assert "坏掉的JSON-LD" in written  # broken JSON-LD: archived with what could be read
    assert "Plain English page" in written and "日本語の記事" in written
    assert "二十兆的大页面" in written or "a/huge.html" in failed
    assert len(written) + len(failed) == len(kinds), (sorted(written), failed)
    for post in written.values():
        assert "\ufffd" not in post.title and "\ufffd" not in post.body_html
