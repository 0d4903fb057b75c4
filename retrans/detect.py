"""Find suspect spans: every variant and mistranslation of one language, in one pass.

An Aho-Corasick automaton (pyahocorasick) holds the lower-cased forms of the target
language. Canonical and admitted forms go in too, marked protected, so that a
correct longer name ("Mark Rutte") shadows a suspect form inside it; protected
matches are dropped after overlaps are resolved. A hit counts only at word
boundaries in any script: the characters either side must not be letters, digits
or combining marks.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import ahocorasick

from .glossary import Glossary
from .multilingual import LanguageRules
from .records import MISTRANSLATION, VARIANT, Span

PROTECTED = "protected"
# Lower priority number wins when two kinds share one form.
_KIND_PRIORITY = {PROTECTED: 0, VARIANT: 1, MISTRANSLATION: 2}


@dataclass(frozen=True)
class _Pattern:
    form: str
    entry_id: str
    kind: str


def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length, so offsets stay valid."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


class Matcher:
    """A compiled automaton over the forms of one language of a glossary."""

    def __init__(self, glossary: Glossary, lang: str) -> None:
        self.lang = lang
        self._automaton = ahocorasick.Automaton()
        table: dict[str, _Pattern] = {}
        self.rules = LanguageRules(glossary, lang)  # case forms, unspaced scripts, mixed scripts
        for entry, forms in glossary.forms(lang):
            groups = ((PROTECTED, (forms.canonical, *forms.admitted)),
                      (VARIANT, (*forms.variants, *self.rules.foreign_forms(entry))),
                      (MISTRANSLATION, forms.mistranslations))
            for kind, items in groups:
                for form in items:
                    for i, text in enumerate((form, *self.rules.case_forms(form, entry, kind != PROTECTED))):
                        key = fold(text.strip())
                        if not key:
                            continue
                        old = table.get(key)
                        if old is None or _KIND_PRIORITY[kind] < _KIND_PRIORITY[old.kind] or (
                                i == 0 and old.kind == kind and fold(old.form.strip()) != key):
                            table[key] = _Pattern(form, entry.id, kind)
        self._table = table
        self._boundary = self.rules.boundary()
        for key, pattern in table.items():
            self._automaton.add_word(key, (len(key), pattern))
        self.size = len(table)
        if table:
            self._automaton.make_automaton()

    def find(self, text: str, line: int = 1) -> list[Span]:
        """Suspect spans of ``text`` (one line), sorted by start; longest match wins."""
        if not self.size:
            return []
        boundary = self._boundary
        folded = fold(text)
        hits: list[tuple[int, int, _Pattern]] = []
        n = len(text)
        for end_idx, (length, pattern) in self._automaton.iter(folded):
            start, end = end_idx - length + 1, end_idx + 1
            if boundary is not None:
                if not boundary(text, start, end):
                    continue
            elif start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
                continue
            elif end < n and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
                continue
            hits.append((start, end, pattern))
        chosen = select_longest(hits)
        spans = [Span(line, s, e, text[s:e], p.entry_id, p.kind, p.form) for s, e, p in chosen if p.kind != PROTECTED]
        return self.rules.refine(text, line, spans, self._lookup, [(s, e) for s, e, _ in chosen])

    def _lookup(self, text: str) -> tuple[str, str, str] | None:
        p = self._table.get(fold(text))
        return (p.form, p.entry_id, p.kind) if p else None


def select_longest(hits: list[tuple[int, int, _Pattern]]) -> list[tuple[int, int, _Pattern]]:
    """Keep non-overlapping hits, longest first, then leftmost, then by kind priority."""
    order = sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0], _KIND_PRIORITY[h[2].kind]))
    taken: list[tuple[int, int, _Pattern]] = []
    occupied: list[tuple[int, int]] = []
    for hit in order:
        if all(hit[1] <= s or hit[0] >= e for s, e in occupied):
            taken.append(hit)
            occupied.append((hit[0], hit[1]))
    return sorted(taken, key=lambda h: h[0])
