"""The errors every Alaveteli reader raises. ``str(e)`` is one human-readable line."""

from __future__ import annotations


class PageError(ValueError):
    """A page or JSON document that cannot be read. ``str(e)`` is one human-readable line."""


class NotARequestPage(PageError):
    """Empty body, some other HTML page, JSON where a page was expected, and so on."""


class TruncatedPage(PageError):
    """The HTML of an Alaveteli page ends before ``</html>`` (the download was cut)."""

    def __init__(self, message: str, items_read: int = 0) -> None:
        super().__init__(message)
        self.items_read = items_read


class InvalidEncoding(PageError):
    """The bytes are not valid UTF-8; ``offset`` is the first bad byte."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset
