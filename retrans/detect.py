"""Find suspect spans: every variant and mistranslation of one language, in one pass.

The matcher looks for every lower-cased form of the target language at once.
Canonical and admitted forms go in too, marked protected, so that a
correct longer name ("Mark Rutte") shadows a suspect form inside it; protected
matches are dropped after overlaps are resolved. A hit counts only at word
boundaries (:func:`at_word_boundaries`, chosen per language by :func:`boundary_check`):
in any script the characters either side must not be letters, digits or combining marks.

Speed (same spans as one automaton of every form, tested): every word of a form is a
word of the line where it is found, so each form is filed under its rarest word; a line
is split into words once, and only the forms filed under them are looked for, with
``str.find``. Suspect forms (variants, mistranslations) come first: a line with none has
no span, whatever the protected forms do. Only protected forms that can overlap a suspect
one (:func:`relevant_protected`) are kept. With a boundary rule other than word boundaries,
two Aho-Corasick automata scan each line instead. The compiled form (:class:`Compiled`)
is plain data, stored by :mod:`retrans.glossary_cache`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

import ahocorasick

from .glossary import Glossary
from .multilingual import LanguageRules
from .records import MISTRANSLATION, VARIANT, Span

PROTECTED = "protected"
# Lower priority number wins when two kinds share one form.
_KIND_PRIORITY = {PROTECTED: 0, VARIANT: 1, MISTRANSLATION: 2}
_KINDS = (PROTECTED, VARIANT, MISTRANSLATION)  # kind codes of the pattern table: index in this tuple

_TOKEN = re.compile(r"[^\W_]+")  # runs of letters and digits (str.isalnum), any script
BoundaryCheck = Callable[[str, int, int], bool]
"""``check(text, start, end)``: whether a hit ``text[start:end]`` counts as a whole word or name."""


def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length, so offsets stay valid."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def at_word_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends inside a word (letters, digits, marks, any script)."""
    if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        return False
    return not (end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]))


def boundary_check(lang: str) -> BoundaryCheck:
    """The per-hit boundary rule of ``lang``: word boundaries for every language so far."""
    return at_word_boundaries


class PatternTable:
    """The forms of one language, deduplicated by folded key: parallel lists indexed by pattern number."""

    def __init__(self, lengths: list[int], forms: list[str], entry_ids: list[str], kinds: bytes,
                 keys: list[str] | None = None) -> None:
        self.lengths, self.forms, self.entry_ids, self.kinds = lengths, forms, entry_ids, kinds
        self.keys = keys  # the folded forms, when built here (not kept in the cache)

    def __len__(self) -> int:
        return len(self.lengths)

    @classmethod
    def from_glossary(cls, glossary: Glossary, lang: str, rules: LanguageRules | None = None) -> PatternTable:
        """Canonical and admitted forms as protected, then variants, then mistranslations; on a shared
        key the lower kind priority wins, then the first entry, but a form's own base form beats
        another form's case form. Folding keeps lengths, so a key's length is its hit's length in
        the text. ``rules`` add each form's case forms and, in Chinese and Japanese, the Latin
        renderings MT leaves there (:class:`retrans.multilingual.LanguageRules`)."""
        rules = rules or LanguageRules(glossary, lang)
        table: dict[str, tuple[str, str, int]] = {}
        for entry, forms in glossary.forms(lang):
            groups = ((0, (forms.canonical, *forms.admitted, *forms.protected)),
                      (1, (*forms.variants, *rules.foreign_forms(entry))), (2, forms.mistranslations))
            for kind, items in groups:
                for form in items:
                    for n, text in enumerate((form, *rules.case_forms(form, entry, kind != 0))):
                        key = fold(text.strip())
                        if not key:
                            continue
                        old = table.get(key)
                        if old is None or kind < old[2] or (n == 0 and old[2] == kind and fold(old[0].strip()) != key):
                            table[key] = (form, entry.id, kind)
            for phrase, base in rules.preposition_phrases(entry):  # "на Україні": see retrans.prepositions
                table.setdefault(fold(phrase), (base, entry.id, 2))
        values = list(table.values())
        keys = list(table)
        return cls([len(k) for k in keys], [v[0] for v in values], [v[1] for v in values],
                   bytes(v[2] for v in values), keys)


