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
(:mod:`retrans.fuzzy_index`); a run looks up its words' keys, and only
the references found there are compared, with rapidfuzz and Jaro-Winkler on
the romanised letters and on the skeletons: in bulk first, to drop the many pairs a
common key brings that cannot pass, then one by one. A window matches a reference of the
same length word by word ("Volodimir Zelenski"), the last words of a person's name
(a surname: "Zelenski"), or the reference written as one word ("Jin Zhengen" and
金正恩 "JinZhengEn").

What is found is only a candidate span: it goes through the same ranking as any
other, and fuzzy similarity is one piece of evidence there.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jellyfish
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from .detect import fold
from .fuzzy_index import SLOTS, Reference, ReferenceIndex
from .glossary import Entry, Forms, Glossary
from .intervals import Taken
from .propose import match_case
from .records import FUZZY, Candidate, Span
from .romanize import blocking_keys, romanize, skeleton

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
# word_similarity weighs spelling, skeleton and Jaro-Winkler so (similarity_matrix too)
SPELLING, SOUND, JARO_WINKLER = 0.4, 0.3, 0.3
MAX_WINDOW = 4  # words in a candidate span
MAX_SOURCE_WINDOW = 3
SEEN_RUNS = 65_536  # runs whose matches are remembered (see FuzzyMatcher.find)
FEW_POSTINGS = 256  # a run meeting fewer postings is scored in Python: arrays cost more than they save
# similarity_matrix and word_similarity may round differently in the last bits: windows are culled in bulk
# with this much to spare, then scored one by one.
_SLACK = 0.01
_NO_CODES = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class FuzzySpan(Span):
    """A span found by similarity: ``form`` is the canonical text it should become,
    ``matched`` the reference it resembles, ``similarity`` how much (0..100)."""

    similarity: float = 0.0
    matched: str = ""
    romanised: bool = False  # the span spells the entry's form in another language (Запорожье: "Zaporozhye")


def word_similarity(a: str, b: str, spelling: float | None = None) -> float:
    """0..100: how alike two romanised words look and sound (spelling, skeleton, Jaro-Winkler).
    ``spelling``: their ``fuzz.ratio``, when it is known."""
    if a == b:
        return 100.0
    if not a or not b:
        return 0.0
    if spelling is None:
        spelling = fuzz.ratio(a, b)
    sa, sb = skeleton(a), skeleton(b)
    sound = fuzz.ratio(sa, sb) if sa and sb else 0.0
    jw = 100.0 * jellyfish.jaro_winkler_similarity(a, b)
    score = SPELLING * spelling + SOUND * sound + JARO_WINKLER * jw
    if sa == sb and len(sa) >= 4 and spelling >= 50:  # the same consonants: Masghat / Muscat
        score = max(score, SAME_SKELETON)
    return score


def similarity_ceiling(a: str, b: str, spelling: float) -> float:
    """The most :func:`word_similarity` can be for words whose ``fuzz.ratio`` is ``spelling``: skeleton and
    Jaro-Winkler at 100, or the same skeleton (which needs a spelling of 50). Cheap, to skip hopeless pairs."""
    if a == b or spelling >= 50:
        return 100.0
    return SPELLING * spelling + SOUND * 100.0 + JARO_WINKLER * 100.0 + _SLACK


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
        word = m.group()
        ch = word[0]
        if ch.islower() and ch.upper() != ch and "-" not in word and word.lower() not in PARTICLES:
            # Most words: an ordinary lower-case word (or its possessive) ends any run and joins nothing.
            if run:
                runs.append(run)
                run = []
            pending = []
            continue
        start, end = m.start(), m.end()
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


def similarity_matrix(words: Sequence[str], others: Sequence[str],
                      skeletons: Sequence[str] | None = None) -> np.ndarray:
    """:func:`word_similarity` of every word of ``words`` with every word of ``others`` (romanised,
    non-empty), computed in bulk: a ``len(words)`` x ``len(others)`` array. ``skeletons``: those of
    ``others``, when they are known."""
    spelling = process.cdist(words, others, scorer=fuzz.ratio, dtype=np.float64)
    # A word without a skeleton sounds like nothing: two different private-use letters, which no skeleton
    # (ASCII) holds, stand for the empty ones, so that fuzz.ratio gives them 0 against anything.
    skel_a = [skeleton(w) or "\ue000" for w in words]
    skel_b = [k or "\ue001" for k in (skeletons if skeletons is not None else map(skeleton, others))]
    sound = process.cdist(skel_a, skel_b, scorer=fuzz.ratio, dtype=np.float64)
    jw = 100.0 * process.cdist(words, others, scorer=JaroWinkler.normalized_similarity, dtype=np.float64)
    score = SPELLING * spelling + SOUND * sound + JARO_WINKLER * jw
    # fuzz.ratio is 100 for equal strings only: equal skeletons (Masghat / Muscat), equal words.
    same = (sound == 100.0) & (np.array([len(k) for k in skel_a])[:, None] >= 4) & (spelling >= 50)
    score[same] = np.maximum(score[same], SAME_SKELETON)
    score[spelling == 100.0] = 100.0
    return score


