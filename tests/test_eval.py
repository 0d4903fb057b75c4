"""retrans eval: ERRANT-style edit P/R/F0.5 per kind and entry, term accuracy, CLI and errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from retrans.cli import app
from retrans.errors import FormatError
from retrans.evaluate import (
    count_form,
    evaluate_edits,
    read_edit_log,
    term_accuracy,
)
from retrans.records import Edit
from retrans.score import diff_edits
from tests.conftest import SEED

GOLD = SEED.with_suffix(".gold.jsonl")
REF = SEED.with_suffix(".ref.txt")
MT = "Mark Route met Zelnski in the third city.\nNo change here."
REF_TEXT = "Mark Rutte met Zelensky in the city of Sumy.\nNo change here."


def gold_for(mt: str, ref: str, doc: str) -> list[Edit]:
    lines = mt.split("\n")
    return [Edit(doc, e.line, e.start, e.end, lines[e.line - 1][e.start:e.end], e.replacement, "", "other",
                 float("nan"), True) for e in diff_edits(mt, ref, doc)]


def test_system_edits_are_normalised_before_matching():
    # "the third city" -> "the city of Sumy" is compared as its minimal token edit "third city." -> "city of Sumy."
    hyp = [Edit("d.txt", 1, 0, 10, "Mark Route", "Mark Rutte", "mark_rutte", "variant", 26.0, True),
           Edit("d.txt", 1, 26, 40, "the third city", "the city of Sumy", "sumy", "mistranslation", 7.0, True),
           Edit("d.txt", 1, 15, 22, "Zelnski", "Zelensky", "volodymyr_zelensky", "variant", -1.0, False)]
    ev = evaluate_edits(gold_for(MT, REF_TEXT, "d.txt"), hyp, {"d.txt": MT})
    assert (ev.exact.tp, ev.exact.fp, ev.exact.fn) == (2, 0, 1)  # the suggestion is not applied: a miss
    assert [(e.start, e.replacement) for e in ev.hyp if e.kind == "mistranslation"] == [(30, "city of Sumy.")]
    assert ev.by_kind["variant"].tp == 1 and ev.by_kind["variant"].fn == 1  # gold borrows the suggestion's kind
    assert ev.by_entry["volodymyr_zelensky"].recall == 0.0
    assert ev.outputs["d.txt"] == "Mark Rutte met Zelnski in the city of Sumy.\nNo change here."


def test_span_only_counts_a_wrong_replacement_as_found():
    hyp = [Edit("d.txt", 1, 5, 10, "Route", "Rute", "mark_rutte", "variant", 3.0, True)]
    ev = evaluate_edits(gold_for(MT, REF_TEXT, "d.txt"), hyp, {"d.txt": MT})
    assert ev.exact.tp == 0 and ev.exact.fp == 1
    assert ev.span.tp == 1 and ev.span.fp == 0


def test_documents_match_by_base_name_and_outputs_rebuild():
    hyp = [Edit("some/dir/d.txt", 1, 5, 10, "Route", "Rutte", "mark_rutte", "variant", 3.0, True)]
    ev = evaluate_edits(gold_for(MT, REF_TEXT, "d.txt"), hyp, {"d.txt": MT})
    assert ev.exact.tp == 1 and list(ev.outputs) == ["d.txt"]


def test_term_accuracy_counts_reference_terms(news_glossary):
    refs = ["Volodymyr Zelensky met Mark Rutte in Kyiv.", "No names."]
    total, per = term_accuracy(news_glossary, "en", refs, ["Zelnski met Mark Rutte in kyiv.", "No names."])
    assert total.total == 3 and total.exact == 1 and total.ci == 2
    assert per["kyiv"].exact == 0 and per["kyiv"].ci == 1
    assert term_accuracy(news_glossary, "en", refs, refs)[0].accuracy == 1.0
    assert count_form("Sumy", "Sumy's Sumyland Sumy") == 2


def test_read_edit_log_names_file_and_line(tmp_path):
    bad = tmp_path / "e.jsonl"
    good = json.dumps({"doc": "d", "line": 1, "start": 0, "end": 1, "original": "a", "replacement": "b",
                       "entry": "x", "kind": "variant", "score": 1.0, "applied": True})
    bad.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"e\.jsonl:2: not JSON"):
        read_edit_log(bad)
    bad.write_text(good + "\n" + good.replace('"line": 1', '"line": "x"') + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r":2: field 'line' must be a int"):
        read_edit_log(bad)
    bad.write_text(good.replace('"doc"', '"colour": 1, "doc"') + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r":1: unknown edit field"):
        read_edit_log(bad)


def test_whole_line_edits_that_reach_the_reference_match_the_gold_exactly():
    gold = read_edit_log(GOLD)
    mt, ref = SEED.read_text(encoding="utf-8").split("\n"), REF.read_text(encoding="utf-8").split("\n")
    hyp = [Edit(SEED.name, n, 0, len(a), a, b, "x", "variant", 1.0, True)
           for n, (a, b) in enumerate(zip(mt, ref), 1) if a != b]
    ev = evaluate_edits(gold, hyp, {SEED.name: "\n".join(mt)})
    assert ev.exact.f() == 1.0 and ev.exact.tp == len(gold) > 10
    assert ev.outputs[SEED.name] == "\n".join(ref)


def test_cli_eval_on_seed_result(seed_result, tmp_path):
    log = tmp_path / "edits.jsonl"
    log.write_text("".join(json.dumps(e.to_dict()) + "\n" for e in seed_result.edits), encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", "--gold", str(GOLD), "--edits", str(log), "--ref", str(REF),
                                   "--samples", "200", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    exact = out["edits"]["exact"]
    assert exact["precision"] >= 0.8 and exact["recall"] >= 0.7  # measured: 0.889 / 0.800
    assert out["edits"]["by_kind"]["variant"]["f0.5"] == 1.0
    assert out["scores"]["BLEU"]["after"] > out["scores"]["BLEU"]["before"]
    assert out["scores"]["chrF"]["p_value"] < 0.05
    assert out["terms"]["after"]["accuracy"] > out["terms"]["before"]["accuracy"]
    assert out["chrf_by_doc"][0]["doc"] == SEED.name
    assert out["signature"].startswith("gold:")
    table = CliRunner().invoke(app, ["eval", "--gold", str(GOLD), "--edits", str(log)])
    assert table.exit_code == 0 and "all (exact)" in table.output and "kind: variant" in table.output


def test_cli_eval_bad_input_exits_2(tmp_path):
    log = tmp_path / "edits.jsonl"
    log.write_text('{"doc": "000_c47c7fd5e8793407.txt", "line": 1, "start": 0, "end": 3, "original": "xyz", '
                   '"replacement": "b"}\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "retrans", "eval", "--gold", str(GOLD), "--edits", str(log)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("retrans: error: ") and "edits.jsonl" in proc.stderr
    assert "Traceback" not in proc.stderr
    missing = subprocess.run([sys.executable, "-m", "retrans", "eval", "--gold", str(tmp_path / "nope.jsonl"),
                              "--edits", str(log)], capture_output=True, text=True)
    assert missing.returncode == 2 and "nope.jsonl: no such file" in missing.stderr
