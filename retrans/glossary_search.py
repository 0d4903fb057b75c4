"""Fuzzy lookup of a glossary: which entries have a form that looks or sounds like a text."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .glossary import Glossary
from .namesim import key, skeleton


@dataclass(frozen=True)
class Hit:
    """An entry found by :func:`find`, with the form that matched best."""

    entry_id: str
    lang: str
    role: str
    form: str
    score: float


def find(glossary: Glossary, text: str, lang: str | None = None, limit: int = 10,
         min_score: float = 60.0) -> list[Hit]:
    """The entries best matching ``text`` by spelling (rapidfuzz) or by sound (skeleton), best first."""
    rows: list[tuple[str, str, str, str]] = []
    for entry in glossary:
        for code, forms in entry.forms.items():
            if lang and code != lang:
                continue
            rows.append((entry.id, code, "canonical", forms.canonical))
            rows += [(entry.id, code, role, f) for role in ("admitted", "variants", "mistranslations")
                     for f in getattr(forms, role)]
    query = key(text) or text.lower()
    choices = [key(r[3]) or r[3].lower() for r in rows]
    found = process.extract(query, choices, scorer=fuzz.WRatio, limit=limit * 20, score_cutoff=min_score)
    sk = skeleton(text)
    best: dict[str, Hit] = {}
    for _, score, i in found:
        entry_id, code, role, form = rows[i]
        if sk and len(sk) >= 3 and skeleton(form) == sk:
            score = max(score, 90.0)
        hit = Hit(entry_id, code, role, form, round(float(score), 1))
        if entry_id not in best or hit.score > best[entry_id].score:
            best[entry_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.entry_id))[:limit]
