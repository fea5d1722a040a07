"""Exceptions of the public API."""

from __future__ import annotations

__all__ = [
    "ArchiveUnavailable",
    "ArchiverError",
    "BadInput",
    "ExtractionError",
    "InvalidArticle",
    "NotAnArticle",
    "PostFormatError",
    "UnknownSite",
]


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

    def __reduce__(self) -> tuple[object, ...]:  # keep the reason across processes
        return (type(self), (self.reason, str(self)), {"url": self.url})

    @property
    def said(self) -> str:
        """``reason: message``, for reports (the message alone when it starts with it)."""
        text = str(self)
        return text if text.startswith(self.reason) else f"{self.reason}: {text}"


class PostFormatError(ArchiverError, ValueError):
    """A text is not a post in the archive's format; ``line`` is 1-based."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class UnknownSite(ArchiverError, LookupError):
    """No site module has the name asked for."""


class BadInput(ArchiverError, ValueError):
    """What was given to the library cannot be used (a URL that is not http(s),
    a body that is neither bytes nor text, an option out of range).

    ``reason`` is a short machine-readable word (``bad-url``, ``bad-body``,
    ``bad-option``); the message says what to give instead.
    """

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.reason, str(self)))


class InvalidArticle(ArchiverError):
    """The page was read, but what it gives is refused by the model (a title
    with a control character, a broken image URL...). ``field`` names it."""

    def __init__(self, field: str, reason: str, *, url: str | None = None) -> None:
        self.field = field
        self.reason = reason
        self.url = url
        super().__init__(f"{field}: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.field, self.reason), {"url": self.url})


class ExtractionError(ArchiverError):
    """An extractor failed on the page (a bug, or a page it cannot read);
    the original exception is the ``__cause__``."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.reason = "extraction"
        self.url = url
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self),), {"url": self.url})


class ArchiveUnavailable(ArchiverError):
    """The archive cannot be opened for writing: a read-only folder, no space,
    a corrupt ledger (``corrupt_ledger``: ``archiver check --fix`` rebuilds it)."""

    def __init__(self, message: str, *, corrupt_ledger: bool = False) -> None:
        self.corrupt_ledger = corrupt_ledger
        super().__init__(message)
