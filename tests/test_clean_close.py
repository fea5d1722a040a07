"""The start-up repair walk is skipped after a clean close, and only then."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archiver.archive.session import close_session, open_session
from archiver.archive.store import Archive
from tests.test_archive import article


def _crawl(root: Path, *urls: str) -> dict[str, int]:
    """What a crawl does to the archive: open (repair), write, close cleanly."""
    session = open_session(root, durable=False)
    repaired = dict(session.repaired)
    for url in urls:
        session.archive.save(article(url, title=f"标题 {url[-8:]}"))
    close_session(session)
    return repaired


def _no_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the posts were walked")

    monkeypatch.setattr("archiver.archive.store.os.walk", refuse)


URLS = [f"https://news.mydrivers.com/1/792/79204{i}.htm" for i in range(4)]


def test_after_a_clean_close_nothing_is_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crawl(tmp_path, *URLS[:2])
    _no_walk(monkeypatch)
    assert _crawl(tmp_path, URLS[2]) == {"rows_dropped": 0, "temp_files_removed": 0}
    assert _crawl(tmp_path) == {"rows_dropped": 0, "temp_files_removed": 0}
    with Archive(tmp_path) as archive:
        assert archive.ledger.count() == 3


def test_a_post_deleted_by_hand_is_seen_and_fetched_again(tmp_path: Path) -> None:
    _crawl(tmp_path, *URLS[:2])
    with Archive(tmp_path) as archive:
        post = archive.find(URLS[0])
    assert post is not None
    post.unlink()
    assert _crawl(tmp_path)["rows_dropped"] == 1
    with Archive(tmp_path) as archive:
        assert archive.find(URLS[0]) is None and archive.find(URLS[1]) is not None


def test_a_folder_deleted_by_hand_is_seen(tmp_path: Path) -> None:
    _crawl(tmp_path, *URLS[:2])
    with Archive(tmp_path) as archive:
        post = archive.find(URLS[0])
    assert post is not None
    for leftover in post.parent.iterdir():
        leftover.unlink()
    post.parent.rmdir()
    assert _crawl(tmp_path)["rows_dropped"] == 2


def test_a_run_that_did_not_close_leaves_a_walk_for_the_next(tmp_path: Path) -> None:
    _crawl(tmp_path, URLS[0])
    session = open_session(tmp_path, durable=False)
    path = session.archive.save(article(URLS[1], title="半途")).path
    (path.parent / ".tmp-killed.md").write_text("half", encoding="utf-8")
    path.unlink()  # written, then lost with the machine: its row must go
    # Killed: neither the writer nor the archive is closed cleanly.
    session.archive.close()
    session.lock.release()
    from archiver.archive import session as sessions

    sessions._SESSIONS.clear()
    assert _crawl(tmp_path) == {"rows_dropped": 1, "temp_files_removed": 1}


def test_a_folder_touched_by_hand_means_a_walk(tmp_path: Path) -> None:
    _crawl(tmp_path, URLS[0])
    with Archive(tmp_path) as archive:
        post = archive.find(URLS[0])
    assert post is not None
    left = post.parent / ".tmp-left.md"
    left.write_text("x", encoding="utf-8")
    stat = post.parent.stat()  # even a change that keeps the folder's time would
    os.utime(post.parent, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # not fool it
    assert _crawl(tmp_path)["temp_files_removed"] == 1
    assert not left.exists()
