"""Find names the glossary has never seen misspelled: name-like spans close to a known name.

The exact matcher (:mod:`retrans.detect`) finds the wrong renderings someone already
listed. :class:`FuzzyMatcher` finds new ones. It looks at name-like token runs
(capitalised words, with particles such as "bin" or "al" inside; in scripts without
case, every word) and compares their windows with the *references* of each entry:
the canonical, admitted and variant forms of the target language, and the entry's
forms in other languages romanised with ``anyascii`` (Persian زلنسکی -> "zlnsky",
Chinese 拉夫罗夫 -> "lafuluofu"), which predict how MT renders them.

No entry is scanned per token. Each reference word is indexed under its
transliteration skeleton and that skeleton's one-letter deletions
(:func:`retrans.romanize.blocking_keys`); a run looks up its words' keys, and only
the references found there are compared, with rapidfuzz and Jaro-Winkler on
the romanised letters and on the skeletons. A window matches a reference of the
same length word by word ("Volodimir Zelenski"), the last words of a person's name
(a surname: "Zelenski"), or the reference written as one word ("Jin Zhengen" and
金正恩 "JinZhengEn").

What is found is only a candidate span: it goes through the same ranking as any
other, and fuzzy similarity is one piece of evidence there.
"""

from __future__ import annotations

import json
import re
import struct
import sys
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from itertools import accumulate, chain
from pathlib import Path

import jellyfish
from rapidfuzz import fuzz

from .detect import fold
from .errors import RetransError
from .formats.text import write_files_atomic
from .glossary import Entry, Forms, Glossary
from .propose import match_case
from .records import FUZZY, Candidate, Span
from .romanize import blocking_keys, romanizations, romanize, skeleton
from .writing_systems import HIRAGANA, KATAKANA, scripts_of

# Lower-case words that may sit inside a name: "Faisal bin Farhan", "Deir ez-Zor", "Ursula von der Leyen".
PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "ben", "abu", "de", "del", "der", "di", "da", "du", "van",
                       "von", "la", "le", "ez", "es", "ad", "ul"})
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$")
# Capitalised function words (sentence starts) never begin or end a name.
STOPWORDS = frozenset({"the", "a", "an", "of", "and", "or", "but", "in", "on", "at", "to", "for", "by", "with",
                       "from", "as", "after", "before", "while", "his", "her", "its", "their", "this", "that",
                       "these", "those", "if", "when", "mr", "mrs", "ms", "dr", "it", "he", "she", "we", "they"})
# Endings that make a name into another word (Ukraine -> Ukrainian, Europe -> European): not a misspelling.
DERIVED_ENDINGS = ("n", "an", "ian", "ans", "ians", "ese", "i", "is", "s", "es", "ern", "ish", "ite", "ites")
PERSON_ENDINGS = ("a", "ian", "ians", "ite", "ites", "ism", "ist", "ists")  # Lavrova, Putinism; not "Khameneii"
# A hyphen and one of these after a name make a compound adjective: "Kharkov-based" holds the name "Kharkov".
COMPOUND_SUFFIXES = frozenset({"based", "backed", "led", "held", "born", "controlled", "occupied", "run", "style",
                               "era", "linked", "allied", "friendly", "made", "bound", "owned", "funded"})
ROMANISED_SIM = 95.0  # a span this close to a romanised form in another language spells that form
SAME_SKELETON = 86.0  # the least similarity of two words with one skeleton of four consonants or more
MAX_WINDOW = 4  # words in a candidate span
MAX_POSTINGS = 5_000  # a blocking key shared by more references than this is too common to look up
MAX_SOURCE_WINDOW = 3
SLOTS = 16  # a posting is ref * SLOTS + word position + 1 (0: the reference written as one word)
CACHE_MIN_ENTRIES = 5_000  # smaller glossaries build faster than a cached index loads
INDEX_VERSION = 3  # of the cached index's content and layout: bump when references or keys change


def index_cache_dir() -> Path:
    """Where built indexes of large glossaries are kept: ``fuzzy/`` under :func:`retrans.lm.cache_root`."""
    from .lm import cache_root

    return cache_root() / "fuzzy"

_KANA = {HIRAGANA, KATAKANA}


@dataclass(frozen=True)
class FuzzySpan(Span):
    """A span found by similarity: ``form`` is the canonical text it should become,
    ``matched`` the reference it resembles, ``similarity`` how much (0..100)."""

    similarity: float = 0.0
    matched: str = ""
    romanised: bool = False  # the span spells the entry's form in another language (Запорожье: "Zaporozhye")


