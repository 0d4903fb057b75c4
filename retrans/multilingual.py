"""Language hooks of the matcher and the proposer: inflection, unspaced scripts, mixed scripts.

:class:`LanguageRules` is what :class:`retrans.detect.Matcher` asks, per language:

* the case forms to add to the automaton for each glossary form (Czech "Zelenského"
  for "Zelenskyj"; a protected form is protected in every case);
* whether a hit is on a word boundary (Chinese and Japanese: script runs and a
  segmenter, see :mod:`retrans.scripts`);
* spans for words that mix look-alike scripts, and the case a hit is in.

A hit in a language with an inflection backend, or a mixed-script word, becomes a
:class:`MorphSpan`; :func:`propose_morph` proposes the canonical form inflected into
the hit's case (one candidate per possible case, the ranker decides).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .glossary import Entry, Forms, Glossary
from .inflect import backend, cases_of, inflect_like, phrase_forms
from .records import VARIANT, Candidate, Span, quick_init
from .scripts import UNSPACED, UnspacedBoundaries, han_segmenter, mixed_words

SCRIPT_ENTRY = "script"  # entry id prefix of a mixed-script word no glossary entry knows


@quick_init
@dataclass(frozen=True, slots=True)
class MorphSpan(Span):
    """A span in a language with case forms or mixed scripts. ``cases`` are the case tags the
    hit may be in; ``fixed`` is the single-script form of a mixed-script hit ("" otherwise)."""

    lang: str = ""
    cases: tuple[str, ...] = ()
    fixed: str = ""
    entry_kind: str = "other"


class LanguageRules:
    """Per-language matching rules for one glossary."""

    def __init__(self, glossary: Glossary, lang: str) -> None:
        self.glossary = glossary
        self.lang = lang
        base = lang.split("-")[0].lower()
        self.inflects = backend(lang) is not None
        self.unspaced = base in UNSPACED
        self.wrap = base != "en"  # spans become MorphSpans: proposed by propose_morph, ranked on context
        self._boundaries: UnspacedBoundaries | None = None
        if self.unspaced:
            words = tuple(sorted({f for _, forms in glossary.forms(lang)
                                  for f in (forms.canonical, *forms.admitted, *forms.variants,
                                            *forms.mistranslations, *forms.protected)}))
            self._boundaries = UnspacedBoundaries(han_segmenter(words) if words else None)

    def foreign_forms(self, entry: Entry) -> tuple[str, ...]:
        """Latin renderings of the entry that MT leaves in Chinese or Japanese text ("Zelensky大統領"):
        its English forms, except acronyms and forms with digits (NATO, G7), which are written so."""
        if not self.unspaced or self.lang not in entry.forms or "en" not in entry.forms:
            return ()
        en = entry.forms["en"]
        return tuple(f for f in (en.canonical, *en.admitted, *en.variants)
                     if not f.isupper() and not any(c.isdigit() for c in f))

    def preposition_phrases(self, entry: Entry) -> list[tuple[str, str]]:
        """``(phrase, base)``: a wrong preposition before a correct form, for the matcher to find
        ("на Україні"; see :mod:`retrans.prepositions`)."""
        forms = entry.forms.get(self.lang)
        if not self.wrap or forms is None or not forms.prepositions:
            return []
        from .prepositions import phrases

        return phrases(self.lang, entry, forms)

    def case_forms(self, form: str, entry: Entry, wrong: bool = True) -> list[str]:
        """The other case forms of ``form`` to match as well (``wrong``: of a variant or mistranslation,
        declined as loosely as MT does)."""
        if not self.inflects:
            return []
        out = {f for forms in phrase_forms(self.lang, form, entry.kind, wrong).values() for f in forms}
        out.discard(form)
        return sorted(out)

    def boundary(self) -> Callable[[str, int, int], bool] | None:
        """A replacement word-boundary test for this language, or ``None`` for the default one."""
        return self._boundaries.ok if self._boundaries is not None else None

    def refine(self, text: str, line: int, spans: list[Span], lookup: Callable[[str], tuple | None],
               taken: Iterable[tuple[int, int]]) -> list[Span]:
        """Spans with their case; plus spans for mixed-script words not inside ``taken``.

        ``lookup(folded text)`` gives ``(form, entry_id, kind)`` of a glossary pattern or ``None``.
        """
        out: list[Span] = []
        for s in spans:
            if not self.wrap:
                out.append(s)
                continue
            entry = self.glossary[s.entry_id]
            phrase = _preposition_span(s, entry, self.lang)
            if phrase is not None:  # a wrong preposition before a correct name, or not in a case it governs
                out += phrase
                continue
            kind = entry.kind
            cases = (cases_of(self.lang, s.form, kind, s.text) if self.inflects else ()) or ("nomn",)
            out.append(MorphSpan(s.line, s.start, s.end, s.text, s.entry_id, s.kind, s.form, self.lang, cases,
                                 "", kind))
        occupied = [(s.start, s.end) for s in spans] + list(taken)
        for start, end, fixed in mixed_words(text, self.lang):
            if any(start < e and end > s for s, e in occupied):
                continue
            found = lookup(fixed)
            if found is None:
                entry_id, form, kind, ekind = f"{SCRIPT_ENTRY}:{fixed}", fixed, VARIANT, "other"
            else:
                form, entry_id, pkind = found
                ekind = self.glossary[entry_id].kind
                kind = VARIANT if pkind == "protected" else pkind
            cases = cases_of(self.lang, form, ekind, fixed) if self.inflects else ()
            out.append(MorphSpan(line, start, end, text[start:end], entry_id, kind, form, self.lang,
                                 cases or ("nomn",), fixed, ekind))
        return out


def _preposition_span(span: Span, entry: Entry, lang: str) -> list[Span] | None:
    from .prepositions import refine

    return refine(span, entry, lang)


def fuzzy_applies(lang: str) -> bool:
    """Fuzzy matching of unseen variants suits uninflected languages only: in Czech or Russian it
    takes every case form of a correct name ("Markem Ruttem", "Kurské") for a misspelling."""
    return backend(lang) is None


def script_entry(span: Span, lang: str) -> Entry:
    """The stand-in entry of a mixed-script word that no glossary entry knows."""
    fixed = getattr(span, "fixed", "") or span.text
    return Entry(span.entry_id, "other", "mixed-script word", {lang: Forms(fixed)})


def _case_like(original: str, replacement: str) -> str:
    if len(original) > 1 and original.isupper() and any(c.isalpha() for c in original):
        return replacement.upper()
    return replacement


def propose_morph(span: MorphSpan, line: str, entry: Entry, forms: Forms) -> list[Candidate]:
    """Keep, then the canonical form in the hit's case(s); for a mixed-script word of a correct
    name, its single-script form."""
    from .prepositions import PrepositionSpan, span_candidates, with_prepositions
    from .propose import align_canonical

    if isinstance(span, PrepositionSpan):  # only the preposition is wrong
        return span_candidates(span, line)
    out: list[Candidate] = []
    seen: set[str] = {span.text}

    def add(replacement: str, source: str, morph_rank: int = 0) -> None:
        replacement = _case_like(span.text, replacement)
        if replacement not in seen:
            seen.add(replacement)
            out.append(Candidate(span, span.start, span.end, span.text, replacement, source,
                                 morph_rank=morph_rank))

    out.append(Candidate(span, span.start, span.end, span.text, span.text, "keep"))
    base = span.fixed or span.text
    if span.fixed and _is_correct(span, forms, span.fixed):
        add(span.fixed, "script")
        return out
    target = align_canonical(span.form, forms.canonical, entry.kind)
    # best morphological guess first; the ranker charges each step down the list
    options = inflect_like(span.lang, span.form, base, target, span.entry_kind, line[: span.start])
    for rank, option in enumerate(options or [target]):
        add(option, "canonical", rank)
    return with_prepositions(span, line, forms, out)


def _is_correct(span: MorphSpan, forms: Forms, text: str) -> bool:
    folded = text.casefold()
    for correct in (forms.canonical, *forms.admitted):
        if correct.casefold() == folded:
            return True
        if any(folded == f.casefold() for fs in phrase_forms(span.lang, correct, span.entry_kind).values()
               for f in fs):
            return True
    return False
