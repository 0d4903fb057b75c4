"""The HTML report: self-contained, every edit shown, escaped; retrans report rebuilds it from a log."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from retrans.cli import app
from retrans.pipeline import DocumentResult
from retrans.records import Edit, RunSignature
from retrans.report import render_report, write_report
from tests.conftest import SEED

SIG = RunSignature("0.1.0", "abc123", "lm:gemma3-270m", "en", "0/1")


def small_doc():
    text = "Mark Route met <b>Zelnski</b> in the third city.\nNo change."
    edits = (Edit("d.txt", 1, 0, 10, "Mark Route", "Mark Rutte", "mark_rutte", "variant", 26.5, True, None, 17.5,
                  {"prior": 4.0}),
             Edit("d.txt", 1, 37, 42, "third", "Sumy", "sumy", "mistranslation", -5.2, False, "the Sumy", -3.0, {}))
    out = "Mark Rutte met <b>Zelnski</b> in the third city.\nNo change."
    return ("d.txt", text, DocumentResult("d.txt", out, edits))


def test_report_is_self_contained_and_escaped(tmp_path):
    page = render_report([small_doc()], SIG, metrics={"BLEU": (90.0, 95.0)})
    assert "<b>Zelnski</b>" not in page and "&lt;b&gt;Zelnski&lt;/b&gt;" in page
    assert not re.search(r"(src|href)=['\"]?https?:", page) and "http://" not in page.replace(
        "http://www.w3.org/2000/svg", "")
    assert page.count("<svg") == 3 and SIG.format() in page
    assert "<del class='m' data-i='0'" in page and ">Mark Rutte</ins>" in page
    assert "<mark class='m sugg' data-i='1'" in page and "runner-up: the Sumy" in page
    payload = re.search(r"<script type='application/json' id='edits'>(.*?)</script>", page, re.S).group(1)
    assert [Edit.from_dict(d) for d in json.loads(payload)] == list(small_doc()[2].edits)
    path = tmp_path / "r.html"
    write_report(path, [small_doc()], SIG)
    assert path.read_text(encoding="utf-8").count("<svg") == 2  # no metrics, no metrics plot


def test_cli_report_from_edit_log(seed_result, tmp_path):
    log = tmp_path / "edits.jsonl"
    log.write_text("".join(json.dumps(e.to_dict()) + "\n" for e in seed_result.edits), encoding="utf-8")
    out = tmp_path / "report.html"
    res = CliRunner().invoke(app, ["report", "--edits", str(log), str(SEED), "-o", str(out),
                                   "--ref", str(SEED.with_suffix(".ref.txt"))])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert page.count("<ins class='m'") == sum(e.applied for e in seed_result.edits)
    assert page.count("<svg") == 3
    direct = render_report([(str(SEED), SEED.read_text(encoding="utf-8"), seed_result)],
                           RunSignature("0.1.0", "unknown", "unknown", "unknown", "unknown"),
                           source=f"edit log {log.name}")
    assert page.split("<section class='doc'")[1] == direct.split("<section class='doc'")[1]
    stray = tmp_path / "other.txt"
    stray.write_text("x\n", encoding="utf-8")
    bad = CliRunner().invoke(app, ["report", "--edits", str(log), str(stray), "-o", str(tmp_path / "x.html")])
    assert bad.exit_code != 0 and not (tmp_path / "x.html").exists()
