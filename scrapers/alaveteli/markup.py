"""Small helpers for reading HTML, shared by the page, listing and feed readers."""

from __future__ import annotations

from bs4 import Tag


def class_names(tag: Tag) -> list[str]:
    """The tag's classes as a list, whatever form the parser left them in."""
    value = tag.attrs.get("class")
    if value is None:
        return []
    return value if isinstance(value, list) else str(value).split()


def squash(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def looks_like_json(text: str) -> bool:
    """True when the text starts like a JSON object or array (not HTML)."""
    return text.lstrip()[:1] in ("{", "[")
