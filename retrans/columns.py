"""Named columns in one blob: strings and 64-bit integers, read back without parsing each value.

Layout: an 8-byte little-endian header length, a JSON header (the caller's ``fields`` and, for each
column in order, its name, kind, count and byte size), then each column's bytes: strings as UTF-8
joined by newlines, integers as little-endian int64. The caches of compiled glossary data are
written this way (:mod:`retrans.glossary_cache`'s matchers, :mod:`retrans.fuzzy_index`). Nothing in
a blob is executed: a damaged one raises ``ValueError``, and its caller checks that the columns
fit together.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

_LENGTH = struct.Struct("<Q")


def pack(fields: dict[str, Any], strings: dict[str, Sequence[str]], numbers: dict[str, np.ndarray]) -> bytes | None:
    """``fields`` (JSON values), then the string columns, then the integer columns; ``None`` when a string
    holds a newline (it could not be split back)."""
    if any("\n" in s for column in strings.values() for s in column):
        return None
    parts = [("\n".join(column)).encode("utf-8") for column in strings.values()]
    parts += [np.ascontiguousarray(column, "<i8").tobytes() for column in numbers.values()]
    columns = [[name, "s", len(column)] for name, column in strings.items()]
    columns += [[name, "i", len(column)] for name, column in numbers.items()]
    for column, part in zip(columns, parts):
        column.append(len(part))
    header = json.dumps({"fields": fields, "columns": columns}, ensure_ascii=False,
                        separators=(",", ":")).encode("utf-8")
    return b"".join([_LENGTH.pack(len(header)), header, *parts])


def unpack(data: bytes | memoryview) -> tuple[dict[str, Any], dict[str, list[str]], dict[str, np.ndarray]]:
    """``(fields, strings, numbers)`` of a :func:`pack` blob (the integer columns are read-only views of
    ``data``); ``ValueError`` when it does not hold together."""
    view = memoryview(data)
    try:
        (size,) = _LENGTH.unpack_from(view)
        head = json.loads(bytes(view[_LENGTH.size:_LENGTH.size + size]))
        at = _LENGTH.size + size
        strings: dict[str, list[str]] = {}
        numbers: dict[str, np.ndarray] = {}
        for name, kind, count, nbytes in head["columns"]:
            part = view[at:at + nbytes]
            at += nbytes
            if len(part) != nbytes:
                raise ValueError("a column runs past the end")
            if kind == "s":
                strings[name] = bytes(part).decode("utf-8").split("\n") if count else []
                if len(strings[name]) != count:
                    raise ValueError(f"column {name!r} holds {len(strings[name])} strings, not {count}")
            elif kind == "i" and nbytes == 8 * count:
                numbers[name] = np.frombuffer(part, "<i8")
            else:
                raise ValueError(f"column {name!r} is not {count} strings or integers")
        if at != len(view):
            raise ValueError("bytes after the last column")
        return head["fields"], strings, numbers
    except (KeyError, TypeError, struct.error) as exc:
        raise ValueError(f"not a column blob: {exc}") from None
