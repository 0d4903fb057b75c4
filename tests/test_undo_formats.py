"""`retrans undo` on the document formats: the repaired file goes back to the input with the edit log."""

from __future__ import annotations

import json

import pytest

from .reliability_helpers import run_main
from .test_batch_formats import HTML, JSONL, MARKDOWN, SRT, XLIFF12

# Two fixes on one HTML line, in separate text runs: the second run's column moves in the output.
HTML_SHIFT = "<p>Walloudimir Zelnski met <i>Mark Route</i> in Soumy.</p>\n<p>Zelnski</p>\n"
MD_SHIFT = "Zelnski and *Mark Route* met in Soumy, then `x` and **Zelnski**.\n"
FILES = {"a.html": HTML, "b.html": HTML_SHIFT, "c.md": MARKDOWN, "d.md": MD_SHIFT, "e.srt": SRT,
         "f.jsonl": JSONL}


def _fix(tmp_path, monkeypatch, capsys, name, text, *extra):
    src = tmp_path / "in" / name
    src.parent.mkdir(exist_ok=True)
    src.write_bytes(text.encode("utf-8"))
    out_dir, log = tmp_path / "out", tmp_path / f"{name}.edits.jsonl"
    code, _, err = run_main(["fix", src, "--model", "none", "--no-fuzzy", "--out-dir", out_dir, "--edits", log,
                             "-q", *extra], monkeypatch, capsys)
    assert code in (0, 1), err
    return src, out_dir / name, log


@pytest.mark.parametrize("name", sorted(FILES))
def test_undo_restores_each_format_byte_for_byte(tmp_path, monkeypatch, capsys, name):
    extra = ("--field", "body.text") if name.endswith(".jsonl") else ()
    src, out, log = _fix(tmp_path, monkeypatch, capsys, name, FILES[name], *extra)
    applied = [json.loads(x) for x in log.read_text().splitlines() if '"applied": true' in x]
    assert applied and out.read_bytes() != src.read_bytes()  # something was repaired
    back = tmp_path / "back"
    code, _, err = run_main(["undo", out, "--edits", log, "-o", back, *extra], monkeypatch, capsys)
    assert code == 0, err
    assert back.read_bytes() == src.read_bytes()


def test_undo_restores_xliff_targets(tmp_path, monkeypatch, capsys):
    from retrans.formats.documents import get_format

    src, out, log = _fix(tmp_path, monkeypatch, capsys, "g.xlf", XLIFF12)
    back = tmp_path / "back.xlf"
    code, _, err = run_main(["undo", out, "--edits", log, "-o", back], monkeypatch, capsys)
    assert code == 0, err
    fmt = get_format("xliff")
    restored = [(s.id, s.text, s.source) for s in fmt.parse(back.read_text(), "x").segments]
    assert restored == [(s.id, s.text, s.source) for s in fmt.parse(XLIFF12, "x").segments]
    assert restored != [(s.id, s.text, s.source) for s in fmt.parse(out.read_text(), "x").segments]


def test_undo_refuses_an_html_file_changed_since(tmp_path, monkeypatch, capsys):
    src, out, log = _fix(tmp_path, monkeypatch, capsys, "b.html", HTML_SHIFT)
    out.write_text(out.read_text().replace("Mark Rutte", "Mark R."))
    code, _, err = run_main(["undo", out, "--edits", log, "-o", tmp_path / "back"], monkeypatch, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "does not match the edit log" in err
