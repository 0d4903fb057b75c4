"""Script runs: word boundaries in text without spaces, and names that mix look-alike scripts.

Chinese and Japanese have no spaces, so "a hit counts only at word boundaries" needs
another definition there. A boundary is any change of script (Han / Katakana /
Hiragana / Latin / digits), and inside a Han run, a cut of a segmenter (jieba) that
knows the glossary's forms as words (jieba alone cuts 泽连斯基 into 泽/连斯基). Two
more guards keep a form from being found inside a longer name: a Katakana hit must
not continue a Katakana run (キーウ is not found in キーウィ), and a Han hit made
of transliteration characters must not be followed or preceded by more of them
(哈尔科夫 is not found in 哈尔科夫斯基).

A word that mixes Latin, Cyrillic or Greek letters which look alike ("Kиїв" with
a Latin K) is always suspect; :func:`mixed_words` gives its single-script form.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

from .writing_systems import CYRILLIC, GREEK, HAN, KATAKANA, LATIN, expected_scripts, letter_script

UNSPACED = frozenset({"zh", "ja"})
# Characters of Chinese transliterations of foreign names (Xinhua's table, the common ones).
TRANSLIT = frozenset(
    "阿埃艾安昂奥巴拜班邦贝本比彼毕波伯博布达代丹道德登迪蒂丁东杜敦多厄恩尔法范菲费芬丰冯弗福富盖甘冈戈格根古"
    "圭哈海汉豪赫亨洪胡华霍基吉加贾杰金卡凯坎康考柯科克肯库夸奎拉莱兰朗劳勒雷里利连林琳卢鲁伦罗洛马迈曼芒梅"
    "门蒙米敏莫姆穆纳奈南瑙内尼纽努诺帕佩蓬皮普奇切钦丘萨塞赛桑瑟森沙舍什斯松苏索塔泰坦汤特滕提廷图托瓦万旺"
    "威韦维温沃乌武西希谢辛休雅亚扬耶伊尤约泽扎兹佐"
    "爾羅蘭維諾納亞亞爾澤連倫謝薩費瓦韋戈賈傑凱蘇圖達烏爾頓遜邁曼"
)
_CLASS_CACHE: dict[str, str] = {}


def char_class(ch: str) -> str:
    """The script class of one character for boundary decisions ("" for non-words)."""
    c = _CLASS_CACHE.get(ch)
    if c is None:
        cat = unicodedata.category(ch)
        if ch in "ーｰ":
            c = KATAKANA
        elif cat.startswith("M"):
            c = "mark"
        elif cat == "Nd" or cat == "No":
            c = "digit"
        elif cat.startswith("L"):
            c = letter_script(ch) or "letter"
        else:
            c = ""
        _CLASS_CACHE[ch] = c
    return c


class HanSegmenter:
    """jieba with the glossary's Han forms added as words, so names stay whole."""

    def __init__(self, words: Iterable[str]) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._tok = jieba.Tokenizer()
        self._tok.initialize()
        for w in words:
            if w and any(char_class(c) == HAN for c in w):
                self._tok.add_word(w, freq=50)  # enough to keep a name whole, not to cut 四川|普降 as 四|川普

    def cuts(self, run: str) -> set[int]:
        """Offsets inside ``run`` (a Han run) where a token ends."""
        out, pos = set(), 0
        for tok in self._tok.cut(run, HMM=True):
            pos += len(tok)
            out.add(pos)
        return out


class UnspacedBoundaries:
    """Word boundaries in one line of Chinese or Japanese text."""

    def __init__(self, segmenter: HanSegmenter | None) -> None:
        self.segmenter = segmenter

    def ok(self, text: str, start: int, end: int) -> bool:
        """A hit at ``[start, end)`` starts and ends on a word boundary."""
        return self._edge(text, start, start, end) and self._edge(text, end, start, end)

    def _edge(self, text: str, i: int, start: int, end: int) -> bool:
        if i <= 0 or i >= len(text):
            return True
        a, b = char_class(text[i - 1]), char_class(text[i])
        if not a or not b:
            return True
        if "mark" in (a, b):
            return False
        if a != b:
            return True
        if a == KATAKANA or a != HAN:  # Latin, Kana, Hangul, digits: the run is one word
            return False
        # Han on both sides: a transliterated name does not run on into more transliteration ...
        beyond = text[i : i + 2] if i == end else text[max(0, i - 2) : i]
        if all(c in TRANSLIT for c in beyond):
            return False
        # ... and the segmenter cuts here.
        if self.segmenter is None:
            return True
        lo, hi = i, i
        while lo > 0 and char_class(text[lo - 1]) == HAN:
            lo -= 1
        while hi < len(text) and char_class(text[hi]) == HAN:
            hi += 1
        return (i - lo) in self.segmenter.cuts(text[lo:hi])


