"""Apply edits to text: right to left, never overlapping, nothing else touched."""

from __future__ import annotations

from collections.abc import Iterable

from .records import Edit


def select_non_overlapping(edits: Iterable[Edit]) -> list[Edit]:
    """Applied edits of one line that do not overlap, higher score first; sorted by start."""
    chosen: list[Edit] = []
    for e in sorted(edits, key=lambda e: (-e.score, e.start, e.end)):
        if all(e.end <= c.start or e.start >= c.end for c in chosen):
            chosen.append(e)
    return sorted(chosen, key=lambda e: e.start)


def apply_line(line: str, edits: Iterable[Edit]) -> str:
    """Apply the edits of one line; raise ``ValueError`` on overlap or a stale original."""
    pieces: list[str] = []  # right to left
    last = len(line) + 1  # beyond any end an edit can have
    for e in sorted(edits, key=lambda e: e.start, reverse=True):
        if e.end > last:
            raise ValueError(f"overlapping edits at line {e.line}, offset {e.start}")
        if line[e.start : e.end] != e.original:
            raise ValueError(f"edit at line {e.line}:{e.start} expects {e.original!r}, "
                             f"text has {line[e.start:e.end]!r}")
        pieces += (line[e.end : last], e.replacement)
        last = e.start
    pieces.append(line[:last])
    return "".join(reversed(pieces))


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply applied edits (``applied=True``) to a whole text split on ``\\n``."""
    lines = text.split("\n")
    by_line: dict[int, list[Edit]] = {}
    for e in edits:
        if e.applied:
            by_line.setdefault(e.line, []).append(e)
    for n, line_edits in by_line.items():
        if not 1 <= n <= len(lines):
            raise ValueError(f"edit refers to line {n}, text has {len(lines)} lines")
        lines[n - 1] = apply_line(lines[n - 1], line_edits)
    return "\n".join(lines)

