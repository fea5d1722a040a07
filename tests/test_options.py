"""One options object: every option survives the trip through Scrapy settings."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver.errors import BadInput
from archiver.options import Options
from archiver.run import scrapy_settings

# A value for every option that differs from its default.
CHANGED = {
    "output": Path("site"),
    "site": "mydrivers",
    "max_pages": 7,
    "since": datetime(2024, 5, 1, tzinfo=UTC),
    "refresh": True,
    "categories": ("新媒体", "某网", "要闻"),
    "group": "本地",
    "site_name": "某网",
    "timezone": "Europe/Paris",
    "front_matter": "classic",
    "image_placeholder": "https://e.org/none.png",
    "report": Path("r.json"),
    "progress": True,
    "fsync": False,
    "max_retry_runs": 5,
    "workers": 0,
    "worker_timeout": 12.5,
    "images": True,
    "images_max_bytes": 1000,
    "warc": True,
    "warc_max_bytes": 5000,
    "redis": "redis://127.0.0.1:6379/0",
}


def test_every_option_is_covered() -> None:
    assert set(CHANGED) == {f.name for f in fields(Options)}, "add the new option to CHANGED"
    defaults = Options()
    for name, value in CHANGED.items():
        assert getattr(defaults, name) != value, name


@pytest.mark.parametrize("name", sorted(CHANGED))
def test_an_option_survives_settings(name: str) -> None:
    options = Options.parse(**{name: CHANGED[name]})
    assert getattr(options, name) == CHANGED[name]
    back = Options.from_settings(scrapy_settings(options))
    assert back == options
    # ... and as the string a `-s NAME=VALUE` gives
    text = options.to_settings()[f"ARCHIVER_{name.upper()}"]
    assert Options.parse(**{name: str(text)}) == options


def test_no_limit_survives_settings() -> None:
    options = Options.parse(max_pages=0)
    assert options.max_pages is None
    assert Options.from_settings(scrapy_settings(options)).max_pages is None


@pytest.mark.parametrize(
    ("name", "value"),
    [("max_pages", "-3"), ("max_pages", "x"), ("since", "yesterday"), ("workers", "-2"),
     ("timezone", "Mars/Base"), ("front_matter", "yaml"), ("worker_timeout", "0")],
)  # fmt: skip
def test_bad_values_name_the_option(name: str, value: str) -> None:
    with pytest.raises(BadInput, match=f"--{name.replace('_', '-')}"):
        Options.parse(**{name: value})
