"""Extraction workers: a dead or hung worker fails its page and is replaced."""

from __future__ import annotations

import asyncio

import pytest

from archiver.errors import ExtractionError
from archiver.extraction.article import Found
from archiver.options import Options
from archiver.workers import WorkerFailed, WorkerPool, default_workers
from tests.worker_jobs import misbehave


async def _run(pool: WorkerPool, words: list[str]) -> list[str]:
    async def one(word: str) -> str:
        try:
            return str(await pool.extract([word], Options(), Found()))
        except ExtractionError as exc:
            return f"failed: {exc}"

    return list(await asyncio.gather(*(one(w) for w in words)))


def test_dead_and_hung_workers_fail_their_page_and_are_replaced() -> None:
    pool = WorkerPool(2, timeout=2.0, job=misbehave)

    async def main() -> list[str]:
        pool.start()
        try:
            return await _run(pool, ["a", "die", "b", "hang", "fail", "c", "d"])
        finally:
            pool.close()

    results = asyncio.run(main())
    assert results[0] == "A" and results[2] == "B" and results[5:] == ["C", "D"]
    assert results[1].startswith("failed: the extraction worker died")
    assert results[3].startswith("failed: the extraction worker took over 2 s")
    assert results[4] == "failed: RuntimeError: a bug in an extractor"
    assert pool.replaced == 2


def test_errors_keep_their_reason_across_processes() -> None:
    from archiver.items import Fetched

    pool = WorkerPool(1)

    async def main() -> None:
        pool.start()
        try:
            await pool.extract(
                [Fetched("https://e.org/a.html", b"%PDF-1.4 ...")], Options(), Found()
            )
        finally:
            pool.close()

    from archiver.errors import NotAnArticle

    with pytest.raises(NotAnArticle) as caught:
        asyncio.run(main())
    assert caught.value.reason == "not-html"


def test_default_is_cores_minus_one() -> None:
    assert default_workers() >= 1
    assert isinstance(WorkerFailed("x"), ExtractionError)
