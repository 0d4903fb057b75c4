"""Find suspect spans: every variant and mistranslation of one language, in one pass.

The matcher looks for every lower-cased form of the target language at once.
Canonical and admitted forms go in too, marked protected, so that a
correct longer name ("Mark Rutte") shadows a suspect form inside it; protected
matches are dropped after overlaps are resolved. A hit counts only at word
boundaries (:func:`at_word_boundaries`, chosen per language by :func:`boundary_check`):
in any script the characters either side must not be letters, digits or combining marks.

Speed (same spans as one automaton of every form, tested): a hit starts and ends at word
boundaries, so each *piece* of a form (a run of ASCII letters and digits) is a whole piece of
the text where it is found, and two consecutive pieces stay consecutive. Each form is filed
under its rarest anchor (its one piece, or a pair of consecutive pieces; a form without an
ASCII letter or digit under its rarest word). :meth:`Matcher.find_lines` matches a whole
document at once, :meth:`Matcher.find_documents` many documents joined by newlines: numpy hashes
all their pieces and pairs of pieces and finds where the anchors are (:mod:`retrans.pieces`); each
form filed under an anchor is compared with the text where it would stand around that place. With
many anchor hits (:data:`ARRAY_HITS`) and no mixed-script word or refining rule, numpy also places the
forms around their anchors and keeps the hits in arrays (:meth:`Matcher._find_plain`).
Suspect forms (variants, mistranslations) come first: a line with none has no span, whatever the
protected forms do (they are compared only in lines with a suspect hit). Only protected forms that
can overlap a suspect one (:func:`relevant_protected`) are kept. :meth:`Matcher.find` does the same
for one line, searching it for each form filed under the anchors among its pieces. With a boundary rule other than word
boundaries, two Aho-Corasick automata scan each line instead. The compiled form (:class:`Compiled`)
is plain data, stored by :mod:`retrans.glossary_cache`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, chain, repeat
from typing import NamedTuple

import ahocorasick
import numpy as np

from .glossary import Glossary
from .intervals import Taken
from .multilingual import LanguageRules
from .pieces import PieceSet, ascii_array, piece_hashes
from .records import MISTRANSLATION, VARIANT, Span
from .scripts import may_mix

PROTECTED = "protected"
# Lower priority number wins when two kinds share one form.
_KIND_PRIORITY = {PROTECTED: 0, VARIANT: 1, MISTRANSLATION: 2}
_KINDS = (PROTECTED, VARIANT, MISTRANSLATION)  # kind codes of the pattern table: index in this tuple

_TOKEN = re.compile(r"[^\W_]+")  # runs of letters and digits (str.isalnum), any script
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")  # runs of ASCII letters and digits (in folded text)
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


def _anchors(key: str) -> list[str]:
    """The anchors a key can be filed under: its one ASCII piece, or its pairs of consecutive pieces."""
    pieces = _ASCII_TOKEN.findall(key)
    return pieces if len(pieces) < 2 else [f"{a} {b}" for a, b in zip(pieces, pieces[1:])]


def anchor_index(table: PatternTable, patterns: list[int], boundary: BoundaryCheck = at_word_boundaries
                 ) -> tuple[dict[str, list[int]], dict[str, list[int]]] | None:
    """``({ASCII anchor: [pattern, ...]}, {word anchor: [pattern, ...]})``: each of ``patterns`` filed
    under one of its anchors, the rarest among all keys.

    With :func:`at_word_boundaries` a hit can neither start nor end inside a word of the line. So each
    *piece* of a key (a run of ASCII letters and digits: an ASCII letter or digit next to a hit would
    be a word character on both sides of its boundary) is a whole piece of the line where it is found,
    and two consecutive pieces of the key are consecutive there too: only the patterns filed under the
    line's pieces and pairs of pieces (:class:`~retrans.pieces.PieceSet`) can hit. A key of one piece
    is filed under it, a longer one under a pair (rarer in text than either piece: "port said").
    A key without an ASCII letter or digit (Cyrillic, Chinese ...) is filed under one of its words
    (runs of letters and digits, any script) in the second index. ``None`` for another boundary rule
    or a key without a letter or digit (then automata scan every line).
    """
    keys = table.keys
    if boundary is not at_word_boundaries or keys is None:
        return None
    anchors = {i: _anchors(keys[i]) for i in patterns}
    wide = {i: _TOKEN.findall(keys[i]) for i, ps in anchors.items() if not ps}
    if not all(wide.values()):
        return None
    out: tuple[dict[str, list[int]], dict[str, list[int]]] = ({}, {})
    for index, found, split in ((out[0], {i: ps for i, ps in anchors.items() if ps}, _anchors),
                                (out[1], wide, _TOKEN.findall)):
        if not found:
            continue
        freq = Counter(w for k in keys for w in set(split(k)))
        for i, ws in found.items():
            index.setdefault(min(ws, key=lambda w: (freq[w], -len(w), w)), []).append(i)
    return out


class AnchorIndex:
    """Anchors and the patterns filed under each (:func:`anchor_index`), as columns: the patterns of anchor
    number ``a`` are ``patterns[offsets[a]:offsets[a + 1]]`` (columns: a cached matcher loads without
    building a list per anchor). The number of each anchor, which only matching line by line needs, is
    looked up in a mapping made when first asked for."""

    def __init__(self, anchors: list[str], offsets: np.ndarray, patterns: np.ndarray) -> None:
        self.anchors, self.offsets, self.patterns = anchors, offsets, patterns
        self._numbers: dict[str, int] | None = None

    @classmethod
    def from_mapping(cls, index: dict[str, list[int]]) -> AnchorIndex:
        lists = list(index.values())
        offsets = np.zeros(len(lists) + 1, np.int64)
        np.cumsum(np.fromiter(map(len, lists), np.int64, len(lists)), out=offsets[1:])
        return cls(list(index), offsets, np.fromiter(chain.from_iterable(lists), np.int64, int(offsets[-1])))

    def __len__(self) -> int:
        return len(self.anchors)

    def check(self, patterns: int) -> None:
        """Raise ``ValueError`` unless the columns fit together and every pattern number is below ``patterns``
        (for columns read from a file)."""
        offsets, flat = self.offsets, self.patterns
        if (len(offsets) != len(self.anchors) + 1 or int(offsets[0]) != 0 or int(offsets[-1]) != len(flat)
                or bool(np.any(np.diff(offsets) < 0))
                or (len(flat) and not 0 <= int(flat.min()) <= int(flat.max()) < patterns)
                or len(set(self.anchors)) != len(self.anchors)):
            raise ValueError("inconsistent anchor index")

    def filed(self, anchor: int) -> list[int]:
        """The patterns filed under anchor number ``anchor``."""
        return self.patterns[self.offsets[anchor]:self.offsets[anchor + 1]].tolist()

    def numbers(self) -> dict[str, int]:
        """``{anchor: its number}``."""
        if self._numbers is None:
            self._numbers = dict(zip(self.anchors, range(len(self.anchors))))
        return self._numbers


class Compiled(NamedTuple):
    """What a matcher needs besides its boundary rule; stored by :mod:`retrans.glossary_cache`."""

    table: PatternTable
    suspect: list[int]  # pattern numbers of the suspect forms
    protected: list[int]  # pattern numbers of the protected forms that can touch them
    suspect_index: AnchorIndex | None  # ASCII anchor -> suspect patterns (None: scan with automata)
    protected_index: AnchorIndex | None
    suspect_wide: dict[str, list[int]] | None = None  # word anchor -> suspect patterns without an ASCII piece
    protected_wide: dict[str, list[int]] | None = None
    anchor_hashes: bytes | None = None  # PieceSet.hash_bytes of the ASCII anchors, suspect then protected


def compile_table(table: PatternTable, boundary: BoundaryCheck = at_word_boundaries) -> Compiled:
    """The suspect patterns, the protected ones that matter (:func:`relevant_protected`) and their anchor indexes."""
    suspect = [i for i, kind in enumerate(table.kinds) if kind]
    protected = relevant_protected(table, boundary)
    s_index = anchor_index(table, suspect, boundary)
    p_index = anchor_index(table, protected, boundary) if s_index is not None else None
    if s_index is None or p_index is None:
        return Compiled(table, suspect, protected, None, None)
    return Compiled(table, suspect, protected, AnchorIndex.from_mapping(s_index[0]),
                    AnchorIndex.from_mapping(p_index[0]), s_index[1], p_index[1])


def _automaton(keys: list[str], patterns: list[int]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for i in patterns:
        automaton.add_word(keys[i], i)
    if len(automaton):
        automaton.make_automaton()
    return automaton


class _Placements(NamedTuple):
    """Where the patterns filed under each anchor stand around it (:meth:`Matcher._places_of`), as flat
    arrays: anchor ``a``'s placements are ``patterns``, ``offsets`` and ``lengths`` at ``first[a]``
    onwards (``count[a]`` of them; ``first[a]`` is -1 until the anchor is met). Never changed in place,
    only replaced (:meth:`adding`), so that a thread holding one sees it whole."""

    first: np.ndarray
    count: np.ndarray
    patterns: np.ndarray
    offsets: np.ndarray
    lengths: np.ndarray

    @classmethod
    def empty(cls, anchors: int) -> _Placements:
        none = np.zeros(0, np.intp)
        return cls(np.full(anchors, -1, np.intp), np.zeros(anchors, np.intp), none, none, none)

    def adding(self, places: dict[int, list[tuple[int, int, int, str]]]) -> _Placements:
        """These placements and those of ``places`` (anchor -> :meth:`Matcher._places_of`)."""
        first, count = self.first.copy(), self.count.copy()
        at = len(self.patterns)
        for a, found in places.items():
            first[a], count[a] = at, len(found)
            at += len(found)
        flat = [p for found in places.values() for p in found]
        more = np.array([p[:3] for p in flat], np.intp).reshape(-1, 3)
        return _Placements(first, count, *(np.concatenate((old, new)) for old, new in
                                           zip((self.patterns, self.offsets, self.lengths), more.T)))


# İ lower-cases to two characters (fold keeps it), Σ by its context, the Kelvin sign to an ASCII "k":
# a document with one of them is matched line by line, on its folded lines.
_ODD = ("\u0130", "\u03a3", "\u212a")
Hit = tuple[int, int, int]  # start, end, pattern number
CHUNK = 1 << 20  # characters of a document matched at once (numpy takes about 40 bytes a character)
ARRAY_HITS = 64  # anchor hits from which _find_plain's arrays beat handling each hit in Python


class Matcher:
    """The compiled forms of one language of a glossary.

    ``boundary`` decides whether a hit is a whole word (default: :func:`boundary_check` of ``lang``).
    With word boundaries, the pieces of a document (runs of ASCII letters and digits, hashed at once
    by :class:`~retrans.pieces.PieceSet`) and the words of its non-ASCII lines are looked up in
    anchor indexes, and each candidate form is searched with ``find``; with another rule,
    Aho-Corasick automata scan each line.
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
        self._suspect_texts: dict[str, bool] = {}  # has_suspect
        self._lengths = t.lengths
        self._has_suspect = bool(compiled.suspect)
        self._suspect_index, self._protected_index = compiled.suspect_index, compiled.protected_index
        self._suspect_wide, self._protected_wide = compiled.suspect_wide or {}, compiled.protected_wide or {}
        if self._suspect_index is None or self._protected_index is None:
            self._suspect_index = self._protected_index = None
            self._suspect = _automaton(t.keys, compiled.suspect)
            self._protected = _automaton(t.keys, compiled.protected)
        else:
            # one set of anchors: the suspect ones, then (from ``_split``) the protected ones
            self._pieces = PieceSet([*self._suspect_index.anchors, *self._protected_index.anchors],
                                    compiled.anchor_hashes)
            self._split = len(self._suspect_index)
            self._filed = _Placements.empty(len(self._pieces.words))  # filled in as anchors are met (_find_plain)
            self._filed_lists: dict[int, list[tuple[int, int, int, str]]] = {}  # anchor -> _places_of(anchor)

    def _hits(self, automaton: ahocorasick.Automaton, text: str, folded: str) -> list[Hit]:
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

    def _lookup(self, index: dict[str, list[int]], words: set[str], text: str, folded: str) -> list[Hit]:
        """Word-bounded hits (start, end, pattern number) of the patterns filed under ``words``."""
        return self._search((index[word] for word in index.keys() & words), text, folded)

    def _search(self, lists: Iterable[list[int]], text: str, folded: str) -> list[Hit]:
        """Word-bounded hits (start, end, pattern number) of the patterns of ``lists``, anywhere in ``text``."""
        keys, ok = self.table.keys, self.boundary
        hits = []
        for patterns in lists:
            for i in patterns:
                key = keys[i]  # type: ignore[index]
                start = folded.find(key)
                while start >= 0:
                    if ok(text, start, start + len(key)):
                        hits.append((start, start + len(key), i))
                    start = folded.find(key, start + 1)
        return hits

    def _indexed(self, index: AnchorIndex, wide: dict[str, list[int]], text: str, folded: str) -> list[Hit]:
        pieces = _ASCII_TOKEN.findall(folded)
        numbers = index.numbers()
        found = numbers.keys() & {*pieces, *(f"{a} {b}" for a, b in zip(pieces, pieces[1:]))}
        hits = self._search(map(index.filed, map(numbers.__getitem__, found)), text, folded)
        if wide and not text.isascii():
            hits += self._lookup(wide, set(_TOKEN.findall(folded)), text, folded)
        return hits

    def _line_hits(self, text: str) -> list[Hit]:
        """Hits of one line: its suspect ones, and when there are some, the protected ones."""
        if not self._has_suspect:
            return []
        folded = fold(text)
        if self._suspect_index is not None and self._protected_index is not None:
            hits = self._indexed(self._suspect_index, self._suspect_wide, text, folded)
            if hits:  # no suspect form here: nothing protected can matter
                hits += self._indexed(self._protected_index, self._protected_wide, text, folded)
            return hits
        hits = self._hits(self._suspect, text, folded)
        if hits:
            hits += self._hits(self._protected, text, folded)
        return hits

    def _places_of(self, anchor: int) -> list[tuple[int, int, int, str]]:
        """``(pattern, offset, length, key)`` of each pattern filed under ``anchor`` and each place of the
        anchor among its key's pieces (``offset``: from the start of the key to the anchor's first piece)."""
        words = self._pieces.words[anchor].split(" ")
        out = []
        split = self._split
        filed = (self._suspect_index.filed(anchor) if anchor < split  # type: ignore[union-attr]
                 else self._protected_index.filed(anchor - split))  # type: ignore[union-attr]
        for i in filed:
            key = self.table.keys[i]  # type: ignore[index]
            pieces = list(_ASCII_TOKEN.finditer(key))
            for k in range(len(pieces) - len(words) + 1):
                if all(pieces[k + j].group() == w for j, w in enumerate(words)):
                    out.append((i, pieces[k].start(), len(key), key))
        return out

    def _placements(self, anchors: np.ndarray) -> _Placements:
        """The placements of every anchor (:class:`_Placements`), with those of ``anchors`` filled in."""
        placed = self._filed
        new = np.unique(anchors[placed.first[anchors] < 0])
        if len(new):
            placed = self._filed = placed.adding({a: self._places_of(a) for a in new.tolist()})
        return placed

    def _placed(self, anchors: np.ndarray, places: np.ndarray, rows: np.ndarray, bounds: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(lines, starts, ends, patterns)``: where each pattern filed under ASCII ``anchors``, found at
        view offsets ``places`` in lines ``rows`` of a text (lines joined by newlines, from ``bounds``),
        would stand with the anchor at its place in the pattern's key, when that is inside the line
        (in the order of ``anchors``, then of each one's placements)."""
        placed = self._placements(anchors)
        count = placed.count[anchors]
        which = np.repeat(np.arange(len(anchors)), count)  # the anchor hit of each candidate
        flat = np.arange(len(which)) + np.repeat(placed.first[anchors] - (np.cumsum(count) - count), count)
        starts = places[which] - 1 - placed.offsets[flat]  # (the view starts with a space)
        ends = starts + placed.lengths[flat]
        lines = rows[which]
        inside = (starts >= bounds[lines]) & (ends < bounds[lines + 1])  # (a line ends before its newline)
        return lines[inside], starts[inside], ends[inside], placed.patterns[flat[inside]]

    def _candidates(self, anchors: list[int], places: list[int], rows: list[int], starts: list[int]
                    ) -> Iterator[tuple[int, int, int, int, str]]:
        """:meth:`_placed` one anchor hit at a time, as ``(line, start, end, pattern, key)`` tuples (``starts``:
        where each line starts): faster than numpy for a few hits (:data:`ARRAY_HITS`)."""
        filed = self._filed_lists
        for a, p, g in zip(anchors, places, rows):
            targets = filed.get(a)
            if targets is None:
                targets = filed[a] = self._places_of(a)
            lo, hi = starts[g], starts[g + 1] - 1
            for i, offset, n, key in targets:
                s = p - 1 - offset  # (the view starts with a space)
                if lo <= s and s + n <= hi:
                    yield g, s, s + n, i, key

    @staticmethod
    def _anchored(candidates: Iterable[tuple[int, int, int, int, str]], text: str, starts: list[int],
                  by_line: dict[int, list[Hit]]) -> None:
        """File in ``by_line`` (offsets in the line) the ``candidates`` that are hits in ``text``."""
        for g, s, e, i, key in candidates:
            if _hit_at(text, s, e, key):
                lo = starts[g]
                found = by_line.get(g)
                if found is None:
                    by_line[g] = [(s - lo, e - lo, i)]
                else:
                    found.append((s - lo, e - lo, i))

    @staticmethod
    def _overlapping(candidates: Iterable[tuple[int, int, int, int, str]], text: str, starts: list[int],
                     by_line: dict[int, list[Hit]]) -> None:
        """File in ``by_line`` the ``candidates`` (protected ones) that are hits overlapping a hit filed in
        their line, directly or through one another. The others cannot change which suspect hits are
        kept: longest first, a hit is kept unless one it overlaps was kept before it."""
        pending: dict[int, list[tuple[int, int, int, int, str]]] = {}
        for c in candidates:
            found = pending.get(c[0])
            if found is None:
                pending[c[0]] = [c]
            else:
                found.append(c)
        for g, left in pending.items():
            lo, hits = starts[g], by_line[g]
            taken = [(s + lo, e + lo) for s, e, _ in hits]
            while left:
                near: list[tuple[int, int, int, int, str]] = []
                far: list[tuple[int, int, int, int, str]] = []
                meets = Taken(taken).meets
                for c in left:
                    (near if meets(c[1], c[2]) else far).append(c)
                if not near:
                    break
                left = far
                for _, s, e, i, key in near:
                    if _hit_at(text, s, e, key):
                        hits.append((s - lo, e - lo, i))
                        taken.append((s, e))

    def has_suspect(self, text: str) -> bool:
        """Whether :meth:`find` gives ``text`` a span, remembered (asked of the same canonical forms again
        and again: :meth:`retrans.pipeline.Repairer.propose`)."""
        found = self._suspect_texts.get(text)
        if found is None:
            found = self._suspect_texts[text] = bool(self.find(text))
        return found

    def find(self, text: str, line: int = 1) -> list[Span]:
        """Suspect spans of ``text`` (one line), sorted by start; longest match wins."""
        return self._spans(text, line, self._line_hits(text), True)

    def find_lines(self, lines: list[str]) -> list[Span]:
        """:meth:`find` of every line (numbered from 1), in line order, from one pass over the document
        (over each run of lines up to :data:`CHUNK` characters long, to bound the memory it takes)."""
        if self._suspect_index is None:
            return [s for n, text in enumerate(lines, 1) for s in self.find(text, n)]
        out: list[Span] = []
        first, count = 0, len(lines)
        while first < count:
            last, size = first + 1, len(lines[first])
            while last < count and size + len(lines[last]) < CHUNK:
                size += len(lines[last]) + 1
                last += 1
            if size > CHUNK:  # one long line
                out += self.find(lines[first], first + 1)
            else:
                run = lines[first:last]
                text = "\n".join(run)
                out += self._by_lines(run, first) if _odd(text) else self._find_joined([run], [text], [first])[0]
            first = last
        return out

    def find_documents(self, docs: Sequence[list[str]], texts: Sequence[str] | None = None) -> list[list[Span]]:
        """:meth:`find_lines` of each document (its lines; ``texts``: each one's lines joined by newlines,
        if at hand), from one pass over many of them at once: documents up to :data:`CHUNK` characters
        long are joined by newlines into runs of about that length, so the fixed cost of a pass is shared."""
        out: list[list[Span]] = [[] for _ in docs]
        if self._suspect_index is None:
            return [self.find_lines(lines) for lines in docs]
        batch: list[int] = []
        joined: list[str] = []
        size = 0
        for k, lines in enumerate(docs):
            if not lines:
                continue
            text = "\n".join(lines) if texts is None else texts[k]
            if len(text) >= CHUNK or _odd(text):
                out[k] = self.find_lines(lines)
                continue
            if size + len(text) >= CHUNK:
                self._find_batch(docs, batch, joined, out)
                batch, joined, size = [], [], 0
            batch.append(k)
            joined.append(text)
            size += len(text) + 1
        self._find_batch(docs, batch, joined, out)
        return out

    def _find_batch(self, docs: Sequence[list[str]], batch: list[int], texts: list[str],
                    out: list[list[Span]]) -> None:
        """Fill ``out[k]`` for each document ``k`` of ``batch`` (``texts``: their lines joined)."""
        if batch:
            for k, spans in zip(batch, self._find_joined([docs[k] for k in batch], texts, [0] * len(batch))):
                out[k] = spans

    def _by_lines(self, lines: list[str], before: int) -> list[Span]:
        return [s for n, text in enumerate(lines, before + 1) for s in self.find(text, n)]

    def _find_joined(self, docs: list[list[str]], texts: list[str], befores: list[int]) -> list[list[Span]]:
        """The spans of each of ``docs`` (lists of lines, numbered from ``befores[k] + 1``; ``texts``:
        each one's lines joined by newlines, none with an :data:`_ODD` character) from one pass over
        them all, joined by newlines (a hit across a newline does not count)."""
        lines = [t for d in docs for t in d]
        text = "\n".join(texts)
        bounds = np.zeros(len(lines) + 1, np.intp)  # where each line starts in ``text``
        np.cumsum(np.fromiter(map(len, lines), np.intp, len(lines)) + 1, out=bounds[1:])
        starts = bounds.tolist()
        firsts = [0, *accumulate(map(len, docs))]  # each document's first line, in ``lines``
        by_line: dict[int, list[Hit]] = {}  # hits by line, offsets in the line
        protected: list[Hit] = []
        plain = text.isascii()
        # Mixed-script words need a Cyrillic or Greek letter; other languages' spans need their case.
        rules = self.rules
        refine = rules is not None and rules.wrap
        mixed = (set() if plain or rules is None or not may_mix(text)
                 else {k for k, doc in enumerate(texts) if may_mix(doc)})
        if self._has_suspect:
            anchors, places = self._pieces.where(*piece_hashes(ascii_array(text)))
            rows = np.searchsorted(bounds, places - 1, "right") - 1
            suspect = anchors < self._split
            if len(anchors) >= ARRAY_HITS and not (refine or mixed or (not plain and (self._suspect_wide
                                                                                  or self._protected_wide))):
                return self._find_plain(_Joined(lines, text, bounds, starts, firsts), befores, anchors, places,
                                        rows, suspect)
            self._anchored(self._candidates(anchors[suspect].tolist(), places[suspect].tolist(),
                                            rows[suspect].tolist(), starts), text, starts, by_line)
            if not plain and (self._suspect_wide or self._protected_wide):
                for k, doc in enumerate(texts):
                    if not doc.isascii():
                        self._wide(doc, starts[firsts[k]], firsts[k], firsts[k + 1], starts, lines, by_line,
                                   protected)
        if self._has_suspect and by_line:  # protected hits alone make no span
            busy = np.zeros(len(lines), bool)
            busy[list(by_line)] = True
            only = busy[rows] & ~suspect
            _file(protected, starts, lines, by_line, set(by_line))
            # Spans refined by the language's rules need every protected hit of their lines (mixed-script
            # words inside one are not looked at); other lines only those that can shadow a suspect hit.
            full = np.full(len(lines), refine)
            for k in mixed:
                full[firsts[k]:firsts[k + 1]] = True
            for keep, each in ((only & full[rows], self._anchored), (only & ~full[rows], self._overlapping)):
                if keep.any():
                    each(self._candidates(anchors[keep].tolist(), places[keep].tolist(), rows[keep].tolist(),
                                          starts), text, starts, by_line)
        out: list[list[Span]] = [[] for _ in docs]
        for g in sorted(by_line):
            k = bisect_right(firsts, g) - 1
            if k not in mixed:
                out[k] += self._spans(lines[g], befores[k] + g - firsts[k] + 1, by_line[g], refine)
        for k in sorted(mixed):
            for g in range(firsts[k], firsts[k + 1]):
                found = by_line.get(g)
                if found or not lines[g].isascii():
                    out[k] += self._spans(lines[g], befores[k] + g - firsts[k] + 1, found or [], True)
        return out

    def _find_plain(self, j: _Joined, befores: list[int], anchors: np.ndarray, places: np.ndarray, rows: np.ndarray,
                    suspect: np.ndarray) -> list[list[Span]]:
        """:meth:`_find_joined` of documents with ASCII anchors only, no mixed-script word and no refining
        rule (the usual case), with the hits in arrays: suspect ones are checked in the text; protected
        ones only when they can overlap one (:func:`_near`), and then as :meth:`_overlapping` does; the
        spans of hits that overlap no other are made here, those of lines with overlaps by :meth:`_spans`."""
        out: list[list[Span]] = [[] for _ in befores]
        lines, text, bounds = j.lines, j.text, j.bounds
        found = self._placed(anchors[suspect], places[suspect], rows[suspect], bounds)
        keys = self.table.keys
        ok = np.fromiter(map(_hit_at, repeat(text), found[1].tolist(), found[2].tolist(),
                             map(keys.__getitem__, found[3].tolist())), bool, len(found[0]))  # type: ignore[union-attr]
        if not ok.any():
            return out
        g, s, e, i = (a[ok] for a in found)
        order = np.lexsort((s, g))  # by line, then start
        g, s, e, i = g[order], s[order], e[order], i[order]
        lo = bounds[g]
        s, e = s - lo, e - lo  # offsets in the line
        # Hits of lines where two overlap (sorted by start, an overlap shows between neighbours) are filed in
        # by_line for _spans to choose among; the others all make spans.
        clash = (g[1:] == g[:-1]) & (s[1:] < e[:-1])
        more = np.isin(g, g[1:][clash]) if clash.any() else np.zeros(len(g), bool)
        busy = np.zeros(len(lines), bool)
        busy[g] = True
        only = busy[rows] & ~suspect
        near = None
        if only.any():
            pg, ps, pe, pi = self._placed(anchors[only], places[only], rows[only], bounds)
            close = _near(g, s + lo, e + lo, pg, ps, pe, len(lines))
            if close.any():
                near = self._tuples(pg[close], ps[close], pe[close], pi[close])
                more |= np.isin(g, pg[close])
        by_line: dict[int, list[Hit]] = {}
        for row, hit in zip(g[more].tolist(), zip(s[more].tolist(), e[more].tolist(), i[more].tolist())):
            filed = by_line.get(row)
            if filed is None:
                by_line[row] = [hit]
            else:
                filed.append(hit)
        if near is not None:
            self._overlapping(near, text, j.starts, by_line)
        firsts = np.array(j.firsts, np.intp)
        k = np.searchsorted(firsts, g, "right") - 1
        numbers = np.array(befores, np.intp)[k] + g - firsts[k] + 1
        t = self.table
        kinds, ids, forms = t.kinds, t.entry_ids, t.forms
        done = -1
        for n, row, start, end, p, doc, many in zip(numbers.tolist(), g.tolist(), s.tolist(), e.tolist(), i.tolist(),
                                                    k.tolist(), more.tolist()):
            if many:
                if row != done:  # the spans of all the line's hits, once
                    out[doc] += self._spans(lines[row], n, by_line[row], False)
                    done = row
            else:  # a suspect hit that overlaps no other: the span _spans would make
                out[doc].append(Span(n, start, end, lines[row][start:end], ids[p], _KINDS[kinds[p]], forms[p]))
        return out

    def _tuples(self, g: np.ndarray, s: np.ndarray, e: np.ndarray, i: np.ndarray
                ) -> Iterator[tuple[int, int, int, int, str]]:
        """``(line, start, end, pattern, key)`` of each candidate (arrays from :meth:`_placed`)."""
        patterns = i.tolist()
        return zip(g.tolist(), s.tolist(), e.tolist(), patterns, map(self.table.keys.__getitem__, patterns))  # type: ignore[union-attr]

    def _wide(self, doc: str, base: int, first: int, last: int, starts: list[int], lines: list[str],
              by_line: dict[int, list[Hit]], protected: list[Hit]) -> None:
        """File the hits of the patterns filed under non-ASCII words in ``doc`` (lines ``first`` to
        ``last`` of the joined text, from ``base``): suspect ones in ``by_line``, and when the document
        has some, protected ones in ``protected``."""
        folded = doc.lower()
        words = set(_TOKEN.findall(folded))
        hits = self._lookup(self._suspect_wide, words, doc, folded) if self._suspect_wide else []
        _file([(s + base, e + base, i) for s, e, i in hits], starts, lines, by_line)
        if self._protected_wide and any(g in by_line for g in range(first, last)):
            protected += [(s + base, e + base, i) for s, e, i in
                          self._lookup(self._protected_wide, words, doc, folded)]

    def _spans(self, text: str, line: int, hits: list[Hit], refine: bool) -> list[Span]:
        """The spans of ``hits`` in ``text``: longest first, suspect ones only; with ``refine``, through
        the language's rules (:meth:`LanguageRules.refine`)."""
        rules = self.rules
        if not hits and (rules is None or text.isascii()):
            return []  # an ASCII line has no mixed-script word either
        t = self.table
        kinds, ids, forms = t.kinds, t.entry_ids, t.forms
        chosen = select_longest(hits, kinds) if len(hits) > 1 else hits
        spans = [Span(line, s, e, text[s:e], ids[i], _KINDS[kinds[i]], forms[i]) for s, e, i in chosen if kinds[i]]
        if rules is None or not refine:
            return spans
        return rules.refine(text, line, spans, self._pattern_of, [(s, e) for s, e, _ in chosen])

    def _pattern_of(self, text: str) -> tuple[str, str, str] | None:
        """``(form, entry id, kind)`` of the pattern whose key is ``text`` folded, or ``None``."""
        if self._key_index is None:
            self._key_index = {k: i for i, k in enumerate(self.table.keys or ())}
        i = self._key_index.get(fold(text))
        return None if i is None else (self.table.forms[i], self.table.entry_ids[i], _KINDS[self.table.kinds[i]])


def _hit_at(text: str, s: int, e: int, key: str) -> bool:
    """Whether ``key`` (folded) is ``text[s:e]`` lower-cased, at word boundaries (:func:`at_word_boundaries`;
    an ASCII character is a word character when it is a letter or digit)."""
    if text[s:e].lower() != key:
        return False
    word = _is_word_char
    if s > 0:
        c = text[s - 1]
        if (c.isalnum() or c >= "\x80" and word(c)) and word(text[s]):
            return False
    if e < len(text):
        c = text[e]
        if (c.isalnum() or c >= "\x80" and word(c)) and word(text[e - 1]):
            return False
    return True


class _Joined(NamedTuple):
    """Lines joined by newlines: the lines, the text, where each line starts in it (as an array and a list,
    with the end of the text last), and the first line of each document."""

    lines: list[str]
    text: str
    bounds: np.ndarray
    starts: list[int]
    firsts: list[int]


def _near(g: np.ndarray, s: np.ndarray, e: np.ndarray, pg: np.ndarray, ps: np.ndarray, pe: np.ndarray,
          size: int) -> np.ndarray:
    """Which of the protected candidates (lines ``pg``, starts ``ps``, ends ``pe``) can overlap one of the
    hits (lines ``g``, starts ``s``, ends ``e``) of a text of ``size`` lines, directly or through one
    another: those that meet the stretch of their line from its first hit to its last, grown by the
    candidates that meet it until none does (all that :meth:`Matcher._overlapping` could look at)."""
    lo = np.full(size, np.iinfo(np.intp).max, np.intp)
    hi = np.full(size, -1, np.intp)
    np.minimum.at(lo, g, s)
    np.maximum.at(hi, g, e)
    near = np.zeros(len(pg), bool)
    while True:
        new = ~near & (ps < hi[pg]) & (pe > lo[pg])
        if not new.any():
            return near
        near |= new
        np.minimum.at(lo, pg[new], ps[new])
        np.maximum.at(hi, pg[new], pe[new])


def _odd(text: str) -> bool:
    return _ODD[0] in text or _ODD[1] in text or _ODD[2] in text


def _file(hits: list[Hit], starts: list[int], lines: list[str], by_line: dict[int, list[Hit]],
          only: set[int] | None = None) -> None:
    """Add each of ``hits`` (offsets into lines joined by newlines, starting at ``starts``) to its line's
    list in ``by_line``, with offsets into the line; not one across a line end, nor (with ``only``) one
    of a line not in ``only``."""
    for s, e, i in hits:
        n = bisect_right(starts, s) - 1
        base = starts[n]
        if e - base <= len(lines[n]) and (only is None or n in only):
            found = by_line.get(n)
            if found is None:
                by_line[n] = [(s - base, e - base, i)]
            else:
                found.append((s - base, e - base, i))


def select_longest(hits: list[tuple[int, int, int]], kinds: bytes) -> list[tuple[int, int, int]]:
    """Keep non-overlapping hits (start, end, pattern), longest first, then leftmost, then by kind priority."""
    order = sorted(hits)
    if all(a[1] <= b[0] for a, b in zip(order, order[1:])):  # none overlaps another: all are kept
        return order
    order = sorted(hits, key=lambda h: (h[0] - h[1], h[0], kinds[h[2]]))
    taken: list[tuple[int, int, int]] = []
    occupied = Taken()
    for hit in order:
        if not occupied.meets(hit[0], hit[1]):
            taken.append(hit)
            occupied.add(hit[0], hit[1])
    return sorted(taken, key=lambda h: h[0])
