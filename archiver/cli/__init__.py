"""The ``archiver`` command: parses arguments and calls the library.

Exit status: 0 when every article was archived, 1 when some failed or were
rejected (or a crawl found no article at all), 2 on bad usage or an unusable
environment (one line on stderr, no traceback unless ``--debug``), 3 when
another run holds the archive's lock.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from archiver.archive.lock import ArchiveLocked
from archiver.cli.crawl import dispatch as _dispatch
from archiver.cli.crawl import options_of
from archiver.cli.parser import build_parser
from archiver.errors import ArchiveUnavailable
from archiver.export import PageFailed

__all__ = ["build_parser", "main", "options_of"]


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
