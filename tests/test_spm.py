"""retrans score --tokenize spm: the shipped SentencePiece model, offline, named in the signature."""

from __future__ import annotations

import hashlib
import json

from sacrebleu.metrics import BLEU
from typer.testing import CliRunner

from retrans.cli import app
from retrans.spm import DEFAULT_MODEL, load_tokenizer, spm_corpus_scores
from tests.conftest import SEED

REF = SEED.with_suffix(".ref.txt")


def test_shipped_model_is_small_and_covers_the_glossary_scripts():
    assert DEFAULT_MODEL.stat().st_size < 1_000_000
    tok = load_tokenizer()
    assert tok.name == "spm-" + hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest()[:12]
    assert tok("Mark Rutte in Kyiv") == "▁Mark ▁Rutte ▁in ▁Kyiv"
    for text in ("زلنسکی در سومی", "泽连斯基", "Зеленський"):
        pieces = tok(text).split()
        assert pieces and "<unk>" not in pieces


def test_spm_scores_equal_sacrebleu_on_pretokenised_text():
    tok = load_tokenizer()
    hyp = ["Zelnski met Rutte in Kyiv", "the third city"]
    ref = ["Zelensky met Rutte in Kyiv", "the city of Sumy"]
    ours = spm_corpus_scores(hyp, [ref], tok)
    theirs = BLEU(tokenize="none").corpus_score([tok(h) for h in hyp], [[tok(r) for r in ref]]).score
    assert ours["BLEU"]["score"] == round(theirs, 4)
    assert f"tok:{tok.name}" in ours["BLEU"]["signature"]
    assert f"pretok:{tok.name}" in ours["TER"]["signature"]


def test_cli_score_tokenize_spm(tmp_path):
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(REF.read_text(encoding="utf-8"), encoding="utf-8")
    res = CliRunner().invoke(app, ["score", "--tokenize", "spm", "--ref", str(REF), str(SEED), str(fixed),
                                   "--samples", "100", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["systems"][str(fixed)]["BLEU"]["score"] == 100.0
    assert out["systems"][str(SEED)]["BLEU"]["score"] < 100.0
    assert "tok:spm-" in out["systems"][str(SEED)]["BLEU"]["signature"]
    assert out["significance"]["systems"][str(fixed)]["BLEU"]["p_value"] < 0.05
    bad = CliRunner().invoke(app, ["score", "--tokenize", "spm", "--spm-model", str(SEED), "--ref", str(REF),
                                   str(SEED)])
    assert bad.exit_code != 0
