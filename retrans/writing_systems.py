"""Which writing system a form is in, and which ones each language is written in."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

LATIN, CYRILLIC, ARABIC, HEBREW, GREEK, HAN = "Latin", "Cyrillic", "Arabic", "Hebrew", "Greek", "Han"
HIRAGANA, KATAKANA, HANGUL = "Hiragana", "Katakana", "Hangul"
_NAME_PREFIX = {"LATIN": LATIN, "CYRILLIC": CYRILLIC, "ARABIC": ARABIC, "HEBREW": HEBREW, "GREEK": GREEK,
                "CJK": HAN, "HIRAGANA": HIRAGANA, "KATAKANA": KATAKANA, "HANGUL": HANGUL,
                "DEVANAGARI": "Devanagari", "BENGALI": "Bengali", "ARMENIAN": "Armenian", "GEORGIAN": "Georgian",
                "THAI": "Thai", "ETHIOPIC": "Ethiopic", "TAMIL": "Tamil", "GUJARATI": "Gujarati",
                "GURMUKHI": "Gurmukhi", "SYRIAC": "Syriac", "KHMER": "Khmer", "MYANMAR": "Myanmar",
                "SINHALA": "Sinhala", "LAO": "Lao", "TIBETAN": "Tibetan", "MONGOLIAN": "Mongolian"}

_LATIN_LANGS = ("en de fr es it pt nl pl tr cs sk sl hr bs ro hu fi sv da no nb nn is et lv lt sq id ms vi az uz "
                "tk ga cy eu ca gl mt af sw tl lb fo eo la so ha yo ig zu xh")
SCRIPTS: dict[str, frozenset[str]] = {lang: frozenset({LATIN}) for lang in _LATIN_LANGS.split()}
SCRIPTS.update({lang: frozenset({CYRILLIC}) for lang in "ru uk be bg mk kk ky tg mn".split()})
SCRIPTS.update({lang: frozenset({ARABIC}) for lang in "ar fa ur ps ckb ug sd".split()})
SCRIPTS.update({"he": frozenset({HEBREW}), "yi": frozenset({HEBREW}), "el": frozenset({GREEK}),
                "sr": frozenset({CYRILLIC, LATIN}), "zh": frozenset({HAN}),
                "ja": frozenset({HAN, HIRAGANA, KATAKANA}), "ko": frozenset({HANGUL, HAN}),
                "hi": frozenset({"Devanagari"}), "mr": frozenset({"Devanagari"}), "ne": frozenset({"Devanagari"}),
                "bn": frozenset({"Bengali"}), "hy": frozenset({"Armenian"}), "ka": frozenset({"Georgian"}),
                "th": frozenset({"Thai"}), "am": frozenset({"Ethiopic"}), "ta": frozenset({"Tamil"})})
# ISO 15924 script subtags (``sr-Latn``, ``und-Cyrl``) override the language's own scripts
SUBTAGS: dict[str, frozenset[str]] = {
    "Latn": frozenset({LATIN}), "Cyrl": frozenset({CYRILLIC}), "Arab": frozenset({ARABIC}),
    "Hebr": frozenset({HEBREW}), "Grek": frozenset({GREEK}), "Hani": frozenset({HAN}), "Hans": frozenset({HAN}),
    "Hant": frozenset({HAN}), "Jpan": frozenset({HAN, HIRAGANA, KATAKANA}), "Kore": frozenset({HANGUL, HAN}),
    "Hang": frozenset({HANGUL}), "Deva": frozenset({"Devanagari"}), "Armn": frozenset({"Armenian"}),
    "Geor": frozenset({"Georgian"}), "Thai": frozenset({"Thai"}), "Beng": frozenset({"Bengali"})}
# languages whose forms may mix in Latin letters next to their own script ("G7集团")
LATIN_MIX = frozenset({"zh", "ja", "ko"})


@lru_cache(maxsize=8192)
def letter_script(ch: str) -> str | None:
    """The script of a letter, or ``None`` for non-letters and letters of no particular script."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    try:
        first = unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return None
    return _NAME_PREFIX.get(first)


def scripts_of(text: str) -> set[str]:
    """Every script that a letter of ``text`` belongs to."""
    return {s for s in map(letter_script, text) if s is not None}


def expected_scripts(lang: str) -> frozenset[str] | None:
    """The scripts that forms of ``lang`` are written in, or ``None`` when unknown."""
    parts = lang.split("-")
    for sub in parts[1:]:
        if sub in SUBTAGS:
            return SUBTAGS[sub]
    return SCRIPTS.get(parts[0].lower())


def wrong_scripts(form: str, lang: str) -> set[str]:
    """The scripts of ``form`` that ``lang`` is not written in (empty when fine or unknown)."""
    allowed = expected_scripts(lang)
    if allowed is None:
        return set()
    found = scripts_of(form)
    base = lang.split("-")[0].lower()
    if base in LATIN_MIX and found & allowed:
        found.discard(LATIN)
    if LATIN in found and all(ch.isupper() for ch in form if letter_script(ch) == LATIN):
        found.discard(LATIN)  # Latin acronyms are written as they are in any script: "G7", "BBC"
    return found - allowed