@functools.lru_cache(maxsize=8)
def han_segmenter(words: tuple[str, ...]) -> HanSegmenter:
    return HanSegmenter(words)


# ----------------------------------------------------------------------------- mixed scripts

_TO_CYRILLIC = dict(zip("aceopxyABCEHKMOPTXYiIïÏ", "асеорхуАВСЕНКМОРТХУіІїЇ"))
_TO_LATIN = {v: k for k, v in _TO_CYRILLIC.items()}
_TO_LATIN.update(dict(zip("ѕјԁһӏ", "sjdhl")))
_GREEK_TO_LATIN = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιρνκ", "ABEZHIKMNOPTYXaoiruk"))
_GREEK_TO_CYRILLIC = dict(zip("ΑΒΕΗΙΚΜΟΡΤΥΧαορ", "АВЕНІКМОРТУХаор"))
_UKRAINIAN_ONLY = set("іїІЇ")
_TABLES = {(LATIN, CYRILLIC): _TO_CYRILLIC, (CYRILLIC, LATIN): _TO_LATIN,
           (GREEK, LATIN): _GREEK_TO_LATIN, (GREEK, CYRILLIC): _GREEK_TO_CYRILLIC}
_WORD = re.compile(r"\w+")
_LOOKALIKE_SCRIPTS = (LATIN, CYRILLIC, GREEK)


_ASCII_BYTES = bytes(range(128))
_LOOKALIKE_CACHE: dict[str, bool] = {}
_FIRST_LOOKALIKE = 0x370  # no letter before U+0370 (Greek and Coptic) is Cyrillic or Greek


def may_mix(text: str) -> bool:
    """Whether a word of ``text`` can mix look-alike scripts (:func:`mixed_words`): only if it has a
    Cyrillic or Greek letter. Fast on text that is mostly Latin: numpy picks the distinct characters
    from U+0370 on out of the UTF-16 code units of a long text (with a surrogate among them, ``set(text)``
    does)."""
    if text.isascii():
        return False
    if len(text) < 1 << 14:  # (a short text: fewer calls) its non-ASCII characters, left by deleting ASCII bytes
        chars = set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
                    .decode("utf-8", "surrogatepass"))
    else:
        units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), np.uint16)
        found = np.unique(units[units >= _FIRST_LOOKALIKE])
        if len(found) and found[-1] >= 0xD800 and ((found >= 0xD800) & (found < 0xE000)).any():
            chars = {ch for ch in set(text) if ord(ch) >= _FIRST_LOOKALIKE}
        else:
            chars = set(map(chr, found.tolist()))
    cache = _LOOKALIKE_CACHE
    for ch in chars:
        found_one = cache.get(ch)
        if found_one is None:
            found_one = cache[ch] = letter_script(ch) in (CYRILLIC, GREEK)
        if found_one:
            return True
    return False


def mixed_words(text: str, lang: str) -> list[tuple[int, int, str]]:
    """Words of ``text`` that mix Latin, Cyrillic or Greek look-alike letters, with their
    single-script form: ``(start, end, fixed)``. The target script is the language's own
    when it has one of the three, else the word's majority script."""
    out = []
    allowed = expected_scripts(lang) or frozenset()
    for m in _WORD.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        counts = {s: 0 for s in _LOOKALIKE_SCRIPTS}
        for ch in word:
            s = letter_script(ch)
            if s in counts:
                counts[s] += 1
        present = [s for s, n in counts.items() if n]
        if len(present) < 2:
            continue
        own = [s for s in present if s in allowed]
        target = own[0] if len(own) == 1 else max(present, key=lambda s: counts[s])
        fixed = []
        for ch in word:
            s = letter_script(ch)
            if s in _LOOKALIKE_SCRIPTS and s != target:
                repl = _TABLES.get((s, target), {}).get(ch)
                if repl is None or (repl in _UKRAINIAN_ONLY and lang.split("-")[0] != "uk"):
                    break
                fixed.append(repl)
            else:
                fixed.append(ch)
        else:
            out.append((m.start(), m.end(), "".join(fixed)))
    return out

