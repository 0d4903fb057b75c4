"""Reference-free scores: suspects per 1,000 words, shares fixed and uncertain, confidence."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from retrans.cli import app
from retrans.config import RankConfig
from retrans.noref import NoRefScore, count_words, rate, worst_first
from retrans.records import Edit, Span
from tests.conftest import SEED


def edit(score: float, applied: bool, kind: str = "mistranslation") -> Edit:
    return Edit("d", 1, 0, 5, "third", "Sumy", "sumy", kind, score, applied)


def test_rate_counts_and_confidence():
    spans = [Span(1, 0, 5, "third", "sumy", "mistranslation", "third")] * 4
    margins = RankConfig(margin_variant=0.0, margin_mistranslation=1.0)
    s = rate("d", "word " * 200, spans, [edit(9.0, True), edit(-3.0, False), edit(-20.0, False),
                                        edit(1.0, True)], margins)
    assert s.words == 200 and s.per_1000 == 20.0
    assert s.share_fixed == 0.5 and s.uncertain == 1  # -3 is within 8 nats of the margin, -20 is not
    assert 0 < s.confidence < 1
    right_at_margin = rate("d", "a b", spans[:1], [edit(1.0, True)], margins)
    assert right_at_margin.confidence == 0.0
    assert rate("d", "a b", [], []).confidence is None


def test_worst_first_and_words_in_any_script():
    a, b = NoRefScore("a", 100, 1, 0, 0, None), NoRefScore("b", 100, 5, 0, 0, None)
    assert [s.doc for s in worst_first([a, b])] == ["b", "a"]
    assert count_words("زلنسکی در سومی؛ 泽连斯基 Kyiv's") == 6


def test_cli_no_ref_with_edit_log(seed_result, tmp_path):
    log = tmp_path / "edits.jsonl"
    log.write_text("".join(json.dumps(e.to_dict()) + "\n" for e in seed_result.edits), encoding="utf-8")
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(seed_result.text, encoding="utf-8")
    res = CliRunner().invoke(app, ["score", "--no-ref", str(SEED), str(fixed), "--edits", str(log), "--json"])
    assert res.exit_code == 0, res.output
    docs = json.loads(res.output)["documents"]
    assert docs[0]["doc"] == str(SEED)  # the MT text is the more broken one
    assert docs[0]["fixed"] == sum(e.applied for e in seed_result.edits)
    assert docs[1]["suspects"] < docs[0]["suspects"]
    bad = CliRunner().invoke(app, ["score", "--no-ref", "--ref", str(SEED), str(SEED)])
    assert bad.exit_code == 2
