"""Source-line evidence: present strengthens, absent weakens; no model needed."""

from __future__ import annotations

import pytest

from retrans.bilingual import ABSENT, PRESENT, SourceEvidence, occurs
from retrans.config import RepairConfig
from retrans.pipeline import Repairer, make_ranker


def test_occurs_needs_whole_words():
    assert occurs("سومی", "حمله به سومی امروز")
    assert occurs("سومی", "سومی\u200cها")  # a suffix after a zero-width non-joiner
    assert not occurs("سومی", "سومین دور مذاکرات")  # "the third round"
    assert not occurs("سومی", "دور سوم")


def test_status(news_glossary):
    ev = SourceEvidence(news_glossary, "en", ["fa"])
    assert ev.status("sumy", "حمله روسیه به سومی") == PRESENT
    assert ev.status("sumy", "دور سوم مذاکرات") == ABSENT
    assert "volodymyr_zelensky" in ev.attested("ولودیمیر زلنسکی گفت")


@pytest.fixture(scope="module")
def plain(news_glossary):
    config = RepairConfig(model="none", source_lang="fa")
    return Repairer(news_glossary, make_ranker("none", config), config)


def test_source_evidence_in_the_log(plain):
    text = "Donald Teramp spoke.\nThe third round of talks began."
    res = plain.repair(text, "d", source="دونالد ترامپ سخن گفت\nدور سوم مذاکرات آغاز شد")
    by_line = {e.line: e for e in res.edits}
    assert by_line[1].evidence["source"] > 0 and by_line[1].applied
    assert by_line[2].evidence["source"] < 0 and not by_line[2].applied
    assert res.text.split("\n")[1] == "The third round of talks began."


def test_unseen_variant_with_source_evidence(plain):
    res = plain.repair("Zlensky said no.", "d", source="ولودیمیر زلنسکی گفت نه")
    assert [(e.kind, e.replacement) for e in res.edits] == [("fuzzy", "Zelensky")]
    assert res.edits[0].evidence["source"] > 0
    assert not res.edits[0].applied  # without a model, similarity never edits alone


def test_source_kind_looks_only_for_attested_names(plain):
    spans = plain.detect(["Xyz Zlnsk said no."], ["ولودیمیر زلنسکی گفت نه"])
    assert all(s.entry_id == "volodymyr_zelensky" for s in spans)
    assert [s for s in plain.detect(["Xyz Zlnsk said no."], ["هیچ"]) if s.kind == "source"] == []


def test_line_counts_must_agree(plain):
    with pytest.raises(ValueError):
        plain.repair("a\nb", "d", source="a")
