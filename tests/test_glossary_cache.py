"""The content-keyed cache of glossaries and compiled matchers, and the matcher's exactness.

The matcher skips lines without a suspect word and leaves protected forms that cannot touch
a suspect one out of its automaton; these tests compare it with the plain algorithm (one
automaton of every form, every word-bounded hit, longest first), with and without the cache.
"""

from __future__ import annotations

import random

import ahocorasick
import pytest

from retrans.detect import AnchorIndex, Matcher, PatternTable, at_word_boundaries, fold, select_longest
from retrans.glossary import Entry, Forms, Glossary
from retrans.glossary_cache import (
    _encode_matcher,
    _read,
    _seal,
    cache_dir,
    load_glossary_file,
    load_matcher,
    matcher_key,
)
from retrans.records import Span
from tests.conftest import DATA, ROOT, SEED

NEWS = ROOT / "glossaries" / "news.yaml"
GENERATED = sorted((ROOT / "glossaries" / "generated").glob("geo-*.yaml"))
KINDS = ("protected", "variant", "mistranslation")


class PlainMatcher:
    """The reference: every form in one automaton, every word-bounded hit, longest first."""

    def __init__(self, glossary: Glossary, lang: str) -> None:
        self.t = PatternTable.from_glossary(glossary, lang)
        self.every = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, key in enumerate(self.t.keys):
            self.every.add_word(key, i)
        if len(self.every):
            self.every.make_automaton()

    def find(self, text: str, line: int = 1) -> list[Span]:
        t = self.t
        if not len(self.every):
            return []
        hits = [(e + 1 - t.lengths[i], e + 1, i) for e, i in self.every.iter(fold(text))
                if at_word_boundaries(text, e + 1 - t.lengths[i], e + 1)]
        return [Span(line, s, e, text[s:e], t.entry_ids[i], KINDS[t.kinds[i]], t.forms[i])
                for s, e, i in select_longest(hits, t.kinds) if t.kinds[i]]


def plain_find(glossary: Glossary, lang: str, text: str) -> list[Span]:
    return PlainMatcher(glossary, lang).find(text)


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RETRANS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("RETRANS_GLOSSARY_CACHE", raising=False)
    return tmp_path / "cache" / "glossaries"


def random_glossary(rng: random.Random, words: list[str], size: int) -> Glossary:
    """``size`` English entries whose forms (canonical, variants, admitted, mistranslations) are
    one to three of ``words``: forms that contain, start or end one another."""
    def form() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))

    entries = []
    for k in range(size):
        forms = [tuple(form() for _ in range(rng.randint(0, n))) for n in (2, 1, 1)]
        entries.append(Entry(f"e{k}", "other", "", {"en": Forms(form(), *forms)}))
    return Glossary(entries)


def test_overlapping_forms_give_the_plain_algorithm_s_spans():
    """Forms that contain, start or end other forms, checked on random lines made of their words."""
    words = ["mark", "rutte", "route", "new", "york", "city", "third", "sumy", "al", "sham", "bank", "west"]
    rng = random.Random(7)
    for trial in range(30):
        glossary = random_glossary(rng, words, 12)
        matcher, plain = Matcher(glossary, "en"), PlainMatcher(glossary, "en")
        # Another boundary rule (here the same one, wrapped) turns the word index off: automata scan every line.
        scanning = Matcher(glossary, "en", boundary=lambda text, s, e: at_word_boundaries(text, s, e))
        assert matcher.compiled.suspect_index is not None and scanning.compiled.suspect_index is None
        for _ in range(40):
            line = " ".join(rng.choice(words + ["the", "said", "x-", "'s", "markets"]) for _ in range(12))
            assert matcher.find(line) == plain.find(line) == scanning.find(line), (trial, line)


def test_cached_glossaries_and_matchers_give_identical_results(cache):
    files = [NEWS, *GENERATED]
    plain = Glossary.merge(load_glossary_file(p) for p in files)  # parsed (entries built), cache written
    warm = Glossary.merge(load_glossary_file(p) for p in files)  # lazy, from the cache
    assert warm.digest == Glossary(list(plain)).digest  # the stored rows hash like the entries
    assert warm.digest == plain.digest
    assert warm.ids() == plain.ids()
    assert warm["sumy"] == plain["sumy"] and warm["sumy"].source == plain["sumy"].source
    built = load_matcher(warm, "en")  # compiled, then stored
    assert len(list(cache.glob("*.ac"))) == 1
    loaded = load_matcher(warm, "en")  # from the file
    rows = (ROOT / "corpora" / "dev" / "dev.tsv").read_text(encoding="utf-8").splitlines()[1:]
    lines = [r.split("\t")[2] for r in rows] + SEED.read_text(encoding="utf-8").split("\n")
    reference = PlainMatcher(plain, "en")
    found = 0
    for n, line in enumerate(lines, 1):
        expected = reference.find(line, n)
        assert built.find(line, n) == expected
        assert loaded.find(line, n) == expected
        found += len(expected)
    assert found > 100


def test_stale_cache_is_never_used_after_an_edit(cache, tmp_path):
    g = tmp_path / "g.yaml"
    g.write_bytes((DATA / "small.yaml").read_bytes())
    first = load_glossary_file(g)
    m = load_matcher(first, "en", min_entries=0)
    assert [s.text for s in m.find("Soumie and Soumy")] == ["Soumy"]
    g.write_text((DATA / "small.yaml").read_text(encoding="utf-8").replace("[Soumy]", "[Soumy, Soumie]"),
                 encoding="utf-8")
    second = load_glossary_file(g)
    assert second["sumy"].forms["en"].variants == ("Soumy", "Soumie")
    assert matcher_key(second, "en") != matcher_key(first, "en")
    assert [s.text for s in load_matcher(second, "en", min_entries=0).find("Soumie and Soumy")] == ["Soumie", "Soumy"]


