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
from retrans.pieces import PieceSet, ascii_array, ascii_view, piece_hashes, word_hashes
from retrans.pipeline import Repairer
from retrans.rank import GlossaryRanker
from retrans.scripts import may_mix, mixed_words
from tests.conftest import ROOT
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
    starts, hashes = piece_hashes(view)
    at, places = found.where(starts, hashes)
    assert sorted((words[i], int(p)) for i, p in zip(at, places)) == [  # each where its first piece starts
        ("b2b", view.index(b"b2b")), ("mark route", view.index(b"mark")), ("x1", view.index(b"x1")),
        ("zelnski", view.index(b"zelnski"))]
    assert [len(a) for a in found.where(np.zeros(0, np.intp), np.zeros(0, np.uint64))] == [0, 0]
    # words sharing one hash (here the same word twice): all come back
    same = PieceSet(["alpha", "beta", "alpha"])
    starts, hashes = piece_hashes(ascii_view("alpha"))
    assert sorted(same.where(starts, hashes)[0].tolist()) == [0, 2]
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
    # short and long texts (looked at another way), with astral characters and lone surrogates
    for pad in ("", "x" * 20_000, "“é” " * 5_000):
        assert may_mix(pad + "😀 Kиєві") and may_mix("\udcff Σtop" + pad) and not may_mix(pad + "😀 \udcff café 𝐀")
        assert may_mix(pad + "Kиєві") and not may_mix(pad + "café “quoted” Zürich") and not may_mix(pad)
    from retrans.writing_systems import CYRILLIC, GREEK, letter_script
    assert not any(letter_script(chr(c)) in (CYRILLIC, GREEK) for c in range(0x370))


def test_long_documents_are_matched_in_runs_of_lines(small_glossary, monkeypatch):
    import retrans.detect as detect

    lines = ["Mark Route met Zelnski.", "x" * 50 + " third", "", "Soumy " * 12 + "Walloudimir Zelnski", "third"] * 3
    whole = Matcher(small_glossary, "en").find_lines(lines)
    monkeypatch.setattr(detect, "CHUNK", 60)  # runs of a few lines; the longest line alone
    matcher = Matcher(small_glossary, "en")
    assert matcher.find_lines(lines) == whole == by_lines(matcher, lines)
    assert [s.line for s in whole if s.text == "third"] == [2, 5, 7, 10, 12, 15]


# -- many documents at once (Matcher.find_documents, Repairer.prepare_many) -------------------------

DEV = ROOT / "corpora" / "dev"


def dev_documents(lang: str, seed: int = 5) -> list[list[str]]:
    """The MT lines of a dev set grouped into documents of 1-5 lines, with a few odd ones: empty, blank
    lines, an odd character (matched line by line), a line of mixed scripts, curly quotes."""
    path = DEV / "dev.tsv" if lang == "en" else DEV / lang / "dev.tsv"
    lines = [row.split("\t")[2] for row in path.read_text(encoding="utf-8").splitlines()[1:]]
    rng = random.Random(seed)
    docs: list[list[str]] = []
    while lines:
        n = rng.randint(1, 5)
        docs.append(lines[:n])
        lines = lines[n:]
    docs[1:1] = [[], [""], ["", docs[0][0], ""], [f"İstanbul: {docs[0][0]}"], ["Zеlensky “Kиєві” Zelnski"]]
    return docs


LANGS = ["en", "ru", "uk", "cs", "pl", "de", "fr", "zh", "ja"]


@pytest.mark.parametrize("lang", LANGS)
def test_documents_matched_together_give_each_document_s_spans(news_glossary, lang):
    docs = dev_documents(lang)
    matcher = Matcher(news_glossary, lang)
    found = matcher.find_documents(docs)
    assert found == [matcher.find_lines(d) for d in docs] == [by_lines(matcher, d) for d in docs]
    assert sum(map(len, found)) >= 5


def test_documents_matched_together_in_runs_and_alone(small_glossary, monkeypatch):
    import retrans.detect as detect

    docs = [["Mark Route met Zelnski.", "x" * 50 + " third"], [], ["Soumy " * 12 + "Walloudimir Zelnski"],
            ["ΣΟΦΙΑ and the third city"], ["third"], ["", "Zelnski"]] * 3
    matcher = Matcher(small_glossary, "en")
    whole = matcher.find_documents(docs)
    monkeypatch.setattr(detect, "CHUNK", 60)  # batches of a few documents; the longest document alone
    assert Matcher(small_glossary, "en").find_documents(docs) == whole == [by_lines(matcher, d) for d in docs]
    assert [len(f) for f in whole[:6]] == [3, 0, 13, 1, 1, 1]


