"""Cue words: the glossary evidence a ranker reads around a span.

An entry's cue words ("university" for Sumy State University) count when they stand within
``RankConfig.cue_window`` words of the span on either side, however long the line is.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from retrans.config import RankConfig, RepairConfig
from retrans.glossary import Entry, Forms, Glossary
from retrans.pipeline import Repairer
from retrans.rank import GlossaryRanker, words_after, words_before

WORD = re.compile(r"\w+")
FILL = ["the", "a", "Ukrainian", "Sumy", "talks", "zaporizhzhia-oblast", "x" * 40, "ŝtato", "北京", "٣", "’s"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FILL), st.sampled_from([" ", "  ", ", ", ". ", "-", "\t", "—"])),
                max_size=60).map(lambda p: "".join(a + b for a, b in p)),
       st.data(), st.integers(0, 14))
def test_window_words_are_those_of_the_whole_line(line, data, n):
    start = data.draw(st.integers(0, len(line)))
    end = data.draw(st.integers(start, len(line)))
    assert words_before(line, start, n) == (WORD.findall(line[:start])[-n:] if n else [])
    assert words_after(line, end, n) == WORD.findall(line[end:])[:n]


def _cue_evidence(line: str, config: RankConfig) -> float:
    forms = Forms(canonical="Sumy State University", mistranslations=("the third state university",),
                  cues=("students", "campus"))
    glossary = Glossary([Entry("ssu", "org", "", {"en": forms})])
    repair = RepairConfig(model="none", fuzzy=False, rank=config)
    rep = Repairer(glossary, GlossaryRanker(config), repair)
    (edit,) = rep.repair(line).edits
    return edit.evidence.get("cues", 0.0)


def test_cue_words_count_within_the_window_on_a_long_line():
    config = RankConfig()
    n = config.cue_window
    filler = " ".join(f"word{k}" for k in range(40))
    span = "the third state university"
    near_before = " ".join(["campus", *(f"w{k}" for k in range(n - 1))])  # the cue is word n before the span
    far_before = " ".join(["campus", *(f"w{k}" for k in range(n))])  # word n + 1
    near_after = " ".join([*(f"w{k}" for k in range(n - 1)), "student"])  # word n after; "students" stemmed
    assert _cue_evidence(f"{filler} {near_before} {span} said {filler}", config) == config.cue_bonus
    assert _cue_evidence(f"{filler} {far_before} {span} {filler}", config) == 0.0
    assert _cue_evidence(f"{filler} {span} {near_after} {filler}", config) == config.cue_bonus
    assert _cue_evidence(f"{filler} {span} w {near_after} {filler}", config) == 0.0
    both = f"{filler} {near_before} {span} {near_after} {filler}"
    assert _cue_evidence(both, config) == 2 * config.cue_bonus
    assert _cue_evidence(both, RankConfig(cue_bonus_max=3.0)) == 3.0
