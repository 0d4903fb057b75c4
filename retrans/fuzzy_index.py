"""The fuzzy matcher's index: every entry's reference names in one target language, blocked by skeleton keys.

A *reference* is a name an unseen misspelling may resemble: an entry's canonical, admitted and variant
forms in the target language, and its forms in other scripts romanised with ``anyascii`` (Persian زلنسکی
-> "zlnsky"), which predict how MT renders them. Each reference word is indexed under its blocking keys
(:func:`retrans.romanize.blocking_keys`); a reference written as one word is indexed too.

The references are kept as columns (numpy arrays and lists of strings), not one object each: the index of
a 10⁵-entry glossary then loads from its cache in well under a second, and the matcher can cull thousands
of references at once. :meth:`ReferenceIndex.ref` gives one reference as a :class:`Reference`.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import columns
from .detect import fold
from .errors import RetransError
from .formats.text import write_files_atomic
from .glossary import Entry, Forms, Glossary
from .romanize import blocking_keys, romanizations, romanize, skeleton
from .writing_systems import HIRAGANA, KATAKANA, scripts_of

SLOTS = 16  # a posting is reference * SLOTS + word position + 1 (0: the reference written as one word)
MAX_POSTINGS = 5_000  # a blocking key shared by more references than this is too common to look up
CACHE_MIN_ENTRIES = 5_000  # smaller glossaries build faster than a cached index loads
INDEX_VERSION = 5  # of the cached index's content and layout: bump when references or keys change
_KANA = {HIRAGANA, KATAKANA}
_NONE = np.zeros(0, dtype=np.int64)
# The cache file: the string columns joined by newlines (no form holds one), then the integer columns.
_STRINGS = ("entry_ids", "kinds", "targets", "texts", "vocab", "skeletons", "known", "correct", "keys")
_NUMBERS = ("entry", "other", "size", "word_ids", "offsets", "flat")


def index_cache_dir() -> Path:
    """Where built indexes of large glossaries are kept: ``fuzzy/`` under :func:`retrans.lm.cache_root`."""
    from .lm import cache_root

    return cache_root() / "fuzzy"


def _latin(text: str) -> bool:
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


@dataclass(frozen=True)
class Reference:
    """One reference: its entry, its text, its romanised words, the canonical words it becomes (aligned
    with ``words`` when the counts agree), the entry's kind and whether it is another language's form."""

    entry_id: str
    text: str
    words: tuple[str, ...]
    target: tuple[str, ...]
    kind: str
    other: bool = False


class ReferenceIndex:
    """The references of ``glossary`` in target language ``lang`` and their postings.

    Per reference ``r``: ``entry[r]`` (into ``entry_ids``, ``kinds``, ``targets``), ``other[r]``,
    ``texts[r]``, ``size[r]`` words whose ids into ``vocab`` (and ``skeletons``) are
    ``word_ids[word_start[r]:][:size[r]]``; derived: ``person``, ``surnames`` (a person's name whose
    canonical words align with its words), ``joined`` (letters written as one word). The postings of a
    blocking key numbered ``i`` in ``keys`` are ``flat[offsets[i]:offsets[i + 1]]`` (see :data:`SLOTS`).
    ``known`` holds the folded forms of the target language, ``correct`` the canonical and admitted ones.

    The index of a glossary of :data:`CACHE_MIN_ENTRIES` entries or more is kept in ``cache_dir``
    (default :func:`index_cache_dir`), keyed by the glossary's digest, so the next run loads it instead
    of building it; ``cache=False`` never does.
    """

    def __init__(self, glossary: Glossary, lang: str, romanize_sources: bool = True, cache: bool = True,
                 cache_dir: Path | None = None) -> None:
        self.lang = lang
        self.max_known_words = 1
        self._by_entry: dict[str, list[int]] | None = None
        self._built: dict[int, Reference] = {}
        path = None
        if cache and len(glossary) >= CACHE_MIN_ENTRIES:
            name = f"{glossary.digest[:32]}-{lang}-{int(romanize_sources)}-v{INDEX_VERSION}.idx"
            path = (cache_dir or index_cache_dir()) / name
            if self._load(path):
                return
        self._build(glossary, romanize_sources)
        if path is not None:
            self._save(path)

    # -- building ---------------------------------------------------------------------------------

    def _build(self, glossary: Glossary, romanize_sources: bool) -> None:
        self.entry_ids: list[str] = []
        self.kinds: list[str] = []
        self.targets: list[str] = []
        self.texts: list[str] = []
        self.known: set[str] = set()
        self.correct: set[str] = set()
        self._columns: dict[str, list[int]] = {"entry": [], "other": [], "size": [], "word_ids": []}
        self._vocab: dict[str, int] = {}
        index: dict[str, list[int]] = defaultdict(list)
        for entry in glossary:
            forms = entry.forms.get(self.lang)
            if forms is not None:
                self._add_entry(entry, forms, romanize_sources, index)
        columns, vocab = self._columns, list(self._vocab)
        del self._columns, self._vocab
        sizes = [len(v) for v in index.values()]
        self.keys = {k: i for i, k in enumerate(index)}
        self.vocab = np.array(vocab, dtype=object)
        self.skeletons = np.array([skeleton(w) for w in vocab], dtype=object)
        self.entry = np.array(columns["entry"], dtype=np.int64)
        self.other = np.array(columns["other"], dtype=bool)
        self.size = np.array(columns["size"], dtype=np.int64)
        self.word_ids = np.array(columns["word_ids"], dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64))).astype(np.int64)
        self.flat = np.fromiter((c for v in index.values() for c in v), np.int64, int(self.offsets[-1]))
        self._derive()

    def _add_entry(self, entry: Entry, forms: Forms, romanize_sources: bool, index: dict[str, list[int]]) -> None:
        """Add ``entry``'s references and their postings."""
        for form in (forms.canonical, *forms.admitted):
            self.correct.add(fold(form.strip()))
            if entry.kind == "person" and len(form.split()) > 1:  # a surname alone is correct too
                self.correct.add(fold(form.split()[-1]))
        for form in (forms.canonical, *forms.admitted, *forms.variants, *forms.mistranslations):
            key = fold(form.strip())
            self.known.add(key)
            self.max_known_words = max(self.max_known_words, len(key.split()))
        texts = [(text, romanize(text), False) for text in (forms.canonical, *forms.admitted, *forms.variants)]
        if romanize_sources:  # forms in other scripts (fa, ar, ru, uk, zh, he ...), as MT would spell them
            # Kana is left out: romanised, Japanese forms pad names with vowels (ウクライナ -> "ukuraina" ~ Ukrainian)
            texts += [(text, roman, True) for lang, f in entry.forms.items() if lang != self.lang
                      for text in (f.canonical, *f.admitted) if not _latin(text) and not scripts_of(text) & _KANA
                      for roman in romanizations(text, lang)]
        number = len(self.entry_ids)
        self.entry_ids.append(entry.id)
        self.kinds.append(entry.kind)
        self.targets.append(" ".join(forms.canonical.split()))
        cols, vocab = self._columns, self._vocab
        seen: set[tuple[str, ...]] = set()
        for text, roman, other in texts:
            words = tuple(roman.split())
            if not words or words in seen:
                continue
            seen.add(words)
            base = len(self.texts) * SLOTS + 1
            self.texts.append(text)
            cols["entry"].append(number)
            cols["other"].append(other)
            cols["size"].append(len(words))
            cols["word_ids"].extend(vocab.setdefault(w, len(vocab)) for w in words)
            postings = {(k, base + pos) for pos, w in enumerate(words[: SLOTS - 1]) for k in blocking_keys(w)}
            if len(words) > 1:
                joined = skeleton("".join(words))  # exact key only: text-side deletions still meet it
                if len(joined) >= 2:
                    postings.add((joined, base - 1))
            for k, code in postings:
                index[k].append(code)

    def _derive(self) -> None:
        """The columns computed from the stored ones."""
        self.word_start = np.concatenate(([0], np.cumsum(self.size)[:-1])).astype(np.int64)
        is_person = np.array([k == "person" for k in self.kinds], dtype=bool)
        target_size = np.array([len(t.split()) for t in self.targets], dtype=np.int64)
        self.person = is_person[self.entry] if len(self.entry) else np.zeros(0, dtype=bool)
        self.surnames = self.person & (target_size[self.entry] == self.size) if len(self.entry) else self.person
        letters = np.array([len(w) for w in self.vocab.tolist()], dtype=np.int64)
        self.joined = (np.add.reduceat(letters[self.word_ids], self.word_start) if len(self.entry)
                       else np.zeros(0, dtype=np.int64))
        self.size_list: list[int] = self.size.tolist()  # for the per-posting loop of small runs
        self.person_list: list[bool] = self.person.tolist()

    # -- the cache --------------------------------------------------------------------------------

    def _load(self, path: Path) -> bool:
        """Take the index from ``path``; False when it is missing or unreadable (then it is rebuilt).
        The file is columns (:mod:`retrans.columns`); nothing in it is executed, and columns that do
        not fit together (:func:`_consistent`) only make it rebuilt."""
        try:
            head, strings, numbers = columns.unpack(path.read_bytes())
            if (list(strings) != list(_STRINGS) or list(numbers) != list(_NUMBERS)
                    or not _consistent(strings, numbers)):
                return False
            self.max_known_words = int(head["max_known_words"])
        except (OSError, ValueError, KeyError, TypeError):
            return False
        self.entry_ids, self.kinds, self.targets = strings["entry_ids"], strings["kinds"], strings["targets"]
        self.texts, self.known, self.correct = strings["texts"], set(strings["known"]), set(strings["correct"])
        self.vocab = np.array(strings["vocab"], dtype=object)
        self.skeletons = np.array(strings["skeletons"], dtype=object)
        self.keys = dict(zip(strings["keys"], range(len(strings["keys"]))))
        self.entry, self.size, self.word_ids = numbers["entry"], numbers["size"], numbers["word_ids"]
        self.other = numbers["other"].astype(bool)
        self.offsets, self.flat = numbers["offsets"], numbers["flat"]
        self._derive()
        return True

    def _save(self, path: Path) -> None:
        """Write the index to ``path`` atomically; a cache that cannot be written is only skipped."""
        strings = {"entry_ids": self.entry_ids, "kinds": self.kinds, "targets": self.targets, "texts": self.texts,
                   "vocab": self.vocab.tolist(), "skeletons": self.skeletons.tolist(), "known": sorted(self.known),
                   "correct": sorted(self.correct), "keys": list(self.keys)}
        numbers = {"entry": self.entry, "other": self.other.astype(np.int64), "size": self.size,
                   "word_ids": self.word_ids, "offsets": self.offsets, "flat": self.flat}
        blob = columns.pack({"max_known_words": self.max_known_words}, strings, numbers)
        if blob is None:
            return  # a newline in a form: not expected of a glossary; such an index is only rebuilt each time
        try:
            write_files_atomic([(path, blob)])
        except RetransError:
            pass  # a read-only cache only costs speed

    # -- access -----------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.texts)

    def ref(self, r: int) -> Reference:
        """Reference number ``r``."""
        got = self._built.get(r)
        if got is None:
            e = int(self.entry[r])
            got = Reference(self.entry_ids[e], self.texts[r], self.words(r), tuple(self.targets[e].split()),
                            self.kinds[e], bool(self.other[r]))
            if len(self._built) < 100_000:
                self._built[r] = got
        return got

    def words(self, r: int) -> tuple[str, ...]:
        """The romanised words of reference number ``r``."""
        start = int(self.word_start[r])
        return tuple(self.vocab[self.word_ids[start : start + int(self.size[r])]].tolist())

    def postings(self, key: str) -> np.ndarray:
        """The postings of blocking key ``key`` (empty when it is unknown)."""
        i = self.keys.get(key)
        return _NONE if i is None else self.flat[self.offsets[i] : self.offsets[i + 1]]

    def codes(self, keys: Iterable[str]) -> np.ndarray:
        """The postings of ``keys`` together (with repeats), less those of keys too common to look up."""
        parts = [p for p in map(self.postings, keys) if 0 < len(p) <= MAX_POSTINGS]
        return np.concatenate(parts) if parts else _NONE

    def by_entry(self, entry_id: str) -> list[int]:
        """The references of one entry."""
        if self._by_entry is None:
            self._by_entry = defaultdict(list)
            for r, e in enumerate(self.entry.tolist()):
                self._by_entry[self.entry_ids[e]].append(r)
        return self._by_entry.get(entry_id, [])