RANDOM_WORDS = ["mark", "rutte", "route", "new", "york", "city", "third", "sumy", "al", "sham", "bank", "west",
                "o'neil", "al-sham", "são", "paulo", "zürich", "x1", "b2b"]


def assert_random_documents_match_plain(seed: int, trials: int, filler: list[str], max_lines: int) -> None:
    """Random glossaries and documents of ``RANDOM_WORDS`` and ``filler``: matched together, they give the
    plain algorithm's spans."""
    rng = random.Random(seed)
    for trial in range(trials):
        glossary = random_glossary(rng, RANDOM_WORDS, 14)
        matcher, plain = Matcher(glossary, "en"), PlainMatcher(glossary, "en")
        docs = [[" ".join(rng.choice(RANDOM_WORDS + filler) for _ in range(rng.randint(0, 10)))
                 for _ in range(rng.randint(0, max_lines))] for _ in range(12)]
        assert matcher.find_documents(docs) == [plain_lines(plain, d) for d in docs], (trial, docs)


def test_random_documents_matched_together_give_the_plain_algorithm_s_spans():
    assert_random_documents_match_plain(12, 10, ["the", "said", "x-", "'s", "markets", "—", "é", "“", "”", ",", "Ω"], 4)


def test_random_documents_take_the_array_path_and_give_the_plain_algorithm_s_spans(monkeypatch):
    """Documents without a mixed-script word (no Cyrillic or Greek letter) are matched in arrays
    (:meth:`Matcher._find_plain`): overlapping suspect and protected forms, chains of them, one form many
    times in a line, hits at the start and end of lines and documents, accents and punctuation."""
    import retrans.detect as detect

    calls = []
    original = Matcher._find_plain
    monkeypatch.setattr(Matcher, "_find_plain", lambda self, *args: calls.append(1) or original(self, *args))
    monkeypatch.setattr(detect, "ARRAY_HITS", 0)  # however few the hits
    assert_random_documents_match_plain(
        13, 30, ["the", "said", "x-", "'s", "markets", "—", "é", "“", "”", ",", "ü", "Route", "NEW"], 5)
    assert len(calls) == 30


@pytest.mark.parametrize("array_hits", [0, 10**9])
def test_a_protected_form_frees_a_suspect_one_through_another_protected_form(monkeypatch, array_hits):
    """"Greater New York" (protected) shadows "York City" (protected), which would shadow "City Hall" (a
    variant): the variant is found, in a line of its own and among other documents (in arrays or not)."""
    import retrans.detect as detect

    monkeypatch.setattr(detect, "ARRAY_HITS", array_hits)
    glossary = Glossary([Entry("gny", "place", "", {"en": Forms("Greater New York")}),
                         Entry("yc", "place", "", {"en": Forms("York City")}),
                         Entry("ch", "place", "", {"en": Forms("City Hall Plaza", ("City Hall",))})])
    matcher, plain = Matcher(glossary, "en"), PlainMatcher(glossary, "en")
    docs = [["Greater New York City Hall"], ["the York City Hall", "City Hall"], ["Greater New York City Hall."]]
    found = matcher.find_documents(docs)
    assert found == [plain_lines(plain, d) for d in docs] == [by_lines(matcher, d) for d in docs]
    assert [[(s.line, s.text) for s in spans] for spans in found] == [[(1, "City Hall")], [(2, "City Hall")],
                                                                     [(1, "City Hall")]]


