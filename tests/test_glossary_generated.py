"""The generated place-name glossary: its size, its ids, and no false fixes on clean English news."""

from __future__ import annotations

import pytest

from retrans.detect import Matcher
from retrans.glossary import Glossary
from retrans.glossary_cache import load_glossary_file
from tests.conftest import ROOT

GENERATED = sorted((ROOT / "glossaries" / "generated").glob("geo-*.yaml"))
CLEAN = [
    "Russian forces shelled Kharkiv and Kremenchuk overnight, the governor of Poltava said on Telegram.",
    "The ministers met in Moscow, Hanover and Munich before flying to Washington and Ottawa.",
    "The cruiser Moskva sank in the Black Sea; Kyiv said it was hit by Neptune missiles.",
    "Reading, Bath and Split are cities; Nice is in France and Mobile is in Alabama.",
    "Officials in Odesa, Mykolaiv, Zaporizhzhia and Dnipro reported power cuts after the strikes.",
    "President Zelensky spoke with the prime ministers of Poland and Hungary about grain exports.",
    "The White House said talks in Riyadh and Istanbul would continue next week.",
    "Sao Paulo, São Paulo, Mexico City and Buenos Aires hosted protests on Sunday.",
]


@pytest.fixture(scope="module")
def geo() -> Glossary:
    return Glossary.merge(load_glossary_file(p) for p in GENERATED)


def test_size_and_ids(geo, news_glossary):
    assert sum(p.stat().st_size for p in GENERATED) > 0 and all(p.stat().st_size < 5_000_000 for p in GENERATED)
    with_sources = [e for e in geo if len(e.forms) > 1]
    assert len(with_sources) >= 10_000
    assert all(e.id.startswith("geo.") for e in geo)
    assert not {e.id for e in geo} & {e.id for e in news_glossary}


def test_no_false_fixes_on_clean_english(geo, news_glossary):
    matcher = Matcher(Glossary.merge([news_glossary, geo]), "en")
    refs = sorted((ROOT / "corpora" / "seed").glob("*.ref.txt"))
    dev = [line.split("\t")[3] for line in (ROOT / "corpora" / "dev" / "dev.tsv").read_text(
        encoding="utf-8").splitlines()[1:]]
    lines = [*CLEAN, *dev, *(line for p in refs for line in p.read_text(encoding="utf-8").splitlines())]
    hits = [(line, s.text, s.entry_id) for line in lines for s in matcher.find(line) if s.kind == "variant"]
    assert hits == []


def test_generated_variants_do_fire(geo, news_glossary):
    matcher = Matcher(Glossary.merge([news_glossary, geo]), "en")
    spans = matcher.find("Shelling hit Kremenchug and Antratsit on Monday.")
    assert {s.text for s in spans if s.kind == "variant"} == {"Kremenchug", "Antratsit"}
