"""Values as Alaveteli writes them: the page's bytes, sizes, instants and JSON scalars."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from scrapers.alaveteli.errors import InvalidEncoding

_UTF8_BOM = b"\xef\xbb\xbf"


def decode_page(content: bytes | str) -> str:
    """Decode strict UTF-8 (a leading BOM is dropped); raise :class:`InvalidEncoding` otherwise."""
    if isinstance(content, str):
        return content[1:] if content.startswith("\ufeff") else content
    data = bytes(content)
    skip = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + skip
        raise InvalidEncoding(
            f"not valid UTF-8: byte 0x{data[offset]:02x} at offset {offset}", offset
        ) from None


_SIZE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)$", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
    "gib": 1024**3,
}


def parse_size(text: str) -> int | None:
    """Bytes from a size as the site prints it: "183K" -> 187392, "1.2M" -> 1258291, "512B" -> 512.

    Units are binary (Alaveteli divides by 1024). Anything else gives ``None``.
    """
    if not text:
        return None
    match = _SIZE.match(text.strip())
    if match is None:
        return None
    factor = _SIZE_UNITS.get(match.group(2).lower())
    if factor is None:
        return None
    return round(float(match.group(1).replace(",", "")) * factor)


_INSTANT = re.compile(
    r"^(\d{4})([-/])(\d{2})\2(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$",
    re.IGNORECASE,
)


def normalise_instant(text: str | None) -> str | None:
    """ISO 8601 at seconds precision with a ``+HH:MM`` offset, or ``None``.

    Accepts the forms Alaveteli prints: ``2019-07-07T07:33:47+01:00`` (HTML ``datetime``),
    ``2022-10-15T13:11:56.603+01:00`` and ``...Z`` (Rails JSON), ``2013/06/15 10:18:19 +1000``
    (old JSON) and ``2024-01-08 09:15:04 +0000`` (``title`` attribute, details page).
    Fractions of a second are dropped, not rounded. A time without an offset is refused
    (``None``): it cannot be placed on the time line.
    """
    if text is None:
        return None
    match = _INSTANT.match(str(text).strip())
    if match is None:
        return None
    year, _, month, day, hour, minute, second, offset = match.groups()
    if offset.upper() in ("Z", "UTC", "GMT"):
        offset = "+00:00"
    else:
        digits = offset[1:].replace(":", "")
        offset = f"{offset[0]}{digits[:2]}:{digits[2:] or '00'}"
    try:
        instant = datetime.fromisoformat(
            f"{year}-{month}-{day}T{hour}:{minute}:{second or '00'}{offset}"
        )
    except ValueError:
        return None
    return instant.isoformat(timespec="seconds")


def json_int(value: Any) -> int | None:
    """An id from JSON: an integer or a string of digits (never a boolean); else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def json_str(value: Any) -> str | None:
    """A non-empty string from JSON, else ``None``."""
    return value if isinstance(value, str) and value else None


def json_display_status(value: Any) -> str | None:
    """Alaveteli before 0.45 ended these strings with a period; drop it."""
    text = json_str(value)
    if text is None:
        return None
    return text.strip().rstrip(".").strip() or None
