"""Generate candidate rewrites for a suspect span.

Every span gets "keep" first. A variant gets the canonical form. A mistranslation
(an ordinary word standing for a name) also gets the rewrites its grammar needs:
the determiner dropped ("the attack on a third" -> "the attack on Sumy"), made
definite ("a third attack" -> "the Sumy attack"), surrounding quotes dropped, and
for places a following class noun turned around ("the third city of Ukraine" ->
"the city of Sumy in Ukraine"). The ranker decides among them.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz import fuzz

from .config import DETERMINERS, PLACE_NOUNS, QUOTE_PAIRS
from .glossary import Entry, Forms
from .multilingual import MorphSpan, propose_morph
from .records import MISTRANSLATION, Candidate, Span

ALIGN_MIN_RATIO = 50.0
_DET_RE = re.compile(r"(?:^|(?<=\W))(" + "|".join(DETERMINERS) + r")(\s+)$", re.IGNORECASE)
_DET_MAX = max(map(len, DETERMINERS))
# The last letters of the determiners in either case (ASCII: no other letter matches them, ignoring case).
_DET_ENDS = frozenset(c for d in DETERMINERS for c in (d[-1].lower(), d[-1].upper()))
_POSSESSIVE_RE = re.compile(r"(?:^|(?<=\W))(\w+['’]s)(\s+)$")
_NOUN_RE = re.compile(r"^(\s+)(" + "|".join(PLACE_NOUNS) + r")\b(?:(\s+of\s+)([A-Z][\w'’.-]*\w))?")


def _space_before(line: str, start: int) -> int:
    """Where the whitespace that ends at ``start`` begins (``start`` when there is none)."""
    i = start
    while i > 0 and line[i - 1].isspace():
        i -= 1
    return i


def _det_from(line: str, start: int) -> int:
    """Where to start looking for a determiner that ends, with whitespace, at ``start``: the same match
    as from 0 (the regex ends at ``start``, and its look-behind and ``^`` see the whole line), found
    without scanning the whole line before it."""
    return max(0, _space_before(line, start) - _DET_MAX)


def _possessive_from(line: str, start: int) -> int:
    """Where to start looking for a possessive that ends, with whitespace, at ``start``: the same match as
    from 0 (it holds no space and ends before that whitespace), found without scanning the whole line."""
    return line.rfind(" ", 0, _space_before(line, start)) + 1


def _determiner(line: str, start: int) -> tuple[re.Match[str] | None, bool]:
    """``(match, True)`` for a determiner that ends, with whitespace, at ``start`` (:data:`_DET_RE`), else
    ``(match, False)`` for a possessive there (:data:`_POSSESSIVE_RE`, or ``None``): the matches of a search
    from 0, looked for only where they can be (after whitespace; the determiner after one of its last
    letters, the possessive after "'s")."""
    space = _space_before(line, start)
    if not 0 < space < start:
        return None, False
    last = line[space - 1]
    if last in _DET_ENDS:
        det = _DET_RE.search(line, _det_from(line, start), start)
        if det:
            return det, True
    if last == "s" and space > 1 and line[space - 2] in "'’":
        return _POSSESSIVE_RE.search(line, _possessive_from(line, start), start), False
    return None, False


def align_canonical(form: str, canonical: str, kind: str = "person") -> str:
    """The part of ``canonical`` that ``form`` renders.

    Only for people: a surname-only variant ("Zelnski") maps to the canonical
    surname ("Zelensky") when the spellings are close (mean rapidfuzz ratio of
    at least ``ALIGN_MIN_RATIO``); a dissimilar one-word form maps to the surname
    ("Lafuluofu" -> "Lavrov"). Otherwise, and for every other kind (an acronym
    like "Qasad" stands for all of "Syrian Democratic Forces"), the whole canonical.
    """
    ftoks, ctoks = form.split(), canonical.split()
    if kind != "person" or len(ftoks) >= len(ctoks):
        return canonical
    n = len(ftoks)
    best, best_score = canonical, -1.0
    for i in range(len(ctoks) - n + 1):
        window = ctoks[i : i + n]
        score = sum(fuzz.ratio(a.lower(), b.lower()) for a, b in zip(ftoks, window)) / n
        if score > best_score:
            best, best_score = " ".join(window), score
    if best_score >= ALIGN_MIN_RATIO:
        return best
    # A one-word rendering of a person's name is, in news, nearly always the surname.
    return ctoks[-1] if n == 1 else canonical


@functools.lru_cache(maxsize=65536)
def _aligned(form: str, canonical: str, kind: str) -> str:
    """:func:`align_canonical`, remembered: a document names the same people again and again."""
    return align_canonical(form, canonical, kind)


def match_case(original: str, replacement: str) -> str:
    """Carry the original's all-caps over to the replacement; otherwise names keep their own casing."""
    if len(original) > 1 and original.isupper() and any(c.isalpha() for c in original):
        return replacement.upper()
    return replacement


