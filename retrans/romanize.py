"""Romanise names to predict how MT renders them, and reduce names to transliteration keys.

:func:`romanize` turns a form in any script into plain ASCII with ``anyascii``
(ISC licence): Persian زلنسکی -> "zlnsky", Chinese 拉夫罗夫 -> "lafuluofu". MT from
these languages often writes exactly what the letters say, so the romanised
source form of a glossary entry predicts an unseen misspelling ("Zelnski",
"Lafuluofu"). :func:`romanizations` adds the language's own conventions where
letter-by-letter romanisation misses them: Ukrainian г is "h" and и is "y"
(Сергій -> "serhii", Запоріжжя -> "zaporizhzhia"), Russian press style ends
-ий in "y" (Дмитрий -> "dmitry") and writes ье as "ye" (Запорожье -> "zaporozhye").

:func:`skeleton` is the consonant key that fuzzy matching blocks on. Vowels,
doubled letters and ``h`` vary freely in transliteration, and so do a few
consonant pairs (w/v/f, p/b, k/q/g/c, s/z/x, d/t), so they are merged:
Walodimir, Walloudimir and Volodymyr share the key "fltmr".
"""

from __future__ import annotations

import operator
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
_ONCE = operator.itemgetter(1)  # a run of one letter -> the letter (a function: no template to expand per match)


@lru_cache(maxsize=262_144)
def romanize(text: str) -> str:
    """ASCII, lower-cased letters and single spaces only: "Erdoğan" -> "erdogan", "拉夫罗夫" -> "lafuluofu"."""
    return " ".join(_NON_LETTER.sub("", anyascii(text).lower().replace("-", " ")).split())


# Ukrainian national transliteration (2010); at a word start є, ї, й, ю, я are ye, yi, y, yu, ya.
_UK = {"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
       "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
       "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
       "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": ""}
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# Russian as the English-language press writes it: -ий/-ый -> y, е after a vowel or soft/hard sign -> ye.
_RU = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
       "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
       "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
       "э": "e", "ю": "yu", "я": "ya"}
_RU_VOWELS = frozenset("аеёиоуыэюяьъ")
_TABLES = {"uk": (_UK, _UK_INITIAL), "ru": (_RU, {"е": "ye"}), "be": (_RU, {"е": "ye"})}


def _transliterate(word: str, lang: str) -> str:
    table, initial = _TABLES[lang]
    w = word.lower()
    if lang != "uk" and len(w) > 3 and w.endswith(("ий", "ый")):
        w = w[:-2] + "ы"  # Дмитрий -> Dmitry, Сырский -> Syrsky
    out = []
    for i, ch in enumerate(w):
        start = i == 0 or not w[i - 1].isalpha()
        after_vowel = lang != "uk" and i > 0 and w[i - 1] in _RU_VOWELS
        if ch in initial and (start or after_vowel):
            out.append(initial[ch])
        else:
            out.append(table.get(ch, ch))
    return "".join(out)


def romanizations(text: str, lang: str | None = None) -> tuple[str, ...]:
    """The ways MT may romanise ``text`` (a form in language ``lang``): :func:`romanize`'s letters and,
    for Ukrainian and Russian, the language's own transliteration; distinct, in that order."""
    out = [romanize(text)]
    if lang in _TABLES:
        out.append(romanize(" ".join(_transliterate(w, lang) for w in text.split())))
    return tuple(dict.fromkeys(r for r in out if r))


@lru_cache(maxsize=262_144)
def skeleton(text: str) -> str:
    """The transliteration key of one word (spaces are ignored): consonant classes, doubles collapsed."""
    s = romanize(text).replace(" ", "")
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    return _DOUBLE.sub(_ONCE, s.translate(_CLASSES))


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
