"""The ``archiver`` command: parses arguments and calls the library.

Exit status: 0 when every article was archived, 1 when some failed or were
rejected, 2 on bad usage, 3 when another run holds the archive's lock.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archiver.archive.lock import ArchiveLocked
from archiver.errors import ArchiveUnavailable

__all__ = ["main"]


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _crawl_options(parser: argparse.ArgumentParser, *, output_default: str | None = None) -> None:
    parser.add_argument(
        "-o", "--output", default=output_default, required=output_default is None,
        metavar="DIR", help="the archive: a Hexo site folder (created if missing)",
    )  # fmt: skip
    parser.add_argument(
        "--site", metavar="NAME", help="force a site module (mirrors, local copies)"
    )
    parser.add_argument("--max-pages", type=int, metavar="N", help="follow at most N listing pages")
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
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no summary")
    parser.add_argument("-v", "--verbose", action="store_true", help="Scrapy's log at INFO level")
    parser.add_argument(
        "-s", dest="settings", action="append", type=_setting, default=[],
        metavar="NAME=VALUE", help="any Scrapy setting, as `scrapy crawl -s` takes it",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archiver", description="Archive news articles as Hexo Markdown posts."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    tag = sub.add_parser("tag", help="archive a tag or listing page and its pagination")
    tag.add_argument("urls", nargs="+", metavar="URL")
    _crawl_options(tag)
    article = sub.add_parser("article", help="archive single articles")
    article.add_argument("urls", nargs="+", metavar="URL")
    _crawl_options(article)
    crawl = sub.add_parser("crawl", help="archive a site's latest news (e.g. mydrivers)")
    crawl.add_argument("site_module", metavar="SITE")
    _crawl_options(crawl)
    feed = sub.add_parser("feed", help="archive the items of an RSS or Atom feed")
    feed.add_argument("urls", nargs="+", metavar="URL")
    _crawl_options(feed)
    sitemap = sub.add_parser("sitemap", help="archive the articles of a sitemap (or robots.txt)")
    sitemap.add_argument("urls", nargs="+", metavar="URL")
    _crawl_options(sitemap)
    run = sub.add_parser("run", help="crawl every source of a sources file (TOML)")
    run.add_argument("sources", metavar="SOURCES.toml")
    _crawl_options(run)
    imp = sub.add_parser("import", help="index a folder of old-format posts into the ledger")
    imp.add_argument("folder", metavar="DIR")
    imp.add_argument("-o", "--output", metavar="ROOT",
                     help="the archive (default: the Hexo site around DIR)")  # fmt: skip
    check = sub.add_parser("check", help="verify every post parses and matches the ledger")
    check.add_argument("folder", metavar="DIR", help="the archive root")
    check.add_argument("--fix", action="store_true", help="repair what does not match")
    demo = sub.add_parser("demo", help="archive the bundled demo site, offline, on 127.0.0.1")
    _crawl_options(demo, output_default="demo-archive")
    demo.add_argument("--port", type=int, default=8737, help="where to serve the demo site")
    site = sub.add_parser("site", help="turn an archive folder into a ready Hexo site")
    site.add_argument("folder", metavar="DIR")
    site.add_argument("--title", default=None, help="the site's title (default: folder name)")
    site.add_argument("--timezone", default="Asia/Shanghai")
    site.add_argument("--theme", default="landscape", help="landscape (default) or volantis")
    site.add_argument("--force", action="store_true", help="overwrite files that differ")
    return parser


def _print_report(report: dict[str, Any], quiet: bool) -> None:
    from archiver.report import summary

    if not quiet:
        print(summary(report))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ArchiveLocked as exc:
        print(f"archiver: {exc}", file=sys.stderr)
        return 3
    except (ValueError, LookupError, FileExistsError, ArchiveUnavailable) as exc:
        print(f"archiver: {exc}", file=sys.stderr)
        return 2


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
    }
    return Options.parse(**{**values, **overrides})


def _dispatch(args: argparse.Namespace) -> int:
    from archiver.run import Crawl, run_crawls

    if args.command == "site":
        from archiver.hexo import make_site

        folder = Path(args.folder)
        make_site(folder, title=args.title or folder.resolve().name, timezone=args.timezone,
                  theme=args.theme, force=args.force)  # fmt: skip
        print(f"Hexo site ready in {folder}: cd {folder} && npm install && npx hexo server")
        return 0
    if args.command in ("import", "check"):
        return _maintenance(args)
    options = options_of(args)
    if args.command == "run":
        from archiver.sources import load_sources

        crawls = [source.crawl(options) for source in load_sources(Path(args.sources))]
        report = run_crawls(crawls, args.settings, verbose=args.verbose)
        _print_report(report, args.quiet)
        return 1 if report["failed"] or report["articles_rejected"] else 0
    if args.command == "demo":
        from archiver.demo import run_demo

        report = run_demo(options, port=args.port, settings=args.settings)
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
        options = options_of(args, site=args.site or site.name)
        job = Crawl("tag", (site.latest_url,), options)
    else:
        job = Crawl(args.command, tuple(args.urls), options)
    report = run_crawls([job], args.settings, verbose=args.verbose)
    _print_report(report, args.quiet)
    return 1 if report["failed"] or report["articles_rejected"] else 0


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
