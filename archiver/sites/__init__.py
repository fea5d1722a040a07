"""The site registry: one module per site, the generic one for the rest."""

from __future__ import annotations

from archiver.errors import UnknownSite
from archiver.sites.base import Site, SiteDefaults

__all__ = ["Site", "SiteDefaults", "all_sites", "get_site", "site_for_url"]


def _registry() -> dict[str, Site]:
    # Imported here so that a broken site module names itself in the error.
    from archiver.sites.generic import GenericSite
    from archiver.sites.mydrivers import MyDrivers

    sites: list[Site] = [MyDrivers(), GenericSite()]
    return {site.name: site for site in sites}


_SITES: dict[str, Site] | None = None


def all_sites() -> dict[str, Site]:
    """Every registered site module by name; ``generic`` is last."""
    global _SITES
    if _SITES is None:
        _SITES = _registry()
    return _SITES


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
    for site in all_sites().values():
        if site.owns(url):
            return site
    return all_sites()["generic"]
