"""Packaging: a plain (non-editable) install of the wheel works on its own.

The wheel is built from a copy of the project (so that no ``build/`` or
``*.egg-info`` lands in the working tree, and no stale ``build/lib`` leaks into
the wheel), installed with ``pip install --target``, and then used by child
processes that cannot see the checkout: ``-S`` keeps ``site`` from running the
venv's ``.pth`` files (the editable install's meta-path finder among them, which
would otherwise map ``archiver`` and ``archiver.spiders`` back to the checkout),
and ``-P`` keeps the working directory off ``sys.path``. The venv's
site-packages stays on ``PYTHONPATH``, after the install, for the dependencies.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from tests.support import ROOT, free_port, need, posts_of

pytestmark = pytest.mark.slow

DIST_NAME = "hexo-news-archiver"
SPIDERS = {"tag", "article", "feed", "sitemap", "mydrivers"}

# What `.gitignore` keeps out of a clone: never part of a build from a clean checkout.
_IGNORED_ANYWHERE = {
    ".git", ".venv", "node_modules", "build", "dist", "__pycache__",
    ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
}  # fmt: skip
_IGNORED_AT_ROOT = {"out", "artifacts"}


def _ignore(directory: str, names: list[str]) -> set[str]:
    at_root = Path(directory) == ROOT
    return {
        n
        for n in names
        if n in _IGNORED_ANYWHERE
        or n.endswith((".egg-info", ".pyc"))
        or (at_root and n in _IGNORED_AT_ROOT)
    }


def _version_tuple(name: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version(name).split(".")[:2] if p.isdigit())
    except PackageNotFoundError:
        return ()


def _run(command: list[str], timeout: float) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, (
        f"{command[:6]} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the wheel of the project and install it with ``--target``."""
    need(_version_tuple("setuptools") >= (77,), "needs setuptools>=77: pip install -e '.[test]'")
    need(_version_tuple("wheel") != (), "needs wheel: pip install -e '.[test]'")
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_ignore, symlinks=True)
    dist = tmp / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _run([*pip, "wheel", "--no-index", "--no-deps", "--no-build-isolation", "-w", str(dist),
          str(src)], timeout=600)  # fmt: skip
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    target = tmp / "site"
    _run([*pip, "install", "--no-index", "--no-deps", "--target", str(target), str(wheels[0])],
         timeout=300)  # fmt: skip
    return {"tmp": tmp, "src": src, "wheel": wheels[0], "site": target}


@pytest.fixture(scope="module")
def child(installed: dict[str, Path]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run Python in a child that sees the installed copy and the dependencies only."""
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    for p in deps:
        assert not (Path(p) / "archiver").exists(), f"a non-editable archiver is installed in {p}"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SCRAPY_", "ARCHIVER_"))
    }
    env["PYTHONPATH"] = os.pathsep.join([str(installed["site"]), *deps])
    env["PYTHONIOENCODING"] = "utf-8"

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-S", "-P", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            cwd=installed["tmp"],
            env=env,
            check=False,
        )

    return run


def test_only_archiver_at_the_top_level(installed: dict[str, Path]) -> None:
    top = {p.name for p in installed["site"].iterdir()}
    dist_info = {n for n in top if n.endswith(".dist-info")}
    assert dist_info == {"hexo_news_archiver-0.1.0.dist-info"}, top
    assert top - dist_info - {"bin"} == {"archiver"}, top
    if "bin" in top:
        assert {p.name for p in (installed["site"] / "bin").iterdir()} == {"archiver"}
    meta = (installed["site"] / dist_info.pop()).resolve()
    assert f"Name: {DIST_NAME}\n" in (meta / "METADATA").read_text(encoding="utf-8")
    entry_points = (meta / "entry_points.txt").read_text(encoding="utf-8")
    assert "archiver = archiver.cli:main" in entry_points


def test_wheel_ships_the_spiders_and_every_demo_file(installed: dict[str, Path]) -> None:
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        names = set(wheel.namelist())
    assert {n.split("/", 1)[0] for n in names} == {"archiver", "hexo_news_archiver-0.1.0.dist-info"}
    assert "archiver/spiders/tag.py" in names
    assert "archiver/spiders/__init__.py" in names
    assert "archiver/demo/site/EXPECTED.json" in names
    assert "archiver/demo/site/_routes.json" in names
    assert "archiver/py.typed" in names
    site_dir = installed["src"] / "archiver" / "demo" / "site"
    wanted = {
        "archiver/demo/site/" + p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*")
        if p.is_file()
    }
    assert len(wanted) > 25
    assert wanted - names == set(), "demo site files missing from the wheel"
    shipped = {n for n in names if n.startswith("archiver/demo/site/")}
    assert shipped == wanted


def test_child_imports_the_installed_copy(
    installed: dict[str, Path], child: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    done = child(
        "-c",
        "import json, archiver, archiver.spiders, archiver.demo, importlib.metadata as m;"
        "print(json.dumps([archiver.__file__, archiver.spiders.__file__,"
        " str(archiver.demo.DEMO_SITE), m.version('hexo-news-archiver'), archiver.__version__]))",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    files = json.loads(done.stdout.strip().splitlines()[-1])
    target = installed["site"].resolve()
    for f in files[:3]:
        assert Path(f).resolve().is_relative_to(target), (f, target)
    assert files[3] == files[4]


def test_spider_discovery_from_the_installed_package(
    child: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    done = child(
        "-c",
        "import json; from scrapy.spiderloader import SpiderLoader;"
        "from scrapy.settings import Settings; s = Settings(); s.setmodule('archiver.settings');"
        "print(json.dumps(sorted(SpiderLoader.from_settings(s).list())));"
        "print(s['USER_AGENT'])",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    spiders_line, ua = done.stdout.strip().splitlines()[-2:]
    assert set(json.loads(spiders_line)) >= SPIDERS, spiders_line
    assert ua.startswith(f"{DIST_NAME}/0.1.0 (+https://pypi.org/project/{DIST_NAME}/;"), ua


def test_demo_runs_from_the_installed_package(
    installed: dict[str, Path], child: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    tmp = installed["tmp"]
    out, report_file = tmp / "out", tmp / "report.json"
    done = child(
        "-m", "archiver", "demo", "-o", str(out), "--port", str(free_port()), "--quiet",
        "--report", str(report_file),
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    expected = json.loads(
        (installed["site"] / "archiver" / "demo" / "site" / "EXPECTED.json").read_text("utf-8")
    )
    assert len(expected["archived"]) == 25
    posts = posts_of(out)
    assert len(posts) == len(expected["archived"]), sorted(posts)
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["articles_written"] == len(expected["archived"])
