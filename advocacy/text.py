"""What people type: one place that cleans it and recognises ZIP codes and emails."""

from __future__ import annotations

import re

# Control characters, lone surrogates, zero-width and bidirectional-override characters:
# never useful in a letter, and some can disguise what a text says.
_INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff"
_LINE_JUNK = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]+")
_TEXT_JUNK = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_INVISIBLE}]+")

ZIP = re.compile(r"(?<![0-9])([0-9]{5})(?:-[0-9]{4})?(?![0-9])")
ZIP_ONLY = re.compile(r"^([0-9]{5})(?:[-\s]?[0-9]{4})?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def one_line(value: object) -> str:
    """A single line: junk characters become spaces, runs of space one space; stripped.
    Anything that is not text (a number, a file upload) becomes empty."""
    if not isinstance(value, str):
        return ""
    return " ".join(_LINE_JUNK.sub(" ", value).split())


def multi_line(value: object) -> str:
    """Paragraphs: line breaks kept (as \\n, at most one blank line), other junk removed."""
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _TEXT_JUNK.sub(lambda m: " " if "\t" in m.group() else "", value)
    value = re.sub(r"[ \t]+\n", "\n", value)
    return re.sub(r"\n{3,}", "\n\n", value).strip()


def zip_code(value: object) -> str | None:
    """The 5-digit ZIP of a ZIP or ZIP+4, or None."""
    m = ZIP_ONLY.match(one_line(value))
    return m.group(1) if m else None


def trailing_zip(address: str) -> str | None:
    """The ZIP code an address ends with (never its house number), or None."""
    m = re.search(r"(?<![0-9])([0-9]{5})(?:-[0-9]{4})?\s*$", address)
    return m.group(1) if m else None


def is_email(value: str) -> bool:
    return bool(EMAIL.match(value))