def _consistent(strings: dict[str, list[str]], numbers: dict[str, np.ndarray]) -> bool:
    """Whether a loaded index's columns agree in length and point inside each other."""
    refs, entries = len(strings["texts"]), len(strings["entry_ids"])
    size, offsets = numbers["size"], numbers["offsets"]
    return (len(numbers["entry"]) == len(numbers["other"]) == len(size) == refs
            and len(strings["kinds"]) == len(strings["targets"]) == entries
            and len(strings["skeletons"]) == len(strings["vocab"])
            and len(offsets) == len(strings["keys"]) + 1 and int(size.sum()) == len(numbers["word_ids"])
            and (refs == 0 or (int(size.min()) >= 1 and 0 <= int(numbers["entry"].min())
                               and int(numbers["entry"].max()) < entries))
            and (len(numbers["word_ids"]) == 0 or (0 <= int(numbers["word_ids"].min())
                                                  and int(numbers["word_ids"].max()) < len(strings["vocab"])))
            and int(offsets[0]) == 0 and int(offsets[-1]) == len(numbers["flat"])
            and bool(np.all(np.diff(offsets) >= 0))
            and (len(numbers["flat"]) == 0 or (0 <= int(numbers["flat"].min())
                                               and int(numbers["flat"].max()) < refs * SLOTS)))