def _touches(keys: list[str], local: bool) -> Callable[[str], bool]:
    """A test of whether a string, found in a line, could overlap a hit of one of ``keys`` not longer
    than itself: it contains one, or one of its proper ends is the start of one, or vice versa.
    ``local``: hits start and end only at word boundaries (:func:`at_word_boundaries`), so an
    overlap can only begin or end where the string itself has one."""
    fwd = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    rev = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for key in keys:
        fwd.add_word(key, len(key))
        rev.add_word(key[::-1], 0)
    fwd.make_automaton()

    def touches(p: str) -> bool:
        if any(not local or at_word_boundaries(p, end + 1 - size, end + 1) for end, size in fwd.iter(p)):
            return True
        r, n = p[::-1], len(p)
        return any((fwd.match(p[i:]) or rev.match(r[n - i:])) for i in range(1, n)
                   if not local or at_word_boundaries(p, i, i))

    return touches


def relevant_protected(table: PatternTable, boundary: BoundaryCheck = at_word_boundaries) -> list[int]:
    """The protected patterns that can change which suspect spans a line yields.

    Overlaps are settled longest first, so a hit can only block (or free, by being
    blocked) hits no longer than itself, and two hits overlap in a line only where their
    keys overlap. Starting from the suspect keys, a protected key is kept when it
    could overlap a kept key no longer than itself, until nothing changes. The others
    (most canonical forms of a large glossary) can never touch a suspect span: leaving
    them out of the automaton gives the same spans with far fewer hits to check. With
    :func:`at_word_boundaries` overlaps can only start or end at a word boundary inside a key;
    with any other ``boundary`` rule, every position counts.
    """
    keys = table.keys or []
    frontier = [k for k, kind in zip(keys, table.kinds) if kind]
    left = [i for i, kind in enumerate(table.kinds) if not kind]
    kept: list[int] = []
    while frontier and left:
        touches = _touches(frontier, boundary is at_word_boundaries)
        hit = [i for i in left if touches(keys[i])]
        if not hit:
            break
        kept += hit
        taken = set(hit)
        left = [i for i in left if i not in taken]
        frontier = [keys[i] for i in hit]
    return sorted(kept)


def anchor_index(table: PatternTable, patterns: list[int],
                 boundary: BoundaryCheck = at_word_boundaries) -> dict[str, list[int]] | None:
    """``{anchor word: [pattern, ...]}``: each of ``patterns`` under one of its words (runs of letters
    and digits), the rarest among all keys.

    With :func:`at_word_boundaries` a hit can neither start nor end inside a word of the line, so
    every word of a key is a word of the line where it is found: only the patterns filed under
    the line's words can hit. ``None`` for another boundary rule or a key without a letter or
    digit (then the automaton scans every line).
    """
    keys = table.keys
    if boundary is not at_word_boundaries or keys is None:
        return None
    words = {i: _TOKEN.findall(keys[i]) for i in patterns}
    if not all(words.values()):
        return None
    freq = Counter(w for k in keys for w in set(_TOKEN.findall(k)))
    out: dict[str, list[int]] = {}
    for i, ws in words.items():
        out.setdefault(min(ws, key=lambda w: (freq[w], -len(w), w)), []).append(i)
    return out


class Compiled(NamedTuple):
    """What a matcher needs besides its boundary rule; stored by :mod:`retrans.glossary_cache`."""

    table: PatternTable
    suspect: list[int]  # pattern numbers of the suspect forms
    protected: list[int]  # pattern numbers of the protected forms that can touch them
    suspect_index: dict[str, list[int]] | None  # anchor word -> suspect patterns (None: scan with automata)
    protected_index: dict[str, list[int]] | None


def compile_table(table: PatternTable, boundary: BoundaryCheck = at_word_boundaries) -> Compiled:
    """The suspect patterns, the protected ones that matter (:func:`relevant_protected`) and their anchor indexes."""
    suspect = [i for i, kind in enumerate(table.kinds) if kind]
    protected = relevant_protected(table, boundary)
    s_index = anchor_index(table, suspect, boundary)
    p_index = anchor_index(table, protected, boundary) if s_index is not None else None
    return Compiled(table, suspect, protected, s_index, p_index)


