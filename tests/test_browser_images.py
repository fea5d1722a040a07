"""The Hexo site built from ``archiver demo --images`` shows every picture in
headless Chromium, and no request leaves 127.0.0.1 (the site script strips
the theme's CDN links).

The demo's pictures come from its own image host, which refuses requests
without a demo page as Referer (as mydrivers' image servers do); the crawl
kept them in ``source/images``, so the generated site serves them itself.
Every post page is loaded with every request outside the site's own origin
blocked and recorded; each ``<img>`` must have loaded (``complete`` and
``naturalWidth > 0``). Needs node, npm and chromium (skips without them,
fails in CI).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from archiver.hexo import make_site
from tests.hexo_support import (
    ARTIFACTS,
    HEXO_DIR,
    chromium_path,
    generate_problems,
    hexo_generate,
    link_node_modules,
    node_env,
    read_hexo_posts,
    require_hexo,
)
from tests.support import ROOT, free_port, posts_of
from tests.test_browser import serve

pytestmark = [pytest.mark.browser, pytest.mark.hexo, pytest.mark.slow]

SHOTS = ARTIFACTS / "browser-images"
THEME_CDN: set[str] = set()  # the site script strips the theme's CDN links
"""What the landscape theme itself asks of a CDN on every page (its icon font's
stylesheet, written into ``layout/_partial/head.ejs`` unconditionally): not an
image and not the archive's; blocked like every request outside the site, and
the only one allowed to be."""

# Loads each page (every request outside the site's origin aborted and
# listed), waits for the images, and reports each <img> as the page shows it.
_CHECK = r"""
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require(process.argv[3]);
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];
(async () => {
  const origin = new URL(spec.base).origin;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-images-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: spec.chromium, headless: true, args: FLAGS, timeout: 60000,
    viewport: { width: 1280, height: 900 } });
  const results = [];
  try {
    for (const item of spec.pages) {
      const page = await context.newPage();
      const blocked = [];
      const requested = [];
      await page.route('**/*', route => {
        const url = route.request().url();
        if (url.startsWith(origin + '/')) { requested.push(url); return route.continue(); }
        blocked.push(url);
        return route.abort('blockedbyclient');
      });
      const result = { name: item.name, path: item.path };
      try {
        const response = await page.goto(new URL(item.path, spec.base).href,
                                          { waitUntil: 'load', timeout: 30000 });
        result.status = response ? response.status() : null;
        await page.evaluate(() => Promise.all(Array.from(document.images, img =>
          img.complete ? null : new Promise(done => { img.onload = img.onerror = done; }))));
        result.images = await page.evaluate(() => Array.from(document.images, img => ({
          src: img.getAttribute('src'), current: img.currentSrc, complete: img.complete,
          width: img.naturalWidth, height: img.naturalHeight,
          original: img.getAttribute('data-src-original'),
          in_article: !!img.closest('article') })));
        if (spec.screenshots) {
          await page.screenshot({ path: path.join(spec.screenshots, item.name + '.png'),
                                  fullPage: true });
        }
      } catch (err) {
        result.error = String(err);
      }
      Object.assign(result, { blocked, requested });
      results.push(result);
      await page.close();
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(results) + '\n');
})().catch(err => {
  process.stderr.write(String(err && err.stack || err) + '\n');
  process.exit(1);
});
"""


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_hexo()
    root = tmp_path_factory.mktemp("hexo-demo-images")
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "demo", "-o", str(root), "--images",
         "--port", str(free_port()), "-q"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    make_site(root, title="Archiver demo with images")
    link_node_modules(root)
    generated = hexo_generate(root)
    assert not generate_problems(generated), generated.stdout + generated.stderr
    return root


def _check(root: Path, pages: list[dict[str, str]], work: Path) -> list[dict[str, Any]]:
    script, spec_file = work / "check_images.js", work / "spec.json"
    script.write_text(_CHECK, encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serve(root / "public") as base:
        spec = {"chromium": chromium_path(), "base": base, "screenshots": str(SHOTS)}
        spec_file.write_text(json.dumps({**spec, "pages": pages}), encoding="utf-8")
        playwright = HEXO_DIR / "node_modules" / "playwright-core"
        done = subprocess.run(
            ["node", str(script), str(spec_file), str(playwright)],
            env=node_env(), capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def test_every_picture_of_the_demo_shows_offline(
    demo_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    posts = read_hexo_posts(demo_site)["posts"]
    assert len(posts) == len(posts_of(demo_site)) == 25
    pages = [{"name": "index", "path": ""}]
    pages += [
        {"name": f"post-{n:02d}", "path": urllib.parse.quote(post["path"])}
        for n, post in enumerate(sorted(posts, key=lambda p: str(p["path"])))
    ]
    results = _check(demo_site, pages, tmp_path_factory.mktemp("chromium-images"))
    problems: list[str] = []
    shown = 0
    for result in results:
        where = result["path"] or "/"
        if result.get("error") or result.get("status") != 200:
            problems.append(f"{where}: load: {result.get('status')} {result.get('error', '')}")
            continue
        left = [url for url in result["blocked"] if url not in THEME_CDN]
        problems += [f"{where}: a request left the site: {url}" for url in left]
        for image in result["images"]:
            if not (image["complete"] and image["width"] > 0):
                problems.append(f"{where}: <img src={image['src']!r}> did not load")
        article = [image for image in result["images"] if image["in_article"]]
        if result["name"].startswith("post-"):
            # Every picture of the post: the site's copy, the original kept beside it.
            assert article, f"{where}: no picture in the post"
            for image in article:
                assert image["src"].startswith("/images/"), image
                assert image["original"].startswith("http://127.0.0.1:"), image
                assert urllib.parse.urlsplit(image["current"]).path == image["src"]
            shown += len(article)
    assert not problems, "\n".join(problems)
    assert shown >= 25 * 2  # each post: its pictures and the end-of-article icon