def test_corrupt_or_forged_cache_files_are_rebuilt(cache, tmp_path):
    g = tmp_path / "g.yaml"
    g.write_bytes(NEWS.read_bytes())
    glossary = load_glossary_file(g)
    line = "NATO chief Mark Route met Walloudimir Zelnski."
    expected = plain_find(glossary, "en", line)
    assert expected
    load_matcher(glossary, "en", min_entries=0)
    (ac,) = cache.glob("*.ac")
    (js,) = cache.glob("*.json")
    good = ac.read_bytes()
    for bad in (good[: len(good) // 2], good[:200] + b"x" + good[201:], b"", b"garbage"):
        ac.write_bytes(bad)
        js.write_bytes(js.read_bytes()[:-10])
        assert load_matcher(glossary, "en", min_entries=0).find(line) == expected
        assert load_glossary_file(g).digest == glossary.digest
        assert _read(ac) is not None and _read(js) is not None  # rewritten, sealed
    # A correctly sealed file made for another glossary (or by hand) is refused too.
    other = good.replace(b'"key":"', b'"key":"0', 1)
    ac.write_bytes(_seal(other[other.index(b","):]))
    assert load_matcher(glossary, "en", min_entries=0).find(line) == expected
    assert b"pickle" not in good and b"ahocorasick" not in good  # data only
    # Sealed, keyed right, but columns that do not fit together: refused, rebuilt and rewritten.
    c = load_matcher(glossary, "en", min_entries=0).compiled
    index = c.suspect_index
    broken = [AnchorIndex(index.anchors, index.offsets, index.patterns + len(c.table)),  # beyond the table
              AnchorIndex(index.anchors, index.offsets[:-1], index.patterns),  # an anchor short
              AnchorIndex([index.anchors[0]] * len(index), index.offsets, index.patterns)]  # one anchor again
    for bad in broken:
        forged = Matcher(glossary, "en", compiled=c._replace(suspect_index=bad))
        ac.write_bytes(_encode_matcher(matcher_key(glossary, "en"), forged))
        assert load_matcher(glossary, "en", min_entries=0).find(line) == expected
        assert ac.read_bytes() == good


def test_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("RETRANS_CACHE", str(blocker))
    glossary = load_glossary_file(NEWS)
    matcher = load_matcher(glossary, "en", min_entries=0)
    assert [s.text for s in matcher.find("Mark Route said")] == ["Mark Route"]
    assert not cache_dir().exists()


def test_cache_can_be_turned_off(cache, monkeypatch, tmp_path):
    monkeypatch.setenv("RETRANS_GLOSSARY_CACHE", "0")
    glossary = load_glossary_file(NEWS)
    load_matcher(glossary, "en", min_entries=0)
    assert not cache.exists()


def test_lazy_merge_reports_a_repeated_id_with_both_sources(cache, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_bytes(NEWS.read_bytes())
    b.write_text("version: 1\nentries:\n  - id: sumy\n    forms: {en: Sumy}\n", encoding="utf-8")
    for _ in range(2):  # parsed, then from the cache
        with pytest.raises(ValueError, match=r"'sumy' defined twice \(.*a\.yaml:\d+ and .*b\.yaml:3\)"):
            Glossary.merge([load_glossary_file(a), load_glossary_file(b)])


def test_a_cached_glossary_knows_its_languages_without_decoding_entries(cache, tmp_path, monkeypatch):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_bytes(NEWS.read_bytes())
    b.write_text("version: 1\nentries:\n  - id: zz-only\n    forms: {zz: Zed, en: Zed}\n", encoding="utf-8")
    parsed = Glossary.merge([load_glossary_file(a), load_glossary_file(b)])
    expected = sorted({lang for e in parsed for lang in e.forms})
    assert "zz" in expected and "fa" in expected

    from retrans.glossary import StoredEntries

    decoded = []
    real_load = StoredEntries.load
    monkeypatch.setattr(StoredEntries, "load", lambda self, i: decoded.append(i) or real_load(self, i))
    cached = Glossary.merge([load_glossary_file(a), load_glossary_file(b)])  # from the cache: lazy
    assert cached.languages() == expected
    assert decoded == []  # a CLI run asks for them: it must not decode 10^5 entries to answer
    cached.add(Entry("extra", "other", "", {"qq": Forms("Qux")}))
    assert cached.languages() == sorted([*expected, "qq"])
    assert decoded == []


def test_glossaries_know_their_languages_as_entries_are_added():
    g = Glossary()
    assert g.languages() == []
    g.add(Entry("a", "other", "", {"en": Forms("A")}))
    assert g.languages() == ["en"]
    g.add(Entry("b", "other", "", {"fa": Forms("ب"), "en": Forms("B")}))
    assert g.languages() == ["en", "fa"]
    merged = Glossary.merge([g, Glossary([Entry("c", "other", "", {"ru": Forms("В")})])])
    assert merged.languages() == ["en", "fa", "ru"]


def test_cache_files_of_other_formats_live_side_by_side(cache, tmp_path):
    """Two retrans versions sharing one cache folder each keep their own file instead of rewriting
    the other's on every run (which made each run parse the whole glossary again)."""
    g = tmp_path / "g.yaml"
    g.write_bytes(NEWS.read_bytes())
    load_glossary_file(g)
    (mine,) = cache.glob("*.json")
    other = mine.with_name(mine.name.replace(".g", ".g0", 1))
    other.write_bytes(b"another version's file")
    before = mine.stat().st_mtime_ns
    assert load_glossary_file(g).digest == load_glossary_file(g, use_cache=False).digest
    assert mine.stat().st_mtime_ns == before and other.read_bytes() == b"another version's file"
