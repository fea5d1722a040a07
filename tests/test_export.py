"""Taking the archive elsewhere: ``archiver export`` (JSON Lines, CSV) gives every
post with every field ``read_post`` gives, one row each; ``archiver extract``
prints one page's article as JSON, the same article ``archiver.extract`` gives."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import archiver
from archiver import Archive, read_post, render_post
from archiver.cli import main
from archiver.export import CSV_COLUMNS
from archiver.serve import SiteServer
from tests.hexo_support import field_articles, hostile_articles
from tests.support import FIXTURES, case_dir, free_port


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the hostile and every-field articles, and one old-format post."""
    root = tmp_path_factory.mktemp("archive")
    articles = [article for _, article in hostile_articles() + field_articles()]
    with Archive(root) as archive:
        for article in articles:
            archive.write(article)
    old = root / "source" / "_posts" / "旧" / "站" / "频道" / "old.md"
    old.parent.mkdir(parents=True)
    classic = articles[0].model_copy(update={"title": "旧格式的文章", "url": None})
    old.write_text(render_post(classic, front_matter="classic"), encoding="utf-8")
    return root


def posts(root: Path) -> dict[str, dict[str, Any]]:
    """Every post file: relative path -> what read_post gives, as JSON."""
    return {
        path.relative_to(root).as_posix(): read_post(path.read_text("utf-8")).model_dump(
            mode="json"
        )
        for path in sorted((root / "source" / "_posts").rglob("*.md"))
    }


def test_jsonl_has_every_post_with_every_field(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(root)]) == 0
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines()]
    expected = posts(root)
    assert len(rows) == len(expected) >= 10
    for row in rows:
        path = row.pop("path")
        assert row == expected[path], path
    assert any(row.get("tags") and row.get("images") for row in rows)


def test_csv_one_row_per_post_lists_joined(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "posts.csv"
    assert main(["export", str(root), "--format", "csv", "-o", str(target)]) == 0
    with target.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == CSV_COLUMNS
    expected = posts(root)
    assert len(table) - 1 == len(expected)
    for values in table[1:]:
        row = dict(zip(CSV_COLUMNS, values, strict=True))
        post = expected[row["path"]]
        assert row["title"] == post["title"]
        assert row["categories"].split("\n") == post["categories"]
        assert (row["authors"].split("\n") if row["authors"] else []) == post["authors"]
        assert (row["tags"].split("\n") if row["tags"] else []) == [t["name"] for t in post["tags"]]
        if any(t["url"] for t in post["tags"]):
            assert row["tag_urls"].split("\n") == [t["url"] or "" for t in post["tags"]]
        assert (json.loads(row["images"]) if row["images"] else []) == post["images"]
        assert row["url"] == (post["url"] or "")
        assert row["body_html"] == post["body_html"]
        assert row["date_published"] == (post["date_published"] or "")


def test_unreadable_post_is_named_and_left_out(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = root / "source" / "_posts" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    try:
        assert main(["export", str(root), "-o", str(tmp_path / "x.jsonl")]) == 1
    finally:
        broken.unlink()
    err = capsys.readouterr().err
    assert "broken.md: unreadable" in err and "Traceback" not in err
    lines = (tmp_path / "x.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(posts(root))


def without_fetch_time(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "fetched_at"}


def test_extract_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    folder = case_dir("mydrivers", "desktop-2022-07")
    url = json.loads((folder / "meta.json").read_text("utf-8"))["url"]
    page = folder / "page.html"
    assert main(["extract", str(page), "--url", url]) == 0
    got = json.loads(capsys.readouterr().out)
    want = archiver.extract(page.read_bytes(), url).model_dump(mode="json")
    assert without_fetch_time(got) == without_fetch_time(want)
    assert got["title"] and got["tags"]


def test_extract_a_url(capsys: pytest.CaptureFixture[str]) -> None:
    with SiteServer(FIXTURES / "madeup", port=free_port()) as server:
        url = f"{server.url}/news/2024/0001.html"
        assert main(["extract", url]) == 0
        got = json.loads(capsys.readouterr().out)
        body = io.BytesIO()
        import urllib.request

        with urllib.request.urlopen(url) as response:
            body.write(response.read())
    want = archiver.extract(body.getvalue(), url).model_dump(mode="json")
    assert without_fetch_time(got) == without_fetch_time(want)
    assert got["url"] == url
