"""Glossary interchange formats: round trips, a hand-written TBX-Basic file, hostile input."""

from __future__ import annotations

import pytest

from retrans.errors import FormatError, RetransError
from retrans.formats.csv_glossary import CsvOptions, dumps_csv, parse_csv, read_csv_glossary
from retrans.formats.glossary_yaml import parse_glossary
from retrans.formats.json_glossary import dumps_json, parse_json
from retrans.formats.tbx import dumps_tbx, parse_tbx, read_tbx
from retrans.formats.yaml_dump import dumps_yaml, scalar
from retrans.glossary import Entry, Forms, Glossary
from tests.conftest import DATA

GDATA = DATA / "glossary"


def _dicts(g: Glossary) -> list[dict]:
    return [e.to_dict() for e in g]


def test_yaml_to_tbx_to_yaml_loses_nothing(news_glossary):
    back = parse_tbx(dumps_tbx(news_glossary), "x.tbx")
    assert _dicts(back) == _dicts(news_glossary)
    again = parse_glossary(dumps_yaml(back), "x.yaml")
    assert _dicts(again) == _dicts(news_glossary)


def test_yaml_to_csv_table_to_yaml_loses_nothing(news_glossary):
    back = parse_csv(dumps_csv(news_glossary), "x.csv")
    assert _dicts(back) == _dicts(news_glossary)
    tsv = dumps_csv(news_glossary, CsvOptions(delimiter="\t"))
    assert _dicts(parse_csv(tsv, "x.tsv", CsvOptions(delimiter="\t"))) == _dicts(news_glossary)


def test_terms_dialect_carries_canonical_forms_and_notes(news_glossary):
    text = dumps_csv(news_glossary, CsvOptions(dialect="terms"))
    assert text.splitlines()[0].split(",")[:2] == news_glossary.languages()[:2]
    back = parse_csv(text, "x.csv")
    assert len(back) == len(news_glossary)
    for a, b in zip(news_glossary, back):
        assert {k: f.canonical for k, f in a.forms.items()} == {k: f.canonical for k, f in b.forms.items()}
        assert a.note == b.note


def test_pairs_dialect_same_language_is_a_fix_list(news_glossary):
    opts = CsvOptions(dialect="pairs", source_lang="en", target_lang="en")
    back = parse_csv(dumps_csv(news_glossary, opts), "x.csv", opts)
    ours = {e.forms["en"].canonical: set(e.forms["en"].variants) for e in news_glossary if e.forms["en"].variants}
    theirs = {e.forms["en"].canonical: set(e.forms["en"].variants) for e in back}
    assert theirs == ours


def test_deepl_and_amazon_files_import():
    deepl = read_csv_glossary(GDATA / "pairs_deepl.csv", CsvOptions(source_lang="de", target_lang="en"))
    assert [(e.forms["de"].canonical, e.forms["en"].canonical) for e in deepl][0] == ("Selenskyj", "Zelensky")
    assert [e.id for e in deepl] == ["zelensky", "volodymyr_zelensky", "kharkiv"]
    amazon = read_csv_glossary(GDATA / "terms_amazon.csv")
    assert amazon["kharkiv"].forms["uk"].canonical == "Харків"
    assert amazon["mark_rutte"].forms["de"].canonical == "Mark Rutte"
    with pytest.raises(FormatError, match="--source-lang"):
        read_csv_glossary(GDATA / "pairs_deepl.csv")


def test_json_round_trip(news_glossary):
    assert _dicts(parse_json(dumps_json(news_glossary), "x.json")) == _dicts(news_glossary)
    with pytest.raises(RetransError, match=r"x.json:2: malformed JSON"):
        parse_json('{"version": 1,\n "entries": [}', "x.json")


def test_hand_written_tbx_basic_imports():
    g = read_tbx(GDATA / "basic.tbx")
    assert [e.id for e in g] == ["c0001", "c0002"]
    kharkiv, rutte = g["c0001"], g["c0002"]
    assert kharkiv.forms["en"] == Forms("Kharkiv", variants=("Kharkov", "Charkiw"))
    assert kharkiv.forms["uk"].canonical == "Харків" and kharkiv.forms["de"].canonical == "Charkiw"
    assert kharkiv.note == "subject field: politics" and kharkiv.kind == "other"
    assert rutte.forms["en"] == Forms("Mark Rutte", variants=("Mark Route",), admitted=("Rutte",))
    assert rutte.note == "Secretary General of NATO since 2024."
    assert rutte.source.endswith("basic.tbx:42")


@pytest.mark.parametrize("body, message", [
    ("<tbx><text><body/></text></tbx>", "no conceptEntry"),
    ("<root/>", "not a TBX file"),
    ('<tbx><text><body><conceptEntry id="a"><langSec xml:lang="en"><termSec><term>X</term><termNote '
     'type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec></langSec></conceptEntry></body>'
     "</text></tbx>", "no preferred or admitted term"),
    ('<tbx><text><body><conceptEntry id="a"><langSec xml:lang="English"><termSec><term>X</term></termSec>'
     "</langSec></conceptEntry></body></text></tbx>", "not a language code"),
])
def test_bad_tbx_is_a_format_error(body, message):
    with pytest.raises(FormatError, match=message):
        parse_tbx(body.encode(), "bad.tbx")


def test_entity_declarations_are_refused_without_expansion():
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY x "boom">]>\n<tbx><text><body><conceptEntry id="a">'
            b'<langSec xml:lang="en"><termSec><term>&x;</term></termSec></langSec></conceptEntry></body></text></tbx>')
    with pytest.raises(FormatError, match="DOCTYPE") as info:
        parse_tbx(data, "e.tbx")
    assert "boom" not in str(info.value)


@pytest.mark.parametrize("text, line, message", [
    ("id,lang,canonical\na,en,Kyiv\nb,en\n", 3, "2 columns"),
    ("id,lang,canonical\nA B,en,Kyiv\n", 2, "id 'A B'"),
    ("id,lang,canonical\na,english,Kyiv\n", 2, "not a language code"),
    ("id,lang,canonical,colour\na,en,Kyiv,red\n", 1, "unknown column"),
    ("id,lang,canonical\na,en,Kyiv\na,en,Kiev\n", 3, "two rows"),
    ('en,de\n"Kyiv,Kiew\n', 2, "malformed CSV"),
])
def test_bad_csv_names_its_line(text, line, message):
    with pytest.raises(FormatError, match=message) as info:
        parse_csv(text, "bad.csv")
    assert info.value.line == line


def test_yaml_dump_quotes_what_yaml_would_misread():
    odd = ["yes", "No", "1+1 Media", "#hash", "a: b", "- dash", "[x]", "O'Neill", 'say "hi"', "Kyiv, Ukraine", "null"]
    g = Glossary([Entry("odd", "other", "note: with colon", {"en": Forms("Canonical", tuple(odd))})])
    back = parse_glossary(dumps_yaml(g), "odd.yaml")
    assert _dicts(back) == _dicts(g)
    assert scalar("Kyiv") == "Kyiv" and scalar("yes") == '"yes"'
