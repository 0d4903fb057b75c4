"""Learn from a reviewed edit log: accepted originals become variants of their entries.

A review is the JSONL edit log of ``retrans fix`` where a reviewer marked each edit
``"review": "accepted"`` or ``"rejected"`` (``"accepted": true/false`` is read too).
An accepted original is added as a variant of its entry in the edit's language unless
it is already a form of the entry, is another entry's form (that would be a fix loop),
was a mistranslation (an ordinary word: it needs cues, not a variant) or is a very
common word.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .detect import fold
from .errors import FormatError
from .formats.text import read_text
from .glossary import Glossary
from .records import MISTRANSLATION
from .validate import COMMON_WORDS

_EDGE = "\"'“”‘’«»()[]{}.,;:!?"


@dataclass(frozen=True)
class Reviewed:
    """One reviewed edit."""

    line: int
    entry: str
    original: str
    replacement: str
    kind: str
    accepted: bool


@dataclass
class LearnPlan:
    """What learning will add, and what it skipped and why."""

    add: dict[str, list[str]] = field(default_factory=dict)  # entry id -> new variants
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (log line, original, reason)
    accepted: int = 0
    rejected: int = 0


def read_review(path: str | Path) -> list[Reviewed]:
    """Read a reviewed JSONL edit log; lines without an edit (a header) are skipped."""
    text, _ = read_text(path, encoding_option=False)
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"malformed JSON: {exc.msg}", str(path), i) from None
        if not isinstance(rec, dict) or "original" not in rec:
            continue
        review = rec.get("review", rec.get("accepted"))
        if review in ("accepted", True):
            accepted = True
        elif review in ("rejected", False):
            accepted = False
        else:
            raise FormatError("edit has no review mark ('review': 'accepted' or 'rejected')", str(path), i)
        out.append(Reviewed(i, str(rec.get("entry") or ""), str(rec["original"]), str(rec.get("replacement", "")),
                            str(rec.get("kind", "")), accepted))
    return out


def plan(reviews: list[Reviewed], glossary: Glossary, lang: str = "en") -> LearnPlan:
    """Decide which accepted originals become variants."""
    result = LearnPlan()
    owner: dict[str, str] = {}
    for entry, forms in glossary.forms(lang):
        for form in (forms.canonical, *forms.admitted, *forms.variants):
            owner.setdefault(fold(form), entry.id)
    for r in reviews:
        if not r.accepted:
            result.rejected += 1
            continue
        result.accepted += 1
        original = r.original.strip().strip(_EDGE).strip()
        if not original:
            result.skipped.append((r.line, r.original, "empty after trimming punctuation"))
        elif r.entry not in glossary or lang not in glossary[r.entry].forms:
            result.skipped.append((r.line, original, f"no entry {r.entry!r} with {lang!r} forms"))
        elif r.kind == MISTRANSLATION:
            result.skipped.append((r.line, original, "a mistranslation (an ordinary word): add cues instead"))
        elif fold(original) in COMMON_WORDS:
            result.skipped.append((r.line, original, "a very common word"))
        elif fold(original) in owner:
            other = owner[fold(original)]
            reason = "already a form of the entry" if other == r.entry else f"a form of {other!r} (fix loop)"
            result.skipped.append((r.line, original, reason))
        else:
            new = result.add.setdefault(r.entry, [])
            if original not in new:
                new.append(original)
            owner[fold(original)] = r.entry
    return result
