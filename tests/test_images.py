"""``--images``: every image of a written post kept in the site, by content hash,
downloaded with the article's URL as the Referer; what fails is reported and
tried again by the next run; posts without ``--images`` are as they were."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archiver import read_post, render_post
from archiver.demo.pictures import picture
from archiver.images import ImageIndex, image_urls, localize, sniff_image
from archiver.models import Article, Image
from archiver.serve import SiteServer
from tests.support import ROOT, free_port, posts_of, run_archiver

DEMO = ROOT / "archiver" / "demo" / "site"
EXPECTED = json.loads((DEMO / "EXPECTED.json").read_text(encoding="utf-8"))

# ---------------------------------------------------------------- the bytes


def test_images_are_known_by_their_bytes() -> None:
    assert sniff_image(picture("a", 16, 16, "jpg")) == "jpg"
    assert sniff_image(picture("a", 16, 16, "png")) == "png"
    assert sniff_image(b"GIF89a\x01\x00\x01\x00") == "gif"
    assert sniff_image(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff_image(b"\x00\x00\x00\x1cftypavif\x00\x00") == "avif"
    assert sniff_image(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">') == "svg"
    for page in (
        b"<!DOCTYPE html><html><body>404</body></html>",
        b"",
        b'{"error": 1}',
        b"\n<html>",
    ):
        assert sniff_image(page) is None


# ---------------------------------------------------------------- the post

BODY = (
    '<p>一</p>\n<p style="text-align: center"><a href="https://img.example.com/a.jpg" '
    'target="_blank"><img alt="图" src="https://img.example.com/Sa.jpg?x=1&amp;y=2" '
    'referrerpolicy="no-referrer"></a></p>\n'
    '<p><a href="https://news.example.com/next.htm">下一篇</a>'
    "<img src='https://img.example.com/b.png' referrerpolicy=\"no-referrer\"></p>\n"
    '<p><img src="https://img.example.com/gone.gif" referrerpolicy="no-referrer"></p>'
)
ARTICLE = Article(
    url="https://news.example.com/1.htm",
    title="图片",
    categories=["新媒体", "例子", "最新"],
    images=[
        Image(url="https://img.example.com/a.jpg", alt="图"),
        Image(url="https://img.example.com/c.jpg"),
    ],
    lead_image="https://img.example.com/Sa.jpg?x=1&y=2",
    body_html=BODY,
    date_published="2024-05-01T08:00:00+08:00",  # type: ignore[arg-type]
)
COPIES = {
    "https://img.example.com/a.jpg": "/images/aa/aaaa.jpg",
    "https://img.example.com/Sa.jpg?x=1&y=2": "/images/bb/bbbb.jpg",
    "https://img.example.com/b.png": "/images/cc/cccc.png",
    "https://img.example.com/c.jpg": "/images/dd/dddd.jpg",
}


def test_every_image_of_the_post_is_asked_for_once() -> None:
    assert image_urls(ARTICLE) == [
        "https://img.example.com/Sa.jpg?x=1&y=2",  # the lead image
        "https://img.example.com/a.jpg",  # images, then the body's
        "https://img.example.com/c.jpg",
        "https://img.example.com/b.png",
        "https://img.example.com/gone.gif",
    ]  # the link to the next article is not an image


def test_the_post_points_at_the_copies_and_keeps_the_originals() -> None:
    local = localize(ARTICLE, COPIES)
    assert local.body_html == (
        '<p>一</p>\n<p style="text-align: center"><a href="/images/aa/aaaa.jpg" '
        'data-href-original="https://img.example.com/a.jpg" target="_blank"><img alt="图" '
        'src="/images/bb/bbbb.jpg" data-src-original="https://img.example.com/Sa.jpg?x=1&amp;y=2" '
        'referrerpolicy="no-referrer"></a></p>\n'
        '<p><a href="https://news.example.com/next.htm">下一篇</a>'
        "<img src=\"/images/cc/cccc.png\" data-src-original='https://img.example.com/b.png' "
        'referrerpolicy="no-referrer"></p>\n'
        '<p><img src="https://img.example.com/gone.gif" referrerpolicy="no-referrer"></p>'
    )
    assert (
        local.lead_image == ARTICLE.lead_image and local.lead_image_local == "/images/bb/bbbb.jpg"
    )
    assert [i.local for i in local.images] == ["/images/aa/aaaa.jpg", "/images/dd/dddd.jpg"]
    assert [i.url for i in local.images] == [i.url for i in ARTICLE.images]
    assert localize(local, COPIES) == local  # a copy is never rewritten again
    assert image_urls(local) == ["https://img.example.com/gone.gif"]  # only what is missing
    assert localize(ARTICLE, {}) is ARTICLE

    text = render_post(local)
    assert (
        "headimg: '/images/bb/bbbb.jpg'\n" in text and "thumbnail: '/images/bb/bbbb.jpg'\n" in text
    )
    assert "  lead_image: 'https://img.example.com/Sa.jpg?x=1&y=2'\n" in text
    assert "   - url: 'https://img.example.com/a.jpg'\n     local: '/images/aa/aaaa.jpg'\n" in text
    assert read_post(text).model_copy(update={"field_sources": {}}) == local.model_copy(
        update={"field_sources": {}}
    )
    # The old keys only: the lead image's original is found in the body.
    classic = read_post(render_post(local, front_matter="classic"))
    assert classic.lead_image_local == "/images/bb/bbbb.jpg"
    assert classic.lead_image == "https://img.example.com/Sa.jpg?x=1&y=2"
    assert render_post(classic, front_matter="classic") == render_post(
        local, front_matter="classic"
    )


def test_without_copies_nothing_of_the_post_changes() -> None:
    text = render_post(ARTICLE)
    assert "/images/" not in text and "data-src-original" not in text
    assert "lead_image:" not in text and "local:" not in text


# ---------------------------------------------------------------- the demo, --images


def _demo(out: Path, port: int, *flags: str) -> dict[str, Any]:
    """``run_demo`` in a child process; its report (with the image host's counts)."""
    code = (
        "import json, sys\n"
        "from archiver.options import Options\n"
        "from archiver.demo import run_demo\n"
        f"options = Options.parse(output={str(out)!r}, images={'--images' in flags}, "
        f"warc={'--warc' in flags})\n"
        f"print(json.dumps(run_demo(options, port={port})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=180,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


_LOCAL_SRC = re.compile(r'<img [^>]*src="(/images/[^"]+)" data-src-original="([^"]+)"')


def test_the_demo_keeps_every_picture_with_the_articles_referer(tmp_path: Path) -> None:
    out, port = tmp_path / "demo", free_port()
    report = _demo(out, port, "--images")
    assert report["failed_unexpected"] == []
    host = report["demo_image_host"]
    assert host["refused"] == 0  # every request carried its article's URL as Referer
    kept = sorted((out / "source" / "images").rglob("*.*"))
    assert len(kept) == EXPECTED["images"]["kept"] == host["requests"]  # each once
    for path in kept:
        assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg|png)", path.relative_to(
            out / "source" / "images").as_posix())  # fmt: skip
        assert sniff_image(path.read_bytes()) == path.suffix[1:]
    shared = Counter()
    for name, text in posts_of(out).items():
        post = read_post(text)
        assert "img1.mydrivers.com" not in text and "icons.mydrivers.com" not in text
        shown = _LOCAL_SRC.findall(post.body_html)
        assert len(shown) == post.body_html.count("<img "), name  # every <img> is a copy
        for local, original in shown:
            assert (out / "source" / local.lstrip("/")).is_file()
            assert original.startswith("http://127.0.0.1:")
            shared[local] += 1
        assert post.body_html.count('data-href-original="') == len(post.images)
        assert all(
            i.local and (out / "source" / i.local.lstrip("/")).is_file() for i in post.images
        )
        if post.lead_image:
            assert post.lead_image_local == shown[0][0] and post.lead_image == shown[0][1]
            assert f"headimg: '{post.lead_image_local}'" in text
    assert shared.most_common(1)[0][1] == 25  # the end-of-article icon: one file, every post

    # Again into the same folder: nothing is fetched, nothing changes.
    before = posts_of(out, fetch_time=True)
    again = _demo(out, port, "--images")
    assert again["articles_written"] == 0 and again["demo_image_host"]["requests"] == 0
    assert posts_of(out, fetch_time=True) == before


