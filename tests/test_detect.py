"""Detection: case-insensitive, word-bounded in any script, longest match, protected forms."""

from __future__ import annotations

from retrans.detect import Matcher, fold


def texts(matcher, line):
    return [(s.text, s.entry_id, s.kind) for s in matcher.find(line)]


def test_finds_variants_and_mistranslations_case_insensitively(small_glossary):
    m = Matcher(small_glossary, "en")
    assert texts(m, "MARK ROUTE met the THIRD delegation") == [
        ("MARK ROUTE", "mark_rutte", "variant"), ("THIRD", "sumy", "mistranslation")]


def test_no_hit_inside_a_longer_word(small_glossary):
    m = Matcher(small_glossary, "en")
    assert texts(m, "thirdly, Zelnskiy and xZelnski and Soumyx") == []


def test_boundaries_at_possessives_quotes_and_hyphens(small_glossary):
    m = Matcher(small_glossary, "en")
    found = texts(m, "Zelnski's visit; the “third” attack; a Zelnski-led team; (Soumy)")
    assert [t for t, _, _ in found] == ["Zelnski", "third", "Zelnski", "Soumy"]


def test_longest_match_wins(small_glossary):
    m = Matcher(small_glossary, "en")
    assert texts(m, "Walloudimir Zelnski spoke") == [("Walloudimir Zelnski", "zelensky", "variant")]


def test_correct_and_admitted_forms_are_never_suspect(small_glossary):
    m = Matcher(small_glossary, "en")
    assert texts(m, "Mark Rutte and Volodymyr Zelenskyy met in Sumy with the G7") == []


def test_other_language_and_non_latin_script(small_glossary):
    de = Matcher(small_glossary, "de")
    assert texts(de, "Präsident Zelensky sprach.") == [("Zelensky", "zelensky", "variant")]
    uk = Matcher(small_glossary, "uk")
    assert texts(uk, "Заява: Владимир Зеленский сказав") == [("Владимир Зеленский", "zelensky", "variant")]
    assert texts(uk, "Владимир Зеленскийй") == []


def test_offsets_are_character_offsets_of_the_line(small_glossary):
    m = Matcher(small_glossary, "en")
    line = "İİ “third” Zelnski"
    for s in m.find(line):
        assert line[s.start : s.end] == s.text
    assert len(fold(line)) == len(line)
