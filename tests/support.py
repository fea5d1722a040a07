"""Shared helpers of the test suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

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


def posts_of(root: Path) -> dict[str, str]:
    """Every post under an archive root: relative path to text."""
    base = root / "source" / "_posts"
    return (
        {
            p.relative_to(base).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(base.rglob("*.md"))
            if not p.name.startswith(".")
        }
        if base.is_dir()
        else {}
    )
