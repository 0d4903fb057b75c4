"""How alike two names are in spelling and in sound (for ``find`` and ``suggest``)."""

from __future__ import annotations

import re
from functools import lru_cache

import jellyfish
from anyascii import anyascii
from rapidfuzz import fuzz

_SOUND_RULES = [("ph", "f"), ("kh", "h"), ("ck", "k"), ("sch", "sh"), ("w", "v"), ("c", "k"), ("q", "k"),
                ("x", "ks"), ("j", "y"), ("z", "s")]
_MORPH_SUFFIXES = ("n", "an", "ian", "ans", "ians", "ese", "i", "is", "s", "es", "'s", "’s", "ern", "ish")


@lru_cache(maxsize=200_000)
def key(text: str) -> str:
    """Romanised, lower-cased letters only: what spelling comparisons look at."""
    return re.sub(r"[^a-z0-9 ]+", "", anyascii(text).lower()).strip()


@lru_cache(maxsize=200_000)
def skeleton(text: str) -> str:
    """A sound skeleton: first letter, then consonants, with common transliteration pairs merged
    (w/v, ph/f, kh/h, c/k, z/s ...) and doubles collapsed: Walodimir, Walloudimir, Volodymyr -> vldmr."""
    s = key(text).replace(" ", "")
    for a, b in _SOUND_RULES:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    if not s:
        return ""
    head, tail = s[0], re.sub(r"[aeiouy]", "", s[1:])
    head = "v" if head in "vf" else head  # Fladimir / Vladimir
    return head + tail


def is_inflection(a: str, b: str) -> bool:
    """Whether one name is the other plus an English ending (Russia/Russian, Ukraine/Ukrainian)."""
    a, b = key(a), key(b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    stem = short[:-1] if short.endswith(("a", "e")) else short
    return long_.startswith(stem) and long_[len(stem):] in _MORPH_SUFFIXES + ("", "a", "e")


def similarity(a: str, b: str) -> float:
    """0..100: the best of spelling similarity and sound similarity of two names."""
    ka, kb = key(a), key(b)
    if not ka or not kb:
        return 0.0
    spelling = fuzz.ratio(ka, kb)
    sa, sb = skeleton(a), skeleton(b)
    sound = 0.0
    if len(sa) >= 3 and sa == sb:
        sound = 85.0
    elif ka[0] == kb[0] and spelling >= 60:
        sound = 100 * jellyfish.jaro_winkler_similarity(ka, kb) - 5
    return max(spelling, sound)


def close(a: str, b: str, threshold: float = 75.0) -> bool:
    """Whether two different names look or sound like spellings of one name."""
    if key(a) == key(b) or is_inflection(a, b):
        return False
    return similarity(a, b) >= threshold
