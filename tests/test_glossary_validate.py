"""``retrans glossary validate``: every kind of problem, with file and line; exit codes."""

from __future__ import annotations

from retrans.validate import validate_files
from tests.conftest import DATA, ROOT
from tests.reliability_helpers import run_main

PROBLEMS = DATA / "glossary" / "problems.yaml"


def test_each_kind_of_problem_is_found_with_its_line():
    found = {(p.line, p.code, p.severity) for p in validate_files([str(PROBLEMS)])}
    assert found == {
        (7, "variant-is-canonical", "error"),  # Kyiv is kyiv's canonical and variant
        (7, "fix-loop", "error"),  # Kiev: a variant of kyiv and of kiev_oblast
        (8, "duplicate-id", "error"),
        (14, "unknown-key", "error"),  # colour
        (16, "fix-loop", "error"),
        (16, "empty-form", "error"),
        (17, "wrong-script", "error"),  # ru: Kyiv Oblast
        (21, "common-mistranslation", "warning"),  # "the third" without cues
    }


def test_shipped_news_glossary_is_clean():
    assert validate_files([str(ROOT / "glossaries" / "news.yaml")]) == []


def test_cross_file_fix_loop(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("version: 1\nentries:\n  - id: a\n    forms:\n      en: {canonical: Georgia}\n", encoding="utf-8")
    b.write_text("version: 1\nentries:\n  - id: b\n    forms:\n      en: {canonical: Sakartvelo, variants: "
                 "[Georgia]}\n", encoding="utf-8")
    (p,) = validate_files([str(a), str(b)])
    assert (p.path, p.line, p.code) == (str(b), 5, "fix-loop") and f"{a}:5" in p.message


def test_exit_codes(tmp_path, monkeypatch, capsys):
    code, out, err = run_main(["glossary", "validate", PROBLEMS], monkeypatch, capsys)
    assert code == 2 and f"{PROBLEMS}:8: error: duplicate entry id 'kyiv'" in out and "7 error(s)" in err
    warn = tmp_path / "w.yaml"
    warn.write_text("version: 1\nentries:\n  - id: s\n    forms:\n      en: {canonical: Sumy, mistranslations: "
                    "[third]}\n", encoding="utf-8")
    assert run_main(["glossary", "validate", warn], monkeypatch, capsys)[0] == 0
    assert run_main(["glossary", "validate", "--strict", warn], monkeypatch, capsys)[0] == 1
    assert run_main(["glossary", "validate", ROOT / "glossaries" / "news.yaml"], monkeypatch, capsys)[0] == 0
