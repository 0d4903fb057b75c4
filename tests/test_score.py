"""Scores equal sacrebleu's own; edit comparison counts like ERRANT's compare_m2."""

from __future__ import annotations

import json
import subprocess
import sys

from sacrebleu.metrics import BLEU, CHRF, TER

from retrans.score import compare_edits, corpus_scores, diff_edits, paired_significance
from tests.conftest import SEED

REF = SEED.with_suffix(".ref.txt")


def lines(path):
    return [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines()]


def test_corpus_scores_equal_sacrebleu_api():
    hyp, ref = lines(SEED), lines(REF)
    ours = corpus_scores(hyp, [ref])
    assert ours["BLEU"]["score"] == round(BLEU().corpus_score(hyp, [ref]).score, 4)
    assert ours["chrF"]["score"] == round(CHRF().corpus_score(hyp, [ref]).score, 4)
    assert ours["TER"]["score"] == round(TER().corpus_score(hyp, [ref]).score, 4)
    assert ours["BLEU"]["signature"].startswith("nrefs:1|case:mixed|eff:no|tok:13a")


def test_cli_score_matches_sacrebleu_cli(tmp_path):
    ours = subprocess.run([sys.executable, "-m", "retrans", "score", "--ref", str(REF), str(SEED), "--json"],
                          capture_output=True, text=True, check=True)
    got = json.loads(ours.stdout)["systems"][str(SEED)]
    theirs = subprocess.run([sys.executable, "-m", "sacrebleu", str(REF), "-i", str(SEED), "-m", "bleu", "chrf",
                             "ter", "-b", "-w", "4"], capture_output=True, text=True, check=True)
    expected = json.loads(theirs.stdout)
    assert [got["BLEU"]["score"], got["chrF"]["score"], got["TER"]["score"]] == expected


def test_significance_of_a_better_system():
    ref = [f"the city of Sumy number {i} was hit" for i in range(40)]
    base = [f"the third city number {i} was hit" for i in range(40)]
    fixed = list(ref)
    res = paired_significance([("base", base), ("fixed", fixed)], [ref], n_samples=200)
    assert res["systems"]["fixed"]["BLEU"]["p_value"] < 0.05
    assert res["systems"]["fixed"]["BLEU"]["score"] > res["systems"]["base"]["BLEU"]["score"]
    assert "seed:12345" in res["signatures"]["BLEU"]


def test_edit_comparison_counts_tp_fp_fn():
    mt = "Mark Route met Zelnski in the third city.\nNo change here."
    gold = diff_edits(mt, "Mark Rutte met Zelensky in the city of Sumy.\nNo change here.")
    hyp = diff_edits(mt, "Mark Rutte met Zelnski in the Sumy city.\nNo change here.")
    prf = compare_edits(gold, hyp)
    assert (prf.tp, prf.fp, prf.fn) == (1, 1, 2)
    assert prf.precision == 0.5
    assert compare_edits(gold, gold).f() == 1.0