@dataclass(frozen=True)
class _Ref:
    entry_id: str
    text: str
    words: tuple[str, ...]  # romanised words
    target: tuple[str, ...]  # canonical words, aligned with ``words`` when the counts agree
    kind: str  # the entry's kind: person, place ...
    other: bool = False  # a form of another language, romanised


def word_similarity(a: str, b: str) -> float:
    """0..100: how alike two romanised words look and sound (spelling, skeleton, Jaro-Winkler)."""
    if a == b:
        return 100.0
    if not a or not b:
        return 0.0
    spelling = fuzz.ratio(a, b)
    sa, sb = skeleton(a), skeleton(b)
    sound = fuzz.ratio(sa, sb) if sa and sb else 0.0
    jw = 100.0 * jellyfish.jaro_winkler_similarity(a, b)
    score = 0.4 * spelling + 0.3 * sound + 0.3 * jw
    if sa == sb and len(sa) >= 4 and spelling >= 50:  # the same consonants: Masghat / Muscat
        score = max(score, SAME_SKELETON)
    return score


def _latin(text: str) -> bool:
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def is_derived(word: str, name: str, kind: str = "") -> bool:
    """Whether romanised ``word`` is ``name`` plus an English ending (Ukrainian from Ukraine); a person's
    name takes only a feminine -a and the endings of movements (Lavrova, Putinism): "Khameneii" is a misspelling."""
    stem = name[:-1] if name.endswith(("a", "e")) else name
    endings = PERSON_ENDINGS if kind == "person" else DERIVED_ENDINGS + ("a", "e")
    return len(word) > len(name) and word.startswith(stem) and word[len(stem):] in endings


def _is_name_like(word: str) -> bool:
    ch = word[0]
    if ch.isupper() or (ch.isalpha() and ch.lower() == ch.upper()):
        return True
    head, _, rest = word.partition("-")  # "al-Shara", "ez-Zor": a particle joined to a name
    return head.lower() in PARTICLES and rest[:1].isupper()


def _name_runs(line: str) -> list[list[tuple[int, int, str]]]:
    """Maximal runs of name-like words (start, end, word) joined by single spaces; possessives cut off."""
    runs: list[list[tuple[int, int, str]]] = []
    run: list[tuple[int, int, str]] = []
    pending: list[tuple[int, int, str]] = []  # particles waiting for a name word after them
    last_end = -1
    for m in _TOKEN.finditer(line):
        word, start, end = m.group(), m.start(), m.end()
        gap = line[last_end:start] if last_end >= 0 else None
        joined = gap is not None and (gap == " " or gap == "-")
        poss = _POSSESSIVE.search(word)
        head, _, suffix = word.partition("-")
        if suffix.lower() in COMPOUND_SUFFIXES and head:  # "Kharkov-based": the name ends at the hyphen
            poss = re.search("-", word)
        if poss and poss.start() > 0:
            word, end = word[: poss.start()], start + poss.start()
        if _is_name_like(word):
            if not (run and joined):
                if run:
                    runs.append(run)
                run, pending = [], []
            run.extend(pending)
            pending = []
            run.append((start, end, word))
        elif run and joined and word.lower() in PARTICLES:
            pending.append((start, end, word))
        else:
            if run:
                runs.append(run)
            run, pending = [], []
        last_end = end if not poss or poss.start() == 0 else m.end()
        if poss and poss.start() > 0:  # a possessive ends the name
            if run:
                runs.append(run)
            run, pending, last_end = [], [], -1
    if run:
        runs.append(run)
    return runs


