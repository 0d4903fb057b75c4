"""Never worse: properties of repair over generated text and glossaries (hypothesis).

Over generated glossaries and text, with the no-model ranker (`--model none`, a
real ranker that decides on glossary evidence alone):

* the edit log applied to the input reproduces the output exactly;
* reverting the edit log (what `retrans undo` does) restores the input exactly;
* every edit stays inside one line and matches the input there;
* fixing is idempotent: the output, fixed again, comes back unchanged;
* text that contains no glossary form comes back byte-identical, with no edit.

The seed article and a noisy text check the same on the real model.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from retrans.apply import apply_edits
from retrans.config import RepairConfig
from retrans.detect import fold
from retrans.glossary import Entry, Forms, Glossary
from retrans.pipeline import Repairer
from retrans.rank import GlossaryRanker
from retrans.safety import revert_edits
from tests.conftest import SEED

# Syllables shared by forms and text, so that forms overlap, nest and collide.
SYLLABLES = ["ka", "zel", "ski", "ro", "ute", "mark", "sum", "y", "third", "Ka", "ZEL", "Ro"] * 4 + ["é", "ß", "İ"]
SEPARATORS = [" ", " ", " ", "\n", "\r\n", "\t", ", ", ". ", "’s ", "“", "”", "-", "\u200b", "\u0301", "  "]
FILLER = ["the", "a", "city", "of", "in", "university", "attack", "round", "talks", "Group", "2"]

word = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3).map("".join)
form = st.lists(word, min_size=1, max_size=2).map(" ".join)


@st.composite
def glossaries(draw) -> Glossary:
    entries = []
    for i in range(draw(st.integers(1, 4))):
        forms = Forms(canonical=draw(form),
                      variants=tuple(draw(st.lists(form, min_size=1, max_size=2))),
                      admitted=tuple(draw(st.lists(form, max_size=1))),
                      mistranslations=tuple(draw(st.lists(form, max_size=1))),
                      cues=tuple(draw(st.lists(st.sampled_from(FILLER), max_size=2))))
        entries.append(Entry(f"e{i}", draw(st.sampled_from(["person", "place", "org"])), "", {"en": forms}))
    note(f"glossary: {[(e.id, e.kind, e.forms['en']) for e in entries]}")
    return Glossary(entries)


def texts(words) -> st.SearchStrategy[str]:
    """Words and filler, mostly separated (so that forms stand at word boundaries), sometimes glued."""
    token = st.one_of(words, words, st.sampled_from(FILLER))
    pair = st.tuples(token, st.sampled_from([*SEPARATORS, ""]))
    return st.lists(pair, max_size=30).map(lambda pairs: "".join(a + b for a, b in pairs))


def mixed(glossary: Glossary) -> st.SearchStrategy[str]:
    """Words, and the glossary's own forms (any kind, suspect ones most, in any case)."""
    own = [f for _, fs in glossary.forms("en") for f in (fs.canonical, *fs.admitted, *fs.variants * 3,
                                                              *fs.mistranslations * 2, *fs.cues)]
    cased = st.sampled_from(own).flatmap(lambda f: st.sampled_from([f, f.upper(), f.lower(), f.title()]))
    return st.one_of(word, cased, cased)


def repairer(glossary: Glossary) -> Repairer:
    config = RepairConfig(model="none")
    return Repairer(glossary, GlossaryRanker(config.rank), config)


def suspect_forms(glossary: Glossary) -> list[str]:
    return [f for _, fs in glossary.forms("en") for f in (*fs.variants, *fs.mistranslations)]


