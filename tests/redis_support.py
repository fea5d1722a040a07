"""A private Redis server for the tests: installed when missing, on a free port, stopped after.

``scripts/redis-server.sh`` installs ``redis-server`` from the system's
packages when it is not there; ``RedisServer`` starts one in a temporary
folder (no persistence) and stops it at the end. No test needs a Redis that
is already running.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from typing import Any

from tests.support import ROOT, free_port

__all__ = ["RedisServer", "install_redis_server"]


def install_redis_server() -> str | None:
    """The ``redis-server`` program, installed by ``scripts/redis-server.sh`` if missing;
    None when it cannot be installed here."""
    found = shutil.which("redis-server")
    if found:
        return found
    subprocess.run(["bash", str(ROOT / "scripts" / "redis-server.sh")], check=False,
                   capture_output=True, timeout=600)  # fmt: skip
    return shutil.which("redis-server")


class RedisServer:
    """``with RedisServer() as server: server.url(db)``."""

    def __init__(self) -> None:
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.folder: str | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> Any:
        import redis

        return redis.Redis.from_url(self.url(db), decode_responses=True)

    def __enter__(self) -> RedisServer:
        program = install_redis_server()
        if program is None:
            raise RuntimeError("redis-server is missing and could not be installed")
        self.folder = tempfile.mkdtemp(prefix="archiver-redis-")
        self.port = free_port()
        self.process = subprocess.Popen(
            [program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--dir", self.folder],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while True:
            try:
                if self.client().ping():
                    return self
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
