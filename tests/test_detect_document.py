"""Detection of a whole document at once (:meth:`Matcher.find_lines`) gives exactly the spans of
:meth:`Matcher.find` line by line, and of the plain algorithm (one automaton of every form)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from retrans.config import RepairConfig
from retrans.detect import Matcher
from retrans.glossary import Entry, Forms, Glossary
from retrans.multilingual import MorphSpan
from retrans.pieces import PieceSet, ascii_view, pair_hashes, piece_hashes, word_hashes
from retrans.pipeline import Repairer
from retrans.rank import GlossaryRanker
from retrans.scripts import may_mix, mixed_words
from tests.test_glossary_cache import PlainMatcher, random_glossary


def by_lines(matcher, lines: list[str]) -> list:
    return [s for n, text in enumerate(lines, 1) for s in matcher.find(text, n)]


def plain_lines(plain: PlainMatcher, lines: list[str]) -> list:
    return [s for n, text in enumerate(lines, 1) for s in plain.find(text, n)]


def check(glossary: Glossary, lang: str, lines: list[str]) -> list:
    found = Matcher(glossary, lang).find_lines(lines)
    assert found == by_lines(Matcher(glossary, lang), lines)
    return found


@pytest.fixture(scope="module")
def news(news_glossary):
    return Matcher(news_glossary, "en"), PlainMatcher(news_glossary, "en")


def test_a_document_without_hits_gives_nothing(news):
    matcher, _ = news
    assert matcher.find_lines(["Nothing to see here.", "", "Just words, “quoted” and café-like."]) == []
    assert matcher.find_lines([]) == [] and matcher.find_lines([""]) == []


def test_hits_at_the_start_and_end_of_the_document_and_of_lines(small_glossary):
    lines = ["Zelnski", "third", "Mark Route met Soumy", "in Soumy", "Zelnski's aide, the third"]
    found = check(small_glossary, "en", lines)
    assert [(s.line, s.start, s.end, s.text) for s in found] == [
        (1, 0, 7, "Zelnski"), (2, 0, 5, "third"), (3, 0, 10, "Mark Route"), (3, 15, 20, "Soumy"),
        (4, 3, 8, "Soumy"), (5, 0, 7, "Zelnski"), (5, 20, 25, "third")]


def test_a_form_split_over_two_lines_does_not_match(small_glossary):
    lines = ["The talks with Mark", "Route ended. Walloudimir", "Zelnski spoke. Group", "2 met."]
    found = check(small_glossary, "en", lines)
    assert [(s.line, s.text) for s in found] == [(3, "Zelnski")]  # the one-word variant only


def test_odd_characters_are_matched_line_by_line(small_glossary):
    # İ lower-cases to two characters, Σ by context, the Kelvin sign to an ASCII k: same spans as line by line.
    lines = ["İstanbul: Zelnski", "ΣΟΦΙΑ and THIRD", "\u212aiev, Mark Route"]
    found = check(small_glossary, "en", lines)
    assert [s.text for s in found] == ["Zelnski", "THIRD", "Mark Route"]


def test_non_ascii_neighbours_are_word_characters(small_glossary):
    lines = ["éZelnski Zelnskié Zelnski’s «third» thirdé çMark Route", "Zelnski\u0301 Zelnski"]
    found = check(small_glossary, "en", lines)
    assert [(s.line, s.text) for s in found] == [(1, "Zelnski"), (1, "third"), (2, "Zelnski")]


def test_cyrillic_case_forms_and_mixed_scripts(small_glossary):
    lines = ["Заява: Владимир Зеленский сказав", "Без змін.", "Владимир Зеленскийй", "У Kиєві"]
    found = check(small_glossary, "uk", lines)
    assert [(s.line, s.text) for s in found] == [(1, "Владимир Зеленский"), (4, "Kиєві")]
    assert all(isinstance(s, MorphSpan) for s in found)
    glossary = Glossary([Entry("zelensky", "person", forms={
        "en": Forms("Volodymyr Zelensky", ("Zelnski",)),
        "uk": Forms("Володимир Зеленський", ("Зеленский",), ("Зеленський",))})])
    found = check(glossary, "uk", ["Розмова із Зеленским і Зеленським.", "Зеленского не було", "Зеленський"])
    assert [s.text for s in found] == ["Зеленским", "Зеленского"]
    # an English document with a mixed-script word
    assert [s.text for s in check(glossary, "en", ["Zelnski met Zеlensky", "fine"])] == ["Zelnski", "Zеlensky"]


def test_chinese_text_without_spaces():
    glossary = Glossary([
        Entry("zelensky", "person", forms={"en": Forms("Volodymyr Zelensky"), "zh": Forms("泽连斯基", ("泽伦斯基",))}),
        Entry("kharkiv", "place", forms={"zh": Forms("哈尔科夫", ("哈爾科夫",))}),
        Entry("trump", "person", forms={"en": Forms("Donald Trump"), "zh": Forms("特朗普", ("川普",))})])
    lines = ["乌克兰总统泽伦斯基说", "四川普降暴雨", "哈爾科夫州遭到袭击", "哈爾科夫斯基先生"]
    found = check(glossary, "zh", lines)
    assert [(s.line, s.text) for s in found] == [(1, "泽伦斯基"), (3, "哈爾科夫")]


def test_random_documents_give_the_plain_algorithm_s_spans():
    """Overlapping forms (containing, starting or ending one another), with punctuation and accents;
    documents of several lines, each matched at once and line by line."""
    words = ["mark", "rutte", "route", "new", "york", "city", "third", "sumy", "al", "sham", "bank", "west",
             "o'neil", "al-sham", "são", "paulo", "zürich", "x1", "b2b"]
    rng = random.Random(11)
    for trial in range(25):
        glossary = random_glossary(rng, words, 14)
        matcher, plain = Matcher(glossary, "en"), PlainMatcher(glossary, "en")
        filler = ["the", "said", "x-", "'s", "markets", "—", "é", "“", "”", ",", "Ω"]
        for _ in range(15):
            lines = [" ".join(rng.choice(words + filler).upper() if rng.random() < 0.2 else rng.choice(words + filler)
                              for _ in range(rng.randint(0, 10))) for _ in range(rng.randint(1, 6))]
            assert matcher.find_lines(lines) == plain_lines(plain, lines) == by_lines(matcher, lines), (trial, lines)


def test_news_documents_give_the_plain_algorithm_s_spans(news):
    matcher, plain = news
    doc = ["NATO chief Mark Route met Walloudimir Zelnski in the third city of Ukraine.",
           "The Group 2 statement — Zelnski’s aide said — was “final”.", "",
           "ZELNSKI and MARK ROUTE", "Mark Rutte and Volodymyr Zelenskyy met in Sumy."]
    found = matcher.find_lines(doc)
    assert found == plain_lines(plain, doc) == by_lines(matcher, doc)
    assert len(found) >= 6


def test_repairer_detects_a_document_as_it_did_line_by_line(small_glossary):
    lines = ["Mark Route met Zelnski.", "ΣΟΦΙΑ and the third city", "", "Zelnski"]
    for fuzzy in (False, True):
        repairer = Repairer(small_glossary, GlossaryRanker(), RepairConfig(model="none", fuzzy=fuzzy))
        spans = repairer.detect(lines)
        exact = [s for s in spans if s.kind in ("variant", "mistranslation")]
        assert exact == by_lines(repairer.matcher, lines)
        assert spans == sorted(spans, key=lambda s: (s.line, s.start, -s.end))


def test_piece_sets_find_words_and_pairs_and_survive_collisions():
    words = ["zelnski", "mark route", "third", "x1", "b2b"]
    found = PieceSet(words)
    view = ascii_view("MARK ROUTE met “Zelnski”; B2B-x1 thirdly")
    hashes = piece_hashes(view)[1]
    found_words = sorted(words[i] for i in found.found(hashes, pair_hashes(hashes)))
    assert found_words == ["b2b", "mark route", "x1", "zelnski"]
    assert found.found(np.zeros(0, np.uint64), np.zeros(0, np.uint64)) == []
    # words sharing one hash (here the same word twice): all come back
    same = PieceSet(["alpha", "beta", "alpha"])
    hashes = piece_hashes(ascii_view("alpha"))[1]
    assert sorted(same.found(hashes, pair_hashes(hashes))) == [0, 2]
    # a word hashes as the same piece of a document, however long
    long = ["x" * 47 + "1", "y" * 49, "z" * 300, "a"]
    hashes = piece_hashes(ascii_view(" ".join(long).upper()))[1]
    assert word_hashes(long).tolist() == hashes.tolist()
    with pytest.raises(ValueError):
        PieceSet(["two words here"])


def test_may_mix_is_true_whenever_a_word_mixes_scripts():
    for text in ["Zеlensky", "У Kиєві", "Σtop", "plain ascii", "café “quoted”", ""]:
        assert may_mix(text) or not mixed_words(text, "en")
    assert not may_mix("café “quoted” Zürich") and may_mix("Kиєві")


def test_long_documents_are_matched_in_runs_of_lines(small_glossary, monkeypatch):
    import retrans.detect as detect

    lines = ["Mark Route met Zelnski.", "x" * 50 + " third", "", "Soumy " * 12 + "Walloudimir Zelnski", "third"] * 3
    whole = Matcher(small_glossary, "en").find_lines(lines)
    monkeypatch.setattr(detect, "CHUNK", 60)  # runs of a few lines; the longest line alone
    matcher = Matcher(small_glossary, "en")
    assert matcher.find_lines(lines) == whole == by_lines(matcher, lines)
    assert [s.line for s in whole if s.text == "third"] == [2, 5, 7, 10, 12, 15]
