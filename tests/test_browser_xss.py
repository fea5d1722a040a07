"""No XSS vector runs in the published archive: a real Hexo site in Chromium.

Every vector of ``fixtures/hostile/xss-vectors.json`` is put in the body of a
page in mydrivers' markup and of a page for the generic extractor, with its
payload made ``(top.__xss=N,alert(N))``; each page goes through
``archiver.extract`` and ``Archive.write`` as a crawl's would, the archive is
built into a Hexo 7 site (landscape), and ``tests/browser_xss.js`` loads each
post in headless Chromium, waits, hovers, focuses and clicks everything in
the body, and waits again. Nothing may run (no dialog, ``window.__xss``
unset, no page error, no navigation, no request to the vectors' hosts), the
body as the browser parsed it holds nothing outside the allow-list, and the
text before and after each vector is on the page.

Two self-test pages (a vector that runs on load, one that runs on a click)
prove the detector sees a script run. Needs node, the pinned Hexo and
Chromium (skips without them, fails in CI).
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import archiver
from archiver import Archive
from tests.hexo_support import (
    HEXO_DIR,
    BuiltSite,
    Entry,
    build_site,
    chromium_path,
    node_env,
    read_hexo_posts,
    require_hexo,
)
from tests.test_browser import serve
from tests.test_sanitizer_fuzz import (
    GENERIC_LOSES_TEXT_AFTER,
    GENERIC_PAGE,
    MYDRIVERS_PAGE,
    SAFE_SCHEMES,
    SAFE_TAGS,
    VECTORS,
)

pytestmark = [pytest.mark.browser, pytest.mark.hexo, pytest.mark.slow]

SCRIPT = Path(__file__).resolve().parent / "browser_xss.js"
SITES = ("mydrivers", "generic")
SELFTEST = {
    "selftest-load": "<img src=x onerror=(top.__xss=-1,alert(-1))>",
    "selftest-click": '<a href="javascript:(top.__xss=-2,alert(-2))">click me</a>',
}
# The text around each vector, on each site's page.
MARKERS = {"mydrivers": ("前文", "后文"), "generic": ("protected bike lanes", "three months")}


def _number(index: int, site: str) -> int:
    return index * len(SITES) + SITES.index(site) + 1


def _page(index: int, vector: dict[str, Any], site: str) -> tuple[str, str]:
    """The page holding ``vector`` on ``site``, and its URL."""
    number = _number(index, site)
    markup = vector["html"].replace("alert(1)", f"(top.__xss={number},alert({number}))")
    if site == "mydrivers":
        url = f"https://news.mydrivers.com/1/790/{790000 + number}.htm"
        page = MYDRIVERS_PAGE.replace("安全测试", f"安全测试 {vector['name']}")
    else:
        url = f"https://www.riverside-ledger.example/news/2022/04/14/hostile-{number}"
        page = GENERIC_PAGE.replace("Hostile markup in a story", f"Hostile markup {vector['name']}")
    return page.replace("{body}", markup), url


def _archive(root: Path) -> dict[str, Entry]:
    """Every vector on every site, extracted and written as a crawl writes it."""
    entries: dict[str, Entry] = {}
    with Archive(root) as archive:
        for index, vector in enumerate(VECTORS):
            for site in SITES:
                page, url = _page(index, vector, site)
                article = archiver.extract(page.encode(), url, site=site)
                path = archive.write(article)
                source = path.relative_to(root / "source").as_posix()
                assert source not in entries, source
                entries[source] = Entry(source, article, f"{site}:{vector['name']}", vector["name"])
    return entries


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    require_hexo()
    root = tmp_path_factory.mktemp("hexo-xss")
    built = build_site(root, entries=_archive(root))
    assert not built.generate_problems, "\n".join(built.generate_problems)
    return built


@pytest.fixture(scope="module")
def server(site: BuiltSite) -> Iterator[str]:
    public = site.root / "public"
    for name, markup in SELFTEST.items():
        page = public / name / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f'<!doctype html><html><body><article><div class="article-entry"><p>{name}</p>'
            f"{markup}</div></article></body></html>",
            encoding="utf-8",
        )
    with serve(public) as base:
        yield base


@pytest.fixture(scope="module")
def pages(site: BuiltSite, server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each post page (and the self-test pages) as Chromium saw it, by origin."""
    chromium = chromium_path()
    paths = {post["source"]: post["path"] for post in read_hexo_posts(site.root)["posts"]}
    items = [{"name": name, "path": f"{name}/"} for name in SELFTEST]
    for source, entry in sorted(site.entries.items()):
        assert source in paths, f"{source}: Hexo has no page for it"
        items.append({"name": entry.origin, "path": urllib.parse.quote(paths[source])})
    spec = {
        "chromium": chromium,
        "base": server,
        "hexo_dir": str(HEXO_DIR),
        "wait_ms": 600,
        "parallel": 3,
        "allowed_tags": sorted(SAFE_TAGS),
        "url_schemes": sorted(f"{scheme}:" for scheme in SAFE_SCHEMES),
        "pages": items,
    }
    work = tmp_path_factory.mktemp("browser-xss")
    (work / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        ["node", str(SCRIPT), str(work / "spec.json")],
        env=node_env(),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert done.returncode == 0, f"browser_xss.js failed:\n{done.stderr[-3000:]}"
    results = json.loads(done.stdout)["pages"]
    return {item["name"]: result for item, result in zip(items, results, strict=True)}


def ran(page: dict[str, Any]) -> list[str]:
    """Every sign that something of the body ran."""
    signs = [f"dialog: {d}" for d in page["dialogs"]]
    for when in ("loaded", "after"):
        state = page.get(when) or {}
        if state.get("xss") is not None:
            signs.append(f"window.__xss = {state['xss']} ({when})")
    signs += [f"page error: {e}" for e in page["page_errors"]]
    # (A click on an image opens the theme's gallery, at #gallery: not a navigation.)
    if (page.get("url_after") or "").split("#")[0] != page["url"]:
        signs.append(f"navigated to {page.get('url_after')}")
    signs += [f"request to {u}" for u in page["blocked"] if "evil.example" in u]
    return signs


def test_detector_sees_scripts_run(pages: dict[str, Any]) -> None:
    load, click = pages["selftest-load"], pages["selftest-click"]
    assert load["loaded"]["xss"] == "-1" and "alert: -1" in load["dialogs"]
    assert click["loaded"]["xss"] is None and click["after"]["xss"] == "-2"
    assert "alert: -2" in click["dialogs"]
    assert load["loaded"]["bad"] and click["loaded"]["bad"]  # onerror, javascript:


def _params() -> list[Any]:
    return [
        pytest.param(site, vector["name"], id=f"{vector['name']}-{site}")
        for vector in VECTORS
        for site in SITES
    ]


@pytest.mark.parametrize(("site_name", "name"), _params())
def test_vector_runs_nothing(pages: dict[str, Any], site_name: str, name: str) -> None:
    page = pages[f"{site_name}:{name}"]
    assert not page.get("error") and page["status"] == 200, page.get("error")
    assert not ran(page), "\n".join(ran(page))
    for when in ("loaded", "after"):
        assert not page[when]["bad"], f"{when}: {page[when]['bad']}"
    assert page["loaded"]["base"] == page["url"], "a <base> changed the page's URLs"
    assert page["loaded"]["sources"] == 1, "the body poses as the archive's source link"


@pytest.mark.parametrize(("site_name", "name"), _params())
def test_text_around_vector_is_shown(pages: dict[str, Any], site_name: str, name: str) -> None:
    vector = next(v for v in VECTORS if v["name"] == name)
    text = re.sub(r"\s+", " ", pages[f"{site_name}:{name}"]["loaded"]["text"] or "")
    before, after = MARKERS[site_name]
    assert before in text
    keeps_after = vector.get("text_after", True) and not (
        site_name == "generic" and name in GENERIC_LOSES_TEXT_AFTER
    )
    if keeps_after:
        assert after in text, text[-300:]
