"""Romanise names to predict how MT renders them, and reduce names to transliteration keys.

:func:`romanize` turns a form in any script into plain ASCII with ``anyascii``
(ISC licence): Persian زلنسکی -> "zlnsky", Chinese 拉夫罗夫 -> "lafuluofu". MT from
these languages often writes exactly what the letters say, so the romanised
source form of a glossary entry predicts an unseen misspelling ("Zelnski",
"Lafuluofu").

:func:`skeleton` is the consonant key that fuzzy matching blocks on. Vowels,
doubled letters and ``h`` vary freely in transliteration, and so do a few
consonant pairs (w/v/f, p/b, k/q/g/c, s/z/x, d/t), so they are merged:
Walodimir, Walloudimir and Volodymyr share the key "fltmr".
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

# Digraphs first, longest first; then letter classes. "h" alone is dropped (kh/gh/h vary freely).
_DIGRAPHS = (("sch", "s"), ("kh", "k"), ("gh", "k"), ("ph", "f"), ("th", "t"), ("sh", "s"), ("zh", "j"),
             ("ch", "k"), ("ts", "s"), ("tz", "s"), ("dj", "j"), ("dh", "t"), ("ck", "k"))
_CLASSES = str.maketrans({"c": "k", "q": "k", "g": "k", "p": "b", "v": "f", "w": "f", "z": "s", "x": "s",
                          "d": "t", "h": None, "a": None, "e": None, "i": None, "o": None, "u": None, "y": None})
_NON_LETTER = re.compile(r"[^a-z ]+")
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=262_144)
def romanize(text: str) -> str:
    """ASCII, lower-cased letters and single spaces only: "Erdoğan" -> "erdogan", "拉夫罗夫" -> "lafuluofu"."""
    return " ".join(_NON_LETTER.sub("", anyascii(text).lower().replace("-", " ")).split())


@lru_cache(maxsize=262_144)
def skeleton(text: str) -> str:
    """The transliteration key of one word (spaces are ignored): consonant classes, doubles collapsed."""
    s = romanize(text).replace(" ", "")
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    return _DOUBLE.sub(r"\1", s.translate(_CLASSES))


def blocking_keys(text: str) -> set[str]:
    """Keys under which a word is indexed and looked up: its skeleton and, for skeletons of
    four letters or more, each one-letter deletion (so one consonant substituted, added or
    dropped still meets its reference, as in SymSpell)."""
    sk = skeleton(text)
    if len(sk) < 2:
        return set()
    keys = {sk}
    if len(sk) >= 4:
        keys.update(sk[:i] + sk[i + 1 :] for i in range(len(sk)))
    return keys
