"""Profile ``archiver tag`` on the generated site: where the crawl's time goes.

    python -m bench.profile_crawl -n 1000                  # the archiver as it is
    python -m bench.profile_crawl -n 2000 --clock thread  # the reactor thread's CPU

Runs the crawl (the same command as ``bench.run``) under cProfile against
``bench.server`` and prints the time by area (own time of every function,
grouped by the package or module it lives in) and the top functions. The
profile file is kept (``--out``) for ``python -m pstats`` or snakeviz.
"""

from __future__ import annotations

import argparse
import pstats
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.run import PY, ROOT, Server, archiver_command

__all__ = ["AREAS", "areas", "main"]

# (area, substrings of a function's file or name), first match wins.
AREAS: list[tuple[str, tuple[str, ...]]] = [
    ("fsync (post writes)", ("posix.fsync",)),
    ("file writes (mkstemp, rename, stat)", ("tempfile.py", "pathlib.py", "posix.")),
    ("sqlite (ledger)", ("sqlite3", "archiver/archive/ledger.py")),
    ("decode + mojibake check", ("archiver/extraction/encoding.py",
                                 "archiver/extraction/__init__.py")),
    ("lxml parse", ("document_fromstring", "fromstring", "lxml/html/__init__.py:7")),
    ("site module (mydrivers)", ("archiver/sites/",)),
    ("urllib (urljoin, urlsplit)", ("urllib/parse.py",)),
    ("clean (body, images, text)", ("archiver/extraction/clean.py",
                                    "archiver/extraction/sanitize.py",
                                    "archiver/extraction/images.py", "archiver/extraction/text.py",
                                    "archiver/extraction/urls.py", "nh3")),
    ("lxml (tree walks, XPath, CSS)", ("lxml", "cssselect")),
    ("post, archive, names, models", ("archiver/post/", "archiver/archive/",
                                      "archiver/models.py")),
    ("pydantic", ("pydantic",)),
    ("spider and pipelines", ("spiders/", "archiver/pipelines.py", "archiver/report.py",
                              "archiver/items.py", "archiver/workers.py",
                              "archiver/extensions.py", "archiver/middlewares.py")),
    ("Scrapy", ("scrapy", "w3lib", "pydispatch", "inspect.py")),
    ("Twisted", ("twisted",)),
    ("asyncio", ("asyncio", "_weakrefset.py", "selectors.py")),
    ("imports, start-up", ("importlib", "<frozen", "marshal", "builtins.compile", "re/_",
                           "tokenize.py", "dataclasses.py", "ssl.py")),
]  # fmt: skip


def _area(file: str, line: int, name: str) -> str:
    where = f"{file}:{line}({name})"
    return next((a for a, keys in AREAS if any(k in where for k in keys)), "other")


def areas(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time per area, largest first. A built-in (``re.sub``, ``str.encode``...)
    counts in the area of its callers, in proportion of the time each caused."""
    totals: dict[str, float] = {}
    raw = stats.stats  # type: ignore[attr-defined]
    for (file, line, name), (_cc, _nc, tottime, _ct, callers) in raw.items():
        own = _area(file, line, name)
        if file == "~" and own == "other" and callers:
            caused = {caller: values[2] for caller, values in callers.items()}
            whole = sum(caused.values()) or 1.0
            for caller, part in caused.items():
                area = _area(*caller)
                totals[area] = totals.get(area, 0.0) + tottime * part / whole
            continue
        totals[own] = totals.get(own, 0.0) + tottime
    return sorted(totals.items(), key=lambda item: -item[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--clock", choices=("wall", "thread"), default="wall",
        help="thread: the crawl's main thread on its CPU clock (time.thread_time), so "
        "waiting and the writer thread do not count",
    )  # fmt: skip
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--out", type=Path, default=Path("crawl.prof"))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--read", action="store_true", help="only read an existing --out file")
    args = parser.parse_args(argv)
    if not args.read:
        _profile(args)
    stats = pstats.Stats(str(args.out))
    total = sum(t for _, t in areas(stats))
    print(f"own time by area, {total:.1f} s in all (cProfile inflates Python-heavy areas):\n")
    print("| area | s | share |\n|---|---|---|")
    for area, spent in areas(stats):
        print(f"| {area} | {spent:.2f} | {spent / total:.0%} |")
    print()
    stats.sort_stats("tottime").print_stats(args.top)


_THREAD_CLOCK = """
import cProfile, sys, time
from archiver.cli import main
profile = cProfile.Profile(time.thread_time)
profile.enable()
try:
    main(sys.argv[2:])
except SystemExit:
    pass
finally:
    profile.disable()
    profile.dump_stats(sys.argv[1])
"""


def _profile(args: argparse.Namespace) -> None:
    extra: list[str] = []
    for setting in args.settings:
        extra += ["-s", setting]
    work = Path(tempfile.mkdtemp(prefix="archiver-profile-"))
    server = Server(args.n, args.seed)
    try:
        command = archiver_command(
            f"{server.url}/tag/keji.htm", work / "archive", work / "report.json", extra
        )
        out = str(args.out.resolve())
        if args.clock == "thread":
            profiled = [PY, "-c", _THREAD_CLOCK, out, *command[3:]]  # after `-m archiver`
        else:
            profiled = [PY, "-m", "cProfile", "-o", out, *command[1:]]
        subprocess.run(profiled, cwd=ROOT, check=True)
    finally:
        server.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
