"""The site registry: modules found through the ``archiver.sites`` entry points."""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from archiver.errors import UnknownSite
from archiver.extraction.page import Page
from archiver.models import Article, Listing
from archiver.sites import BUILT_IN, GROUP, Site, all_sites, get_site, site_for_url
from archiver.sites.generic import GenericSite
from archiver.sites.mydrivers import MyDrivers


class ExampleSite(Site):
    """A third-party site module, as a package would register it."""

    name = "example"
    hosts = ("news.example.org", "m.example.org")

    def extract_article(self, page: Page) -> Article:
        raise NotImplementedError

    def parse_listing(self, page: Page) -> Listing:
        return Listing(url=page.url)


EXAMPLE_INSTANCE = ExampleSite()
NOT_A_SITE = object()


class Nameless(Site):
    pass


def _entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name, value, GROUP)


EXAMPLE = _entry("example", f"{__name__}:ExampleSite")


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[EntryPoint]]:
    """The entry points ``importlib.metadata`` reports; the registry is read afresh."""
    found: list[EntryPoint] = []

    def entry_points(*, group: str) -> list[EntryPoint]:
        return [entry for entry in found if entry.group == group]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    all_sites.cache_clear()
    yield found
    all_sites.cache_clear()


def test_a_registered_site_is_found(installed: list[EntryPoint]) -> None:
    installed.append(EXAMPLE)
    site = get_site("example")
    assert isinstance(site, ExampleSite)
    assert site_for_url("https://news.example.org/2024/05/01/1.html") is site
    assert site_for_url("https://M.Example.org./x") is site
    assert site_for_url("https://example.org/x").name == "generic"
    assert site_for_url("https://news.mydrivers.com/1/792/792044.htm").name == "mydrivers"
    assert site_for_url("https://other.example/x", "example") is site


def test_an_entry_point_may_name_an_instance(installed: list[EntryPoint]) -> None:
    installed.append(_entry("example", f"{__name__}:EXAMPLE_INSTANCE"))
    assert get_site("example") is EXAMPLE_INSTANCE


def test_generic_is_last(installed: list[EntryPoint]) -> None:
    installed += [
        _entry("generic", BUILT_IN["generic"]),
        _entry("zzz", f"{__name__}:ExampleSite"),
        _entry("mydrivers", BUILT_IN["mydrivers"]),
    ]
    assert list(all_sites()) == ["mydrivers", "example", "generic"]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("archiver_no_such_module:Site", "ModuleNotFoundError"),
        (f"{__name__}:NoSuchName", "AttributeError"),
        (f"{__name__}:NOT_A_SITE", "not a Site"),
        (f"{__name__}:Nameless", "has no name"),
    ],
)
def test_a_broken_entry_point_is_skipped_with_a_warning(
    installed: list[EntryPoint], value: str, why: str
) -> None:
    installed += [_entry("broken", value), EXAMPLE]
    with pytest.warns(RuntimeWarning, match=rf"'broken' \({value}\) skipped: .*{why}"):
        sites = all_sites()
    assert list(sites) == ["mydrivers", "example", "generic"]
    assert isinstance(get_site("example"), ExampleSite)
    with pytest.raises(UnknownSite, match="known sites: mydrivers, example, generic"):
        get_site("broken")


def test_a_name_taken_twice_keeps_the_first(installed: list[EntryPoint]) -> None:
    installed.append(_entry("my-drivers", f"{__name__}:Impostor"))
    with pytest.warns(RuntimeWarning, match=r"'my-drivers' .* the name 'mydrivers' is taken"):
        assert isinstance(get_site("mydrivers"), MyDrivers)


class Impostor(ExampleSite):
    name = "mydrivers"


def test_an_install_without_entry_points_still_has_the_built_ins(
    installed: list[EntryPoint],
) -> None:
    assert installed == []
    sites = all_sites()
    assert list(sites) == ["mydrivers", "generic"]
    assert isinstance(sites["mydrivers"], MyDrivers)
    assert isinstance(sites["generic"], GenericSite)


def test_built_ins_installed_twice_count_once(installed: list[EntryPoint]) -> None:
    installed += [_entry(name, value) for name, value in BUILT_IN.items()] * 2
    assert list(all_sites()) == ["mydrivers", "generic"]


def test_unknown_site_names_the_known_ones(installed: list[EntryPoint]) -> None:
    with pytest.raises(UnknownSite, match="'nope'; known sites: mydrivers, generic"):
        get_site("nope")


def test_hosts(installed: list[EntryPoint]) -> None:
    mydrivers, generic = get_site("mydrivers"), get_site("generic")
    assert {"news.mydrivers.com", "m.mydrivers.com", "www.mydrivers.com"} <= set(mydrivers.hosts)
    assert generic.hosts == ()
    for host in mydrivers.hosts:
        assert site_for_url(f"https://{host}/") is mydrivers
    assert not Site().owns("https://news.mydrivers.com/")  # no hosts: owns nothing
    assert not mydrivers.owns("http://[not-a-host/")


def test_a_package_on_sys_path_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No patching of importlib: an installed distribution's entry point, as pip writes it."""
    (tmp_path / "archiver_test_plugin.py").write_text(
        "from archiver.sites import Site\n\n"
        "class PluginSite(Site):\n"
        "    name = 'plugin'\n"
        "    hosts = ('plugin.example',)\n",
        encoding="utf-8",
    )
    info = tmp_path / "archiver_test_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: archiver-test-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{GROUP}]\nplugin = archiver_test_plugin:PluginSite\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    all_sites.cache_clear()
    try:
        assert site_for_url("https://plugin.example/a/1.html").name == "plugin"
        assert list(all_sites())[-1] == "generic"
    finally:
        all_sites.cache_clear()
        sys.modules.pop("archiver_test_plugin", None)
