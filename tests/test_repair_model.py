"""End to end on the real model: the seed article repaired, good text left alone."""

from __future__ import annotations

import pytest

from retrans.apply import apply_edits
from retrans.score import diff_edits
from tests.conftest import SEED

REF = SEED.with_suffix(".ref.txt")


def out_lines(seed_result):
    return seed_result.text.split("\n")


@pytest.mark.parametrize("wrong,right", [
    ("Mark Route", "Mark Rutte"), ("Walloudimir Zelnski", "Volodymyr Zelensky"),
    ("Walodimir Arthuch", "Volodymyr Artiukh"), ("Zapurgia", "Zaporizhzhia"), ("Khason", "Kherson")])
def test_seed_transliterations_are_fixed(seed_result, wrong, right):
    assert wrong not in seed_result.text
    assert right in seed_result.text
    assert any(e.applied and e.original == wrong and e.replacement == right for e in seed_result.edits)


def test_seed_word_for_name_errors_are_fixed(seed_result):
    lines = out_lines(seed_result)
    assert lines[0].startswith("Russian invasion of Sumy;")
    assert "the city of Sumy in Ukraine was targeted" in lines[2]
    assert "Sumy State University and its conference hall" in lines[3]
    assert "Russia's deadly attack on the city of Sumy caused" in lines[6]
    assert "the attack on Sumy." in lines[7]
    assert "refused to sign a G7 statement" in lines[7]
    assert "invasion of Ukraine's city of Sumy" in lines[26]
    assert "members of the G7 as" in lines[8]


def test_seed_legitimate_third_is_kept(seed_result):
    lines = out_lines(seed_result)
    src = SEED.read_text(encoding="utf-8").split("\n")
    assert "was the third axis that was agreed" in lines[12]
    assert lines[18] == src[18]  # "the third consultations" is the third round of talks
    assert "three rounds (two rounds in Riyadh" in lines[10]


def test_seed_edits_never_touch_text_the_reference_keeps(seed_result):
    mt, ref = SEED.read_text(encoding="utf-8"), REF.read_text(encoding="utf-8")
    gold = diff_edits(mt, ref, "seed")
    for e in diff_edits(mt, seed_result.text, "seed"):
        assert any(g.line == e.line and g.start < max(e.end, e.start + 1) and e.start < max(g.end, g.start + 1)
                   for g in gold), f"edit outside the gold edits: {e}"


def test_edit_log_reproduces_output_from_input(seed_result):
    mt = SEED.read_text(encoding="utf-8")
    assert apply_edits(mt, seed_result.edits) == seed_result.text
    assert any(not e.applied for e in seed_result.edits)  # suggestions are logged, not applied


def test_fixing_is_idempotent(lm_repairer, seed_result):
    again = lm_repairer.repair(seed_result.text, "again")
    assert again.text == seed_result.text
    assert not again.applied


def test_reference_text_passes_through_unchanged(lm_repairer):
    ref = REF.read_text(encoding="utf-8")
    result = lm_repairer.repair(ref, "ref")
    assert result.text == ref


CLEAN = [
    "Take Route 66 west out of Chicago and keep driving.",
    "Mark my words: the third round of talks will fail.",
    "She finished third in the race, behind two Kenyan runners.",
    "Spain topped Group 2 of the tournament after a late goal.",
    "A third of the budget goes to defence, the minister said.",
    "The third state to ratify the treaty was Portugal.",
]


@pytest.mark.parametrize("sentence", CLEAN)
def test_clean_look_alikes_are_untouched(lm_repairer, sentence):
    assert lm_repairer.repair(sentence).text == sentence


def test_document_context_decides_an_ambiguous_mistranslation(lm_repairer):
    alone = "Washington refused to condemn the attack on a third."
    assert lm_repairer.repair(alone).text == alone
    doc = "Russian missiles struck the third city of Ukraine on Sunday.\n" + alone
    fixed = lm_repairer.repair(doc).text.split("\n")
    assert fixed[0] == "Russian missiles struck the city of Sumy in Ukraine on Sunday."
    assert fixed[1] == "Washington refused to condemn the attack on Sumy."


def test_clear_variants_skip_the_model_and_ordinary_words_do_not(lm_repairer, monkeypatch):
    """A misspelt name ("Zelnski") is fixed on glossary evidence alone; a variant that is an ordinary word
    ("Route") still goes to the model, which keeps "Route 66" and fixes "Mark Route"."""
    scorer = lm_repairer.ranker.scorer
    asked: list[str] = []
    real = scorer.score_groups

    def spy(groups):
        asked.extend(s for g in groups for s in g)
        return real(groups)

    monkeypatch.setattr(scorer, "score_groups", spy)
    result = lm_repairer.repair("Zelnski met Mark Route.\nTake Route 66 to the coast.", "doc")
    assert result.text == "Zelensky met Mark Rutte.\nTake Route 66 to the coast."
    by_original = {e.original: e for e in result.edits}
    assert "clear" in by_original["Zelnski"].evidence and by_original["Zelnski"].lm_delta == 0
    assert "clear" not in by_original["Mark Route"].evidence
    assert not any("Zelensky" in s for s in asked)  # the clear span's candidates never reached the model
    assert any("Rutte" in s for s in asked) and any("Rutte 66" in s for s in asked)
