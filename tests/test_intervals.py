"""Taken stretches of a line: the overlap test that detection and fuzzy matching ask of every hit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retrans.intervals import Taken

stretch = st.tuples(st.integers(0, 60), st.integers(1, 12)).map(lambda p: (p[0], p[0] + p[1]))


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


@settings(max_examples=400, deadline=None)
@given(st.lists(stretch, max_size=30), st.lists(stretch, max_size=40), st.lists(st.integers(0, 75), max_size=5))
def test_taken_answers_as_every_stretch_asked_in_turn(given_spans, asked, points):
    """Stretches given at the start may overlap; each asked one that meets none is then taken."""
    taken = Taken(given_spans)
    held = list(given_spans)
    for s, e in asked:
        assert taken.meets(s, e) == overlaps(held, s, e)
        if not overlaps(held, s, e):
            taken.add(s, e)
            held.append((s, e))
    for p in points:  # an empty stretch meets what holds its position inside
        assert taken.meets(p, p) == overlaps(held, p, p)


def test_touching_stretches_do_not_meet():
    taken = Taken([(0, 5), (3, 9)])
    assert not taken.meets(9, 12) and not taken.meets(-3, 0)
    assert taken.meets(8, 9) and taken.meets(4, 4)
