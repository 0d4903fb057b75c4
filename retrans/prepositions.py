"""Prepositions that change with a name: Ukrainian "на Україні" → "в Україні".

A glossary states, per language and entry, which preposition MT writes wrongly before
the name and which one the name takes (``prepositions: {на: в}`` in ``Forms``). Where
such a wrong preposition stands right before the name, the phrase is proposed with the
right one and the name in the same case (на + locative → в + locative), and the ranker
decides, as for any other candidate:

* before a correct name ("на Україні"), the matcher finds the phrase itself
  (:func:`phrases` puts "на" + each case form into its table) and :func:`refine` turns the
  hit into a :class:`PrepositionSpan`;
* before a wrong name ("на Украине" in Ukrainian text), :func:`with_prepositions` adds the
  phrase with the canonical form to the name's candidates.

A rule applies only in the cases both prepositions govern (:data:`retrans.inflect.GOVERNS`): Russian
"с Украиной" (with Ukraine, instrumental) is not "из Украины" (from Ukraine, genitive).
In the locative both prepositions can only place something, so a rule there is the
standard's and the phrase is as suspect as a variant; in other cases the wrong-looking
preposition may mean something else ("напад на Україну", an attack *on* Ukraine) and
only context decides, as for a mistranslation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .glossary import Entry, Forms
from .inflect import GOVERNS, backend, cases_of, phrase_forms
from .multilingual import MorphSpan
from .records import MISTRANSLATION, VARIANT, Candidate, Span

SOURCE = "preposition"  # Candidate.source of a candidate that changes the preposition too

STRONG_CASES = frozenset({"loct"})  # cases in which a rule is the standard's, not a matter of sense

_WORD_BEFORE = re.compile(r"(?:^|(?<=\W))(\w+)(\s+)$")
_UK_VOWELS = frozenset("аеєиіїоуюяАЕЄИІЇОУЮЯ")
_RU_VOWELS = frozenset("аеёиоуыэюяАЕЁИОУЫЭЮЯ")


@dataclass(frozen=True)
class PrepositionSpan(MorphSpan):
    """A wrong preposition before a correct name ("на Україні"): the span covers both;
    ``right`` is the preposition the rule gives, ``name_start`` where the name begins."""

    right: str = ""
    name_start: int = 0


def _governed(lang: str, wrong: str, right: str) -> frozenset[str] | None:
    """The cases both prepositions govern, or ``None`` when the language or a preposition is unknown."""
    table = GOVERNS.get(lang.split("-")[0].lower())
    if table is None:
        return None
    a, b = table.get(wrong.casefold()), table.get(right.split()[-1].casefold())
    if a is None or b is None:
        return None
    return frozenset(a) & frozenset(b)


def phrases(lang: str, entry: Entry, forms: Forms) -> list[tuple[str, str]]:
    """``(phrase, base phrase)``: each wrong preposition before each case form of each correct form,
    in the cases the rule applies to ("на Україні", "на Україна"), for the matcher's table."""
    out: list[tuple[str, str]] = []
    inflects = backend(lang) is not None
    for wrong, right in forms.prepositions:
        cases = _governed(lang, wrong, right)
        for form in (forms.canonical, *forms.admitted):
            base = f"{wrong} {form}"
            if not inflects:
                out.append((base, base))
                continue
            declined = phrase_forms(lang, form, entry.kind, False)
            for case, texts in declined.items():
                if cases is None or case in cases:
                    out += [(f"{wrong} {t}", base) for t in texts]
    return out


def _rule(forms: Forms, word: str) -> str | None:
    folded = word.casefold()
    return next((right for wrong, right in forms.prepositions if wrong.casefold() == folded), None)