def test_the_image_host_refuses_other_referers(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    from archiver.demo import ImageHost

    some = next(p for p in (DEMO / "_images" / "img").rglob("*.jpg"))
    path = "/" + some.relative_to(DEMO / "_images").as_posix()
    with ImageHost(DEMO / "_images", referer="http://127.0.0.1:1/") as host:
        for referer in (None, "https://evil.example/", "http://127.0.0.1:2/"):
            request = urllib.request.Request(host.url + path)
            if referer:
                request.add_header("Referer", referer)
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(request, timeout=10)
            caught.value.close()
            assert caught.value.code == 403
        request = urllib.request.Request(
            host.url + path, headers={"Referer": "http://127.0.0.1:1/x"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.headers["Content-Type"] == "image/jpeg"
            assert answer.read() == some.read_bytes()


# ---------------------------------------------------------------- failures, retries


class _Host:
    """An image host that checks the Referer and serves bad answers on purpose:
    ``/bad/html.jpg`` an HTML page with 200 (until ``fixed``), ``/bad/short.jpg``
    cut short, ``/bad/big.png`` over the limit; ``/img/...`` good pictures."""

    def __init__(self) -> None:
        self.referer = ""
        self.fixed = False
        self.hits: Counter[str] = Counter()
        self.referers: list[str] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                host.hits[path] += 1
                if path == "/robots.txt":
                    return self._send(404, b"", "text/plain")
                referer = self.headers.get("Referer") or ""
                host.referers.append(referer)
                if not referer.startswith(host.referer):
                    return self._send(403, b"<html>no hotlinking</html>", "text/html")
                if path == "/bad/html.jpg" and not host.fixed:
                    return self._send(
                        200, b"<!DOCTYPE html><html><body>busy</body></html>", "image/jpeg"
                    )
                if path == "/bad/short.jpg":
                    data = picture("short", 160, 96, "jpg")
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Content-Length", str(len(data) + 5000))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                if path == "/bad/big.png":
                    return self._send(
                        200, picture("big", 400, 400, "png") + b"\0" * 30_000, "image/png"
                    )
                kind = "png" if path.endswith(".png") else "jpg"
                return self._send(200, picture(path, 80, 48, kind), f"image/{kind}")

            def _send(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client gone after a cut answer

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[SiteServer, _Host, Path]]:
    """Three demo articles served from a copy whose pictures are on ``_Host``;
    the second one's are bad."""
    host = _Host()
    folder = tmp_path / "pages"
    for number, path in enumerate(("1/792/792480.htm", "1/792/792377.htm", "1/792/792206.htm")):
        html = (DEMO / path).read_text(encoding="utf-8")
        html = re.sub(r"//img1\.mydrivers\.com/img/\d+/", f"{host.url}/img/", html)
        html = html.replace("//icons.mydrivers.com/", f"{host.url}/icons/")
        if number == 1:
            full, thumb = re.findall(rf'{re.escape(host.url)}/img/([^"]+)"', html)[:2]
            html = html.replace(f"/img/{full}", "/bad/short.jpg").replace(
                f"/img/{thumb}", "/bad/html.jpg"
            )
            html = html.replace(f"{host.url}/icons/news/end_article.png", f"{host.url}/bad/big.png")
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(html, encoding="utf-8")
    shutil.copy(DEMO / "_routes.json", folder / "_routes.json")
    with SiteServer(folder) as pages:
        host.referer = pages.url + "/1/"
        yield pages, host, tmp_path / "site"
    host.close()


def _crawl(
    pages: SiteServer, out: Path, *paths: str, images: bool = True, classic: bool = False
) -> tuple[int, dict[str, Any]]:
    report = out.parent / "report.json"
    done = run_archiver(
        "article", *(f"{pages.url}/{p}" for p in paths), "-o", str(out), "--site", "mydrivers",
        *(["--images"] if images else []), "--report", str(report), "-q",
        *(["--front-matter", "classic"] if classic else []),
        "-s", "DOWNLOAD_DELAY=0", "-s", "ARCHIVER_IMAGES_MAX_BYTES=20000",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(report.read_text(encoding="utf-8"))


def _post(out: Path, title_part: str) -> tuple[Path, str]:
    for path in (out / "source" / "_posts").rglob("*.md"):
        if title_part in path.name:
            return path, path.read_text(encoding="utf-8")
    raise AssertionError(f"no post {title_part}")


def test_bad_images_are_reported_kept_remote_and_tried_again(
    sites: tuple[SiteServer, _Host, Path],
) -> None:
    pages, host, out = sites
    status, report = _crawl(pages, out, "1/792/792480.htm", "1/792/792377.htm")
    assert status == 1 and report["articles_written"] == 2
    failed = {f["url"].removeprefix(host.url): f["reason"] for f in report["failed"]}
    assert failed.keys() == {"/bad/html.jpg", "/bad/short.jpg", "/bad/big.png"}
    assert failed["/bad/html.jpg"].startswith("image: not an image: an HTML page")
    assert failed["/bad/short.jpg"].startswith("image: cut short")
    assert failed["/bad/big.png"].startswith("image: too large")
    assert all(r.endswith(f"(in {pages.url}/1/792/792377.htm)") for r in failed.values())
    assert set(host.referers) == {f"{pages.url}/1/792/792480.htm", f"{pages.url}/1/792/792377.htm"}

    good_path, good = _post(out, "小米MIX Fold 2")
    assert good.count('data-src-original="') == 3 and f'src="{host.url}' not in good
    bad_path, bad = _post(out, "Redmi K50")
    assert f'h="400" src="{host.url}/bad/html.jpg"' in bad
    assert f'href="{host.url}/bad/short.jpg"' in bad and f'src="{host.url}/bad/big.png"' in bad
    assert "data-src-original" not in bad and f"headimg: '{host.url}/bad/html.jpg'" in bad
    failures = ImageIndex(out)
    assert {(u.removeprefix(host.url), n) for u, _a, _r, n in failures.failures()} == {
        ("/bad/html.jpg", 1), ("/bad/short.jpg", 1), ("/bad/big.png", 1)
    }  # fmt: skip
    failures.close()
    good_hits = {p: n for p, n in host.hits.items() if p.startswith(("/img/", "/icons/"))}

    # The next run (another article) tries them again; one works now.
    host.fixed = True
    status, report = _crawl(pages, out, "1/792/792206.htm")
    assert status == 1 and report["articles_written"] == 1
    failed = {f["url"].removeprefix(host.url) for f in report["failed"]}
    assert failed == {"/bad/short.jpg", "/bad/big.png"}
    for path, n in good_hits.items():
        assert host.hits[path] == n, f"{path} fetched again"  # kept: never asked for again
    assert host.hits["/bad/html.jpg"] == 2
    rewritten = bad_path.read_text(encoding="utf-8")
    original = re.escape(f'{host.url}/bad/html.jpg"')
    local = re.search(r'src="(/images/[^"]+)" data-src-original="' + original, rewritten)
    assert local, rewritten
    assert f"headimg: '{local.group(1)}'" in rewritten
    assert (
        rewritten.replace(local.group(0), f'src="{host.url}/bad/html.jpg"')
        .replace(f"'{local.group(1)}'", f"'{host.url}/bad/html.jpg'")
        .replace(f"  lead_image: '{host.url}/bad/html.jpg'\n", "")
        == bad
    )  # nothing else changed
    assert good_path.read_text(encoding="utf-8") == good
    check = run_archiver("check", str(out))
    assert check.returncode == 0, check.stdout  # the ledger follows the rewritten post

    # After ARCHIVER_MAX_RETRY_RUNS runs an image is given up.
    _crawl(pages, out, "1/792/792206.htm")
    hits = host.hits["/bad/short.jpg"]
    _crawl(pages, out, "1/792/792206.htm")
    assert host.hits["/bad/short.jpg"] == hits == 3


def test_without_images_posts_are_as_before(sites: tuple[SiteServer, _Host, Path]) -> None:
    pages, host, out = sites
    status, report = _crawl(pages, out, "1/792/792480.htm", images=False)
    assert status == 0 and report["articles_written"] == 1
    assert not (out / "source" / "images").exists()
    assert not (out / ".archiver" / "images.sqlite").exists()
    assert sum(n for p, n in host.hits.items() if p != "/robots.txt") == 0
    _path, text = _post(out, "小米MIX Fold 2")
    assert "/images/" not in text and "data-src-original" not in text and "local:" not in text
    assert f"headimg: '{host.url}/img/" in text


# ---------------------------------------------------------------- options


def test_the_options_of_every_entry_point(tmp_path: Path) -> None:
    from archiver.errors import BadInput
    from archiver.options import Options
    from archiver.sources import load_sources

    assert Options().images is False and Options().warc is False
    assert Options().images_max_bytes == 20 * 1024 * 1024
    options = Options.parse(images="true", warc="1", images_max_bytes="1000")
    assert (options.images, options.warc, options.images_max_bytes) == (True, True, 1000)
    assert Options.from_settings(options.to_settings()) == options
    with pytest.raises(BadInput, match="--images-max-bytes"):
        Options.parse(images_max_bytes="0")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[defaults]\nimages = true\n\n[[source]]\nkind = "article"\n'
        'url = "https://news.mydrivers.com/1/792/792480.htm"\nwarc = true\n\n'
        '[[source]]\nkind = "article"\nurl = "https://news.mydrivers.com/1/792/792377.htm"\n'
        "images = false\n",
        encoding="utf-8",
    )
    first, second = (s.crawl(Options()).options for s in load_sources(sources))
    assert (first.images, first.warc) == (True, True)
    assert (second.images, second.warc) == (False, False)


def test_a_retry_keeps_the_posts_front_matter(sites: tuple[SiteServer, _Host, Path]) -> None:
    """A post written with the old keys only is rewritten with the old keys only,
    whatever the run that tries its images again writes."""
    pages, host, out = sites
    _crawl(pages, out, "1/792/792377.htm", classic=True)
    path, before = _post(out, "Redmi K50")
    assert "archiver:" not in before and f"headimg: '{host.url}/bad/html.jpg'" in before
    host.fixed = True
    _crawl(pages, out, "1/792/792206.htm")  # a full front matter run
    after = path.read_text(encoding="utf-8")
    assert "archiver:" not in after and "tags:" not in after
    local = re.search(r"headimg: '(/images/[^']+)'", after)
    assert local and f'src="{local.group(1)}" data-src-original="{host.url}/bad/html.jpg"' in after
    back = read_post(after)
    assert back.lead_image == f"{host.url}/bad/html.jpg" and back.lead_image_local == local.group(1)
