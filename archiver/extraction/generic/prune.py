"""Prune the body: a copy of the body block without navigation, link lists,
hidden blocks and blocks named like junk (comment, share, related...)."""

from __future__ import annotations

import copy
import re

from lxml import etree

from archiver.extraction.generic.body import NEGATIVE_NAMES, NOT_BODY_TAGS, POSITIVE_NAMES
from archiver.extraction.generic.tree import Element

__all__ = ["prune_body"]

_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _own_text(element: Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def _subtree_stats(root: Element) -> dict[Element, tuple[int, int]]:
    """(text, link text) of every element under ``root``, in one post-order pass."""
    stats: dict[Element, tuple[int, int]] = {}
    for event, node in etree.iterwalk(root, events=("end",)):
        del event
        if not isinstance(node.tag, str) or node.tag in NOT_BODY_TAGS:
            stats[node] = (0, 0)
            continue
        own = _own_text(node)
        total = len(own) - own.count(" ") - own.count("\n") - own.count("\t")
        linked = total if node.tag == "a" else 0
        for child in node:
            child_total, child_linked = stats.get(child, (0, 0))
            total += child_total
            linked += child_total if node.tag == "a" else child_linked
        stats[node] = (total, linked)
    return stats


def prune_body(element: Element, drop: list[Element] | None = None) -> Element:
    """A copy of ``element`` without navigation, link lists, hidden and junk blocks.

    ``drop`` names elements of the original tree to leave out (the headline,
    the byline line...).
    """
    marker = "data-archiver-drop"
    marked = []
    for node in drop or []:
        if node is not element and node.getparent() is not None:
            node.set(marker, "1")
            marked.append(node)
    try:
        body = copy.deepcopy(element)
    finally:
        for node in marked:
            del node.attrib[marker]
    stats = _subtree_stats(body)
    doomed: list[Element] = []
    for node in body.iterdescendants():
        if not isinstance(node.tag, str):
            continue
        if node.get(marker) or node.tag in NOT_BODY_TAGS or _HIDDEN.search(node.get("style") or ""):
            doomed.append(node)
            continue
        if node.tag in {"div", "ul", "ol", "table", "section", "dl", "p", "span"}:
            names = f"{node.get('class') or ''} {node.get('id') or ''}"
            total, linked = stats.get(node, (0, 0))
            density = linked / total if total else 0.0
            if (density > 0.5 and total < 400) or (
                NEGATIVE_NAMES.search(names) and not POSITIVE_NAMES.search(names) and density > 0.2
            ):
                doomed.append(node)
    for node in doomed:
        parent = node.getparent()
        if parent is None:
            continue
        if node.tail:
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + node.tail
            else:
                parent.text = (parent.text or "") + node.tail
        parent.remove(node)
    return body
