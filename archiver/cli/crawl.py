"""The crawl commands (tag, article, crawl, feed, sitemap, run, demo): options
checked once, the crawl run through the library, the summary and exit status."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from archiver.cli.parser import CRAWLS

__all__ = ["dispatch", "options_of"]


def options_of(args: argparse.Namespace, **overrides: Any) -> Any:
    """The run's ``Options`` from the parsed command line (checked once, here)."""
    from archiver.options import Options

    values = {
        "output": args.output,
        "site": args.site,
        "max_pages": args.max_pages,
        "since": args.since,
        "refresh": args.refresh,
        "categories": args.categories,
        "report": args.report,
        "front_matter": args.front_matter,
        "progress": not args.quiet,
        "images": args.images,
        "warc": args.warc,
        "redis": args.redis,
    }
    options = Options.parse(**{**values, **overrides})
    if options.site:
        from archiver.sites import get_site

        get_site(options.site)  # UnknownSite names the known ones
    _check_folder(options.output, "-o")
    if options.report is not None:
        _check_folder(options.report.parent, "--report")
    return options


def _check_folder(path: Path | None, flag: str) -> None:
    """``path`` can be (or become) a folder: no file on the way, writable."""
    if path is None:
        return
    for parent in (path, *path.parents):
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"{flag} {path}: {parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise ValueError(f"{flag} {path}: cannot write in {parent} (permissions)")
            return


def dispatch(args: argparse.Namespace) -> int:
    if args.command not in CRAWLS:
        from archiver.cli.tools import tool

        return tool(args)
    from archiver.run import Crawl, run_crawls

    options = options_of(args)
    settings = [*_logging(args), *args.settings]
    if args.command == "run":
        from archiver.sources import load_sources

        crawls = [source.crawl(options) for source in load_sources(Path(args.sources))]
        report = run_crawls(crawls, settings, verbose=args.verbose)
        _print_report(report, args.quiet)
        return _status(report, [u for c in crawls for u in c.urls])
    if args.command == "demo":
        from archiver.demo import run_demo

        report = run_demo(options, port=args.port, settings=settings)
        _print_report(report, args.quiet)
        if not args.quiet:
            print(f"demo: open {Path(args.output) / 'source' / '_posts'} to read the posts")
        return 1 if report["failed_unexpected"] else 0
    if args.command == "crawl":
        from archiver.sites import get_site

        site = get_site(args.site_module)
        if not site.latest_url:
            raise ValueError(
                f"site {site.name!r} has no latest-news list; archive a listing with "
                f"`archiver tag URL --site {site.name}`"
            )
        options = options.replace(site=args.site or site.name)
        job = Crawl("tag", (site.latest_url,), options)
    else:
        job = Crawl(args.command, tuple(args.urls), options)
    report = run_crawls([job], settings, verbose=args.verbose)
    _print_report(report, args.quiet)
    return _status(report, list(job.urls))


def _print_report(report: dict[str, Any], quiet: bool) -> None:
    from archiver.report import summary

    if not quiet:
        print(summary(report))


def _status(report: dict[str, Any], urls: list[str]) -> int:
    """1 when something failed, or when the crawl found no article at all."""
    if report["failed"] or report["articles_rejected"]:
        return 1
    found = ("articles_requested", "articles_known", "articles_too_old")
    if not any(report.get(key, 0) for key in found):
        where = " ".join(urls[:3]) + (" ..." if len(urls) > 3 else "")
        print(
            f"archiver: no article found at {where}: not a listing page, feed or sitemap "
            "that archiver can read (try --site NAME, or `archiver article URL`)",
            file=sys.stderr,
        )
        return 1
    return 0


# ---------------------------------------------------------------- logging


class _OneLine(logging.Formatter):
    """``archiver: warning: message``: the first line, an exception as its type and text."""

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().splitlines() or [""]
        text = lines[0] + (" ..." if len(lines) > 1 else "")
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            text += f" ({type(error).__name__}: {' '.join(str(error).split())})"
        return f"archiver: {record.levelname.lower()}: {text}"


_LISTED = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")
"""Loggers of network failures: the summary and the report list each URL with its reason."""


def _not_listed(record: logging.LogRecord) -> bool:
    if record.name == "scrapy.middleware" and str(record.msg).startswith("Disabled"):
        return False  # a component off by configuration (NotConfigured): not a problem
    return not record.name.startswith(_LISTED)


def _logging(args: argparse.Namespace) -> list[tuple[str, Any]]:
    """Scrapy's log for ``-v`` and ``--debug``; otherwise warnings and errors, one
    line each, without the network failures the summary and report list."""
    if args.verbose or getattr(args, "debug", False):
        return []
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_OneLine())
    handler.addFilter(_not_listed)
    logging.root.addHandler(handler)
    return [("LOG_INSTALL_ROOT_HANDLER", False)]


# ---------------------------------------------------------------- other commands
