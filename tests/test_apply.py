"""Applying edits: byte-identical outside the edits, no overlaps, stale edits refused."""

from __future__ import annotations

import pytest

from retrans.apply import apply_edits, apply_line, select_non_overlapping
from retrans.records import Edit


def edit(line, start, end, original, replacement, score=1.0, applied=True):
    return Edit("d", line, start, end, original, replacement, "e", "variant", score, applied)


def test_everything_outside_the_edits_is_kept():
    text = "\ufeffA Zelnski\r\n\n  B  Khason \t\r\nend"
    out = apply_edits(text, [edit(1, 3, 10, "Zelnski", "Zelensky"), edit(3, 5, 11, "Khason", "Kherson")])
    assert out == "\ufeffA Zelensky\r\n\n  B  Kherson \t\r\nend"


def test_unapplied_edits_change_nothing():
    assert apply_edits("a Zelnski", [edit(1, 2, 9, "Zelnski", "Zelensky", applied=False)]) == "a Zelnski"


def test_overlapping_edits_are_refused_and_filtered():
    a, b = edit(1, 0, 5, "third", "Sumy", 2.0), edit(1, 2, 7, "ird c", "x", 1.0)
    with pytest.raises(ValueError):
        apply_line("third city", [a, b])
    assert select_non_overlapping([a, b]) == [a]


def test_stale_edit_is_refused():
    with pytest.raises(ValueError):
        apply_line("Sumy city", [edit(1, 0, 5, "third", "Sumy")])