def _automaton(keys: list[str], patterns: list[int]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i in patterns:
        automaton.add_word(keys[i], i)
    if len(automaton):
        automaton.make_automaton()
    return automaton


class Matcher:
    """The compiled forms of one language of a glossary.

    ``boundary`` decides whether a hit is a whole word (default: :func:`boundary_check` of ``lang``).
    With word boundaries, a line is looked up by its words in anchor indexes and each candidate
    form is searched with ``str.find``; with another rule, Aho-Corasick automata scan the line.
    """

    def __init__(self, glossary: Glossary | None, lang: str, boundary: BoundaryCheck | None = None, *,
                 compiled: Compiled | None = None) -> None:
        self.lang = lang
        # Case forms, unspaced scripts, mixed scripts (None: a compiled table without its glossary).
        self.rules = LanguageRules(glossary, lang) if glossary is not None else None
        self.boundary = boundary or (self.rules.boundary() if self.rules else None) or boundary_check(lang)
        if compiled is None:
            if glossary is None:
                raise ValueError("a Matcher needs a glossary or a compiled table")
            compiled = compile_table(PatternTable.from_glossary(glossary, lang, self.rules), self.boundary)
        self.compiled = compiled
        self.table = t = compiled.table
        if t.keys is None:
            raise ValueError("a compiled table needs its keys")
        self.size = len(t)
        self._key_index: dict[str, int] | None = None
        self._lengths = t.lengths
        self._has_suspect = bool(compiled.suspect)
        self._suspect_index, self._protected_index = compiled.suspect_index, compiled.protected_index
        if self._suspect_index is None or self._protected_index is None:
            self._suspect_index = self._protected_index = None
            self._suspect = _automaton(t.keys, compiled.suspect)
            self._protected = _automaton(t.keys, compiled.protected)

    def _hits(self, automaton: ahocorasick.Automaton, text: str, folded: str) -> list[tuple[int, int, int]]:
        """Word-bounded hits (start, end, pattern number) of ``automaton`` in ``text``."""
        lengths, ok = self._lengths, self.boundary
        hits = []
        if not len(automaton):
            return hits
        for end_idx, i in automaton.iter(folded):
            end = end_idx + 1
            start = end - lengths[i]
            if ok(text, start, end):
                hits.append((start, end, i))
        return hits

    def _lookup(self, index: dict[str, list[int]], words: set[str], text: str,
                folded: str) -> list[tuple[int, int, int]]:
        """Word-bounded hits (start, end, pattern number) of the patterns filed under ``words``."""
        keys, ok = self.table.keys, self.boundary
        hits = []
        for word in index.keys() & words:
            for i in index[word]:
                key = keys[i]  # type: ignore[index]
                start = folded.find(key)
                while start >= 0:
                    if ok(text, start, start + len(key)):
                        hits.append((start, start + len(key), i))
                    start = folded.find(key, start + 1)
        return hits

    def find(self, text: str, line: int = 1) -> list[Span]:
        """Suspect spans of ``text`` (one line), sorted by start; longest match wins."""
        hits: list[tuple[int, int, int]] = []
        if self._has_suspect:
            folded = fold(text)
            if self._suspect_index is not None and self._protected_index is not None:
                words = set(_TOKEN.findall(folded))
                hits = self._lookup(self._suspect_index, words, text, folded)
                if hits:  # no suspect form here: nothing protected can matter
                    hits += self._lookup(self._protected_index, words, text, folded)
            else:
                hits = self._hits(self._suspect, text, folded)
                if hits:
                    hits += self._hits(self._protected, text, folded)
        rules = self.rules
        if not hits and (rules is None or text.isascii()):
            return []  # an ASCII line has no mixed-script word either
        t = self.table
        chosen = select_longest(hits, t.kinds)
        spans = [Span(line, s, e, text[s:e], t.entry_ids[i], _KINDS[t.kinds[i]], t.forms[i])
                 for s, e, i in chosen if t.kinds[i]]
        if rules is None:
            return spans
        return rules.refine(text, line, spans, self._pattern_of, [(s, e) for s, e, _ in chosen])

    def _pattern_of(self, text: str) -> tuple[str, str, str] | None:
        """``(form, entry id, kind)`` of the pattern whose key is ``text`` folded, or ``None``."""
        if self._key_index is None:
            self._key_index = {k: i for i, k in enumerate(self.table.keys or ())}
        i = self._key_index.get(fold(text))
        return None if i is None else (self.table.forms[i], self.table.entry_ids[i], _KINDS[self.table.kinds[i]])


def select_longest(hits: list[tuple[int, int, int]], kinds: bytes) -> list[tuple[int, int, int]]:
    """Keep non-overlapping hits (start, end, pattern), longest first, then leftmost, then by kind priority."""
    order = sorted(hits, key=lambda h: (h[0] - h[1], h[0], kinds[h[2]]))
    taken: list[tuple[int, int, int]] = []
    occupied: list[tuple[int, int]] = []
    for hit in order:
        if all(hit[1] <= s or hit[0] >= e for s, e in occupied):
            taken.append(hit)
            occupied.append((hit[0], hit[1]))
    return sorted(taken, key=lambda h: h[0])
