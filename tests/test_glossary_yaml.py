"""The YAML glossary format: what loads, and the one-line errors for what does not."""

from __future__ import annotations

import pytest

from retrans.errors import GlossaryError
from retrans.formats.glossary_yaml import parse_glossary, read_glossary


def test_small_glossary_loads_every_field(small_glossary):
    sumy = small_glossary["sumy"]
    assert sumy.kind == "place"
    assert sumy.forms["en"].canonical == "Sumy"
    assert sumy.forms["en"].variants == ("Soumy",)
    assert sumy.forms["en"].mistranslations == ("third",)
    assert "city" in sumy.forms["en"].cues
    assert sumy.forms["fa"].canonical == "سومی"
    assert small_glossary.languages() == ["de", "en", "fa", "uk"]


def test_shipped_glossary_covers_the_seed_names(news_glossary):
    canon = {f.canonical for _, f in news_glossary.forms("en")}
    for name in ["Sumy", "Sumy State University", "Mark Rutte", "Volodymyr Zelensky", "Zaporizhzhia", "Kherson",
                 "G7"]:
        assert name in canon
    assert len(news_glossary) >= 150
    for lang in ("de", "fr"):
        assert sum(1 for _ in news_glossary.forms(lang)) >= 100


BAD = [
    ("entries:\n  - id: a\n    forms: {en: {canonical: A}}\n    colour: red\n", 4, "unknown entry key 'colour'"),
    ("entries:\n  - id: a\n    forms: {en: {canonical: A}}\n  - id: a\n    forms: {en: {canonical: B}}\n", 4,
     "duplicate entry id 'a'"),
    ("entries:\n  - id: a\n    forms:\n      en: {canonical: A, varients: [B]}\n", 4, "unknown key 'varients'"),
    ("entries:\n  - id: a\n    forms:\n      en: {variants: [B]}\n", 4, "no 'canonical'"),
    ("entries:\n  - id: a\n    forms:\n      en: {canonical: '  '}\n", 4, "is empty"),
    ("entries:\n  - id: a\n    forms: {en: {canonical: A}}\n    kind: planet\n", 4, "kind 'planet'"),
    ("entries: [\n  {id: a,\n", 3, "malformed YAML"),
    ("entries:\n  - &x {id: a, forms: {en: {canonical: A}}}\n  - *x\n", 3, "aliases are not allowed"),
    ("entries:\n  - !!python/object:os.system {id: a}\n", 2, "not allowed"),
    ("entries: []\n", 1, "no entries"),
    ("# nothing\n", None, "glossary is empty"),
    ("entries:\n  - id: A B\n    forms: {en: {canonical: A}}\n", 2, "must be lowercase"),
    ("entries:\n  - id: a\n    forms: {english: {canonical: A}}\n", 3, "not a language code"),
]


@pytest.mark.parametrize("text,line,message", BAD, ids=[b[2] for b in BAD])
def test_bad_glossaries_name_file_and_line(text, line, message):
    with pytest.raises(GlossaryError) as info:
        parse_glossary(text, "g.yaml")
    err = info.value
    assert message in err.message
    assert err.path == "g.yaml"
    assert err.line == line
    assert err.oneline().startswith("g.yaml:" if line else "g.yaml: ")
    assert "\n" not in err.oneline()


def test_billion_laughs_is_refused_fast():
    lol = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi"))
    with pytest.raises(GlossaryError):
        parse_glossary(lol, "lol.yaml")


def test_read_glossary_reports_missing_file(tmp_path):
    with pytest.raises(Exception) as info:
        read_glossary(tmp_path / "nope.yaml")
    assert "no such file" in str(info.value)


def test_round_trip_through_dict(small_glossary):
    import yaml

    again = parse_glossary(yaml.safe_dump(small_glossary.to_dict(), allow_unicode=True), "x.yaml")
    assert [e.to_dict() for e in again] == [e.to_dict() for e in small_glossary]
    assert again.digest == small_glossary.digest