def refine(span: Span, entry: Entry, lang: str) -> list[Span] | None:
    """A :class:`PrepositionSpan` for a hit of a :func:`phrases` phrase (``[]``: not in a case the rule
    applies to), ``None`` for any other span."""
    forms = entry.forms.get(lang)
    if forms is None or not forms.prepositions or span.kind != MISTRANSLATION or " " not in span.form:
        return None
    wrong_form, name_form = span.form.split(" ", 1)
    right = _rule(forms, wrong_form)
    if right is None or name_form not in (forms.canonical, *forms.admitted) or span.form in forms.mistranslations:
        return None
    m = re.match(r"\w+\s+", span.text)
    if m is None:
        return []
    name_start = span.start + m.end()
    name = span.text[m.end():]
    cases: tuple[str, ...] = ()
    if backend(lang) is not None:
        governed = _governed(lang, wrong_form, right)
        cases = tuple(c for c in cases_of(lang, name_form, entry.kind, name) if governed is None or c in governed)
        if not cases:
            return []
    kind = VARIANT if STRONG_CASES & set(cases) else MISTRANSLATION
    return [PrepositionSpan(span.line, span.start, span.end, span.text, span.entry_id, kind, span.form, lang,
                            cases or ("nomn",), "", entry.kind, right, name_start)]


def choose(lang: str, right: str, before: str, name: str, written: str) -> str:
    """The right preposition as it is written between ``before`` and ``name``: Ukrainian в/у by the
    sounds around it, Russian во before в/ф and a consonant; capitalised like the ``written`` one."""
    base = lang.split("-")[0].lower()
    word = right
    if base == "uk" and right.casefold() in ("в", "у") and name:
        first = name[0]
        prev = before.rstrip()[-1:] if before.strip() else ""
        if first in "вфВФ" or name.casefold().startswith(("льв", "св", "тв", "хв")):
            word = "у"
        elif first in _UK_VOWELS or prev in _UK_VOWELS:
            word = "в"
        else:
            word = "у"
    elif base == "ru" and right.casefold() == "в" and len(name) > 1 and name[0] in "вфВФ" \
            and name[1] not in _RU_VOWELS:
        word = "во"
    if written[:1].isupper():
        word = word.upper() if len(written) > 1 and written.isupper() else word[:1].upper() + word[1:]
    return word


def span_candidates(span: PrepositionSpan, line: str) -> list[Candidate]:
    """Keep the phrase, or the right preposition before the name."""
    name = line[span.name_start : span.end]
    gap = line[span.start : span.name_start]
    written = gap.rstrip()
    fixed = choose(span.lang, span.right, line[: span.start], name, written) + gap[len(written):] + name
    keep = Candidate(span, span.start, span.end, span.text, span.text, "keep")
    return [keep] if fixed == span.text else [keep, Candidate(span, span.start, span.end, span.text, fixed, SOURCE)]


def with_prepositions(span: MorphSpan, line: str, forms: Forms, candidates: list[Candidate]) -> list[Candidate]:
    """``candidates`` of a wrong name, plus each canonical one with the right preposition where a
    wrong one stands before the name: first (in place of the others) when the rule is the standard's
    in the hit's case, after them when context must decide."""
    if not forms.prepositions:
        return candidates
    m = _WORD_BEFORE.search(line, 0, span.start)
    right = _rule(forms, m.group(1)) if m else None
    if m is None or right is None:
        return candidates
    cases = set(span.cases)
    if backend(span.lang) is not None:
        governed = _governed(span.lang, m.group(1), right)
        if governed is not None:
            cases &= governed
        if not cases:
            return candidates
    start = m.start(1)
    out, seen = [], set()
    for c in candidates:
        if c.source in ("keep", "script", SOURCE) or c.start != span.start:
            continue
        text = choose(span.lang, right, line[:start], c.replacement, m.group(1)) + m.group(2) + c.replacement
        if text not in seen:
            seen.add(text)
            out.append(Candidate(span, start, c.end, line[start : c.end], text, SOURCE,
                                 morph_rank=c.morph_rank))
    if not out:
        return candidates
    if backend(span.lang) is not None and cases & STRONG_CASES:
        return [c for c in candidates if c.source == "keep"] + out
    return candidates + out
