"""Exceptions of the public API."""

from __future__ import annotations

__all__ = ["ArchiverError", "NotAnArticle", "PostFormatError", "UnknownSite"]


class ArchiverError(Exception):
    """Base class of the errors this library raises on purpose."""


class NotAnArticle(ArchiverError):
    """The page is not an article (a listing, a home page, a PDF...).

    ``reason`` is a short machine-readable word (``listing``, ``no-title``,
    ``not-html``...); the message says it for people.
    """

    def __init__(self, reason: str, message: str = "", *, url: str | None = None) -> None:
        self.reason = reason
        self.url = url
        super().__init__(message or reason)


class PostFormatError(ArchiverError, ValueError):
    """A text is not a post in the archive's format; ``line`` is 1-based."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class UnknownSite(ArchiverError, LookupError):
    """No site module has the name asked for."""
