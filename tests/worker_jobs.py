"""Jobs for the worker-pool tests, importable by the spawned worker processes."""

from __future__ import annotations

import os
import time
from typing import Any


def misbehave(pages: list[str], options: Any, found: Any) -> str:
    """Dies on "die", hangs on "hang", fails on "fail", else echoes."""
    word = pages[0]
    if word == "die":
        os._exit(9)
    if word == "hang":
        time.sleep(60)
    if word == "fail":
        raise RuntimeError("a bug in an extractor")
    return word.upper()
