"""Fuzzy detection of unseen variants: spans, keys, blocking; no model needed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from retrans import fuzzy, fuzzy_index
from retrans.config import RepairConfig
from retrans.fuzzy import FuzzyMatcher, similarity_matrix, word_similarity
from retrans.glossary import Glossary
from retrans.pipeline import Repairer, make_ranker
from retrans.romanize import romanizations, romanize, skeleton

ROOT = Path(__file__).resolve().parents[1]


def stripped(glossary: Glossary) -> Glossary:
    return Glossary(replace(e, forms={k: (replace(f, variants=()) if k == "en" else f) for k, f in e.forms.items()})
                    for e in glossary)


@pytest.fixture(scope="module")
def fm(news_glossary):
    return FuzzyMatcher(stripped(news_glossary), "en")


def test_romanize_and_skeleton():
    assert romanize("زلنسکی") == "zlnsky"
    assert romanize("拉夫罗夫") == "lafuluofu"
    assert skeleton("Walloudimir") == skeleton("Volodymyr") == skeleton("Walodimir")
    assert skeleton("Arthuch") == skeleton("Artiukh")
    assert word_similarity("zelnski", "zelensky") > word_similarity("carney", "macron")


def test_language_transliterations():
    assert "serhii lavrov" in romanizations("Сергій Лавров", "uk")  # Ukrainian г is h
    assert "zaporizhzhia" in romanizations("Запоріжжя", "uk")
    assert "dmitry peskov" in romanizations("Дмитрий Песков", "ru")  # press style -ий -> y
    assert "zaporozhye" in romanizations("Запорожье", "ru")
    assert romanizations("拉夫罗夫", "zh") == ("lafuluofu",)


@pytest.mark.parametrize("line,text,target", [
    ("President Volodimir Zelenski spoke.", "Volodimir Zelenski", "Volodymyr Zelensky"),
    ("Talks with Zelenski ended.", "Zelenski", "Zelensky"),  # a surname alone
    ("Foreign Minister Lafuluofu met Wang Yi.", "Lafuluofu", "Lavrov"),  # romanised Chinese source form
    ("North Korean leader Jin Zhengen spoke.", "Jin Zhengen", "Kim Jong Un"),  # two words for one
    ("Attacks on Zaborijia went on.", "Zaborijia", "Zaporizhzhia"),
    ("Supplies to Okraine resumed.", "Okraine", "Ukraine"),
    ("Residents of Zaporozhye fled.", "Zaporozhye", "Zaporizhzhia"),  # the romanised Russian form
    ("Kharkov-based volunteers helped.", "Kharkov", "Kharkiv"),  # a compound adjective keeps its name
    ("Minister Serhii Lavrov spoke.", "Serhii", "Sergei"),  # a correct surname anchors, and stays
    ("UN chief Antonio Guterish spoke.", "Guterish", "Guterres"),  # words already right stay as they are
    ("President Ahmad al-Shara spoke.", "Ahmad al-Shara", "Ahmed al-Sharaa"),  # a particle joined by a hyphen
    ("Supreme Leader Ali Khameneii spoke.", "Khameneii", "Khamenei"),  # not a word derived from the name
])
def test_finds_unseen_variants(fm, line, text, target):
    spans = fm.find(line)
    assert [(s.text, s.form, s.kind) for s in spans] == [(text, target, "fuzzy")]


@pytest.mark.parametrize("line", [
    "Traffic on Route 66 was halted.", "Ukrainian officials said so.", "The Kremlin said no.",
    "Volodymyr Zelenskyy thanked them.", "Sergey Lavrov spoke.", "Mark Carney met Keir Starmer.",
    "Wladimir Klitschko visited troops.", "Former Senator John Smith said so.", "Zelensky's office said so.",
    "Sergey Shoygu visited.", "Alexander Hamilton wrote it.", "Jill Biden spoke.", "Moscow-based analysts said so.",
    "Maria Zakharova and Anna Lavrova came.", "Ukrainian-born singers performed.",
])
def test_leaves_ordinary_and_correct_names(fm, line):
    assert fm.find(line) == []


def test_exact_spans_win(fm):
    line = "Walloudimir Zelnski spoke."
    assert fm.find(line, taken=[(0, 19)]) == []


def test_fuzzy_needs_the_model(news_glossary):
    config = RepairConfig(model="none")
    rep = Repairer(stripped(news_glossary), make_ranker("none", config), config)
    res = rep.repair("Ukrainian President Volodimir Zelenski spoke.", "d")
    assert [(e.kind, e.applied) for e in res.edits] == [("fuzzy", False)]
    assert res.text == "Ukrainian President Volodimir Zelenski spoke."
    off = Repairer(news_glossary, make_ranker("none", config), config, fuzzy=None)
    assert off.repair("Ukrainian President Volodimir Zelenski spoke.", "d").edits == ()


def test_romanised_forms_are_marked(fm):
    """A span spelling another language's form of the entry is evidence of its own; a near miss is not."""
    [span] = fm.find("Residents of Zaporozhye fled.")
    assert span.romanised
    [span] = fm.find("Talks with Zelenski ended.")
    assert not span.romanised


