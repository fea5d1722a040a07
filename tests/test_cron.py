"""The README's cron line and systemd unit, run as written (only ``/srv/archive``
becomes a temporary folder laid out as they expect: ``.venv``, ``sources.toml``),
against a local site, in cron's bare environment. Cron mails whatever a job
prints: a good run prints nothing, a failed one the README's one line."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.serve import SiteServer
from tests.support import FIXTURES, ROOT, free_port, need, posts_of

README = (ROOT / "README.md").read_text(encoding="utf-8")
SRV = "/srv/archive"


def readme_block(language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", README, re.S)
    assert found, f"README.md has no ```{language} block"
    return found.group(1)


def cron_command() -> str:
    lines = [line for line in readme_block("cron").splitlines()
             if line.strip() and not line.startswith("#")]  # fmt: skip
    assert len(lines) == 1, lines
    *schedule, command = lines[0].split(None, 5)
    assert len(schedule) == 5, lines[0]
    assert SRV in command
    return command


def cron_env(home: Path) -> dict[str, str]:
    """What cron gives a job: no virtualenv, no PYTHONPATH, a short PATH."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "SHELL": "/bin/sh", "LOGNAME": "root"}


@pytest.fixture
def srv(tmp_path: Path) -> Path:
    """``/srv/archive`` as the README's lines expect it: a venv with archiver
    (this one), and a sources file."""
    venv = Path(sys.prefix)
    need((venv / "bin" / "archiver").is_file(), f"no archiver command in {venv}/bin")
    root = tmp_path / "srv-archive"
    root.mkdir()
    (root / ".venv").symlink_to(venv, target_is_directory=True)
    return root


def write_sources(root: Path, url: str) -> None:
    (root / "sources.toml").write_text(
        f'[defaults]\ngroup = "本地"\n\n[[source]]\nkind = "tag"\nurl = "{url}/news/"\n'
        "max_pages = 1\n",
        encoding="utf-8",
    )


def test_the_cron_line_as_written(srv: Path) -> None:
    command = cron_command().replace(SRV, str(srv))
    with SiteServer(FIXTURES / "madeup", port=free_port()) as server:
        write_sources(srv, server.url)
        done = subprocess.run(["sh", "-c", command], cwd="/", env=cron_env(srv),
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0
    assert done.stdout == "" and done.stderr == "", "cron would mail:\n" + done.stdout + done.stderr
    report = json.loads((srv / "logs" / "last.json").read_text(encoding="utf-8"))
    assert report["articles_written"] == 3 and report["failed"] == []
    assert len(posts_of(srv / "site")) == 3
    # The site is down: cron mails the README's one line, nothing else.
    done = subprocess.run(["sh", "-c", command], cwd="/", env=cron_env(srv),
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.stdout == "archiver failed: see logs/last.json\n", done.stdout + done.stderr
    assert done.stderr == ""
    report = json.loads((srv / "logs" / "last.json").read_text(encoding="utf-8"))
    assert report["failed"] and all(f["reason"] for f in report["failed"])


def test_the_systemd_service_as_written(srv: Path) -> None:
    unit = readme_block("ini")
    service = unit.split("[Service]", 1)[1].split("\n[", 1)[0]
    values = dict(re.findall(r"(?m)^(\w+)=(.*)$", service))
    assert values["Type"] == "oneshot"
    workdir = values["WorkingDirectory"].replace(SRV, str(srv))
    argv = [arg.replace(SRV, str(srv)) for arg in shlex.split(values["ExecStart"])]
    assert os.path.isabs(argv[0])  # systemd needs an absolute path
    with SiteServer(FIXTURES / "madeup", port=free_port()) as server:
        write_sources(srv, server.url)
        for _ in range(2):  # the second run finds everything archived: still a success
            done = subprocess.run(argv, cwd=workdir, env=cron_env(srv), capture_output=True,
                                  text=True, timeout=300, check=False)  # fmt: skip
            assert done.returncode == 0, done.stdout + done.stderr
            assert done.stdout == "" and done.stderr == ""
    report = json.loads((srv / "logs" / "last.json").read_text(encoding="utf-8"))
    assert report["articles_known"] == 3 and report["articles_requested"] == 0
    assert len(posts_of(srv / "site")) == 3
