"""The other commands: site, import, check, sites, export, extract, report,
reextract, worker."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["tool"]


def tool(args: argparse.Namespace) -> int:
    if args.command == "worker":
        from archiver.cli.crawl import _logging
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
