"""Build a real Hexo 7 site around an archive, and ask Hexo what it read.

Used by ``tests/test_hexo.py`` and ``tests/test_browser.py``. The Node side
lives in ``hexo/`` (pinned ``package.json`` and lock file, installed by
``scripts/install-node-deps.sh``); a test site gets ``archiver.hexo.make_site``
and a ``node_modules`` link to ``hexo/node_modules``, so no test downloads.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from archiver import Archive, Article, read_post
from archiver.hexo import make_site
from archiver.models import Image, Tag
from tests.support import FIXTURES, IN_CI, ROOT, SAMPLES, need

HEXO_DIR = ROOT / "hexo"
NODE_MODULES = HEXO_DIR / "node_modules"
ARTIFACTS = ROOT / "artifacts"
HOSTILE = FIXTURES / "hostile" / "articles.json"

# Any zone but the site's: Hexo's date handling depends on the process zone,
# and CI machines run in UTC.
NODE_TZ = "UTC"
_PROBLEM_LINE = re.compile(r"\b(WARN|ERROR|FATAL)\b")


def node_env(tz: str = NODE_TZ) -> dict[str, str]:
    env = dict(os.environ, TZ=tz, NO_COLOR="1", FORCE_COLOR="0")
    env.pop("NODE_OPTIONS", None)
    return env


def require_hexo() -> None:
    """Skip (fail in CI) unless node, npm and the pinned Hexo are installed.

    Installs hexo/node_modules with the project's script when node and npm
    are there but the modules are not, as CI's first run does.
    """
    need(shutil.which("node") is not None, "node is not installed (Node.js 20+)")
    need(shutil.which("npm") is not None, "npm is not installed")
    if not (NODE_MODULES / "hexo" / "package.json").is_file():
        script = ROOT / "scripts" / "install-node-deps.sh"
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout)[-2000:]
            if IN_CI:
                pytest.fail(f"scripts/install-node-deps.sh failed:\n{detail}")
            pytest.skip(f"cannot install hexo/node_modules (offline?):\n{detail}")


def chromium_path() -> str:
    """The Chromium binary: $CHROMIUM, else Debian's. Skips (fails in CI) without one."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    need(False, "chromium is not installed (scripts/install-chromium.sh)")
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- the archive


@dataclass
class Entry:
    """One post we wrote: where, what model, and which group it came from."""

    source: str  # as Hexo names it: `_posts/<c1>/<c2>/<c3>/<name>.md`
    article: Article
    origin: str  # hostile:<name>, fields:<name>, sample:<file>, demo
    name: str = ""


@dataclass
class BuiltSite:
    root: Path
    theme: str
    entries: dict[str, Entry] = field(default_factory=dict)
    demo_ran: bool = False
    generate_output: str = ""
    generate_problems: list[str] = field(default_factory=list)
    generate_seconds: float = 0.0

    def by_origin(self, prefix: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.origin.startswith(prefix)]


def hostile_articles() -> list[tuple[str, Article]]:
    cases = json.loads(HOSTILE.read_text(encoding="utf-8"))
    return [(case["name"], Article.model_validate(case["article"])) for case in cases]


# A tag name that runs a script wherever a theme prints tag names as HTML.
TAG_INJECTION = "<img src=x onerror=\"window.__pwned='tag'\">"


def field_articles() -> list[tuple[str, Article]]:
    """Posts with the fields beyond the old archive's: Hexo's ``tags`` and the
    ``archiver:`` mapping, hostile values included."""
    base = hostile_articles()[0][1]
    every = base.model_copy(
        update={
            "url": "https://news.example.com/1/792/792044.htm?from=rss&x=\"'<b>",
            "canonical_url": "https://news.example.com/1/792/792044.htm",
            "title": "每个字段都在：小米汽车",
            "authors": ["随心", "null", 'It\'s "me"'],
            "editor": "雪花",
            "source": "快科技",
            "tags": [
                Tag(name="小米汽车", url="https://news.example.com/tag/xiaomiqiche.htm"),
                Tag(name="C++ & <b>bold</b>"),
                Tag(name='It\'s "quoted": yes'),
                Tag(name=TAG_INJECTION, url="https://news.example.com/tag/x.htm?a=1&b=2"),
            ],
            "images": [
                Image(
                    url="https://img1.mydrivers.com/img/a.png", alt="图 'a'", width=600, height=400
                ),
                Image(url="https://img1.mydrivers.com/img/b.png"),
            ],
            "date_published_raw": "2022-07-29 16:51:41",
            "description": "第一行\n第二行 {{ page.title }} #",
            "language": "zh-CN",
            "fetched_at": datetime(
                2022, 7, 29, 17, 0, 5, 123456, tzinfo=timezone(timedelta(hours=8))
            ),
        }
    )
    no_date = base.model_copy(
        update={
            "url": "https://news.example.com/1/792/792045.htm",
            "title": "没有发布时间：日期是抓取时间",
            "date_published": None,
            "fetched_at": datetime(2022, 8, 1, 3, 4, 5, tzinfo=UTC),
            "tags": [Tag(name="小米汽车")],
        }
    )
    tags_only = base.model_copy(
        update={"url": None, "title": "只有标签", "tags": [Tag(name="标签"), Tag(name="MIUI 14")]}
    )
    return [("every-field", every), ("no-date", no_date), ("tags-only", tags_only)]


