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
    scorer = lm_repairer.ranker.scorer
    groups = [["The attack on a third city.", "The attack on Sumy city.", "The attack on Sumy"],
              ["Mark Route said so.", "Mark Rutte said so."],
              ["Route 66", "Rutte 66 was long and winding, everyone said."]]
    cached = scorer.score_groups(groups)
    for group, values in zip(groups, cached):
        whole = scorer.score(group)
        for i in range(1, len(group)):
            assert values[i] - values[0] == pytest.approx(whole[i] - whole[0], abs=1e-3)