def test_romanised_evidence_never_edits_alone(news_glossary):
    config = RepairConfig(model="none")
    rep = Repairer(stripped(news_glossary), make_ranker("none", config), config)
    [edit] = rep.repair("Residents of Zaporozhye fled.", "d").edits
    assert edit.evidence["romanised"] > 0 and edit.replacement == "Zaporizhzhia"
    assert sum(edit.evidence.values()) < config.rank.margin_fuzzy  # the model must prefer the fix as well
    assert not edit.applied


def test_index_cache(news_glossary, tmp_path, monkeypatch):
    monkeypatch.setattr(fuzzy_index, "CACHE_MIN_ENTRIES", 1)
    glossary = stripped(news_glossary)
    lines = ["President Volodimir Zelenski spoke.", "Minister Serhii Lavrov spoke.", "Traffic on Route 66 was halted."]
    built = FuzzyMatcher(glossary, "en", cache_dir=tmp_path)
    [path] = tmp_path.iterdir()

    def no_build(*args):
        raise AssertionError("the cached index should have been loaded")

    monkeypatch.setattr(fuzzy_index.ReferenceIndex, "_add_entry", no_build)
    loaded = FuzzyMatcher(glossary, "en", cache_dir=tmp_path)
    assert len(loaded) == len(built) and [loaded.find(x) for x in lines] == [built.find(x) for x in lines]
    monkeypatch.undo()
    monkeypatch.setattr(fuzzy_index, "CACHE_MIN_ENTRIES", 1)
    path.write_text("{not json", encoding="utf-8")  # a damaged cache is rebuilt, not an error
    again = FuzzyMatcher(glossary, "en", cache_dir=tmp_path)
    assert [again.find(x) for x in lines] == [built.find(x) for x in lines]
    assert FuzzyMatcher(glossary, "en", cache=False, cache_dir=tmp_path / "off") and not (tmp_path / "off").exists()


def test_similarity_matrix_is_word_similarity_in_bulk():
    # "aei", "ou", "hy" have no skeleton: they sound like nothing, not like each other
    words = ["zelnski", "zelensky", "masghat", "muscat", "walloudimir", "volodymyr", "b", "ab", "khason", "aei", "hy"]
    others = ["zelensky", "muscat", "kherson", "volodymyr", "bb", "ab", "xiaoping", "masqat", "ou", "aei"]
    got = similarity_matrix(words, others)
    assert got.shape == (len(words), len(others))
    assert got.tolist() == [[word_similarity(a, b) for b in others] for a in words]


