"""Case forms of names in languages that inflect them, one backend per language.

A backend turns a base form ("Zelenskyj", "Харків") into its case forms, each with
a case tag (``nomn gent datv accs voct loct ablt``, pymorphy3's names), and inflects
a base form into a given case. Russian and Ukrainian use pymorphy3 and its
dictionaries (a real morphological analyser; names it does not know are guessed by
its predictor). Czech, Slovak, Polish and German use suffix rules: the base form's ending
picks a paradigm, and the paradigm's endings give the case forms.

Every word of a multiword name inflects (Slavic: "Volodymyra Zelenského"), except in
German, where only the last word takes the genitive -s ("Wolodymyr Selenskyjs").

:func:`phrase_forms` gives the case forms of a whole name, so the matcher finds a wrong
name in any case and protects the right one in every case; :func:`inflect_like` puts
the canonical form into the case of a hit, keeping the hit's ending when both follow
one paradigm (suffix transfer).

Add a language in one place: :data:`BACKENDS`.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

CASES = ("nomn", "gent", "datv", "accs", "voct", "loct", "ablt")
# The order candidates are proposed in when a hit may be in several cases: the vocative is rare in news.
_CANDIDATE_ORDER = ("nomn", "gent", "datv", "accs", "loct", "ablt", "voct")
_MAX_PHRASE_FORMS = 24  # case forms of one multiword name, per case


class Backend(Protocol):
    """Case forms of one word of one language."""

    def word_forms(self, word: str, kind: str, loose: bool = False) -> dict[str, tuple[str, ...]]:
        """Case tag -> the word's forms in that case (the base form is among the ``nomn`` ones);
        empty when the word does not inflect. ``loose`` (for wrong names): also the forms MT
        makes of them, more than a grammar would."""
        ...

    def paradigm(self, word: str, kind: str) -> tuple[str, int] | None:
        """The paradigm name and the stem length of ``word``, for suffix transfer; ``None``
        when the backend cannot say (suffix transfer is then not tried)."""
        ...

    only_last: bool  # only the last word of a name inflects (German)


# ----------------------------------------------------------------------------- suffix rules


@dataclass(frozen=True)
class Paradigm:
    """Endings by case after cutting ``cut`` from the base form; ``kinds`` limits it to entry kinds."""

    name: str
    ending: str  # the base form ends so (regular expression, anchored at the end)
    cut: int
    endings: dict[str, tuple[str, ...]]
    kinds: tuple[str, ...] = ()
    soften: bool = False  # Czech: k/h/ch/r soften before -e in the dative and locative (Praha -> Praze)


def _p(name: str, ending: str, cut: int, kinds: tuple[str, ...] = (), soften: bool = False,
       **cases: str) -> Paradigm:
    return Paradigm(name, ending, cut, {c: tuple(v.split("|")) for c, v in cases.items()}, kinds, soften)


_PERSON, _NOT_PERSON = ("person",), ("place", "org", "event", "other")
_CONS = "[bcdfghjklmnpqrstvwxzčďňřšťžł]"

CS_PARADIGMS = (
    _p("adj-y", "ý$", 1, nomn="ý", gent="ého", datv="ému", accs="ého", voct="ý", loct="ém", ablt="ým"),
    _p("adj-yj", "yj$", 2, nomn="yj", gent="ého", datv="ému", accs="ého", voct="yj", loct="ém", ablt="ým"),
    # First names in -ij decline softly (Vitalij -> Vitalije, Andrijovi); adjectival surnames are written -yj.
    _p("soft-ij", "ij$", 0, _PERSON, nomn="", gent="e", datv="ovi|i", accs="e", voct="i", loct="ovi|i",
       ablt="em"),
    _p("adj-a", "á$", 1, nomn="á", gent="é", datv="é", accs="ou", voct="á", loct="é", ablt="ou"),
    _p("en-y", "(?<=[kc])y$", 1, _PERSON, nomn="y", gent="yho|ého", datv="ymu|ému", accs="yho|ého", voct="y",
       loct="ym|ém", ablt="ym"),
    _p("en-i", "(?<=[kc])i$", 1, _PERSON, nomn="i", gent="iho", datv="imu", accs="iho", voct="i", loct="im",
       ablt="im"),
    _p("masc-a", "a$", 1, _PERSON, nomn="a", gent="y", datv="ovi", accs="u", voct="o", loct="ovi", ablt="ou"),
    _p("ey", "(?<=[aeo])y$", 0, _PERSON, nomn="", gent="e", datv="ovi|i", accs="e", loct="ovi|i", ablt="em"),
    _p("u", "u$", 0, _PERSON, nomn="", gent="a", datv="ovi", accs="a", loct="ovi", ablt="em"),
    _p("fem-a", "a$", 1, _NOT_PERSON, True, nomn="a", gent="y", datv="ě", accs="u", voct="o", loct="ě",
       ablt="ou"),
    _p("neut-o", "o$", 1, nomn="o", gent="a", datv="u", accs="o", voct="o", loct="u|ě", ablt="em"),
    _p("masc-anim", f"{_CONS}$", 0, _PERSON, nomn="", gent="a", datv="ovi|u", accs="a", voct="e|i|u",
       loct="ovi|u", ablt="em"),
    _p("masc-inan", f"{_CONS}$", 0, _NOT_PERSON, True, nomn="", gent="a|u", datv="u", accs="", voct="e|i",
       loct="ě|u", ablt="em"),
)
# How MT declines wrong renderings in Czech (Russian-style -ij, English -ey / -u): matched, never produced.
CS_LOOSE = (
    _p("ru-ij", "[iy]j$", 2, _PERSON, nomn="ij|yj", gent="ijho|iho|yjho|yho|ija|yja", datv="ijmu|imu|ymu|ijovi|yjovi",
       accs="ijho|iho|yjho|yho|ija|yja", loct="im|ym|ijovi|yjovi|ijmu", ablt="im|ym|ijem|yjem"),
    _p("ey", "(?<=[aeo])y$", 0, _PERSON, nomn="", gent="a", datv="ovi|i", accs="a", loct="ovi|i", ablt="em"),
    _p("u", "u$", 0, _PERSON, nomn="", gent="a", datv="ovi", accs="a", loct="ovi", ablt="em"),
)
SK_PARADIGMS = (
    _p("adj-y", "ý$", 1, nomn="ý", gent="ého", datv="ému", accs="ého", loct="om", ablt="ým"),
    _p("adj-yj", "[yi]j$", 2, nomn="yj", gent="ého", datv="ému", accs="ého", loct="om", ablt="ým"),
    _p("adj-a", "á$", 1, nomn="á", gent="ej", datv="ej", accs="ú", loct="ej", ablt="ou"),
    _p("masc-a", "a$", 1, _PERSON, nomn="a", gent="u", datv="ovi", accs="u", loct="ovi", ablt="om"),
    _p("fem-a", "a$", 1, _NOT_PERSON, nomn="a", gent="y", datv="e", accs="u", loct="e", ablt="ou"),
    _p("neut-o", "o$", 1, nomn="o", gent="a", datv="u", accs="o", loct="e|u", ablt="om"),
    _p("masc-anim", f"{_CONS}$", 0, _PERSON, nomn="", gent="a", datv="ovi", accs="a", loct="ovi", ablt="om"),
    _p("masc-inan", f"{_CONS}$", 0, _NOT_PERSON, nomn="", gent="a|u", datv="u", accs="", loct="e|u", ablt="om"),
)
_PL_CONS = "[bcdfghjklmnpqrstvwxzłńśźżć]"
PL_PARADIGMS = (
    _p("adj-i", "(?<=[skc])i$", 1, nomn="i", gent="iego", datv="iemu", accs="iego", ablt="im", loct="im",
       voct="i"),
    _p("adj-y", "y$", 1, nomn="y", gent="ego", datv="emu", accs="ego", ablt="ym", loct="ym", voct="y"),
    _p("adj-a", "(?<=[skc])a$", 1, _PERSON, nomn="a", gent="iej", datv="iej", accs="ą", ablt="ą", loct="iej"),
    _p("ow", "ów$", 2, nomn="ów", gent="owa", datv="owowi|owu", accs="ów|owa", ablt="owem", loct="owie",
       voct="owie"),
    _p("fem-a", "a$", 1, nomn="a", gent="Y", datv="IE", accs="ę", ablt="ą", loct="IE", voct="o"),
    _p("neut-e", "e$", 1, _NOT_PERSON, nomn="e", gent="a", datv="u", accs="e", ablt="em", loct="u"),
    _p("masc-anim", f"{_PL_CONS}$", 0, _PERSON, nomn="", gent="a", datv="owi", accs="a", ablt="EM", loct="IEM",
       voct="IEM"),
    _p("masc-inan", f"{_PL_CONS}$", 0, _NOT_PERSON, nomn="", gent="a|u", datv="owi|u", accs="", ablt="EM",
       loct="IEM"),
)
PL_LOOSE = (
    _p("ru-ij", "[iy]j$", 2, _PERSON, nomn="ij|yj", gent="ija|ego|iego", datv="ijowi|emu|iemu", accs="ija|ego|iego",
       loct="im|ijem|iju", ablt="im|ijem"),
    _p("en-y", "(?<=[kc])y$", 1, _PERSON, nomn="y", gent="ego|iego|yego", datv="emu|iemu", accs="ego|iego",
       loct="im|ym", ablt="im|ym"),
    _p("cons", f"{_PL_CONS}$", 0, _PERSON, nomn="", gent="a|u", datv="owi|u", accs="a", ablt="EM|em",
       loct="ie|u|e"),
    # an inanimate noun's accusative is its nominative: "Kyiva" after "Mer" is a genitive, never an accusative
    _p("cons-inan", f"{_PL_CONS}$", 0, _NOT_PERSON, nomn="", gent="a|u", datv="owi|u", accs="", ablt="EM|em",
       loct="ie|u|e"),
)
_PL_SOFT = (("st", "ście"), ("sł", "śle"), ("t", "cie"), ("d", "dzie"), ("r", "rze"), ("ł", "le"), ("k", "ce"),
            ("g", "dze"), ("ch", "sze"), ("ż", "ży"), ("sz", "szy"), ("rz", "rzy"), ("c", "cy"), ("j", "ji"))
DE_PARADIGMS = (
    _p("sibilant", "(?:s|ß|x|z|ce)$", 0, nomn="", gent="'"),
    _p("plain", "[^\\W\\d_]$", 0, nomn="", gent="s|'s"),
)
_CYR_CONS = "[бвгджзклмнпрстфхцчшщ]"
RU_RULES = (
    _p("adj", "[иы]й$", 2, nomn="ий|ый", gent="ого", datv="ому", accs="ого", ablt="им|ым", loct="ом"),
    _p("soft", "ь$", 1, nomn="ь", gent="я", datv="ю", accs="ь", ablt="ем", loct="е"),
    _p("a", "а$", 1, nomn="а", gent="ы|и", datv="е", accs="у", ablt="ой", loct="е"),
    _p("ya", "я$", 1, nomn="я", gent="и", datv="е|и", accs="ю", ablt="ей", loct="е|и"),
    _p("anim", f"{_CYR_CONS}$", 0, _PERSON, nomn="", gent="а", datv="у", accs="а", ablt="ом|ым", loct="е"),
    _p("inan", f"{_CYR_CONS}$", 0, _NOT_PERSON, nomn="", gent="а", datv="у", accs="", ablt="ом|ем", loct="е"),
)
UK_RULES = (
    _p("adj", "[иі]й$", 2, nomn="ий|ій", gent="ого", datv="ому", accs="ого", ablt="им", loct="ому|ім"),
    _p("soft", "ь$", 1, nomn="ь", gent="я", datv="ю|еві", accs="ь", ablt="ем", loct="і|ю"),
    _p("a", "а$", 1, nomn="а", gent="и", datv="і", accs="у", ablt="ою", loct="і"),
    # Neuter -я after a doubled consonant or an apostrophe: Запоріжжя -> у Запоріжжі, Придніпров'я
    _p("neut-ya", "(?:([бвгджзклмнпрстфхцчшщ])\\1|['’])я$", 1, _NOT_PERSON, nomn="я", gent="я", datv="ю",
       accs="я", ablt="ям", loct="і"),
    _p("ya", "я$", 1, nomn="я", gent="і", datv="і", accs="ю", ablt="єю", loct="і"),
    _p("o-anim", "о$", 1, _PERSON, nomn="о", gent="а", datv="ові|у", accs="а", ablt="ом", loct="ові|і"),
    _p("neut-o", "о$", 1, _NOT_PERSON, nomn="о", gent="а", datv="у", accs="о", ablt="ом", loct="і|у"),
    _p("anim", f"{_CYR_CONS}$", 0, _PERSON, nomn="", gent="а", datv="у|ові", accs="а", ablt="ом", loct="і|ові|у"),
    # Places in -ів/-їв alternate і -> о, ї -> є when the syllable opens: Харків -> Харкова, Київ -> Києва
    # (what the GPL-3 Ukrainian dictionary would otherwise supply).
    _p("iv", "ів$", 2, _NOT_PERSON, nomn="ів", gent="ова", datv="ову", accs="ів", ablt="овом", loct="ові"),
    _p("yiv", "їв$", 2, _NOT_PERSON, nomn="їв", gent="єва", datv="єву", accs="їв", ablt="євом", loct="єві"),
    _p("inan", f"{_CYR_CONS}$", 0, _NOT_PERSON, nomn="", gent="а|у", datv="у|ові", accs="", ablt="ом",
       loct="і|у"),
)
_SOFTEN = (("ch", "š"), ("k", "c"), ("h", "z"), ("g", "z"), ("r", "ř"))
_HARD_E = "dtnbpmvf"  # take -ě; the others take -e


class RuleBackend:
    """Suffix rules: the first paradigm whose ending matches the base form (and entry kind) applies."""

    def __init__(self, paradigms: Iterable[Paradigm], only_last: bool = False, loose: Iterable[Paradigm] = ()) -> None:
        self.paradigms = tuple(paradigms)
        self.only_last = only_last
        self.loose = tuple(loose)

    def _matching(self, word: str, kind: str, paradigms: tuple[Paradigm, ...]) -> list[Paradigm]:
        low = word.lower()
        return [p for p in paradigms if (not p.kinds or kind in p.kinds) and re.search(p.ending, low)]

    def _pick(self, word: str, kind: str) -> Paradigm | None:
        found = self._matching(word, kind, self.paradigms)
        return found[0] if found else None

    def paradigm(self, word: str, kind: str) -> tuple[str, int] | None:
        p = self._pick(word, kind)
        return (p.name, len(word) - p.cut) if p else None

    def word_forms(self, word: str, kind: str, loose: bool = False) -> dict[str, tuple[str, ...]]:
        """With ``loose``, the forms of every paradigm that fits, and the loose ones (for wrong names)."""
        if len(word) < 3 or not word[:1].isupper():
            return {}
        found = self._matching(word, kind, self.paradigms + self.loose) if loose else self._pick(word, kind)
        paradigms = found if isinstance(found, list) else [found] if found else []
        out: dict[str, list[str]] = {"nomn": [word]}
        votes: dict[tuple[str, str], int] = {}
        for p in paradigms:
            stem = word[: len(word) - p.cut]
            for case, endings in p.endings.items():
                forms = out.setdefault(case, [])
                for f in dict.fromkeys(_join(stem, e, p.soften) for e in endings):
                    votes[case, f] = votes.get((case, f), 0) + 1
                    if f not in forms:
                        forms.append(f)
        # a form more paradigms agree on comes first in its case (the likelier reading of a hit)
        return {c: tuple(sorted(v, key=lambda f: -votes.get((c, f), 0))) for c, v in out.items()} if paradigms else {}


def _join(stem: str, ending: str, soften: bool) -> str:
    if ending == "IE":  # Polish locative/dative -e with the stem softened (Kijów -> Kijowie, Odessa -> Odessie)
        low = stem.lower()
        for hard, soft in _PL_SOFT:
            if low.endswith(hard):
                return stem[: -len(hard)] + soft
        return stem + "ie"
    if ending == "IEM":  # masculine locative: -u after k, g, ch (w Pokrowsku), else the softened -e
        return stem + "u" if stem.lower().endswith(("k", "g", "ch")) else _join(stem, "IE", soften)
    if ending == "Y":  # Polish genitive: -i after k, g, l, j and soft consonants (Ameryki, Genewy)
        return stem + ("i" if stem[-1:].lower() in "kgljśźćń" else "y")
    if ending == "EM":  # Polish instrumental: k and g take -iem (Pokrowsk -> Pokrowskiem)
        return stem + ("iem" if stem[-1:].lower() in "kg" else "em")
    if ending != "ě":
        return stem + ending
    if soften:
        for hard, soft in _SOFTEN:
            if stem.endswith(hard):
                return stem[: -len(hard)] + soft + "e"
    return stem + ("ě" if stem[-1:].lower() in _HARD_E else "e")


# ----------------------------------------------------------------------------- pymorphy3


class MorphyBackend:
    """pymorphy3 with its dictionaries. A correct form is declined by the analyser of its own
    language (or, when that dictionary lacks it, by the language's rules); a wrong form
    (``loose``) also by the other Cyrillic one (a Russian spelling in Ukrainian text) and by
    the rules of both."""

    only_last = False

    def __init__(self, lang: str, others: tuple[str, ...] = (), rules: RuleBackend | None = None) -> None:
        self.langs = (lang, *others)
        self.rules = rules  # for words no dictionary knows

    @staticmethod
    @functools.lru_cache(maxsize=4)
    def _analyzer(lang: str):  # type: ignore[no-untyped-def]
        """The analyser of ``lang``, or ``None`` when its dictionary package is not installed (the
        Ukrainian one, pymorphy3-dicts-uk, is GPL-3 and so only an optional extra: ``retrans[uk]``)."""
        import pymorphy3

        try:
            return pymorphy3.MorphAnalyzer(lang=lang)
        except (ValueError, ImportError, OSError):
            return None

    def _parse(self, word: str, kind: str, langs: tuple[str, ...]):  # type: ignore[no-untyped-def]
        best, best_score = None, -99.0
        for i, lang in enumerate(langs):
            analyzer = self._analyzer(lang)
            if analyzer is None:
                continue
            for p in analyzer.parse(word.lower()):
                tag = p.tag
                if tag.POS not in ("NOUN", "ADJF") or tag.case != "nomn":
                    continue
                score = p.score + 2 * p.is_known - i
                grams = set(tag.grammemes)
                if kind == "person" and grams & {"Name", "Surn", "Patr"}:
                    score += 2
                if kind == "person" and "anim" in grams:
                    score += 1
                if kind == "place" and ("Geox" in grams or "inan" in grams):
                    score += 1
                if tag.number == "plur":
                    score -= 3
                if score > best_score:
                    best, best_score = p, score
        return best

    def paradigm(self, word: str, kind: str) -> tuple[str, int] | None:
        return None

    def word_forms(self, word: str, kind: str, loose: bool = False) -> dict[str, tuple[str, ...]]:
        if len(word) < 3 or not word[:1].isupper():
            return {}
        out: dict[str, list[str]] = {"nomn": [word]}
        own = self._parse(word, kind, self.langs[:1])
        if loose and not (own is not None and own.is_known):
            parses = [own, self._parse(word, kind, self.langs[1:])]
        else:  # a correct form is declined by its own language only: Ukrainian "Суми" is no Russian "сумы"
            parses = [own]
        if self.rules is not None and (loose or not any(p is not None and p.is_known for p in parses)):
            # no dictionary of the language knows the word, or it is a wrong name (MT mixes a Russian
            # stem with a Ukrainian ending: "Харькові"): the rules first, then the dictionaries' forms
            for case, forms in self.rules.word_forms(word, kind, loose).items():
                out.setdefault(case, [])
                out[case] += [f for f in forms if f not in out[case]]
        for p in parses:
            if p is not None:
                self._add_lexeme(out, word, p)
        return {c: tuple(v) for c, v in out.items()}

    @staticmethod
    def _add_lexeme(out: dict[str, list[str]], word: str, p) -> None:  # type: ignore[no-untyped-def]
        gender = p.tag.gender
        known = p.is_known
        for f in p.lexeme:
            t = f.tag
            if t.number == "plur" or (gender and t.gender and t.gender != gender) or t.case not in CASES:
                continue
            form = _recase(word, f.word)
            if not known and form[: max(2, len(word) - 3)].lower() != word[: max(2, len(word) - 3)].lower():
                continue  # the predictor rewrote the stem: not trusted
            out.setdefault(t.case, [])
            if form not in out[t.case]:
                out[t.case].append(form)


def _recase(model: str, word: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# ----------------------------------------------------------------------------- registry

BACKENDS: dict[str, Backend] = {
    # A wrong name may be the other language's spelling (Київ in Russian text): its rules decline it too.
    "ru": MorphyBackend("ru", ("uk",), RuleBackend(RU_RULES, loose=UK_RULES)),
    "uk": MorphyBackend("uk", ("ru",), RuleBackend(UK_RULES, loose=RU_RULES)),
    "cs": RuleBackend(CS_PARADIGMS, loose=CS_LOOSE),
    "sk": RuleBackend(SK_PARADIGMS),
    "pl": RuleBackend(PL_PARADIGMS, loose=PL_LOOSE),
    "de": RuleBackend(DE_PARADIGMS, only_last=True),
}
MORPHOLOGICAL = frozenset({"ru", "uk"})  # languages with a real morphological analyser behind them


def backend(lang: str) -> Backend | None:
    """The inflection backend of ``lang`` (``de-AT`` uses ``de``), or ``None``."""
    return BACKENDS.get(lang.split("-")[0].lower())


_WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*")


def phrase_forms(lang: str, phrase: str, kind: str, loose: bool = False) -> dict[str, tuple[str, ...]]:
    """Case tag -> forms of a (multiword) name: every inflecting word in the same case
    (``loose``: as MT may decline a wrong name, see :meth:`Backend.word_forms`)."""
    b = backend(lang)
    if b is None:
        return {"nomn": (phrase,)}
    words = list(_WORD_RE.finditer(phrase))
    if not words:
        return {"nomn": (phrase,)}
    inflecting = words[-1:] if b.only_last else words
    per_word = [(m, _word_forms(lang, m.group(), kind, loose)) for m in inflecting]
    per_word = [(m, f) for m, f in per_word if f]
    if not per_word:
        return {"nomn": (phrase,)}
    out: dict[str, tuple[str, ...]] = {}
    for case in CASES:
        options = [f.get(case) or (m.group(),) for m, f in per_word]
        if all(f.get(case) is None for _, f in per_word):
            continue
        forms = []
        for combo in itertools.islice(itertools.product(*options), _MAX_PHRASE_FORMS):
            text, last = [], 0
            for (m, _), word in zip(per_word, combo):
                text += [phrase[last : m.start()], word]
                last = m.end()
            forms.append("".join(text) + phrase[last:])
        out[case] = tuple(dict.fromkeys(forms))
    out["nomn"] = tuple(dict.fromkeys((phrase, *out.get("nomn", ()))))
    return out


@functools.lru_cache(maxsize=65536)
def _word_forms(lang: str, word: str, kind: str, loose: bool = False) -> dict[str, tuple[str, ...]]:
    b = backend(lang)
    return b.word_forms(word, kind, loose) if b else {}


def cases_of(lang: str, phrase: str, kind: str, text: str, loose: bool = True) -> tuple[str, ...]:
    """The case tags under which ``text`` is a form of ``phrase`` (case-insensitive)."""
    low = text.casefold()
    return tuple(c for c, forms in phrase_forms(lang, phrase, kind, loose).items()
                 if any(f.casefold() == low for f in forms))


# The cases a preposition governs, likeliest first (a name after one is never a nominative subject): the
# order of case candidates here, and which cases a preposition rule applies in (retrans.prepositions).
_G, _D, _A, _L, _I = "gent", "datv", "accs", "loct", "ablt"
GOVERNS: dict[str, dict[str, tuple[str, ...]]] = {
    "cs": {"v": (_L, _A), "ve": (_L, _A), "z": (_G,), "ze": (_G,), "do": (_G,), "u": (_G,), "od": (_G,),
           "bez": (_G,), "k": (_D,), "ke": (_D,), "proti": (_D,), "na": (_L, _A), "o": (_L, _A), "po": (_L,),
           "při": (_L,), "s": (_I,), "se": (_I,), "nad": (_I,), "pod": (_I, _A), "před": (_I,), "za": (_I, _A),
           "mezi": (_I,)},
    "sk": {"v": (_L, _A), "vo": (_L, _A), "z": (_G,), "zo": (_G,), "do": (_G,), "u": (_G,), "od": (_G,),
           "k": (_D,), "ku": (_D,), "na": (_L, _A), "o": (_L, _A), "po": (_L,), "pri": (_L,), "s": (_I,),
           "so": (_I,), "nad": (_I,), "pod": (_I, _A), "pred": (_I,), "za": (_I, _A)},
    "pl": {"w": (_L, _A), "we": (_L, _A), "z": (_G, _I), "ze": (_G, _I), "do": (_G,), "od": (_G,), "u": (_G,),
           "bez": (_G,), "dla": (_G,), "koło": (_G,), "obok": (_G,), "wokół": (_G,), "k": (_D,), "ku": (_D,),
           "na": (_L, _A), "o": (_L, _A), "po": (_L,), "przy": (_L,), "nad": (_I,), "pod": (_I, _A),
           "przed": (_I,), "za": (_I, _A), "między": (_I,)},
    "uk": {"у": (_L, _A), "в": (_L, _A), "з": (_G, _I), "із": (_G, _I), "зі": (_G, _I), "до": (_G,),
           "від": (_G,), "біля": (_G,), "без": (_G,), "для": (_G,), "навколо": (_G,), "на": (_L, _A),
           "по": (_L, _D), "при": (_L,), "о": (_L,), "під": (_I, _A), "над": (_I,), "перед": (_I,),
           "за": (_I, _A), "між": (_I,)},
    "ru": {"в": (_L, _A), "во": (_L, _A), "из": (_G,), "до": (_G,), "у": (_G,), "от": (_G,), "без": (_G,),
           "для": (_G,), "около": (_G,), "возле": (_G,), "к": (_D,), "ко": (_D,), "по": (_D,), "на": (_L, _A),
           "о": (_L,), "об": (_L,), "при": (_L,), "с": (_I, _G), "со": (_I, _G), "под": (_I, _A),
           "над": (_I,), "перед": (_I,), "за": (_I, _A), "между": (_I,)},
}
# Endings of an adjective that may stand between the preposition and the name ("в оккупированном Луганске").
_ADJ_END = {
    "cs": r"(?:ém|ím|ého|ího|ému|ímu|ým|ou|é|ý|á|í)",
    "sk": r"(?:om|ej|ého|ieho|ému|iemu|ým|ou|é|ý|á|í)",
    "pl": r"(?:ym|im|ej|ego|iego|emu|iemu|ą|ę|y|i|e|a)",
    "uk": r"(?:ому|ім|ій|ого|ою|им|ий|ої|ому|у|а|е)",
    "ru": r"(?:ом|ем|ой|ей|ым|им|ого|его|ому|ему|ую|юю|ая|яя|ый|ий|ое|ее)",
}


def _is_letter(c: str) -> bool:
    """``[^\\W\\d_]`` of a Unicode ``re`` pattern: a word character that is not a digit or "_"."""
    return c.isalnum() and not c.isdecimal()


def last_words(before: str) -> tuple[str | None, str] | None:
    """The last word of ``before`` and the one before it (``None`` unless only whitespace is between them),
    where ``before`` ends in whitespace after a word; else ``None``. A word is a run of letters (as
    :func:`_is_letter`). The groups of ``re.search(r"(?:([^\\W\\d_]+)\\s+)?([^\\W\\d_]+)\\s+$", before)``,
    read backwards from the end: the search takes time in the length of all of ``before`` (about a
    millisecond per kilobyte), and it runs for every span of an inflecting language."""
    end = len(before)
    while end > 0 and before[end - 1].isspace():
        end -= 1
    if end == len(before):
        return None
    start = end
    while start > 0 and _is_letter(before[start - 1]):
        start -= 1
    if start == end:
        return None
    gap = start
    while gap > 0 and before[gap - 1].isspace():
        gap -= 1
    first = gap
    while first > 0 and _is_letter(before[first - 1]):
        first -= 1
    return (before[first:gap] if first < gap < start else None), before[start:end]


def governed_cases(lang: str, before: str) -> tuple[str, ...]:
    """The cases the preposition ending ``before`` (the text up to a hit) governs, also across one
    lower-case adjective ("в оккупированном"); ``()`` if no preposition governs the hit."""
    base = lang.split("-")[0].lower()
    table = GOVERNS.get(base)
    words = last_words(before) if table else None
    if words is None:
        return ()
    prev, last = words
    found = table.get(last.casefold())
    if found is None and prev and last.islower() and re.search(_ADJ_END[base] + "$", last):
        found = table.get(prev.casefold())
    return found or ()


def inflect_like(lang: str, base: str, text: str, target: str, kind: str, before: str = "") -> list[str]:
    """``target`` in the case(s) that ``text`` (a form of ``base``) is in, best guess first.

    Where ``base`` and ``target`` end in one paradigm, the hit's own ending is carried
    over word by word (Kijevu -> Kyjevu); then come the forms of ``target`` in each case
    the hit may be in (Zelenskijovi: dative -> Zelenskému), for the ranker to choose from;
    cases a preposition just before the hit governs first (``before``: the text up to it).
    A hit in the base form tells no case. After a preposition it is a foreign name MT left
    undeclined (Polish "w Geneva" -> "w Genewie"): ``target`` in the governed cases comes
    first (a case the base form itself may be in before the others: "na Mykolaiv", an
    inanimate accusative), then the nominative. Elsewhere it stays in the nominative.
    The order is the morphological evidence: the ranker charges each step down it.
    """
    governed = governed_cases(lang, before) if before else ()
    undeclined = text.casefold() == base.casefold()
    if undeclined and not governed:
        return [target]
    tforms = phrase_forms(lang, target, kind)
    if undeclined:
        # a governed case the base form itself may be in first ("na Mykolaiv": an inanimate accusative)
        own = cases_of(lang, base, kind, text)
        out = [f for case in sorted(governed, key=lambda c: c not in own) for f in tforms.get(case, ())]
        return list(dict.fromkeys([*out, target]))
    transferred = _transfer(lang, base, text, target, kind)
    out = [transferred] if transferred else []
    cases = cases_of(lang, base, kind, text)
    key = _case_key(lang, base, kind, text)
    for case in sorted(cases, key=lambda c: (c not in governed, key(c))):
        for form in tforms.get(case, ()):
            if form not in out:
                out.append(form)
    return out


def _case_key(lang: str, base: str, kind: str, text: str):  # type: ignore[no-untyped-def]
    """Sort key of the cases a hit may be in: a case whose first (likeliest) form the hit is comes
    before one where it is an alternative ending (Ukrainian "Харькову": dative before genitive),
    then the usual order."""
    forms = phrase_forms(lang, base, kind, True)
    low = text.casefold()

    def key(case: str) -> tuple[int, int]:
        found = [i for i, f in enumerate(forms.get(case, ())) if f.casefold() == low]
        return (found[0] if found else 99, _CANDIDATE_ORDER.index(case))

    return key


def _transfer(lang: str, base: str, text: str, target: str, kind: str) -> str | None:
    b = backend(lang)
    if b is None:
        return None
    bw, tw, gw = base.split(), text.split(), target.split()
    if not len(bw) == len(tw) == len(gw):
        return None
    out = []
    for i, (bword, tword, gword) in enumerate(zip(bw, tw, gw)):
        if b.only_last and i < len(bw) - 1 or tword.casefold() == bword.casefold():
            out.append(gword)
            continue
        pb, pg = b.paradigm(bword, kind), b.paradigm(gword, kind)
        if pb is None or pg is None or pb[0] != pg[0] or tword[: pb[1]].casefold() != bword[: pb[1]].casefold():
            return None
        out.append(gword[: pg[1]] + tword[pb[1] :])
    return " ".join(out)

