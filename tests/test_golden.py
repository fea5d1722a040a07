"""Golden tests: each saved page gives exactly the post file kept beside it.

The expected posts in ``fixtures/mydrivers/posts/`` were generated once by
``python -m tests.test_golden --regen`` and read line by line; a change in
any extractor or in the writer shows here as a diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from archiver import NotAnArticle, extract, render_post
from tests.support import FIXTURES

PAGES = FIXTURES / "mydrivers" / "pages"
POSTS = FIXTURES / "mydrivers" / "posts"


def cases() -> list[Path]:
    return sorted(PAGES.glob("*.json"))


def post_for(meta_path: Path) -> str | None:
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    body = meta_path.with_suffix(".html").read_bytes()
    try:
        article = extract(body, meta["url"], headers=meta.get("headers"))
    except NotAnArticle:
        return None
    return render_post(article)


@pytest.mark.parametrize("meta_path", cases(), ids=lambda p: p.stem)
def test_page_gives_its_golden_post(meta_path: Path) -> None:
    expected = POSTS / f"{meta_path.stem}.md"
    got = post_for(meta_path)
    if got is None:
        assert not expected.exists(), f"{meta_path.stem} is no longer read as an article"
        return
    assert expected.exists(), f"no golden post for {meta_path.stem}: run --regen and review"
    assert got == expected.read_text(encoding="utf-8")
    body = got.split("\n---\n\n", 1)[1]
    # Hexo reads the body as Markdown: a blank line would end the HTML block
    # and turn the indented HTML after it into a code block of raw tags.
    assert "\n\n" not in body.rstrip(" ") and "\n    <" not in body


def regenerate() -> None:
    POSTS.mkdir(parents=True, exist_ok=True)
    for meta_path in cases():
        text = post_for(meta_path)
        target = POSTS / f"{meta_path.stem}.md"
        if text is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(text, encoding="utf-8", newline="")
            print("wrote", target)


if __name__ == "__main__" and "--regen" in sys.argv:
    regenerate()