def sample_articles() -> list[tuple[str, Article]]:
    if not SAMPLES.is_dir():
        return []
    return [
        (path.name, read_post(path.read_text(encoding="utf-8")))
        for path in sorted(SAMPLES.glob("*.md"))
    ]


def run_demo(root: Path) -> bool:
    """Run ``archiver demo -o root`` when the command exists; False when it does
    not (yet), or when ARCHIVER_HEXO_DEMO=0 leaves it out."""
    if os.environ.get("ARCHIVER_HEXO_DEMO") == "0":
        return False
    try:
        from archiver import cli  # noqa: F401
    except ImportError:
        return False
    command = [sys.executable, "-c", "import sys; from archiver.cli import main; sys.exit(main())"]
    probe = subprocess.run([*command, "--help"], capture_output=True, text=True, check=False)
    if not re.search(r"\bdemo\b", probe.stdout + probe.stderr):
        return False
    done = subprocess.run(
        [*command, "demo", "-o", str(root)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0 and "No module named 'archiver." in done.stderr:
        return False  # the command is declared but its module has not landed yet
    assert done.returncode == 0, f"archiver demo failed ({done.returncode}):\n{done.stderr[-3000:]}"
    return True


def _relative_source(root: Path, path: Path) -> str:
    return path.relative_to(root / "source").as_posix()


def fill_archive(root: Path, *, demo: bool = True) -> tuple[dict[str, Entry], bool]:
    """The archive the Hexo tests build: demo crawl (if any), hostile posts,
    posts with every field, samples; and whether the demo ran."""
    entries: dict[str, Entry] = {}
    demo_ran = demo and run_demo(root)
    if demo_ran:
        for path in sorted((root / "source" / "_posts").rglob("*.md")):
            source = _relative_source(root, path)
            article = read_post(path.read_text(encoding="utf-8"))
            entries[source] = Entry(source, article, "demo", path.stem)
    with Archive(root) as archive:
        groups = [
            ("hostile", hostile_articles()),
            ("fields", field_articles()),
            ("sample", sample_articles()),
        ]
        for group, items in groups:
            for name, article in items:
                path = archive.write(article)
                source = _relative_source(root, path)
                assert source not in entries, f"{group}:{name} overwrote {source}"
                entries[source] = Entry(source, article, f"{group}:{name}", name)
    return entries, demo_ran


def link_node_modules(root: Path) -> None:
    link = root / "node_modules"
    if not link.exists():
        link.symlink_to(NODE_MODULES, target_is_directory=True)


# ---------------------------------------------------------------- running Hexo


def hexo_generate(root: Path, *, tz: str = NODE_TZ) -> subprocess.CompletedProcess[str]:
    """``hexo generate`` in ``root``, as ``npx hexo generate`` runs it."""
    return subprocess.run(
        ["node", str(root / "node_modules" / "hexo" / "bin" / "hexo"), "generate"],
        cwd=root,
        env=node_env(tz),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def generate_problems(done: subprocess.CompletedProcess[str]) -> list[str]:
    """What makes a ``hexo generate`` run bad: its exit status, WARN/ERROR lines."""
    problems = [] if done.returncode == 0 else [f"exit status {done.returncode}"]
    output = done.stdout + done.stderr
    problems += [line for line in output.splitlines() if _PROBLEM_LINE.search(line)]
    return problems


def read_hexo_posts(root: Path, *, tz: str = NODE_TZ) -> dict[str, Any]:
    """What Hexo read from every post (``hexo/read_posts.js``)."""
    done = subprocess.run(
        ["node", str(HEXO_DIR / "read_posts.js"), str(root)],
        env=node_env(tz),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"read_posts.js failed:\n{done.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# ---------------------------------------------------------------- comparing


def expected_date(article: Article) -> datetime:
    moment = article.date_published or article.fetched_at
    assert moment is not None
    return moment.astimezone(UTC).replace(microsecond=0)


def _instant(text: str | None) -> datetime | str | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return text


def _show(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else repr(value)


NAMESPACE_KEYS = {
    "url", "canonical_url", "authors", "editor", "source", "tag_urls", "images",
    "date_published_raw", "description", "language", "fetched_at",
}  # fmt: skip


def model_extras(article: Article) -> dict[str, Any]:
    """The fields beyond the old archive's, as comparable values."""
    tag_urls = [tag.url for tag in article.tags]
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "authors": list(article.authors),
        "editor": article.editor,
        "source": article.source,
        "tags": sorted({tag.name for tag in article.tags}),
        "tag_urls": tag_urls if any(url is not None for url in tag_urls) else None,
        "images": [image.model_dump() for image in article.images],
        "date_published_raw": article.date_published_raw,
        "description": article.description,
        "language": article.language,
        "fetched_at": article.fetched_at.astimezone(UTC) if article.fetched_at else None,
    }


def hexo_extras(post: dict[str, Any]) -> dict[str, Any]:
    """The same fields as Hexo read them: its tags (Tag documents, by name)
    and the ``archiver:`` mapping of the front matter."""
    namespace = post.get("archiver") or {}
    images = [
        {
            "url": i.get("url"),
            "alt": i.get("alt", ""),
            "width": i.get("width"),
            "height": i.get("height"),
        }
        for i in namespace.get("images", [])
    ]
    found = {key: namespace.get(key) for key in NAMESPACE_KEYS}
    found.update(
        authors=namespace.get("authors", []),
        tags=sorted(set(post["tags"])),
        images=images,
        fetched_at=_instant(namespace.get("fetched_at")),
    )
    unknown = sorted(set(namespace) - NAMESPACE_KEYS)
    if unknown:
        found["unknown archiver keys"] = unknown
    return found


def mismatches(entries: dict[str, Entry], hexo: dict[str, Any]) -> list[str]:
    """Every way Hexo's reading differs from our models, as `<source>: <field>: ...`."""
    found: list[str] = []
    for problem in hexo["problems"]:
        found.append(f"hexo {problem['level']}: {problem['message']} {problem['error'] or ''}")
    posts = {post["source"]: post for post in hexo["posts"]}
    for source in sorted(set(entries) - set(posts)):
        found.append(f"{source}: missing: Hexo did not load this post")
    for source in sorted(set(posts) - set(entries)):
        found.append(f"{source}: unexpected: Hexo loaded a post we did not write")
    for source in sorted(set(entries) & set(posts)):
        article, post = entries[source].article, posts[source]
        want_updated = (
            article.date_modified.astimezone(UTC).replace(microsecond=0)
            if article.date_modified
            else None
        )
        checks: list[tuple[str, object, object]] = [
            ("title", article.title, post["title"]),
            ("date", expected_date(article), _instant(post["date"])),
            ("updated", want_updated, _instant(post["updated"])),
            ("categories", list(article.categories), post["categories"]),
            ("published", True, post["published"]),
        ]
        if not post["categories_linear"]:
            checks.append(("categories_linear", True, False))
        want, got = model_extras(article), hexo_extras(post)
        checks += [(key, want.get(key), got[key]) for key in got]
        for name, want, got in checks:
            if want != got:
                found.append(f"{source}: {name}: expected {_show(want)}, Hexo read {_show(got)}")
    return found


def build_site(
    root: Path,
    *,
    theme: str = "landscape",
    demo: bool = True,
    entries: dict[str, Entry] | None = None,
) -> BuiltSite:
    """An archive at ``root`` made a Hexo site and generated. Asserts nothing."""
    root.mkdir(parents=True, exist_ok=True)
    demo_ran = False
    if entries is None:
        entries, demo_ran = fill_archive(root, demo=demo)
    make_site(root, title="Archiver test archive", theme=theme)
    link_node_modules(root)
    started = time.monotonic()
    done = hexo_generate(root)
    site = BuiltSite(root, theme, entries, demo_ran)
    site.generate_output = done.stdout + done.stderr
    site.generate_seconds = time.monotonic() - started
    site.generate_problems = generate_problems(done)
    return site


def copy_archive(src: Path, dst: Path, entries: Iterable[Entry]) -> dict[str, Entry]:
    """The posts of one built site copied into another site folder."""
    copied: dict[str, Entry] = {}
    for entry in entries:
        target = dst / "source" / entry.source
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / "source" / entry.source, target)
        copied[entry.source] = entry
    return copied


_SITES: dict[str, BuiltSite] = {}


def shared_site(tmp_path_factory: pytest.TempPathFactory, theme: str = "landscape") -> BuiltSite:
    """The full test site for ``theme``, built once per test session."""
    if theme not in _SITES:
        require_hexo()
        if theme == "landscape":
            root = tmp_path_factory.mktemp("hexo-site-landscape")
            _SITES[theme] = build_site(root, theme=theme)
        else:
            base = shared_site(tmp_path_factory)
            root = tmp_path_factory.mktemp(f"hexo-site-{theme}")
            entries = copy_archive(base.root, root, base.entries.values())
            _SITES[theme] = build_site(root, theme=theme, entries=entries)
    return _SITES[theme]
