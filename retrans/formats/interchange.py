"""Helpers shared by the interchange formats (TBX, CSV): ids, checks, entry building."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from ..errors import FormatError
from ..glossary import ENTRY_KINDS
from .glossary_yaml import _ID_RE, _LANG_RE

__all__ = ["ENTRY_KINDS", "check_form", "check_id", "check_lang", "slug", "unique_id"]


def slug(text: str) -> str:
    """A glossary id made from a name: romanised, lower-cased, ``_`` between words."""
    out = re.sub(r"[^a-z0-9]+", "_", anyascii(text).lower()).strip("_")
    return out or "entry"


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3`` ... whichever is not in ``taken``; the result is added to it."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}_{n}"
    taken.add(candidate)
    return candidate


def check_id(value: str, path: str, line: int | None) -> str:
    """Return ``value`` if it is a valid entry id; else raise :class:`FormatError`."""
    if not _ID_RE.match(value):
        raise FormatError(f"id {value!r} must be lowercase letters, digits, '_', '-' or '.'", path, line)
    return value


def check_lang(value: str, path: str, line: int | None) -> str:
    """Return ``value`` if it is a language code; else raise :class:`FormatError`."""
    if not _LANG_RE.match(value):
        raise FormatError(f"{value!r} is not a language code (ISO 639, like 'en' or 'pt-BR')", path, line)
    return value


def is_lang(value: str) -> bool:
    """Whether ``value`` looks like a language code."""
    return bool(_LANG_RE.match(value))


def check_form(value: str, path: str, line: int | None) -> str:
    """A form stripped; raise :class:`FormatError` if it is empty, invisible or has control characters."""
    form = value.strip()
    if not form:
        raise FormatError("empty form", path, line)
    for ch in form:
        if unicodedata.category(ch) == "Cc":
            raise FormatError(f"form {form!r} contains the control character {ch!r}", path, line)
    if all(unicodedata.category(ch)[0] in "MZC" for ch in form):
        raise FormatError(f"form {form!r} has no visible character", path, line)
    return form


def dedupe(items: list[str], *exclude: str) -> tuple[str, ...]:
    """Items in order without repeats or any of ``exclude``."""
    seen = set(exclude)
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return tuple(out)
