"""Batched scoring: the shared-prefix cache keeps scores exact, and repair_many equals repair per document."""

from __future__ import annotations

import pytest

from retrans.config import RepairConfig
from retrans.pipeline import Repairer
from retrans.rank import LMRanker

DOCS = [
    ("Ukrainian President Walloudimir Zelnski said on Sunday that Kyiv would not accept the deal.", "a", None),
    ("Nothing to repair in this line.", "b", None),
    ("Russian missiles struck the third city of Ukraine on Sunday.\n"
     "Washington refused to condemn the attack on a third.", "c", None),
    ("NATO Secretary General Mark Route said the alliance would stand with Ukraine.", "d", None),
]


class CountingScorer:
    """A deterministic stand-in model that favours sentences naming glossary names; counts its calls."""

    name = "counting"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score_groups(self, groups):
        self.calls.append(len(groups))
        names = ("Zelensky", "Sumy", "Rutte")
        return [[10.0 * sum(n in s for n in names) - 0.01 * len(s) for s in g] for g in groups]


def _same(a, b):
    assert [r.text for r in a] == [r.text for r in b]
    assert [[(e.line, e.start, e.end, e.replacement, e.applied) for e in r.edits] for r in a] == \
        [[(e.line, e.start, e.end, e.replacement, e.applied) for e in r.edits] for r in b]
    for ra, rb in zip(a, b):
        for ea, eb in zip(ra.edits, rb.edits):
            assert ea.score == pytest.approx(eb.score, abs=2e-3)


def test_repair_many_scores_the_first_pass_of_all_documents_in_one_call(news_glossary):
    config = RepairConfig()
    scorer = CountingScorer()
    repairer = Repairer(news_glossary, LMRanker(scorer, config.rank, config.max_context_chars), config)
    one_by_one = [repairer.repair(text, doc, source) for text, doc, source in DOCS]
    first_calls = len(scorer.calls)
    scorer.calls.clear()
    many = repairer.repair_many(DOCS)
    _same(many, one_by_one)
    assert any(r.applied for r in many)
    assert scorer.calls[0] > 1 and len(scorer.calls) < first_calls  # documents batched together


def test_repair_many_with_the_model_equals_repair(lm_repairer):
    _same(lm_repairer.repair_many(DOCS), [lm_repairer.repair(t, d, s) for t, d, s in DOCS])


def test_cached_prefix_scores_equal_whole_sentence_scores(lm_repairer):
    scorer = lm_repairer.ranker.scorer.windowed(None, None)  # no window: the whole sentence is scored
    groups = [["The attack on a third city.", "The attack on Sumy city.", "The attack on Sumy"],
              ["Mark Route said so.", "Mark Rutte said so."],
              ["Route 66", "Rutte 66 was long and winding, everyone said."]]
    cached = scorer.score_groups(groups)
    for group, values in zip(groups, cached):
        whole = scorer.score(group)
        for i in range(1, len(group)):
            assert values[i] - values[0] == pytest.approx(whole[i] - whole[0], abs=1e-3)


GROUPS = [["Russian missiles struck the third city of Ukraine on Sunday, officials in Kyiv said.",
           "Russian missiles struck the city of Sumy in Ukraine on Sunday, officials in Kyiv said.",
           "Russian missiles struck Sumy on Sunday, officials in Kyiv said."],
          ["NATO Secretary General Mark Route said the alliance would stand with Ukraine for as long as it takes.",
           "NATO Secretary General Mark Rutte said the alliance would stand with Ukraine for as long as it takes."]]


def test_window_keeps_the_named_tokens_around_the_difference(lm_repairer):
    scorer = lm_repairer.ranker.scorer.windowed(3, 2)
    whole = scorer.windowed(None, None)
    for group in GROUPS:
        prefix, tails = scorer.window(group)
        full_prefix, full_tails = whole.window(group)
        assert prefix == full_prefix[:1] + full_prefix[-3:]  # start token + the 3 tokens before the difference
        shared = min(len(a) - len(b) for a, b in zip(full_tails, tails))
        assert shared > 0  # the right context beyond 2 shared tokens was cut, the same for every alternative
        assert all(full[: len(t)] == t and len(full) - len(t) == shared for full, t in zip(full_tails, tails))
        ends = {tuple(t[-2:]) for t in tails}
        assert len(ends) == 1  # the 2 kept tokens after the last difference are shared


def test_windowed_scores_equal_a_plain_forward_of_the_window(lm_repairer):
    scorer = lm_repairer.ranker.scorer.windowed(4, 3)
    cached = scorer.score_groups(GROUPS)
    for group, values in zip(GROUPS, cached):
        prefix, tails = scorer.window(group)
        plain = scorer.score_ids([prefix + t for t in tails])
        for i in range(1, len(group)):
            assert values[i] - values[0] == pytest.approx(plain[i] - plain[0], abs=1e-3)


def test_repeated_groups_and_alternatives_score_once_with_the_same_values(lm_repairer):
    scorer = lm_repairer.ranker.scorer
    g = GROUPS[1]
    twice = scorer.score_groups([g, GROUPS[0], [g[1], g[0], g[1]], g])
    once = scorer.score_groups([g])[0]
    assert twice[0] == twice[3]  # one job
    assert twice[2][0] == twice[2][2]  # one row
    assert twice[0][1] - twice[0][0] == pytest.approx(once[1] - once[0], abs=1e-3)
    assert twice[2][1] - twice[2][0] == pytest.approx(once[0] - once[1], abs=1e-3)


@pytest.mark.model
def test_fix_score_window_option_repairs_with_the_windowed_scorer(tmp_path, monkeypatch, capsys, lm_repairer):
    """`retrans fix --score-window 3` runs the model on a 3-token window and still makes the seed's clear fixes."""
    from .reliability_helpers import run_main

    src = tmp_path / "in.txt"
    src.write_text("Mark Route emphasized that Walloudimir Zelnski would attend the summit.\n", encoding="utf-8")
    out, log = tmp_path / "out.txt", tmp_path / "edits.jsonl"
    code, _, err = run_main(["fix", src, "-o", out, "--edits", log, "--score-window", "3", "-q"], monkeypatch, capsys)
    assert code in (0, 1), err
    assert out.read_text(encoding="utf-8") == ("Mark Rutte emphasized that Volodymyr Zelensky would attend the "
                                               "summit.\n")
    code, _, err = run_main(["fix", src, "-o", tmp_path / "x.txt", "--score-window", "0"], monkeypatch, capsys)
    assert code == 2 and "--score-window" in err
