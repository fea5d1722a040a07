"""Taking an archive elsewhere: every post as JSON Lines or CSV
(``archiver export``), and one page's article as JSON (``archiver extract``).

A row holds ``path`` (the post, relative to the archive root) and every field
``read_post`` gives back, under the model's names (``archiver.models.Article``).
In CSV, a list of names (``authors``, ``categories``, ``warnings``, the
``tags``' names) is one cell with one name a line (a name never holds a line
break); ``tag_urls`` lists the tags' pages the same way (an empty line for a
tag without one); ``images`` and ``field_sources`` are JSON.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from archiver.errors import ArchiverError, BadInput, PostFormatError
from archiver.models import Article

__all__ = ["CSV_COLUMNS", "PageFailed", "export_archive", "extract_json", "fetch", "post_rows"]

CSV_COLUMNS = ("path", *(name for name in Article.model_fields if name != "tags"), "tags",
               "tag_urls")  # fmt: skip
"""The CSV header: ``path``, the model's fields, the tags' names and pages."""


def post_rows(root: Path) -> Iterator[tuple[str, Article | str]]:
    """Each post of the archive at ``root``, sorted: its path (relative, with
    ``/``) and its article, or why it cannot be read."""
    from archiver.post import read_post

    posts = root / "source" / "_posts"
    if not posts.is_dir():
        return
    for path in sorted(p for p in posts.rglob("*.md") if not p.name.startswith(".")):
        relative = path.relative_to(root).as_posix()
        try:
            yield relative, read_post(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, PostFormatError, ValueError) as exc:
            yield relative, " ".join(str(exc).split()) or type(exc).__name__


def _json_row(path: str, article: Article) -> dict[str, Any]:
    return {"path": path, **article.model_dump(mode="json")}


def _json_line(data: dict[str, Any]) -> str:
    """One line of JSON, even for readers that also break lines at U+2028/U+2029."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _csv_row(path: str, article: Article) -> list[str]:
    data = _json_row(path, article)
    tags = data.pop("tags")
    data["tags"] = "\n".join(tag["name"] for tag in tags)
    data["tag_urls"] = (
        "\n".join(tag["url"] or "" for tag in tags) if any(tag["url"] for tag in tags) else ""
    )
    row = []
    for column in CSV_COLUMNS:
        value = data.get(column)
        if value is None:
            row.append("")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            row.append("\n".join(value))
        elif isinstance(value, list | dict):
            row.append(json.dumps(value, ensure_ascii=False) if value else "")
        else:
            row.append(str(value))
    return row


@contextmanager
def _target(output: str | Path | None) -> Iterator[IO[str]]:
    if output is None or str(output) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        yield handle


def export_archive(root: Path, fmt: str, output: str | Path | None = None) -> tuple[int, int]:
    """Write every post of ``root`` as ``jsonl`` or ``csv`` to ``output`` (a file;
    standard output when None). Returns (posts written, posts unreadable); an
    unreadable post is named on stderr and left out."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"--format: jsonl or csv, got {fmt!r}")
    written = unreadable = 0
    with _target(output) as handle:
        writer = csv.writer(handle, lineterminator="\r\n") if fmt == "csv" else None
        if writer is not None:
            writer.writerow(CSV_COLUMNS)
        for path, article in post_rows(root):
            if isinstance(article, str):
                print(f"archiver: warning: {path}: unreadable: {article}", file=sys.stderr)
                unreadable += 1
                continue
            if writer is not None:
                writer.writerow(_csv_row(path, article))
            else:
                handle.write(_json_line(_json_row(path, article)) + "\n")
            written += 1
    return written, unreadable


# ------------------------------------------------------------------ extract


class PageFailed(ArchiverError):
    """The page could not be fetched, or is not an article (exit status 1)."""


def fetch(url: str, *, timeout: float = 30) -> tuple[bytes, dict[str, str], str]:
    """One plain HTTP GET with the project's User-Agent: body, headers, final URL.

    Raises ``PageFailed`` with one line when the page cannot be fetched."""
    import urllib.error
    import urllib.request

    from archiver.settings import DOWNLOAD_MAXSIZE, USER_AGENT

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(DOWNLOAD_MAXSIZE + 1)
            headers = {k: v for k, v in response.headers.items()}
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise PageFailed(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PageFailed(f"{url}: cannot fetch: {reason}") from None
    if len(body) > DOWNLOAD_MAXSIZE:
        raise PageFailed(f"{url}: larger than {DOWNLOAD_MAXSIZE // 2**20} MiB")
    return body, headers, final


def extract_json(page: str, *, url: str | None = None, site: str | None = None) -> str:
    """The article of ``page`` (a file, or an http(s) URL fetched once) as JSON.

    ``url`` is the address of a file's page (its links are resolved against
    it, and it picks the site module). Raises ``PageFailed`` for a page that
    cannot be fetched or is not an article, ``ValueError`` for bad input."""
    from archiver.extraction import extract
    from archiver.sniff import check_url

    headers: dict[str, str] | None = None
    if page.lower().startswith(("http://", "https://")):
        address = check_url(page)
        body, headers, final = fetch(address)
        url = url or final
    else:
        path = Path(page)
        if not path.is_file():
            raise ValueError(f"{page}: no such file (give a file or an http(s) URL)")
        body = path.read_bytes()
    if site:
        from archiver.sites import get_site

        get_site(site)
    try:
        article = extract(body, url, site=site, headers=headers)
    except BadInput:
        raise
    except ArchiverError as exc:
        raise PageFailed(f"{url or page}: {exc}") from None
    return json.dumps(article.model_dump(mode="json"), ensure_ascii=False, indent=2)
