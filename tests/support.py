"""Shared helpers of the test suite."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from archiver.extraction.page import Page

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "format" / "samples"
ZH_PAGES = SHARED / "data" / "zh-news-pages"
FIXTURES = ROOT / "fixtures"
IN_CI = bool(os.environ.get("CI"))


def need(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, but fail in CI, where it must hold."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must provide this: {reason}")
        pytest.skip(reason)


def front_matter(post: str) -> str:
    """The YAML between the two ``---`` lines of a post."""
    return post.split("---\n", 2)[1]


_YAMLJS = ROOT / "tests" / "yamljs"
_node: subprocess.Popen[str] | None = None


def js_yaml(documents: list[str]) -> list[Any]:
    """Parse each document with js-yaml (Hexo's parser) in one long-lived Node process."""
    global _node
    need(shutil.which("node") is not None, "node is not installed")
    need((_YAMLJS / "node_modules" / "js-yaml").is_dir(), "run: npm ci --prefix tests/yamljs")
    if _node is None or _node.poll() is not None:
        _node = subprocess.Popen(
            ["node", str(_YAMLJS / "parse.js")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
    assert _node.stdin and _node.stdout
    results = []
    for doc in documents:
        _node.stdin.write(json.dumps(doc) + "\n")
        _node.stdin.flush()
        answer = json.loads(_node.stdout.readline())
        if not answer["ok"]:
            raise AssertionError(f"js-yaml refused the front matter: {answer['error']}")
        results.append(answer["data"])
    return results


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_archiver(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the ``archiver`` command line in a child process, as a user would."""
    import sys

    return subprocess.run(
        [sys.executable, "-m", "archiver", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )


def without_fetch_time(post: str) -> str:
    """A post without its ``fetched_at`` line: the one line two crawls of the
    same pages at different times write differently."""
    return re.sub(r"(?m)^  fetched_at: .*\n", "", post)


def posts_of(root: Path, *, fetch_time: bool = False) -> dict[str, str]:
    """Every post under an archive root: relative path to text (without the
    fetch time, so that two crawls compare equal, unless ``fetch_time``)."""
    base = root / "source" / "_posts"
    keep = (lambda text: text) if fetch_time else without_fetch_time
    return (
        {
            p.relative_to(base).as_posix(): keep(p.read_text(encoding="utf-8"))
            for p in sorted(base.rglob("*.md"))
            if not p.name.startswith(".")
        }
        if base.is_dir()
        else {}
    )


# -- fixture cases: fixtures/sites/<site>/<case>/ --------------------------------

SITE_FIXTURES = FIXTURES / "sites"
FIXTURE_FETCHED_AT = datetime(2025, 1, 1, tzinfo=UTC)
"""The fetch time of a fixture page whose ``meta.json`` gives none."""
"""One folder per case: ``page.html``, ``meta.json``, ``article.json``, ``post.md``
(see ``tests/test_fixtures.py`` for the layout and the ``article.json`` schema)."""


def case_dir(site: str, case: str) -> Path:
    """The folder of one fixture case, e.g. ``case_dir("mydrivers", "tag-xiaomi")``."""
    return SITE_FIXTURES / site / case


def case_names(site: str) -> list[str]:
    """The cases of ``site``, sorted: every folder holding a ``meta.json``."""
    base = SITE_FIXTURES / site
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "meta.json").is_file())


def all_cases() -> list[FixtureCase]:
    """Every case of every site, sorted by site then case."""
    if not SITE_FIXTURES.is_dir():
        return []
    return [
        FixtureCase(site.name, name)
        for site in sorted(p for p in SITE_FIXTURES.iterdir() if p.is_dir())
        for name in case_names(site.name)
    ]


@dataclass(frozen=True)
class FixtureCase:
    """One saved page and what is expected of it."""

    site: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.site}/{self.name}"

    @property
    def folder(self) -> Path:
        return case_dir(self.site, self.name)

    @cached_property
    def meta(self) -> dict[str, Any]:
        """``meta.json``: ``url``, ``headers``, maybe ``site``, ``fetched_at``, ``checks``."""
        value: dict[str, Any] = json.loads((self.folder / "meta.json").read_text("utf-8"))
        return value

    @property
    def checks(self) -> dict[str, Any]:
        """The hand-written checks of ``meta.json`` (never regenerated)."""
        value: dict[str, Any] = self.meta.get("checks", {})
        return value

    @cached_property
    def body(self) -> bytes:
        """``page.html``, the response body as it was served."""
        return (self.folder / "page.html").read_bytes()

    @property
    def fetched_at(self) -> datetime:
        """When the page was fetched: ``meta.json``'s, else one fixed instant,
        so that the expected post (which records it) never changes."""
        when = self.meta.get("fetched_at")
        return datetime.fromisoformat(when) if when else FIXTURE_FETCHED_AT

    @cached_property
    def expected(self) -> dict[str, Any]:
        """``article.json``: the expected article, listing or not-an-article reason."""
        value: dict[str, Any] = json.loads((self.folder / "article.json").read_text("utf-8"))
        return value

    @property
    def kind(self) -> str:
        """``article``, ``listing`` or ``not-an-article``, as ``article.json`` says."""
        return str(self.expected["kind"])

    def page(self) -> Page:
        """The page decoded the way a crawl decodes it: bytes plus headers."""
        from archiver.extraction import make_page

        return make_page(
            self.body,
            self.meta["url"],
            headers=self.meta.get("headers"),
            fetched_at=self.fetched_at,
        )


def load_case(site: str, case: str) -> FixtureCase:
    """The fixture case ``fixtures/sites/<site>/<case>/``; fails if it is not there."""
    found = FixtureCase(site, case)
    assert (found.folder / "meta.json").is_file(), f"no fixture case {found.id}"
    return found
