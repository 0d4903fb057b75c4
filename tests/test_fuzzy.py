"""Fuzzy detection of unseen variants: spans, keys, blocking; no model needed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from retrans.config import RepairConfig
from retrans.fuzzy import FuzzyMatcher, word_similarity
from retrans.glossary import Glossary
from retrans.pipeline import Repairer, make_ranker
from retrans.romanize import romanize, skeleton


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


@pytest.mark.parametrize("line,text,target", [
    ("President Volodimir Zelenski spoke.", "Volodimir Zelenski", "Volodymyr Zelensky"),
    ("Talks with Zelenski ended.", "Zelenski", "Zelensky"),  # a surname alone
    ("Foreign Minister Lafuluofu met Wang Yi.", "Lafuluofu", "Lavrov"),  # romanised Chinese source form
    ("North Korean leader Jin Zhengen spoke.", "Jin Zhengen", "Kim Jong Un"),  # two words for one
    ("Attacks on Zaborijia went on.", "Zaborijia", "Zaporizhzhia"),
    ("Supplies to Okraine resumed.", "Okraine", "Ukraine"),
])
def test_finds_unseen_variants(fm, line, text, target):
    spans = fm.find(line)
    assert [(s.text, s.form, s.kind) for s in spans] == [(text, target, "fuzzy")]


@pytest.mark.parametrize("line", [
    "Traffic on Route 66 was halted.", "Ukrainian officials said so.", "The Kremlin said no.",
    "Volodymyr Zelenskyy thanked them.", "Sergey Lavrov spoke.", "Mark Carney met Keir Starmer.",
    "Wladimir Klitschko visited troops.", "Former Senator John Smith said so.", "Zelensky's office said so.",
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