class FuzzyMatcher:
    """An index of every entry's reference names in one target language, blocked by skeleton keys.

    ``threshold`` is the mean word similarity (0..100) a window needs; ``word_min``
    the least any single word may have; ``single_min`` what a one-word window needs.
    The index of a glossary of :data:`CACHE_MIN_ENTRIES` entries or more is kept as
    JSON in ``cache_dir`` (default :func:`index_cache_dir`), keyed by the glossary's
    digest, so the next run loads it instead of building it; ``cache=False`` never does.
    """

    def __init__(self, glossary: Glossary, lang: str, threshold: float = 80.0, word_min: float = 60.0,
                 single_min: float = 84.0, romanize_sources: bool = True, cache: bool = True,
                 cache_dir: Path | None = None) -> None:
        self.lang = lang
        self.threshold, self.word_min, self.single_min = threshold, word_min, single_min
        self._refs: list[_Ref] = []
        # The index: blocking key -> number i; its postings (see SLOTS) are _flat[_offsets[i]:_offsets[i + 1]].
        self._keys: dict[str, int] = {}
        self._offsets, self._flat = array("q", [0]), array("q")
        self._known: set[str] = set()  # folded forms of the target language: the exact matcher's domain
        self._correct: set[str] = set()  # folded canonical and admitted forms: never touched
        self._by_entry: dict[str, list[int]] = defaultdict(list)
        self._max_known_words = 1
        path = None
        if cache and len(glossary) >= CACHE_MIN_ENTRIES:
            name = f"{glossary.digest[:32]}-{lang}-{int(romanize_sources)}-v{INDEX_VERSION}-{sys.byteorder}.idx"
            path = (cache_dir or index_cache_dir()) / name
            if self._load(path):
                return
        index: dict[str, list[int]] = defaultdict(list)
        for entry in glossary:
            forms = entry.forms.get(lang)
            if forms is None:
                continue
            self._add_entry(entry, forms, romanize_sources, index)
        self._keys = {k: i for i, k in enumerate(index)}
        self._offsets = array("q", chain((0,), accumulate(map(len, index.values()))))
        self._flat = array("q", chain.from_iterable(index.values()))
        if path is not None:
            self._save(path)

    def _postings(self, key: str) -> Sequence[int]:
        i = self._keys.get(key)
        return () if i is None else self._flat[self._offsets[i] : self._offsets[i + 1]]

    def _load(self, path: Path) -> bool:
        """Take the index from ``path``; False when it is missing or unreadable (then it is rebuilt).

        Layout: an 8-byte header length, a JSON header (references, forms, keys), then the offsets and
        postings as native 64-bit integers. Nothing in it is executed: a damaged file is only rebuilt."""
        try:
            blob = path.read_bytes()
            (size,) = struct.unpack_from("<Q", blob)
            head = json.loads(blob[8 : 8 + size].decode("utf-8"))
            keys = head["keys"].split("\n") if head["keys"] else []
            numbers = array("q")
            numbers.frombytes(blob[8 + size :])
            if len(numbers) != len(keys) + 1 + head["postings"]:
                return False
            refs = [_Ref(e, t, tuple(w), tuple(c), k, o) for e, t, w, c, k, o in head["refs"]]
            known, correct, most = set(head["known"]), set(head["correct"]), int(head["max_known_words"])
        except (OSError, ValueError, KeyError, TypeError, struct.error):
            return False
        self._refs, self._known, self._correct, self._max_known_words = refs, known, correct, most
        self._keys = {k: i for i, k in enumerate(keys)}
        self._offsets, self._flat = numbers[: len(keys) + 1], numbers[len(keys) + 1 :]
        for i, ref in enumerate(self._refs):
            self._by_entry[ref.entry_id].append(i)
        return True

    def _save(self, path: Path) -> None:
        """Write the index to ``path`` atomically; a cache that cannot be written is only skipped."""
        head = json.dumps({"refs": [astuple(r) for r in self._refs], "known": sorted(self._known),
                           "correct": sorted(self._correct), "max_known_words": self._max_known_words,
                           "keys": "\n".join(self._keys), "postings": len(self._flat)},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = struct.pack("<Q", len(head)) + head + self._offsets.tobytes() + self._flat.tobytes()
        try:
            write_files_atomic([(path, data)])
        except RetransError:
            pass  # a read-only cache only costs speed

    def __len__(self) -> int:
        return len(self._refs)

    def _add_entry(self, entry: Entry, forms: Forms, romanize_sources: bool, index: dict[str, list[int]]) -> None:
        canon_words = tuple(forms.canonical.split())
        for form in (forms.canonical, *forms.admitted):
            self._correct.add(fold(form.strip()))
            if entry.kind == "person" and len(form.split()) > 1:  # a surname alone is correct too
                self._correct.add(fold(form.split()[-1]))
        for form in (forms.canonical, *forms.admitted, *forms.variants, *forms.mistranslations):
            key = fold(form.strip())
            self._known.add(key)
            self._max_known_words = max(self._max_known_words, len(key.split()))
        texts = [(text, romanize(text), False) for text in (forms.canonical, *forms.admitted, *forms.variants)]
        if romanize_sources:  # forms in other scripts (fa, ar, ru, uk, zh, he ...), as MT would spell them
            # Kana is left out: romanised, Japanese forms pad names with vowels (ウクライナ -> "ukuraina" ~ Ukrainian)
            texts += [(text, roman, True) for lang, f in entry.forms.items() if lang != self.lang
                      for text in (f.canonical, *f.admitted) if not _latin(text) and not scripts_of(text) & _KANA
                      for roman in romanizations(text, lang)]
        seen: set[tuple[str, ...]] = set()
        for text, roman, other in texts:
            words = tuple(roman.split())
            if not words or words in seen:
                continue
            seen.add(words)
            ref = _Ref(entry.id, text, words, canon_words, entry.kind, other)
            idx = len(self._refs)
            self._refs.append(ref)
            self._by_entry[entry.id].append(idx)
            base = idx * SLOTS + 1
            postings = {(k, base + pos) for pos, w in enumerate(words[: SLOTS - 1]) for k in blocking_keys(w)}
            if len(words) > 1:
                joined = skeleton("".join(words))  # exact key only: text-side deletions still meet it
                if len(joined) >= 2:
                    postings.add((joined, base - 1))
            for k, code in postings:
                index[k].append(code)

    # -- matching ---------------------------------------------------------------------------------

    def _window_score(self, words: Sequence[str], ref: _Ref
                      ) -> tuple[float, tuple[str, ...], tuple[float, ...]] | None:
        """Similarity of a window (romanised words) to ``ref``, the canonical words it becomes and, when
        they align one to one with the window's words, each word's similarity (else empty)."""
        n, m = len(words), len(ref.words)
        best: tuple[float, tuple[str, ...], tuple[float, ...]] | None = None
        if n == m or (n < m and ref.kind == "person" and len(ref.target) == m):
            part = ref.words[m - n :]  # the whole name, or a person's last names (surname)
            if is_derived(words[-1], part[-1], ref.kind):
                return None
            sims = [word_similarity(a, b) for a, b in zip(words, part)]
            if min(sims) >= self.word_min:
                mean = sum(sims) / n
                target = ref.target[m - n :] if len(ref.target) == m else ref.target
                best = (mean, tuple(target), tuple(sims) if len(target) == n else ())
        joined, rjoined = "".join(words), "".join(ref.words)
        if (n > 1 or m > 1) and n != m and len(joined) >= 5 and (
                min(len(joined), len(rjoined)) >= 0.85 * max(len(joined), len(rjoined))):
            sim = word_similarity(joined, rjoined)
            if best is None or sim > best[0]:
                best = (sim, self._whole_or_surname(n, ref), ())
        elif n == 1 and m == 1 and len(ref.target) > 1:  # one word for a longer name (zh 普京 "Pujing")
            best = (best[0], self._whole_or_surname(1, ref), ()) if best else None
        return best

    @staticmethod
    def _whole_or_surname(n: int, ref: _Ref) -> tuple[str, ...]:
        """A one-word rendering of a person's name is, in news, nearly always the surname."""
        if n == 1 and ref.kind == "person" and len(ref.target) > 1:
            return ref.target[-1:]
        return ref.target

    def find(self, line: str, n: int = 1, taken: Iterable[tuple[int, int]] = (),
             entries: Iterable[str] | None = None, threshold: float | None = None, kind: str = FUZZY) -> list[Span]:
        """Fuzzy spans of ``line``, not overlapping ``taken`` (exact spans) or any correct name.

        With ``entries`` only those entries are tried, each at most once per line (the
        bilingual mode: the source line says which names to look for).
        """
        occupied = list(taken)
        only = set(entries) if entries is not None else None
        thr = self.threshold if threshold is None else threshold
        found: list[tuple[float, int, int, int, tuple[str, ...], _Ref, float]] = []
        limit = MAX_SOURCE_WINDOW if only is not None else MAX_WINDOW
        for run in _name_runs(line):
            protected = self._protected(run)
            roman = [romanize(w) for _, _, w in run]
            for i, j, r in self._windows(roman, only, limit):
                if all(protected[i:j]):
                    continue
                edge = {run[i][2].lower(), run[j - 1][2].lower()}
                if edge & PARTICLES or edge & STOPWORDS:
                    continue
                start, end = run[i][0], run[j - 1][1]
                if fold(line[start:end]) in self._known:
                    continue
                words = [w for w in roman[i:j] if w]
                if not words or (len(words) == 1 and len(words[0]) < 4):
                    continue
                scored = self._window_score(words, self._refs[r])
                if scored is None:
                    continue
                sim, target, sims = scored
                need = max(thr, self.single_min) if len(words) == 1 and only is None else thr
                if sim < need or fold(" ".join(target)) == fold(line[start:end]):
                    continue
                if len(words) == j - i and len(sims) == j - i:
                    kept = self._changed_words(roman[i:j], target, protected[i:j])
                    if kept is None:
                        continue
                    a, b = kept  # words already right stay as they are
                    start, end, target, own = run[i + a][0], run[i + b - 1][1], target[a:b], min(sims[a:b])
                elif any(protected[i:j]):
                    continue
                else:
                    own = sim
                found.append((sim, j - i, start, end, target, self._refs[r], own))
        # Longest window first, then the most similar, then leftmost, then the entry id.
        found.sort(key=lambda f: (-f[1], -f[0], f[2], f[5].entry_id))
        out: list[Span] = []
        used_entries: set[str] = set()
        for sim, _, start, end, target, ref, own in found:
            if any(start < e and s < end for s, e in occupied):
                continue
            if only is not None and ref.entry_id in used_entries:
                continue
            occupied.append((start, end))
            used_entries.add(ref.entry_id)
            out.append(FuzzySpan(n, start, end, line[start:end], ref.entry_id, kind, " ".join(target),
                                 round(sim, 1), ref.text, ref.other and own >= ROMANISED_SIM))
        return sorted(out, key=lambda s: (s.start, -s.end))

    @staticmethod
    def _changed_words(roman: Sequence[str], target: Sequence[str],
                       protected: Sequence[bool]) -> tuple[int, int] | None:
        """The words ``[a, b)`` of a window that its fix changes: the leading and trailing words that
        already spell their target word stay ("Antonio Guterish" -> only "Guterish"). A correct word
        (``protected``) may anchor a window but never be changed: then ``None``."""
        same = [w == romanize(t) for w, t in zip(roman, target)]
        if any(p and not s for p, s in zip(protected, same)):
            return None
        a, b = 0, len(roman)
        while a < b and same[a]:
            a += 1
        while b > a and same[b - 1]:
            b -= 1
        return (a, b) if a < b else None

    def _windows(self, roman: Sequence[str], only: set[str] | None, limit: int) -> set[tuple[int, int, int]]:
        """(start word, end word, reference) triples worth scoring: a word of the window met a word of the
        reference under a blocking key at the aligned position, or the window written as one word met it."""
        n_words = len(roman)
        out: set[tuple[int, int, int]] = set()
        if only is not None:  # few entries: try every window against each of their references
            refs = sorted({r for e in only for r in self._by_entry.get(e, ())})
            return {(i, j, r) for r in refs for i in range(n_words) for j in range(i + 1, min(n_words, i + limit) + 1)}
        for i in range(n_words):
            for key in blocking_keys(roman[i]):
                postings = self._postings(key)
                if len(postings) > MAX_POSTINGS:
                    continue
                for code in postings:
                    r, pos = divmod(code, SLOTS)
                    pos -= 1
                    m = len(self._refs[r].words)
                    if pos < 0:  # the reference written as one word, met by one text word
                        out.add((i, i + 1, r))
                        continue
                    for n in range(1, min(m, limit) + 1):  # window of n words aligned to the last n of the ref
                        if n < m and self._refs[r].kind != "person":
                            continue
                        first = m - n  # ref position of the window's first word
                        start = i - (pos - first)
                        if pos >= first and 0 <= start and start + n <= n_words:
                            out.add((start, start + n, r))
            for width in (2, 3):  # text words written together: "Jin Zhengen" / 金正恩 "JinZhengEn"
                if i + width <= n_words:
                    for key in blocking_keys("".join(roman[i : i + width])):
                        postings = self._postings(key)
                        if len(postings) <= MAX_POSTINGS:
                            out.update((i, i + width, code // SLOTS) for code in postings)
        return out

    def _protected(self, run: Sequence[tuple[int, int, str]]) -> list[bool]:
        """Words of a run inside a correct name (canonical or admitted): fuzzy spans keep off them."""
        marks = [False] * len(run)
        words = [fold(w) for _, _, w in run]
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + self._max_known_words) + 1):
                if " ".join(words[i:j]) in self._correct:
                    for k in range(i, j):
                        marks[k] = True
        return marks


def propose_fuzzy(span: Span, line: str, entry: Entry, forms: Forms) -> list[Candidate]:
    """Keep, then the canonical (part) the span was matched to, with the span's all-caps carried over."""
    target = match_case(span.text, span.form)
    out = [Candidate(span, span.start, span.end, span.text, span.text, "keep")]
    if target != span.text:
        out.append(Candidate(span, span.start, span.end, span.text, target, "canonical"))
    return out

