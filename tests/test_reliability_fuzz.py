"""The fuzz corpus (tests/fuzz/): every bad input gives one clear line, exit 2, nothing written.

Each corpus file has its expected message here; a file without one fails the suite,
so the corpus and its expectations cannot drift apart.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from retrans.apply import apply_edits
from retrans.records import Edit
from retrans.safety import revert_edits
from tests.conftest import DATA
from tests.reliability_helpers import FUZZ, assert_one_line_error, run_cli, run_main

# file -> fragments of its one-line error (":N:" pins the line)
TEXT_CASES = {
    "binary.png": ["binary file"],
    "nul_late.txt": [":601:", "binary file"],
    "invalid_utf8.txt": [":2:", "not valid utf-8", "byte 0xe9", "--encoding cp1252"],
    "truncated_utf8.txt": [":2:", "not valid utf-8"],
    "overlong_utf8.txt": [":2:", "not valid utf-8", "byte 0xc0"],
    "surrogate_utf8.txt": [":2:", "not valid utf-8", "byte 0xed"],
    "utf16_le_bom.txt": ["UTF-16", "--encoding utf-16"],
    "utf16_be_bom.txt": ["UTF-16", "--encoding utf-16"],
    "utf32_bom.txt": ["UTF-32"],
    "empty.txt": ["file is empty"],
    "whitespace_only.txt": ["file is empty"],
}
GLOSSARY_CASES = {
    "malformed.yaml": [":5:", "malformed YAML"],
    "bad_indent.yaml": [":4:", "malformed YAML"],
    "alias_bomb.yaml": [":2:", "aliases are not allowed"],
    "alias_entry.yaml": [":6:", "aliases are not allowed"],
    "python_object.yaml": [":4:", "'note'"],
    "python_name.yaml": [":3:", "python/name", "not allowed"],
    "custom_tag.yaml": [":3:", "tag '!entry' is not allowed"],
    "unknown_key.yaml": [":5:", "unknown entry key 'colour'"],
    "duplicate_id.yaml": [":5:", "duplicate entry id 'a'"],
    "no_entries.yaml": [":2:", "no entries"],
    "empty.yaml": ["file is empty"],
    "comments_only.yaml": ["glossary is empty"],
    "scalar_root.yaml": [":1:", "must be a mapping"],
    "deep_nesting.yaml": [":1:", "malformed YAML"],
    "binary.yaml": ["binary file"],
    "utf16.yaml": ["UTF-16", "convert it to UTF-8"],
    "invalid_utf8.yaml": [":4:", "not valid utf-8", "convert it to UTF-8"],
    "form_newline.yaml": [":4:", "control character '\\n'"],
    "form_nul.yaml": [":4:", "control character '\\x00'"],
    "form_invisible.yaml": [":4:", "no visible character"],
    "form_empty.yaml": [":4:", "is empty"],
    "list_as_form.yaml": [":4:", "must be a string"],
}


def test_every_corpus_file_has_an_expectation():
    for folder, cases in (("text", TEXT_CASES), ("glossary", GLOSSARY_CASES)):
        assert {p.name for p in (FUZZ / folder).iterdir()} == set(cases), folder


@pytest.mark.parametrize("name", sorted(TEXT_CASES))
def test_bad_text_input(name, tmp_path, monkeypatch, capsys):
    path, out, log = FUZZ / "text" / name, tmp_path / "out.txt", tmp_path / "edits.jsonl"
    code, stdout, err = run_main(["fix", path, "-g", DATA / "small.yaml", "--model", "none", "-o", out,
                                  "--edits", log], monkeypatch, capsys)
    assert_one_line_error(code, err, str(path), *TEXT_CASES[name])
    assert stdout == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", sorted(GLOSSARY_CASES))
def test_bad_glossary(name, tmp_path, monkeypatch, capsys):
    text = tmp_path / "in.txt"
    text.write_text("Khason and Zelnski\n", encoding="utf-8")
    path, out = FUZZ / "glossary" / name, tmp_path / "out.txt"
    code, stdout, err = run_main(["fix", text, "-g", path, "--model", "none", "-o", out], monkeypatch, capsys)
    assert_one_line_error(code, err, str(path), *GLOSSARY_CASES[name])
    assert stdout == "" and not out.exists()


def test_python_tags_run_nothing_in_a_real_process(tmp_path):
    marker = Path("/tmp/retrans-pwned")
    marker.unlink(missing_ok=True)
    text = tmp_path / "in.txt"
    text.write_text("Khason\n", encoding="utf-8")
    for name in ("python_object.yaml", "python_name.yaml", "alias_bomb.yaml"):
        r = run_cli("fix", text, "-g", FUZZ / "glossary" / name, "--model", "none")
        assert_one_line_error(r.returncode, r.stderr.decode(), name)
    assert not marker.exists()


def test_utf16_and_latin1_are_read_with_encoding(tmp_path, monkeypatch, capsys):
    """The hint works: with --encoding the same files are repaired, and written back in their encoding."""
    for name, enc in (("utf16_le_bom.txt", "utf-16"), ("invalid_utf8.txt", "cp1252")):
        out = tmp_path / name
        code, _, err = run_main(["fix", FUZZ / "text" / name, "-g", DATA / "small.yaml", "--model", "none",
                                 "--encoding", enc, "-o", out, "-q"], monkeypatch, capsys)
        assert code == 0, err
        assert out.read_bytes() == (FUZZ / "text" / name).read_bytes()  # nothing to fix in them
    code, _, err = run_main(["fix", FUZZ / "text" / "invalid_utf8.txt", "--encoding", "nonsense-8",
                             "-g", DATA / "small.yaml", "--model", "none"], monkeypatch, capsys)
    assert_one_line_error(code, err, "unknown encoding 'nonsense-8'")


ADVERSARIAL = FUZZ / "adversarial"


def test_adversarial_forms_match_literally_and_round_trip(tmp_path, monkeypatch, capsys):
    """Regex metacharacters, zero-width, combining and bidi marks in forms: matched as literal text only,
    never across a line, and the edit log takes the output back to the input exactly."""
    src = ADVERSARIAL / "forms.txt"
    out, log, back = tmp_path / "out.txt", tmp_path / "edits.jsonl", tmp_path / "back.txt"
    code, _, err = run_main(["fix", src, "-g", ADVERSARIAL / "forms.yaml", "--model", "none", "-o", out,
                             "--edits", log, "-q"], monkeypatch, capsys)
    assert code == 0, err
    text, fixed = src.read_text(encoding="utf-8"), out.read_text(encoding="utf-8")
    edits = [Edit.from_dict(json.loads(x)) for x in log.read_text(encoding="utf-8").splitlines()]
    originals = {e.original for e in edits if e.applied}
    assert {"R.*x", "(a|b)+", "[Zz]elnski", "x\\d", "^Start$", "a?b", "Zi\u200bwi", "Zi\u200dwy",
            "Zelen\u0301ski", "Ze\u0300lnski", "\u200fTeheran", "Tehr\u202ean\u202c", "Mark Route"} <= originals
    # literal only: what a regex would have matched is untouched
    for kept in ("Rex or Zelnski", "x5", "RomaxR and aab and ab stay", "Zi\u200b\u200bwi",
                 "Zelen\u0301\u0301ski", "Zelenski.", "Route 66"):
        assert kept in fixed, kept
    assert fixed.count("\n") == text.count("\n") and fixed.count("\r") == text.count("\r")
    for e in edits:
        line = text.split("\n")[e.line - 1]
        assert line[e.start:e.end] == e.original and "\n" not in e.replacement
    assert apply_edits(text, edits) == fixed
    assert revert_edits(fixed, edits) == text
    code, _, err = run_main(["undo", out, "--edits", log, "-o", back], monkeypatch, capsys)
    assert code == 0, err
    assert back.read_bytes() == src.read_bytes()


# TBX and CSV glossaries: the importers (retrans/formats/tbx.py, csv_glossary.py) are another engineer's;
# these tests run when the modules are there. Fragments: any one of them must be in the message.
TBX_CASES = {
    "xxe_file.tbx": ["DOCTYPE", "entit"],
    "xxe_network.tbx": ["DOCTYPE", "entit"],
    "external_dtd.tbx": ["DOCTYPE", "DTD"],
    "parameter_entity.tbx": ["DOCTYPE", "entit"],
    "billion_laughs.tbx": ["DOCTYPE", "entit", "amplification"],
    "malformed.tbx": [":5:"],
    "not_xml.tbx": ["malformed XML", "not a TBX"],
}
CSV_CASES = {
    "wrong_columns.csv": [":3:"],
    "unclosed_quote.csv": [":2:"],
    "binary.csv": ["binary"],
    "empty.csv": ["empty"],
    "header_only.csv": ["no rows", "empty"],
}


def _module(name: str):
    return importlib.util.find_spec(f"retrans.formats.{name}")


def _refused(reader, path: Path, fragments: list[str]) -> None:
    from retrans.errors import RetransError

    with pytest.raises(RetransError) as info:
        reader(path)
    message = info.value.oneline()
    assert str(path) in message and "\n" not in message
    assert any(f in message for f in fragments), message
    assert "root:" not in message  # /etc/passwd never leaks into a message


@pytest.mark.skipif(_module("tbx") is None, reason="retrans.formats.tbx is not written yet")
@pytest.mark.parametrize("name", sorted(TBX_CASES))
def test_hostile_tbx_is_refused_without_reading_entities(name):
    from retrans.formats import tbx

    _refused(tbx.read_tbx, FUZZ / "tbx" / name, TBX_CASES[name])


@pytest.mark.skipif(_module("csv_glossary") is None, reason="retrans.formats.csv_glossary is not written yet")
@pytest.mark.parametrize("name", sorted(CSV_CASES))
def test_malformed_csv_is_refused_with_its_line(name):
    from retrans.formats import csv_glossary

    _refused(csv_glossary.read_csv_glossary, FUZZ / "csv" / name, CSV_CASES[name])


def test_tbx_and_csv_corpus_is_complete():
    assert {p.name for p in (FUZZ / "tbx").iterdir()} == set(TBX_CASES)
    assert {p.name for p in (FUZZ / "csv").iterdir()} == set(CSV_CASES)
