"""The ``archiver`` command line: its commands and options (argparse)."""

from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["CRAWLS", "build_parser"]

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
    parser.add_argument(
        "--images",
        action="store_true",
        default=None,
        help="keep every image of the posts in the site (source/images/)",
    )
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
