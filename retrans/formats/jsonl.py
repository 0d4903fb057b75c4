"""JSON Lines documents: one record per line, the text in a (dotted) field; everything else kept.

Each line's field is located in the raw line (not re-serialised), so a changed
record differs from its input only inside that one string literal: other fields,
key order, spacing and escapes elsewhere stay byte for byte. Blank lines are kept;
a record without the field (or with a non-string value there) is left as it is.
"""

from __future__ import annotations

import json
from json.decoder import scanstring

from ..errors import FormatError
from .documents import Parsed, Segment, splice

_WS = " \t\r\n"
_DECODER = json.JSONDecoder()


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def locate(line: str, path: list[str]) -> tuple[int, int, str] | None:
    """``(start, end, value)`` of the string literal at ``path`` in the JSON object ``line`` (quotes
    included in start..end), or ``None`` when the path is absent or not a string. ``line`` must be valid JSON."""
    i = _skip_ws(line, 0)
    for depth, key in enumerate(path):
        if i >= len(line) or line[i] != "{":
            return None
        i = _skip_ws(line, i + 1)
        found = False
        while i < len(line) and line[i] != "}":
            name, i = scanstring(line, i + 1)  # i is at the key's opening quote
            i = _skip_ws(line, _skip_ws(line, i) + 1)  # past ':'
            if name == key:
                found = True  # the last duplicate key wins in json.loads; keep scanning
                at = i
            _, i = _DECODER.raw_decode(line, i)
            i = _skip_ws(line, i)
            if i < len(line) and line[i] == ",":
                i = _skip_ws(line, i + 1)
        if not found:
            return None
        i = at
        if depth == len(path) - 1:
            if line[i] != '"':
                return None
            value, end = scanstring(line, i + 1)
            return i, end, value
    return None


class JsonlFormat:
    """JSON Lines; ``field`` is a key or a dotted path (``body.text``)."""

    name = "jsonl"

    def __init__(self, field: str = "text") -> None:
        self.field = field
        self.path = field.split(".")

    def parse(self, text: str, name: str) -> Parsed:
        segments: list[Segment] = []
        literals: dict[str, str] = {}
        pos = 0
        for n, line in enumerate(text.split("\n"), 1):
            start, pos = pos, pos + len(line) + 1
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise FormatError(f"not valid JSON ({exc.msg}, column {exc.colno})", name, n) from None
            if not isinstance(record, dict):
                raise FormatError("a JSON Lines record must be an object", name, n)
            where = locate(line, self.path)
            if where is None:
                continue
            a, b, value = where
            seg = Segment(str(n), start + a, start + b, value)
            literals[seg.id] = line[a:b]
            segments.append(seg)

        def encode(seg: Segment, new: str) -> str:
            return json.dumps(new, ensure_ascii=literals[seg.id].isascii())

        return Parsed(segments, lambda repaired: splice(text, segments, repaired, encode))
