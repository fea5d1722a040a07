"""The page's language: the declared one, if the page's script agrees."""

from __future__ import annotations

import re

__all__ = ["detect_language"]

# Runs, not characters: counting the runs' lengths makes fewer objects.
_KANA = re.compile("[\u3040-\u30ff]+")
_HANGUL = re.compile("[\uac00-\ud7af]+")
_HAN = re.compile("[\u4e00-\u9fff]+")
_LATIN = re.compile("[A-Za-z]+")
_EAST_ASIAN = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def _normalise_lang(value: str) -> str | None:
    value = value.strip().split(",")[0].split(";")[0].strip()
    if not _LANG_TAG.match(value):
        return None
    parts = value.replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.upper() if len(part) == 2 else part.title() if len(part) == 4 else part)
    return "-".join(out)


def _script_language(text: str) -> str | None:
    sample = text[:20_000]
    if _EAST_ASIAN.search(sample) is None:  # one scan, not three, on most pages
        return "latin" if sum(map(len, _LATIN.findall(sample))) > 100 else None
    kana = sum(map(len, _KANA.findall(sample)))
    han = sum(map(len, _HAN.findall(sample)))
    hangul = sum(map(len, _HANGUL.findall(sample)))
    latin = sum(map(len, _LATIN.findall(sample)))
    if kana > 20 and kana >= 0.1 * han:
        return "ja"
    if hangul > 20 and hangul > han:
        return "ko"
    if han > 20 and han >= 0.2 * latin:
        return "zh"
    if latin > 100:
        return "latin"
    return None


def detect_language(declared: list[str], text: str) -> str | None:
    """A BCP 47 tag: the first valid declaration that the page's script agrees with.

    Chinese pages often declare ``lang="en"`` (a template default); the text
    decides then: Han gives ``zh``, kana ``ja``, hangul ``ko``.
    """
    script = _script_language(text)
    for value in declared:
        tag = _normalise_lang(value)
        if tag is None:
            continue
        base = tag.split("-")[0]
        if script is None:
            return tag
        if script == "latin" and base not in {"zh", "ja", "ko"}:
            return tag
        if script == base:
            return tag
    if script in {"zh", "ja", "ko"}:
        return script
    return None
