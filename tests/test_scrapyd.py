"""The README's Scrapyd deployment, for real: Scrapyd and scrapyd-client are
installed from the package index into a fresh venv (with this project's
dependencies, not the project: the code must come from the egg),
``scrapyd-deploy`` builds and uploads the egg, and ``schedule.json`` runs the
``tag`` spider on the bundled demo site with ``url``, ``site`` and
``setting=ARCHIVER_OUTPUT=...``, as README.md says. The posts must be written.

Slow (a venv and a pip install: ~30 s with a warm pip cache); skipped
offline, but CI must run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from archiver import read_post
from archiver.demo import DEMO_SITE, START
from archiver.serve import SiteServer
from tests.support import ROOT, free_port, need

pytestmark = pytest.mark.slow

TOOLS = ["scrapyd", "scrapyd-client", "setuptools>=77,<81"]
"""setuptools: 77 reads this project's `license = "MIT"` (scrapyd-deploy builds the
egg with the venv's setuptools); scrapyd 1.6 needs pkg_resources, gone in 81."""


def _env() -> dict[str, str]:
    """The environment of the Scrapyd venv's commands: nothing that would let
    them import this checkout instead of the deployed egg."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _get(url: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def _project_copy(target: Path, port: int) -> Path:
    """What scrapyd-deploy needs of the checkout (it writes a setup.py there)."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "scrapy.cfg"):
        shutil.copy(ROOT / name, target / name)
    for name in ("archiver", "spiders"):
        shutil.copytree(ROOT / name, target / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip
    with (target / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(f"\n[deploy:local]\nurl = http://127.0.0.1:{port}/\nproject = archiver\n")
    return target


def test_scrapyd_deploy_and_schedule(tmp_path: Path) -> None:
    started = time.monotonic()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python, bin_dir = venv / "bin" / "python", venv / "bin"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         *TOOLS, *pyproject["project"]["dependencies"]],
        capture_output=True, text=True, timeout=1200, env=_env(), check=False,
    )  # fmt: skip
    need(install.returncode == 0, f"cannot install Scrapyd:\n{install.stderr[-1500:]}")
    installed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json"],
        capture_output=True, text=True, env=_env(), check=True,
    )  # fmt: skip
    versions = {p["name"].lower(): p["version"] for p in json.loads(installed.stdout)}
    print(f"\nScrapyd venv ready in {time.monotonic() - started:.0f}s: " + ", ".join(
        f"{name} {versions.get(name)}" for name in ("scrapyd", "scrapyd-client", "scrapy",
                                                     "setuptools", "twisted")))  # fmt: skip
    probe = subprocess.run([str(python), "-c", "import archiver"], cwd=tmp_path, env=_env(),
                           capture_output=True, check=False)  # fmt: skip
    assert probe.returncode != 0, "the project must come from the egg, not from the venv"

    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = eggs\n"
        "logs_dir = logs\nitems_dir =\ndbs_dir = dbs\n",
        encoding="utf-8",
    )
    log = (home / "scrapyd.log").open("w")
    daemon = subprocess.Popen([str(bin_dir / "scrapyd")], cwd=home, env=_env(), stdout=log,
                              stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert _get(f"http://127.0.0.1:{port}/daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                assert daemon.poll() is None, (home / "scrapyd.log").read_text()
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.3)
        project = _project_copy(tmp_path / "project", port)
        deploy = subprocess.run(
            [str(bin_dir / "scrapyd-deploy"), "local", "--version", "1"],
            cwd=project, env=_env(), capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        output = deploy.stdout + deploy.stderr
        assert deploy.returncode == 0 and '"status": "ok"' in output, output
        out = tmp_path / "site"
        with SiteServer(DEMO_SITE, port=free_port()) as server:
            job = _get(f"http://127.0.0.1:{port}/schedule.json", [
                ("project", "archiver"), ("spider", "tag"), ("site", "mydrivers"),
                ("url", f"{server.url}/{START}"),
                ("setting", f"ARCHIVER_OUTPUT={out}"), ("setting", "DOWNLOAD_DELAY=0"),
            ])  # fmt: skip
            assert job["status"] == "ok", job
            deadline = time.monotonic() + 180
            while True:
                jobs = _get(f"http://127.0.0.1:{port}/listjobs.json?project=archiver")
                if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                    break
                assert time.monotonic() < deadline, f"the job did not finish: {jobs}"
                time.sleep(0.5)
        job_log = home / "logs" / "archiver" / "tag" / f"{job['jobid']}.log"
        text = job_log.read_text(encoding="utf-8") if job_log.exists() else "(no job log)"
        expected = json.loads((DEMO_SITE / "EXPECTED.json").read_text(encoding="utf-8"))
        posts = sorted((out / "source" / "_posts").rglob("*.md"))
        titles = {read_post(p.read_text(encoding="utf-8")).title for p in posts}
        assert titles == {a["title"] for a in expected["archived"]}, text[-4000:]
        assert "NoneType" not in text and "Unhandled error" not in text, text[-4000:]
        print(f"Scrapyd test done in {time.monotonic() - started:.0f}s, {len(posts)} posts")
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()