def check_edit_log(text: str, result) -> None:
    lines = text.split("\n")
    for e in result.edits:
        assert 1 <= e.line <= len(lines)
        assert lines[e.line - 1][e.start:e.end] == e.original, e
        assert "\n" not in e.original and "\n" not in e.replacement, e
    assert apply_edits(text, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == text
    assert result.text.count("\n") == text.count("\n")


# 150 examples per property in the suite; RETRANS_PROPERTY_EXAMPLES=4000 for a long run.
PROPERTY = settings(max_examples=int(os.environ.get("RETRANS_PROPERTY_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(glossary=glossaries(), data=st.data())
def test_edit_log_reproduces_output_and_reverts_to_input(glossary, data):
    text = data.draw(texts(mixed(glossary)))
    result = repairer(glossary).repair(text, "doc")
    check_edit_log(text, result)


def contains_protected(glossary: Glossary) -> bool:
    """Whether a suspect form contains a correct (canonical or admitted) form, like ``ka kaka`` -> ``kaka``."""
    protected = [fold(f) for _, fs in glossary.forms("en") for f in (fs.canonical, *fs.admitted)]
    return any(p in fold(s) for s in suspect_forms(glossary) for p in protected)


@PROPERTY
@given(glossary=glossaries(), data=st.data())
def test_fixing_is_idempotent(glossary, data):
    assume(not contains_protected(glossary))  # known limit: see the test below
    text = data.draw(texts(mixed(glossary)))
    fixer = repairer(glossary)
    once = fixer.repair(text, "doc")
    twice = fixer.repair(once.text, "doc")
    assert twice.text == once.text
    assert not twice.applied


def test_a_part_of_a_name_that_is_another_entrys_variant_is_not_proposed():
    """Found by Hypothesis: "kaka" (a variant of "ka ka") aligned to the part "ka", a variant of "kakaka", so a
    second run changed "ka" again. The whole canonical form, which is protected, is proposed instead."""
    glossary = Glossary([Entry("e0", "person", "", {"en": Forms("ka ka", ("kaka",))}),
                         Entry("e1", "person", "", {"en": Forms("kakaka", ("ka",))})])
    fixer = repairer(glossary)
    once = fixer.repair("kaka ", "doc")
    assert once.text == "ka ka "
    assert fixer.repair(once.text, "doc").text == once.text
    # A part that is no other entry's form is still proposed alone ("Zelnski" -> "Zelensky").
    people = Glossary([Entry("z", "person", "", {"en": Forms("Volodymyr Zelensky", ("Zelnski",))})])
    assert repairer(people).repair("Zelnski spoke", "doc").text == "Zelensky spoke"


@PROPERTY
@given(glossary=glossaries(), data=st.data())
def test_text_without_glossary_forms_is_byte_identical(glossary, data):
    text = data.draw(texts(word))
    folded = fold(text)
    assume(not any(fold(f) in folded for f in suspect_forms(glossary)))
    result = repairer(glossary).repair(text, "doc")
    assert result.text == text
    assert not result.applied


@pytest.mark.xfail(strict=True, reason="known limit: a fix can complete a new match with the text before it "
                   "when a variant contains its canonical form; found by hypothesis, left to the pipeline")
def test_fixing_is_idempotent_when_a_variant_contains_its_canonical():
    glossary = Glossary([Entry("e0", "person", "", {"en": Forms("kaka", ("ka kaka",))})])
    fixer = repairer(glossary)
    once = fixer.repair("ka ka kaka ", "doc")
    assert fixer.repair(once.text, "doc").text == once.text


# The real model, on a handful of examples (the session fixture loads it once).
NOISY = "Mark Route and Walloudimir Zelnski met in Khason.\r\nThe third round of talks ended.\n"


def test_real_model_edit_log_round_trips_and_is_idempotent(lm_repairer, seed_result):
    check_edit_log(SEED.read_text(encoding="utf-8"), seed_result)  # idempotence on the seed: test_repair_model
    once = lm_repairer.repair(NOISY, "noisy")
    check_edit_log(NOISY, once)
    assert once.text == "Mark Rutte and Volodymyr Zelensky met in Kherson.\r\nThe third round of talks ended.\n"
    assert lm_repairer.repair(once.text, "again").text == once.text
