"""The site registry: one module per site, the generic one for the rest.

Site modules are found through the entry-point group ``archiver.sites``; each
entry point loads a ``Site`` subclass (created without arguments) or a
``Site`` instance. A package adds a site with, in its ``pyproject.toml``::

    [project.entry-points."archiver.sites"]
    example = "example_sites.example:ExampleSite"

The built-in modules (``BUILT_IN``) are registered the same way by
archiver's own ``pyproject.toml``; an install made before that still gets
them. A third-party module that fails to load is skipped with a warning
naming it; one that takes a name already taken is skipped too. Built-ins
come first, then the others by name, and ``generic`` (it owns every http(s)
URL) is always last.
"""

from __future__ import annotations

import importlib.metadata
import warnings
from functools import cache
from importlib.metadata import EntryPoint

from archiver.errors import UnknownSite
from archiver.sites.base import Site, SiteDefaults

__all__ = ["BUILT_IN", "GROUP", "Site", "SiteDefaults", "all_sites", "get_site", "site_for_url"]

GROUP = "archiver.sites"
"""The entry-point group site modules register in."""
BUILT_IN = {
    "mydrivers": "archiver.sites.mydrivers:MyDrivers",
    "generic": "archiver.sites.generic:GenericSite",
}
"""archiver's own site modules: entry-point name to object reference."""
_FALLBACK = "generic"


def _is_built_in(entry: EntryPoint) -> bool:
    return BUILT_IN.get(entry.name) == entry.value


def _entry_points() -> list[EntryPoint]:
    """The group's entry points: built-ins first, then the others by name.

    A built-in whose entry point is not installed (an install older than the
    entry points) is made here; one installed twice on ``sys.path`` counts once.
    """
    installed = list(importlib.metadata.entry_points(group=GROUP))
    found = {entry.name: entry for entry in installed if _is_built_in(entry)}
    built_in = [found.get(name) or EntryPoint(name, ref, GROUP) for name, ref in BUILT_IN.items()]
    others: dict[tuple[str, str], EntryPoint] = {}
    for entry in installed:
        if not _is_built_in(entry):
            others.setdefault((entry.name, entry.value), entry)
    return built_in + [others[key] for key in sorted(others)]


def _load(entry: EntryPoint) -> Site:
    """The ``Site`` an entry point names; raises whatever loading it raises."""
    loaded = entry.load()
    site = loaded() if isinstance(loaded, type) and issubclass(loaded, Site) else loaded
    if not isinstance(site, Site):
        raise TypeError(f"{entry.value} is {type(site).__name__}, not a Site subclass or instance")
    if not site.name:
        raise ValueError(f"{entry.value} has no name")
    return site


def _skip(entry: EntryPoint, why: str) -> None:
    warnings.warn(
        f"site module {entry.name!r} ({entry.value}) skipped: {why}", RuntimeWarning, stacklevel=3
    )


@cache
def all_sites() -> dict[str, Site]:
    """Every registered site module by name; ``generic`` is last.

    Read once per process (``all_sites.cache_clear()`` reads the entry points again).
    """
    sites: dict[str, Site] = {}
    for entry in _entry_points():
        if _is_built_in(entry):
            site = _load(entry)  # a broken built-in is a bug: let it raise
        else:
            try:
                site = _load(entry)
            except Exception as exc:  # a third-party module may fail in any way
                _skip(entry, f"{type(exc).__name__}: {exc}")
                continue
        if site.name in sites:
            _skip(entry, f"the name {site.name!r} is taken by {type(sites[site.name]).__name__}")
            continue
        sites[site.name] = site
    sites[_FALLBACK] = sites.pop(_FALLBACK)
    return sites


def get_site(name: str) -> Site:
    """The site module called ``name``; raises ``UnknownSite`` with the known names."""
    sites = all_sites()
    try:
        return sites[name]
    except KeyError:
        raise UnknownSite(f"unknown site {name!r}; known sites: {', '.join(sites)}") from None


def site_for_url(url: str, name: str | None = None) -> Site:
    """The module named ``name`` if given, else the first that owns ``url``."""
    if name:
        return get_site(name)
    sites = all_sites()
    for site in sites.values():
        if site.owns(url):
            return site
    return sites[_FALLBACK]