_Match = tuple[float, int, int, int, tuple[str, ...], int, float]


class FuzzyMatcher:
    """Finds the spans of a line close to a reference of ``glossary`` in target language ``lang``.

    ``threshold`` is the mean word similarity (0..100) a window needs; ``word_min``
    the least any single word may have; ``single_min`` what a one-word window needs.
    ``romanize_sources``, ``cache`` and ``cache_dir`` go to the
    :class:`~retrans.fuzzy_index.ReferenceIndex` (``index``), which keeps the index of a large
    glossary in a cache. The matches of the last ``remember`` distinct runs of name-like words are
    remembered (0: none), since a run's matches depend on its own text only.
    """

    def __init__(self, glossary: Glossary, lang: str, threshold: float = 80.0, word_min: float = 60.0,
                 single_min: float = 84.0, romanize_sources: bool = True, cache: bool = True,
                 cache_dir: Path | None = None, remember: int = SEEN_RUNS) -> None:
        self.lang = lang
        self.threshold, self.word_min, self.single_min = threshold, word_min, single_min
        self.remember = remember
        self.index = ReferenceIndex(glossary, lang, romanize_sources, cache, cache_dir)
        self._seen: OrderedDict[tuple[str, tuple[tuple[int, int], ...], float], list[_Match]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.index)

    # -- matching ---------------------------------------------------------------------------------

    def _window_score(self, words: Sequence[str], ref: Reference, need: float = 0.0
                      ) -> tuple[float, tuple[str, ...], tuple[float, ...]] | None:
        """Similarity of a window (romanised words) to ``ref``, the canonical words it becomes and, when
        they align one to one with the window's words, each word's similarity (else empty). A way of
        matching that cannot reach ``need`` is not scored: the result is then below ``need`` or ``None``."""
        n, m = len(words), len(ref.words)
        best: tuple[float, tuple[str, ...], tuple[float, ...]] | None = None
        if n == m or (n < m and ref.kind == "person" and len(ref.target) == m):
            part = ref.words[m - n :]  # the whole name, or a person's last names (surname)
            if is_derived(words[-1], part[-1], ref.kind):
                return None
            spelling = [fuzz.ratio(a, b) for a, b in zip(words, part)]
            if sum(map(similarity_ceiling, words, part, spelling)) >= need * n:
                sims = [word_similarity(a, b, s) for a, b, s in zip(words, part, spelling)]
                if min(sims) >= self.word_min:
                    mean = sum(sims) / n
                    target = ref.target[m - n :] if len(ref.target) == m else ref.target
                    best = (mean, tuple(target), tuple(sims) if len(target) == n else ())
        joined, rjoined = "".join(words), "".join(ref.words)
        if (n > 1 or m > 1) and n != m and len(joined) >= 5 and (
                min(len(joined), len(rjoined)) >= 0.85 * max(len(joined), len(rjoined))):
            spelled = fuzz.ratio(joined, rjoined)
            if similarity_ceiling(joined, rjoined, spelled) >= need:
                sim = word_similarity(joined, rjoined, spelled)
                if best is None or sim > best[0]:
                    best = (sim, self._whole_or_surname(n, ref), ())
        elif n == 1 and m == 1 and len(ref.target) > 1:  # one word for a longer name (zh 普京 "Pujing")
            best = (best[0], self._whole_or_surname(1, ref), ()) if best else None
        return best

    @staticmethod
    def _whole_or_surname(n: int, ref: Reference) -> tuple[str, ...]:
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
        occupied = Taken(taken)
        only = set(entries) if entries is not None else None
        thr = self.threshold if threshold is None else threshold
        found: list[_Match] = []
        for run in _name_runs(line):
            if only is not None or not self.remember:
                found += self._run_matches(line, run, thr, only)
                continue
            # A run's matches depend on its own text only: news repeats its names, so they are remembered.
            base = run[0][0]
            key = (line[base : run[-1][1]], tuple((s - base, e - base) for s, e, _ in run), thr)
            seen = self._seen.get(key)
            if seen is None:
                seen = [(sim, size, s - base, e - base, target, r, own)
                        for sim, size, s, e, target, r, own in self._run_matches(line, run, thr, None)]
                if len(self._seen) >= self.remember:
                    self._seen.popitem(last=False)  # the oldest
                self._seen[key] = seen
            found += [(sim, size, s + base, e + base, target, r, own) for sim, size, s, e, target, r, own in seen]
        # Longest window first, then the most similar, then leftmost, then the entry id, then the reference.
        found.sort(key=lambda f: (-f[1], -f[0], f[2], self.index.ref(f[5]).entry_id, f[5]))
        out: list[Span] = []
        used_entries: set[str] = set()
        for sim, _, start, end, target, r, own in found:
            ref = self.index.ref(r)
            if occupied.meets(start, end):
                continue
            if only is not None and ref.entry_id in used_entries:
                continue
            occupied.add(start, end)
            used_entries.add(ref.entry_id)
            out.append(FuzzySpan(n, start, end, line[start:end], ref.entry_id, kind, " ".join(target),
                                 round(sim, 1), ref.text, ref.other and own >= ROMANISED_SIM))
        return sorted(out, key=lambda s: (s.start, -s.end))

    def _run_matches(self, line: str, run: Sequence[tuple[int, int, str]], thr: float, only: set[str] | None
                     ) -> list[_Match]:
        """Every window of one run that passes, with its reference: (similarity, words in the window,
        start, end, target words, reference, the changed words' least similarity)."""
        protected = self._protected(run)
        roman = [romanize(w) for _, _, w in run]
        windows: dict[tuple[int, int], tuple[int, int, list[str], float] | None] = {}
        if only is not None:  # few entries: try every window against each of their references
            refs = sorted({r for e in only for r in self.index.by_entry(e)})
            triples: Iterable[tuple[int, int, int]] = [
                (i, j, r) for i in range(len(run)) for j in range(i + 1, min(len(run), i + MAX_SOURCE_WINDOW) + 1)
                for r in refs]
        else:
            # Screen every window first: a run none of whose windows is a candidate (mostly a correct
            # name: "Washington") needs no lookup at all, and pairs are made for candidate windows only.
            live = np.zeros((len(run), MAX_WINDOW + 1), dtype=bool)
            for i in range(len(run)):
                for j in range(i + 1, min(len(run), i + MAX_WINDOW) + 1):
                    windows[i, j] = got = self._window(line, run, roman, protected, i, j, thr, True)
                    live[i, j - i] = got is not None
            if not live.any():
                return []
            triples = self._likely(line, run, roman, live, windows, MAX_WINDOW)
        found: list[_Match] = []
        for i, j, r in triples:
            if (i, j) not in windows:
                windows[i, j] = self._window(line, run, roman, protected, i, j, thr, only is None)
            window = windows[i, j]
            if window is None:
                continue
            start, end, words, need = window
            scored = self._window_score(words, self.index.ref(r), need)
            if scored is None:
                continue
            sim, target, sims = scored
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
            found.append((sim, j - i, start, end, target, r, own))
        return found

    def _window(self, line: str, run: Sequence[tuple[int, int, str]], roman: Sequence[str],
                protected: Sequence[bool], i: int, j: int, thr: float, open_search: bool
                ) -> tuple[int, int, list[str], float] | None:
        """Words ``[i, j)`` of a run as a window worth scoring: its start, end, romanised words and the
        similarity it needs; ``None`` when it is a correct or known name, starts or ends on a particle or
        a function word, or is one short word."""
        if all(protected[i:j]):
            return None
        edge = {run[i][2].lower(), run[j - 1][2].lower()}
        if edge & PARTICLES or edge & STOPWORDS:
            return None
        start, end = run[i][0], run[j - 1][1]
        if fold(line[start:end]) in self.index.known:
            return None
        words = [w for w in roman[i:j] if w]
        if not words or (len(words) == 1 and len(words[0]) < 4):
            return None
        need = max(thr, self.single_min) if len(words) == 1 and open_search else thr
        return start, end, words, need

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

    def _likely(self, line: str, run: Sequence[tuple[int, int, str]], roman: Sequence[str], live: np.ndarray,
                windows: dict[tuple[int, int], tuple[int, int, list[str], float] | None], limit: int
                ) -> list[tuple[int, int, int]]:
        """The (start word, end word, reference) triples of a run worth scoring, in order.

        ``windows`` holds every window of at most ``limit`` words (:meth:`_window`), and ``live[i, n]`` says
        whether the one of ``n`` words from word ``i`` is a candidate: only those are paired with references.
        A run that meets few postings gets every pair the blocking keys bring (:meth:`_paired`). Otherwise
        the pairs are made in arrays (:meth:`_blocked`), and a pair is dropped when its similarity, computed
        in bulk (:meth:`_reachable`), is below the window's threshold. What is left is scored one by one, so
        this only saves work: no pair that could pass is dropped."""
        # A word in no candidate window brings only pairs that would be dropped: its keys are not looked up.
        inside = np.zeros(len(roman), dtype=bool)
        for i, n in zip(*np.nonzero(live)):
            inside[i : i + n] = True
        met = [self.index.codes(blocking_keys(w)) if inside[i] else _NO_CODES for i, w in enumerate(roman)]
        if sum(c.size for c in met) < FEW_POSTINGS:
            return sorted(self._paired(roman, met, live, limit))
        starts, sizes, refs = self._blocked(roman, met, live, limit)
        if not refs.size:
            return []
        # Screen each window once: pairs are sorted by window. A window that loses an empty romanised word
        # is scored as it is (``exact``): _window_score then sees fewer words than the window has.
        first = np.flatnonzero(np.diff(starts * 8 + sizes, prepend=-1))
        need = np.empty(first.size)
        exact = np.zeros(first.size, dtype=bool)
        texts: list[str] = []
        for w, (i, n) in enumerate(zip(starts[first].tolist(), sizes[first].tolist())):
            got = windows[i, i + n]
            assert got is not None  # _blocked pairs candidate windows only
            need[w], exact[w] = got[3], len(got[2]) != n
            texts.append("".join(roman[i : i + n]))
        per = np.repeat(np.arange(first.size), np.diff(first, append=refs.size))
        keep = exact[per] | self._reachable(roman, texts, starts, sizes, refs, per, need[per] - _SLACK, exact[per])
        return list(zip(starts[keep].tolist(), (starts + sizes)[keep].tolist(), refs[keep].tolist()))

    def _blocked(self, roman: Sequence[str], met: Sequence[np.ndarray], live: np.ndarray, limit: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`_paired` in arrays: the distinct (start word, window size, reference) pairs, sorted."""
        col, n_words = self.index, len(roman)
        word = np.repeat(np.arange(n_words), [c.size for c in met])
        r, pos = np.divmod(np.concatenate(met), SLOTS)
        pos -= 1
        m = col.size[r]
        # The whole reference: word by word (aligned: the window starts pos words before), or written as one
        # word (pos < 0) and met by one text word.
        one = pos < 0
        starts, sizes = np.where(one, word, word - pos), np.where(one, 1, m)
        ok = np.flatnonzero((sizes <= limit) & (starts >= 0) & (starts + sizes <= n_words))
        ok = ok[live[starts[ok], sizes[ok]]]
        found = [(starts[ok], sizes[ok], r[ok])]
        # A person's last n names (a surname): n < m words, aligned to the reference's last n.
        last = np.flatnonzero(col.person[r] & (m > 1) & ~one)
        for n in range(1, limit + 1):
            last = last[m[last] > n]
            at = last[pos[last] >= m[last] - n]
            start = word[at] - pos[at] + m[at] - n
            ok = np.flatnonzero((start >= 0) & (start + n <= n_words))
            ok = ok[live[start[ok], n]]
            found.append((start[ok], np.full(ok.size, n), r[at][ok]))
        for i in range(n_words):  # text words written together: "Jin Zhengen" / 金正恩 "JinZhengEn"
            for width in (2, 3):
                if i + width <= n_words and live[i, width]:
                    joined = col.codes(blocking_keys("".join(roman[i : i + width]))) // SLOTS
                    found.append((np.full(joined.size, i), np.full(joined.size, width), joined))
        starts, sizes, refs = (np.concatenate(column) for column in zip(*found))
        keys = np.unique((starts * 8 + sizes) * len(col) + refs)  # windows are at most 4 words
        window, refs = np.divmod(keys, len(col))
        starts, sizes = np.divmod(window, 8)
        return starts, sizes, refs

    def _reachable(self, roman: Sequence[str], texts: Sequence[str], starts: np.ndarray, sizes: np.ndarray,
                   refs: np.ndarray, per: np.ndarray, need: np.ndarray, skip: np.ndarray) -> np.ndarray:
        """Which pairs :meth:`_window_score` may score at ``need`` or more: the word-by-word similarities
        (their least and mean) or the one-word similarity, computed in bulk. ``per`` numbers each pair's
        window (``texts``: its words written together); pairs in ``skip`` are left False."""
        col = self.index
        m = col.size[refs]
        keep = np.zeros(refs.size, dtype=bool)
        # The whole name word by word, or a person's last names.
        aligned = np.flatnonzero(((sizes == m) | ((sizes < m) & col.surnames[refs])) & ~skip)
        if aligned.size:
            total = np.zeros(aligned.size)
            least = np.full(aligned.size, np.inf)
            pairs = []
            for k in range(int(sizes[aligned].max())):
                sel = np.flatnonzero(sizes[aligned] > k)
                t = aligned[sel]
                pairs.append((sel, starts[t] + k, col.word_ids[col.word_start[refs[t]] + m[t] - sizes[t] + k]))
            vocab, inverse = np.unique(np.concatenate([w for _, _, w in pairs]), return_inverse=True)
            sims = similarity_matrix(roman, col.vocab[vocab].tolist(), col.skeletons[vocab].tolist())
            at = 0
            for sel, text_word, _ in pairs:
                sim = sims[text_word, inverse[at : at + sel.size]]
                at += sel.size
                total[sel] += sim
                least[sel] = np.minimum(least[sel], sim)
            keep[aligned] = (least >= self.word_min - _SLACK) & (total / sizes[aligned] >= need[aligned])
        # The window written as one word against the reference written as one word.
        joined_text = np.array([len(t) for t in texts])[per]
        joined_ref = col.joined[refs]
        both = np.flatnonzero(((sizes > 1) | (m > 1)) & (sizes != m) & (joined_text >= 5) & ~skip & ~keep
                              & (np.minimum(joined_text, joined_ref) >= 0.85 * np.maximum(joined_text, joined_ref)))
        if both.size:
            wins, win_at = np.unique(per[both], return_inverse=True)
            others, ref_at = np.unique(refs[both], return_inverse=True)
            sims = similarity_matrix([texts[w] for w in wins.tolist()],
                                     ["".join(col.words(r)) for r in others.tolist()])
            keep[both] = sims[win_at, ref_at] >= need[both]
        return keep

    def _paired(self, roman: Sequence[str], met: Sequence[np.ndarray], live: np.ndarray, limit: int
                ) -> set[tuple[int, int, int]]:
        """The (start word, end word, reference) triples the blocking keys pair, one posting at a time: a word
        of the window met a word of the reference (``met[i]``: word ``i``'s postings) at the aligned position,
        or the window written as one word met the reference; candidate windows only (``live``, as in
        :meth:`_likely`, which does the same in arrays)."""
        n_words = len(roman)
        size, person = self.index.size_list, self.index.person_list
        ok = live.tolist()
        out: set[tuple[int, int, int]] = set()
        for i, codes in enumerate(met):
            for code in codes.tolist():
                r, pos = divmod(code, SLOTS)
                pos -= 1
                m = size[r]
                if pos < 0:  # the reference written as one word, met by one text word
                    if ok[i][1]:
                        out.add((i, i + 1, r))
                    continue
                for n in range(1, min(m, limit) + 1):  # window of n words aligned to the last n of the ref
                    if n < m and not person[r]:
                        continue
                    first = m - n  # ref position of the window's first word
                    start = i - (pos - first)
                    if pos >= first and 0 <= start and start + n <= n_words and ok[start][n]:
                        out.add((start, start + n, r))
            for width in (2, 3):  # text words written together: "Jin Zhengen" / 金正恩 "JinZhengEn"
                if i + width <= n_words and ok[i][width]:
                    joined = self.index.codes(blocking_keys("".join(roman[i : i + width])))
                    out.update((i, i + width, code // SLOTS) for code in joined.tolist())
        return out

    def _protected(self, run: Sequence[tuple[int, int, str]]) -> list[bool]:
        """Words of a run inside a correct name (canonical or admitted): fuzzy spans keep off them."""
        marks = [False] * len(run)
        words = [fold(w) for _, _, w in run]
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + self.index.max_known_words) + 1):
                if " ".join(words[i:j]) in self.index.correct:
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

