"""What travels through Redis, as JSON: requests to fetch and outcomes handed back.

Requests: scrapy-redis serialises ``Request.to_dict()`` with a module that has
``dumps`` and ``loads`` (pickle by default). This one writes JSON, with tags
for what JSON lacks (bytes, datetimes, a ``Found``, dicts with other keys than
strings); anything else raises ``TypeError`` and the request stays in its
process. JSON, not pickle: whoever can write to the Redis database must not
be able to run code in every process of the crawl.

Outcomes (``Outcome``): what became of one leased request on a worker, handed
back to the archiving process. The article is ``Article.model_dump_json()``
with its aliases and its ``Found``; failures and rejections keep what the
archiving process needs to record them as a one-process crawl would.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from archiver.extraction.article import Found
from archiver.models import Article

__all__ = ["Outcome", "dumps", "loads"]


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, Found):
        return {"$f": value.to_json()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"{type(value).__name__} cannot travel through Redis")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$b":
            return base64.b64decode(inner)
        if tag == "$t":
            return datetime.fromisoformat(inner)
        if tag == "$f":
            return Found.from_json(inner)
        if tag == "$d":
            return {_decode(k): _decode(v) for k, v in inner}
    return {k: _decode(v) for k, v in value.items()}


def dumps(obj: Any) -> str:
    """``obj`` (a request's dict) as JSON; ``TypeError`` for what JSON cannot hold."""
    return json.dumps(_encode(obj), ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes) -> Any:
    return _decode(json.loads(text))


@dataclass
class Outcome:
    """What became of one leased request on a worker."""

    fingerprint: str
    """The request's fingerprint (``seen`` and ``done`` hold these)."""
    found: Found
    by: str = ""
    """The worker that handed it back."""
    articles: list[tuple[Article, tuple[str, ...], Found]] = field(default_factory=list)
    failures: list[tuple[str, str, bool, Found]] = field(default_factory=list)
    """``url_failed`` as the worker sent it: url, reason, retry, found."""
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    """Articles refused by the model: url, field, reason (``rejects.jsonl``)."""
    stats: dict[str, int] = field(default_factory=dict)
    """``archiver/*`` counts the worker made for this request, to add to the crawl's."""

    def dumps(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "fp": self.fingerprint,
                "found": self.found.to_json(),
                "by": self.by,
                "articles": [
                    {"article": a.model_dump_json(), "aliases": list(al), "found": f.to_json()}
                    for a, al, f in self.articles
                ],
                "failures": [
                    {"url": u, "reason": r, "retry": t, "found": f.to_json()}
                    for u, r, t, f in self.failures
                ],
                "rejected": [{"url": u, "field": f, "reason": r} for u, f, r in self.rejected],
                "stats": self.stats,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, text: str) -> Outcome:
        data = json.loads(text)
        if data.get("v") != 1:
            raise ValueError(f"an outcome of another version: {data.get('v')!r}")
        return cls(
            fingerprint=data["fp"],
            found=Found.from_json(data["found"]),
            by=data.get("by", ""),
            articles=[
                (
                    Article.model_validate_json(a["article"]),
                    tuple(a["aliases"]),
                    Found.from_json(a["found"]),
                )
                for a in data["articles"]
            ],
            failures=[
                (f["url"], f["reason"], bool(f["retry"]), Found.from_json(f["found"]))
                for f in data["failures"]
            ],
            rejected=[(r["url"], r["field"], r["reason"]) for r in data["rejected"]],
            stats={k: int(v) for k, v in data["stats"].items()},
        )
