"""In-place glossary edits through the CLI: comments, order and formatting are kept; writes are atomic."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from retrans.cli import app
from retrans.errors import RetransError
from retrans.formats.glossary_yaml import read_glossary
from tests.conftest import DATA

runner = CliRunner()
SOURCE = DATA / "glossary" / "commented.yaml"


@pytest.fixture()
def gfile(tmp_path):
    path = tmp_path / "g.yaml"
    shutil.copy(SOURCE, path)
    return path


def _comments(text: str) -> list[str]:
    return [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]


def run(*args):
    return runner.invoke(app, ["glossary", *map(str, args)])


def test_add_variant_changes_one_line_only(gfile):
    before = gfile.read_text(encoding="utf-8")
    r = run("add-variant", "mark_rutte", "Mark Root", "Mark Rote", "-g", gfile)
    assert r.exit_code == 0, r.output
    after = gfile.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [("        variants: [Mark Route]   # Persian روته",
                        "        variants: [Mark Route, Mark Root, Mark Rote] # Persian روته")]
    assert read_glossary(gfile)["mark_rutte"].forms["en"].variants == ("Mark Route", "Mark Root", "Mark Rote")


def test_add_set_rm_keep_every_comment(gfile):
    comments = _comments(SOURCE.read_text(encoding="utf-8"))
    assert run("add", "kharkiv", "--canonical", "Kharkiv", "--variant", "Kharkov", "--kind", "place",
               "-g", gfile).exit_code == 0
    assert run("add", "sumy", "--lang", "de", "--canonical", "Sumy", "-g", gfile).exit_code == 0
    assert run("set", "sumy", "--note", "a city", "--cue", "oblast", "-g", gfile).exit_code == 0
    assert run("rm", "mark_rutte", "--lang", "de", "-g", gfile).exit_code == 0
    assert run("rm", "sumy", "-g", gfile).exit_code == 0
    text = gfile.read_text(encoding="utf-8")
    assert _comments(text) == comments[:2] + comments[3:] or _comments(text) == comments
    assert "# ---- the end: this comment introduces kyiv" in text
    g = read_glossary(gfile)
    assert [e.id for e in g] == ["mark_rutte", "kyiv", "kharkiv"]
    assert g["kharkiv"].forms["en"].variants == ("Kharkov",) and g["kharkiv"].kind == "place"
    assert list(g["mark_rutte"].forms) == ["en"]
    assert "\n\n  - id: kharkiv\n" in text  # a new entry comes after a blank line, in the file's indentation


def test_set_replaces_lists_and_keeps_key_order(gfile):
    assert run("set", "sumy", "--canonical", "Sumy City", "--variant", "Soumi", "--clear", "cues",
               "-g", gfile).exit_code == 0
    f = read_glossary(gfile)["sumy"].forms["en"]
    assert (f.canonical, f.variants, f.cues, f.mistranslations) == ("Sumy City", ("Soumi",), (), ("third",))


def test_refused_edits_leave_the_file_untouched(gfile):
    before = gfile.read_bytes()
    r = run("add-variant", "kyiv", "Sumy", "-g", gfile)  # another entry's canonical: a fix loop
    assert isinstance(r.exception, RetransError) and "fix loop" in str(r.exception)
    r = run("add", "sumy", "--canonical", "Sumy", "-g", gfile)  # sumy.en exists
    assert isinstance(r.exception, RetransError) and "already has forms" in str(r.exception)
    r = run("set", "nope", "--kind", "place", "-g", gfile)
    assert isinstance(r.exception, RetransError) and "no entry" in str(r.exception)
    r = run("add", "Bad Id", "--canonical", "X", "-g", gfile)  # the strict reader refuses the result
    assert isinstance(r.exception, RetransError)
    assert gfile.read_bytes() == before
    assert [p.name for p in gfile.parent.iterdir()] == ["g.yaml"]  # no temporary file left behind


def test_unchanged_news_glossary_round_trips_byte_for_byte(tmp_path):
    from retrans.glossary_edit import edit_text
    from tests.conftest import ROOT

    text = (ROOT / "glossaries" / "news.yaml").read_text(encoding="utf-8")
    new, _ = edit_text(text, "news.yaml", lambda doc: None)
    assert new == text