def test_similarity_ceiling_bounds_word_similarity(news_glossary):
    """Pairs are skipped when their ceiling is below the threshold: it must never be below the similarity."""
    forms = [form for e in news_glossary if "en" in e.forms
             for form in (e.forms["en"].canonical, *e.forms["en"].variants)]
    names = sorted({w for form in forms for w in romanize(form).lower().split()})
    text = [w for line in ("Walloudimir Zelnski", "Mark Route in Zapurgia and Khason", "aei ou hy Kyiv")
            for w in romanize(line).lower().split()]
    pairs = [(a, b) for a in text + names[::7] for b in names]
    assert len(pairs) > 5_000
    for a, b in pairs:
        spelling = fuzz.ratio(a, b)
        assert word_similarity(a, b, spelling) == word_similarity(a, b)
        assert word_similarity(a, b) <= fuzzy.similarity_ceiling(a, b, spelling), (a, b)


def test_bulk_culling_drops_nothing_that_scoring_each_pair_finds(news_glossary, monkeypatch):
    """The array path scores in bulk and drops pairs that cannot pass: it must find exactly what scoring
    every pair the blocking keys bring finds."""
    rows = [r.split("\t") for r in (ROOT / "corpora" / "dev" / "dev.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    rows += [r.split("\t") for r in (ROOT / "corpora" / "unseen" / "heldout.tsv").read_text(encoding="utf-8")
             .splitlines()[1:]]
    lines = [r[2] for r in rows if len(r) > 2]
    lines += (ROOT / "corpora" / "seed" / "000_c47c7fd5e8793407.txt").read_text(encoding="utf-8").splitlines()
    glossary = stripped(news_glossary)
    monkeypatch.setattr(fuzzy, "FEW_POSTINGS", 10**9)  # every run one posting at a time, every pair scored
    matcher = FuzzyMatcher(glossary, "en", remember=0)
    each = [matcher.find(line) for line in lines]
    monkeypatch.setattr(fuzzy, "FEW_POSTINGS", 0)  # every run in arrays
    bulk = [matcher.find(line) for line in lines]
    assert bulk == each
    assert sum(map(len, each)) >= 100


def test_truncated_index_cache_is_rebuilt(news_glossary, tmp_path, monkeypatch):
    monkeypatch.setattr(fuzzy_index, "CACHE_MIN_ENTRIES", 1)
    glossary = stripped(news_glossary)
    built = FuzzyMatcher(glossary, "en", cache_dir=tmp_path)
    [path] = tmp_path.iterdir()
    blob = path.read_bytes()
    line = "President Volodimir Zelenski met Walodimir Arthuch in Zapurgia."
    for damaged in (blob[:-8], blob[:-8] + (10**9).to_bytes(8, "little")):  # cut short; a posting out of range
        path.write_bytes(damaged)
        again = FuzzyMatcher(glossary, "en", cache_dir=tmp_path)
        assert len(again) == len(built) and again.find(line) == built.find(line) and built.find(line)
        assert path.read_bytes() == blob  # and written again whole


def test_remembered_runs_give_what_looking_again_gives(news_glossary):
    """A run's matches are remembered by its text: the same names at other offsets, after exact spans, in
    other lines, must give the spans a matcher that remembers nothing finds."""
    rows = [r.split("\t") for r in (ROOT / "corpora" / "dev" / "dev.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    lines = [r[2] for r in rows if len(r) > 2]
    lines += ["Walodimir Zelnski, " + line for line in lines[:40]] + [line + " Zelnski's aide" for line in lines[:40]]
    glossary = stripped(news_glossary)
    forgetful = FuzzyMatcher(glossary, "en", remember=0)
    for capacity in (4, 65_536):  # with runs forgotten on the way, and with none
        matcher = FuzzyMatcher(glossary, "en", remember=capacity)
        for line in lines + lines[::-1]:
            taken = [(0, 9)] if line.startswith("Walodimir") else []
            assert matcher.find(line, taken=taken) == forgetful.find(line, taken=taken), line
    assert sum(len(forgetful.find(line)) for line in lines) >= 100
