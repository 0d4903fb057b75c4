"""The shipped per-language dev sets are well formed and their fixes come from the glossary."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("check_multilingual", ROOT / "corpora" / "dev" / "check_multilingual.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


@pytest.fixture(scope="module")
def glossary():
    from retrans.formats.glossary_yaml import read_glossary

    return read_glossary(check.GLOSSARY)


@pytest.mark.parametrize("lang", check.LANGS)
def test_dev_set_rows_are_well_formed_and_derivable(lang, glossary):
    problems, counts = check.check_lang(lang, glossary)
    assert problems == []
    assert counts["rows"] >= 40
    assert counts["clean"] >= 15


def test_check_rejects_a_repair_the_glossary_cannot_explain(tmp_path, glossary, monkeypatch):
    (tmp_path / "cs").mkdir()
    (tmp_path / "cs" / "dev.tsv").write_text(
        "id\torigin\tmt\tref\n"
        "cs-001\ten\tPodle prezidenta Zelenskyho válka pokračuje.\tPodle prezidenta Zelenského válka pokračuje.\n"
        "cs-002\ten\tPodle prezidenta Zelenskyho válka pokračuje.\tPodle premiéra Zelenského válka pokračuje.\n"
        "cs-003\ten\tPrší.\tPrší.\n", encoding="utf-8")
    monkeypatch.setattr(check, "HERE", tmp_path)
    problems, counts = check.check_lang("cs", glossary)
    assert (counts["error"], counts["clean"]) == (2, 1)
    assert len(problems) == 2
    assert "'premiéra'" in problems[0]  # a changed word that is no glossary name, by file and line
    assert ":3:" in problems[0] and ":4:" in problems[1] and "look-alike" in problems[1]


HELDOUT = ROOT / "corpora" / "heldout-ml"


@pytest.mark.parametrize("lang", check.LANGS)
def test_heldout_set_follows_the_dev_rules(lang, glossary):
    problems, counts = check.check_lang(lang, glossary, HELDOUT, "heldout.tsv")
    assert problems == []
    assert counts["rows"] >= 30
    assert counts["error"] >= 18 and counts["clean"] >= 10


@pytest.mark.parametrize("lang", check.LANGS)
def test_heldout_set_is_not_a_copy_of_the_dev_set(lang):
    _, dev = check.read_rows(ROOT / "corpora" / "dev" / lang / "dev.tsv")
    _, held = check.read_rows(HELDOUT / lang / "heldout.tsv")
    dev_text = {cell for row in dev for cell in row[2:]}
    assert not {row[2] for row in held} & dev_text
    assert not {row[0] for row in held} & {row[0] for row in dev}
