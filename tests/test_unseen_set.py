"""The unseen-variant sets measure what they claim: their misspellings are unseen, their gold is right."""

from __future__ import annotations

from corpora.unseen.build import HERE, correct_forms, fixes_correct, read_tsv
from retrans.detect import Matcher
from retrans.records import VARIANT


def test_a_row_may_not_fix_a_correct_form(news_glossary):
    correct = correct_forms(news_glossary)
    bad = {"id": "x", "mt": "Minister Sergey Shoygu spoke.", "ref": "Minister Sergei Shoigu spoke."}
    assert fixes_correct(bad, correct) == ["Sergey Shoygu"]  # an admitted form: nothing to repair
    good = {"id": "y", "mt": "Minister Serhii Lavrov spoke.", "ref": "Minister Sergei Lavrov spoke."}
    assert fixes_correct(good, correct) == []


def test_heldout_rows_are_unseen_and_valid(news_glossary):
    rows = read_tsv(HERE / "heldout.tsv")
    assert len(rows) >= 40 and {r["group"] for r in rows} == {"new", "clean"}
    matcher, correct = Matcher(news_glossary, "en"), correct_forms(news_glossary)
    for r in rows:
        if r["group"] == "clean":
            assert r["mt"] == r["ref"], r["id"]
        else:
            assert r["mt"] != r["ref"], r["id"]
            assert not [s for s in matcher.find(r["mt"]) if s.kind == VARIANT], r["id"]
            assert fixes_correct(r, correct) == [], r["id"]
