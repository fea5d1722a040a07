"""The ``archiver`` command: parses arguments and calls the library.

Exit status: 0 when every article was archived, 1 when some failed or were
rejected (or a crawl found no article at all), 2 on bad usage or an unusable
environment (one line on stderr, no traceback unless ``--debug``), 3 when
another run holds the archive's lock.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from archiver.archive.lock import ArchiveLocked
from archiver.errors import ArchiveUnavailable
from archiver.export import PageFailed

__all__ = ["build_parser", "main"]

CRAWLS = ("tag", "article", "crawl", "feed", "sitemap", "run", "demo")


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line that says where help is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _port(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, got {number}")
    return number


def _crawl_options(parser: argparse.ArgumentParser, *, output_default: str | None = None) -> None:
    parser.add_argument(
        "-o", "--output", default=output_default, required=output_default is None,
        metavar="DIR", help="the archive: a Hexo site folder (created if missing)",
    )  # fmt: skip
    parser.add_argument(
        "--site", metavar="NAME", help="force a site module (mirrors, local copies; see `sites`)"
    )
    parser.add_argument(
        "--max-pages", metavar="N", help="follow at most N listing pages (0: no limit)"
    )
    parser.add_argument("--since", metavar="DATE", help="stop at articles published before DATE")
    parser.add_argument("--refresh", action="store_true", help="re-fetch archived articles too")
    parser.add_argument(
        "--categories", metavar="A/B/C", help="the three categories of every post of this run"
    )
    parser.add_argument("--report", metavar="FILE", help="write the run report (JSON) to FILE")
    parser.add_argument(
        "--front-matter", choices=("full", "classic"), default=None,
        help="full (default): posts keep every field; classic: the old archive's keys only",
    )  # fmt: skip
    parser.add_argument("--images", action="store_true", default=None,
                        help="keep every image of the posts in the site (source/images/)")
    parser.add_argument("--warc", action="store_true", default=None,
                        help="write every response to WARC files (.archiver/warc/)")  # fmt: skip
    parser.add_argument("--redis", metavar="URL", help="share the crawl through Redis "
                        "(redis://HOST:PORT/DB): `archiver worker` processes join it")  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")
    parser.add_argument("-v", "--verbose", action="store_true", help="Scrapy's log at INFO level")
    parser.add_argument(
        "-s", dest="settings", action="append", type=_setting, default=[],
        metavar="NAME=VALUE", help="any Scrapy setting, as `scrapy crawl -s` takes it",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    from archiver import __version__

    parser = _Parser(prog="archiver", description="Archive news articles as Hexo Markdown posts.")
    parser.add_argument("--version", action="version", version=f"archiver {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    # `--debug` after the command too; SUPPRESS keeps the one given before it.
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks of errors")  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common])

    for name, text in (
        ("tag", "archive a tag or listing page and its pagination"),
        ("article", "archive single articles"),
        ("feed", "archive the items of an RSS or Atom feed"),
        ("sitemap", "archive the articles of a sitemap (or robots.txt)"),
    ):
        crawl = command(name, text)
        crawl.add_argument("urls", nargs="+", metavar="URL")
        _crawl_options(crawl)
    crawl = command("crawl", "archive a site's latest news (a site name: see `archiver sites`)")
    crawl.add_argument("site_module", metavar="SITE")
    _crawl_options(crawl)
    run = command("run", "crawl every source of a sources file (TOML)")
    run.add_argument("sources", metavar="SOURCES.toml")
    _crawl_options(run)
    imp = command("import", "index a folder of old-format posts into the ledger")
    imp.add_argument("folder", metavar="DIR")
    imp.add_argument("-o", "--output", metavar="ROOT",
                     help="the archive (default: the Hexo site around DIR)")  # fmt: skip
    check = command("check", "verify every post parses and matches the ledger")
    check.add_argument("folder", metavar="DIR", help="the archive root")
    check.add_argument("--fix", action="store_true", help="repair what does not match")
    demo = command("demo", "archive the bundled demo site, offline, on 127.0.0.1")
    _crawl_options(demo, output_default="demo-archive")
    demo.add_argument("--port", type=_port, default=8737, help="where to serve the demo site")
    site = command("site", "turn an archive folder into a ready Hexo site")
    site.add_argument("folder", metavar="DIR")
    site.add_argument("--title", default=None, help="the site's title (default: folder name)")
    site.add_argument("--timezone", default="Asia/Shanghai")
    site.add_argument("--theme", default="landscape", help="landscape (default) or volantis")
    site.add_argument("--force", action="store_true", help="overwrite files that differ")
    command("sites", "list the site modules, the hosts they own and their latest-news list")
    export = command("export", "every post of an archive, all its fields, as JSON Lines or CSV")
    export.add_argument("folder", metavar="DIR", help="the archive root")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    extract = command("extract", "print the article of one page (a file or a URL) as JSON")
    extract.add_argument("page", metavar="FILE|URL")
    extract.add_argument("--url", help="the address of the page in FILE (links, site module)")
    extract.add_argument("--site", metavar="NAME", help="force a site module")
    report = command("report", "one self-contained HTML page about an archive")
    report.add_argument("folder", metavar="DIR", help="the archive root")
    report.add_argument("-o", "--output", metavar="FILE", default="report.html")
    report.add_argument("--runs", metavar="REPORT.json", nargs="*", default=[],
                        help="run reports (--report files) whose failures to show")  # fmt: skip
    reextract = command("reextract", "rebuild every post from its WARC capture, offline")
    reextract.add_argument("folder", metavar="DIR", help="the archive root")
    reextract.add_argument("--report", metavar="FILE", help="write the result (JSON) to FILE")
    reextract.add_argument("-q", "--quiet", action="store_true", help="only the summary line")
    worker = command("worker", "join a crawl shared through Redis: fetch, extract, hand back")
    worker.add_argument("--redis", required=True, metavar="URL",
                        help="redis://HOST:PORT/DB, as the archiving command has it")  # fmt: skip
    worker.add_argument("--report", metavar="FILE", help="write what this worker did (JSON)")
    worker.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                        help="how long to wait for a crawl to join (default 60)")  # fmt: skip
    worker.add_argument("-q", "--quiet", action="store_true", help="no summary")
    worker.add_argument("-v", "--verbose", action="store_true", help="Scrapy's log at INFO level")
    worker.add_argument("-s", dest="settings", action="append", type=_setting, default=[],
                        metavar="NAME=VALUE", help="any Scrapy setting")  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        print("archiver: interrupted", file=sys.stderr)
        return 130
    except ArchiveLocked as exc:
        return _fail(exc, 3, debug)
    except PageFailed as exc:  # `archiver extract`: the page, not the usage
        return _fail(exc, 1, debug)
    except BrokenPipeError:  # `archiver export DIR | head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (no flush error at exit)
        return 0
    except (ValueError, LookupError, ArchiveUnavailable) as exc:
        return _fail(exc, 2, debug)
    except OSError as exc:  # a file or folder that cannot be used
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}", 2, debug)
    except Exception as exc:
        if debug:
            raise
        return _fail(f"unexpected {type(exc).__name__}: {exc} (--debug shows where)", 1, debug)


def _fail(error: object, status: int, debug: bool) -> int:
    if debug:
        import traceback

        traceback.print_exc()
    message = " ".join(str(error).split()) or type(error).__name__
    print(f"archiver: {message}", file=sys.stderr)
    return status


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


def _dispatch(args: argparse.Namespace) -> int:
    if args.command not in CRAWLS:
        return _tool(args)
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


def _tool(args: argparse.Namespace) -> int:
    if args.command == "worker":
        from archiver.distributed.worker import run_worker, summary

        extra = [*_logging(args), *args.settings]
        result = run_worker(args.redis, report=args.report, wait_s=args.wait, extra=extra,
                            verbose=args.verbose)  # fmt: skip
        if not args.quiet:
            print(summary(result))
        return 0
    if args.command == "site":
        from archiver.hexo import make_site

        folder = Path(args.folder)
        make_site(folder, title=args.title or folder.resolve().name, timezone=args.timezone,
                  theme=args.theme, force=args.force)  # fmt: skip
        print(f"Hexo site ready in {folder}: cd {folder} && npm install && npx hexo server")
        return 0
    if args.command in ("import", "check"):
        return _maintenance(args)
    if args.command == "sites":
        from archiver.sites import all_sites

        rows = [(s.name, ", ".join(s.hosts) or "(any other http(s) URL)", s.latest_url or "-")
                for s in all_sites().values()]  # fmt: skip
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        for name, hosts, latest in rows:
            print(f"{name:<{widths[0]}}  {hosts:<{widths[1]}}  {latest}")
        return 0
    if args.command == "export":
        from archiver.export import export_archive

        written, unreadable = export_archive(_archive_root(args.folder), args.format, args.output)
        if args.output:
            print(f"{written} posts exported to {args.output}", file=sys.stderr)
        return 1 if unreadable else 0
    if args.command == "reextract":
        from archiver.reextract import run_reextract

        return run_reextract(_archive_root(args.folder), report=args.report, quiet=args.quiet)
    if args.command == "extract":
        from archiver.export import extract_json

        print(extract_json(args.page, url=args.url, site=args.site))
        return 0
    from archiver.report_page import write_report_page

    path = write_report_page(_archive_root(args.folder), Path(args.output), runs=args.runs)
    print(f"report written to {path}")
    return 0


def _archive_root(folder: str) -> Path:
    root = Path(folder)
    if not (root / "source" / "_posts").is_dir() and not (root / ".archiver").is_dir():
        raise ValueError(f"{folder}: not an archive (no source/_posts or .archiver inside)")
    return root


def _maintenance(args: argparse.Namespace) -> int:
    from archiver.archive import Archive
    from archiver.archive.lock import ArchiveLock
    from archiver.archive.maintenance import check_archive, import_posts, open_for_check

    folder = Path(args.folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: not a folder")
    if args.command == "import":
        root = Path(args.output) if args.output else _site_root(folder)
        with ArchiveLock(root), Archive(root) as archive:
            result = import_posts(folder, archive)
        print(f"imported {result['imported']} posts into {root} "
              f"({result['already_indexed']} already indexed, {len(result['broken'])} unreadable)")  # type: ignore[arg-type]  # fmt: skip
        for item in result["broken"]:  # type: ignore[attr-defined]
            print(f"  unreadable: {item['path']}: {item['reason']}")
        return 1 if result["broken"] else 0
    with ArchiveLock(folder), open_for_check(folder, fix=args.fix) as archive:
        found = check_archive(archive, fix=args.fix)
    print(f"{found.posts} posts checked")
    for label, items in (("unreadable", found.unreadable), ("not in ledger", found.not_in_ledger),
                         ("changed since archived", found.changed),
                         ("ledger row without file", found.missing_files),
                         ("temporary file", found.stray_temp_files)):  # fmt: skip
        for item in items:
            print(f"  {label}: {item}")
    if args.fix:
        print(
            f"{found.fixed} repaired"
            + ("; unreadable posts need a hand" if found.unreadable else "")
        )
        return 1 if found.unreadable else 0
    return 0 if found.ok else 1


def _site_root(folder: Path) -> Path:
    """The Hexo site around ``folder`` (``<root>/source/_posts/...``), or ``folder`` itself."""
    resolved = folder.resolve()
    for parent in [resolved, *resolved.parents]:
        if parent.name == "_posts" and parent.parent.name == "source":
            return parent.parent.parent
    raise ValueError(f"{folder} is not inside a Hexo site's source/_posts: give -o ROOT")


if __name__ == "__main__":
    sys.exit(main())