def test_the_ascii_array_of_a_text_is_its_ascii_view(monkeypatch):
    import retrans.pieces as pieces

    monkeypatch.setattr(pieces, "_SHORT", 0)  # however short the text
    rng = random.Random(5)
    chars = "aZ09 _-'\n\t.é\u00ff\u0100ΣКİ\u212a“”\udcff😀𝐀ß\u00a0"
    for _ in range(2000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
        assert ascii_array(text).tobytes() == ascii_view(text), text
        assert [a.tolist() for a in piece_hashes(ascii_array(text))] == [
            a.tolist() for a in piece_hashes(ascii_view(text))], text


def test_piece_sets_place_words_and_pairs():
    words = ["zelnski", "mark route", "third", "route"]
    pieces = PieceSet(words)
    view = ascii_view("Mark Route: ROUTE third-mark route")
    found, places = pieces.where(*piece_hashes(view))
    assert sorted(zip(found.tolist(), places.tolist())) == [(1, 1), (1, 25), (2, 19), (3, 6), (3, 13), (3, 30)]
    # words sharing one hash come back each; a single word is never placed at a pair, nor the reverse
    same = PieceSet(["alpha", "beta", "alpha"])
    found, places = same.where(*piece_hashes(ascii_view("alpha beta")))
    assert sorted(zip(found.tolist(), places.tolist())) == [(0, 1), (1, 7), (2, 1)]
    assert [a.tolist() for a in PieceSet([]).where(*piece_hashes(ascii_view("alpha")))] == [[], []]


def prepared(repairer, docs, sources=None):
    """detect + propose of each document, one at a time."""
    out = []
    for k, text in enumerate(docs):
        lines = text.split("\n")
        source = sources[k].split("\n") if sources else None
        out.append((lines, repairer.propose(lines, repairer.detect(lines, source), source)))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_prepare_many_gives_each_document_s_proposals(news_glossary, lang):
    docs = ["\n".join(d) for d in dev_documents(lang)]
    repairer = Repairer(news_glossary, GlossaryRanker(), RepairConfig(lang=lang, model="none", fuzzy=False))
    many = repairer.prepare_many([(t, f"d{k}", None) for k, t in enumerate(docs)])
    assert many == prepared(repairer, docs)
    assert sum(len(p) for _, p in many) >= 3


def test_prepare_many_with_fuzzy_matching_and_sources(news_glossary):
    docs = ["\n".join(d) for d in dev_documents("en")]
    sources = [t.upper() for t in docs]  # line-aligned; only its names count
    repairer = Repairer(news_glossary, GlossaryRanker(), RepairConfig(model="none", source_lang="en"))
    assert repairer.fuzzy is not None
    many = repairer.prepare_many([(t, f"d{k}", s) for k, (t, s) in enumerate(zip(docs, sources))])
    assert many == prepared(repairer, docs, sources)
    with pytest.raises(ValueError):
        repairer.prepare_many([("one\ntwo", "d", "one")])


def test_possessive_search_from_the_last_space_finds_what_a_search_from_0_finds():
    from retrans.propose import _POSSESSIVE_RE, _possessive_from

    rng = random.Random(3)
    parts = ["Ukraine's", "Ukraine’s", "its", "x's", "'s", "s", " ", "  ", "\t", "\u00a0", "the", "é's", "_'s", ","]
    for _ in range(3000):
        line = "".join(rng.choice(parts) for _ in range(rng.randint(0, 8)))
        line += rng.choice(["", " ", "\t", "\u00a0 ", "  "]) + "third"
        start = len(line) - 5
        whole = _POSSESSIVE_RE.search(line, 0, start)
        part = _POSSESSIVE_RE.search(line, _possessive_from(line, start), start)
        assert (whole and (whole.span(), whole.groups())) == (part and (part.span(), part.groups())), line


def test_determiner_or_possessive_looked_for_where_they_can_be_is_what_a_search_from_0_finds():
    from retrans.propose import _DET_RE, _POSSESSIVE_RE, _determiner

    rng = random.Random(4)
    parts = ["the", "The", "THE", "a", "A", "an", "An", "AN", "then", "Ukraine's", "Ukraine’s", "its", "'s", "s",
             " ", "  ", "\t", "\u00a0", "é", "_", ",", "'", "x", "n", "e"]
    for _ in range(5000):
        line = "".join(rng.choice(parts) for _ in range(rng.randint(0, 8)))
        line += rng.choice(["", " ", "\t", "\u00a0 ", "  "]) + "third"
        start = len(line) - 5
        det = _DET_RE.search(line, 0, start)
        want = (det, True) if det else (_POSSESSIVE_RE.search(line, 0, start), False)
        got = _determiner(line, start)
        assert [(m and (m.span(), m.groups()), definite) for m, definite in (got, want)] == [
            (want[0] and (want[0].span(), want[0].groups()), want[1])] * 2, line


def test_records_are_frozen_slotted_dataclasses_with_their_signature():
    import dataclasses
    import pickle

    from retrans.records import Candidate, Span

    span = Span(1, 0, 5, "Soumy", "sumy", "variant", "Soumy")
    cand = Candidate(span, 0, 5, "Soumy", "Sumy", "canonical")
    assert (cand.score, cand.morph_rank) == (None, 0)
    assert Candidate(span, 0, 5, "a", "b", "keep", 0.5, 2).morph_rank == 2
    morph = MorphSpan(1, 0, 5, "Сумы", "sumy", "variant", "Сумы", lang="uk", cases=("nomn",))
    assert (morph.fixed, morph.entry_kind) == ("", "other")
    for record in (span, cand, morph):
        assert pickle.loads(pickle.dumps(record)) == record and hash(record) == hash(dataclasses.replace(record))
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.start = 2
        assert not hasattr(record, "__dict__")
    with pytest.raises(TypeError):
        Span(1, 0, 5, "Soumy")
