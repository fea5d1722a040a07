"""Every fixture case gives exactly what its folder says, field by field and byte for byte.

One folder per case, for every site module::

    fixtures/sites/<site>/<case>/
        page.html     the response body as it was served (bytes never edited)
        meta.json     url, headers; when the case needs them: site (force a module),
                      fetched_at (for relative dates), status, and "checks":
                      hand-written expectations read by tests/test_site_<site>.py
        article.json  what the page gives (generated, then reviewed):
                        {"kind": "article", ...Article minus fetched_at,
                                            field_sources and warnings}
                        {"kind": "listing", ...Listing}   (NotAnArticle "listing")
                        {"kind": "not-an-article", "reason": "<NotAnArticle.reason>"}
        post.md       render_post(article), for article cases only (generated, reviewed)

``<site>`` is the name of the site module that reads the page. After a
deliberate change to extraction or to the post format, regenerate and review
the diff::

    python -m tests.test_fixtures --regen [<site> | <site>/<case> ...]
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from archiver import NotAnArticle, extract, render_post
from archiver.extraction import extract_listing
from archiver.sites import site_for_url
from tests.support import FixtureCase, all_cases

EXCLUDED = {"fetched_at", "field_sources", "warnings"}
"""Article fields left out of ``article.json``: the fetch time, and provenance
and diagnostics that the hand-written checks of ``meta.json`` pin where they matter."""
KINDS = ("article", "listing", "not-an-article")
MISSING = "<missing>"

CASES = all_cases()


def _expected_or_none(case: FixtureCase) -> dict[str, Any] | None:
    try:
        return case.expected
    except FileNotFoundError:
        return None


ARTICLE_CASES = [c for c in CASES if (_expected_or_none(c) or {}).get("kind") in ("article", None)]


@cache
def observe(case: FixtureCase) -> tuple[dict[str, Any], str | None]:
    """What today's code makes of the case: ``article.json``'s content and the post."""
    meta = case.meta
    url, site, headers = meta["url"], meta.get("site"), meta.get("headers")
    try:
        article = extract(case.body, url, site=site, headers=headers, fetched_at=case.fetched_at)
    except NotAnArticle as exc:
        if exc.reason == "listing":
            listing = extract_listing(case.body, url, site=site, headers=headers)
            return {"kind": "listing", **listing.model_dump(mode="json")}, None
        return {"kind": "not-an-article", "reason": exc.reason}, None
    data = {"kind": "article", **article.model_dump(mode="json", exclude=EXCLUDED)}
    return data, render_post(article)


def _field_params() -> list[Any]:
    params = []
    for case in CASES:
        expected = _expected_or_none(case)
        fields = [f for f in expected if f != "kind"] if expected else [MISSING]
        params += [pytest.param(case, f, id=f"{case.id}:{f}") for f in fields]
    return params


def _ids(case: FixtureCase) -> str:
    return case.id


def _need_expected(case: FixtureCase) -> dict[str, Any]:
    expected = _expected_or_none(case)
    if expected is None:
        pytest.fail(f"{case.id}: no article.json; run `python -m tests.test_fixtures --regen`")
    return expected


def test_there_are_cases() -> None:
    sites = {case.site for case in CASES}
    assert {"mydrivers", "generic"} <= sites
    kinds = {case.kind for case in CASES if _expected_or_none(case)}
    assert kinds == set(KINDS)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_case_folder(case: FixtureCase) -> None:
    assert (case.folder / "page.html").is_file(), f"{case.id}: no page.html"
    assert isinstance(case.meta.get("url"), str), f"{case.id}: meta.json has no url"
    assert isinstance(case.meta.get("headers", {}), dict)
    # The folder names the module that reads the page (forced by meta "site" or owning the URL).
    module = site_for_url(case.meta["url"], case.meta.get("site"))
    assert module.name == case.site, f"{case.id} is read by {module.name!r}: move it or set site"
    expected = _need_expected(case)
    assert expected.get("kind") in KINDS
    post = case.folder / "post.md"
    if expected["kind"] == "article":
        assert post.is_file(), f"{case.id}: no post.md; run --regen and review"
    else:
        assert not post.exists(), f"{case.id}: post.md for a page that is not an article"


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_kind_and_fields(case: FixtureCase) -> None:
    """The page is still what it was, with the same set of fields."""
    expected = _need_expected(case)
    got, _ = observe(case)
    assert got["kind"] == expected["kind"], f"{case.id}: now {got['kind']}: {got.get('reason')}"
    assert sorted(set(got) - set(expected)) == [], f"{case.id}: fields not in article.json"
    assert sorted(set(expected) - set(got)) == [], f"{case.id}: fields no longer extracted"


@pytest.mark.parametrize(("case", "field"), _field_params())
def test_field(case: FixtureCase, field: str) -> None:
    expected = _need_expected(case)
    got, _ = observe(case)
    assert got.get(field, MISSING) == expected[field], f"{case.id}: {field} differs"


@pytest.mark.parametrize("case", ARTICLE_CASES, ids=_ids)
def test_post(case: FixtureCase) -> None:
    _, text = observe(case)
    assert text is not None, f"{case.id} is no longer read as an article"
    path = case.folder / "post.md"
    assert path.is_file(), f"{case.id}: no post.md; run --regen and review"
    # Bytes decoded strictly: equal text is equal bytes, and a failure shows a text diff.
    assert text == path.read_bytes().decode("utf-8"), f"{case.id}: post.md differs"
    body = text.split("\n---\n\n", 1)[1]
    # Hexo reads the body as Markdown: a blank line would end the HTML block
    # and turn the indented HTML after it into a code block of raw tags.
    assert "\n\n" not in body.rstrip(" "), f"{case.id}: blank line in the post body"
    assert "\n    <" not in body, f"{case.id}: indented HTML in the post body"


# -- regeneration ------------------------------------------------------------------


def _write(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` if it differs; True when the file changed."""
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def regenerate(selected: list[str]) -> int:
    """Rewrite ``article.json`` and ``post.md`` of the cases from today's code."""
    changed = 0
    for case in CASES:
        if selected and case.site not in selected and case.id not in selected:
            continue
        data, text = observe(case)
        wrote = [
            name
            for name, fresh in [
                ("article.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n"),
                ("post.md", text),
            ]
            if fresh is not None and _write(case.folder / name, fresh)
        ]
        post = case.folder / "post.md"
        if text is None and post.exists():
            post.unlink()
            wrote.append("post.md (removed)")
        if wrote:
            changed += 1
            print(f"{case.id}: {', '.join(wrote)}")
    print(f"{changed} case(s) changed; review with `git diff fixtures/sites`")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "--regen":
        print("usage: python -m tests.test_fixtures --regen [<site> | <site>/<case> ...]")
        return 2
    unknown = [s for s in argv[1:] if not any(s in (c.site, c.id) for c in CASES)]
    if unknown:
        print(f"no such site or case: {', '.join(unknown)}")
        return 2
    return regenerate(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