@functools.lru_cache(maxsize=65536)
def _target(text: str, form: str, canonical: str, kind: str) -> str:
    """The canonical rewrite of ``text`` (matched as ``form``), remembered: a document repeats its names."""
    return match_case(text, _aligned(form, canonical, kind))


def propose(span: Span, line: str, entry: Entry, forms: Forms) -> list[Candidate]:
    """Candidates for ``span`` in ``line``: keep first, then rewrites, without duplicates."""
    if isinstance(span, MorphSpan):  # an inflecting language, or a mixed-script word
        return propose_morph(span, line, entry, forms)
    text, start, end = span.text, span.start, span.end
    target = _target(text, span.form, forms.canonical, entry.kind)
    keep = Candidate(span, start, end, line[start:end], text, "keep")
    out = [keep] if target == text else [keep, Candidate(span, start, end, keep.original, target, "canonical")]
    if span.kind != MISTRANSLATION:
        return out
    return _rewrites(span, line, entry, target, out)


def _rewrites(span: Span, line: str, entry: Entry, target: str, out: list[Candidate]) -> list[Candidate]:
    """``out`` (keep, and the canonical form unless it is the span's text) and the rewrites a
    mistranslation's grammar needs, without duplicates."""
    more: list[tuple[int, int, str, str]] = []  # start, end, replacement, source
    start, end = span.start, span.end
    quoted = (start > 0 and end < len(line) and line[start - 1] in QUOTE_PAIRS
              and line[end] == QUOTE_PAIRS[line[start - 1]])
    if quoted:
        more.append((start - 1, end + 1, target, "unquote"))
        start, end = start - 1, end + 1
    det, definite = _determiner(line, start)
    if det and definite:
        det_start = det.start(1)
        more.append((det_start, end, target, "drop-determiner"))
        word = det.group(1)
        if word.lower() != "the":
            the = "The" if word[0].isupper() else "the"
            more.append((det_start, end, f"{the}{det.group(2)}{target}", "definite"))
    else:  # "Ukraine's third city" -> "Ukraine's city of Sumy"
        det_start = det.start(1) if det else -1
    noun = _NOUN_RE.match(line[end:]) if entry.kind == "place" and det else None
    if det and noun:
        lead = line[det_start : det.end(2)]
        more.append((det_start, end + noun.end(2), f"{lead}{noun.group(2)} of {target}", "place-noun"))
        if noun.group(4):
            more.append((det_start, end + noun.end(4), f"{lead}{noun.group(2)} of {target} in {noun.group(4)}",
                         "place-noun"))
    if not more:
        return out
    seen = {(span.start, span.end, span.text), (span.start, span.end, target)}
    for start, end, replacement, source in more:
        key = (start, end, replacement)
        if key not in seen and start <= span.start and end >= span.end:
            seen.add(key)
            out.append(Candidate(span, start, end, line[start:end], replacement, source))
    return out
