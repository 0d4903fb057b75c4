"""Which stretches of a line are taken: an overlap test in logarithmic time.

A long line (a JSON Lines article is often one line of many kilobytes) holds many spans, and asking
each new one against every span taken before costs the square of their number.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable


class Taken:
    """Half-open stretches ``(start, end)`` of a line, kept sorted and disjoint: stretches given at the
    start may overlap one another (they are merged, which changes no answer of :meth:`meets`); those
    :meth:`add` takes must meet none taken. An empty stretch takes nothing."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        merged: list[tuple[int, int]] = []
        for s, e in sorted(spans):
            if s >= e:
                continue  # an empty stretch meets nothing
            if merged and s < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        self._spans = merged

    def meets(self, start: int, end: int) -> bool:
        """Whether ``(start, end)`` overlaps a taken stretch (shares a position with it)."""
        k = bisect_left(self._spans, (end,))  # the stretches that start before ``end``
        return k > 0 and self._spans[k - 1][1] > start  # disjoint: the last of them ends latest

    def add(self, start: int, end: int) -> None:
        """Take ``(start, end)``, which meets no taken stretch."""
        if start < end:
            insort(self._spans, (start, end))

    def __len__(self) -> int:
        return len(self._spans)
