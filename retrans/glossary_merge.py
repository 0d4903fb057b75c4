"""Merge two glossaries: union by id and by canonical form, with conflicts reported.

Entries with the same id, or with the same canonical form in a language they share,
are one concept: their forms are united. When the two give different canonical forms
for one language, that is a conflict; ``prefer`` (``"a"`` or ``"b"``) settles it, and
the losing canonical form is kept as an admitted form unless the winner calls it a
variant. Without ``prefer`` the conflicts are returned and nothing is merged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .detect import fold
from .glossary import FORM_LIST_KEYS, Entry, Forms, Glossary


@dataclass(frozen=True)
class Conflict:
    """Two canonical forms for one concept and language."""

    entry_id: str
    lang: str
    a: str
    b: str
    where_a: str
    where_b: str

    def format(self) -> str:
        return (f"{self.entry_id}.{self.lang}: canonical {self.a!r} ({self.where_a}) vs {self.b!r} "
                f"({self.where_b})")


@dataclass
class MergeResult:
    """The merged glossary (``None`` when conflicts are unresolved) and what happened."""

    glossary: Glossary | None
    conflicts: list[Conflict]
    added: list[str]
    joined: list[tuple[str, str]]  # (id in A, id in B) joined by canonical form
    changed: list[str]


def _merge_forms(win: Forms, lose: Forms) -> Forms:
    lists = {k: list(getattr(win, k)) for k in FORM_LIST_KEYS}
    taken = {fold(f) for k in ("variants", "admitted", "mistranslations") for f in lists[k]} | {fold(win.canonical)}
    if fold(lose.canonical) not in taken:
        lists["admitted"].append(lose.canonical)
        taken.add(fold(lose.canonical))
    for key in ("variants", "admitted", "mistranslations"):
        for form in getattr(lose, key):
            if fold(form) not in taken:
                lists[key].append(form)
                taken.add(fold(form))
    lists["cues"] += [c for c in lose.cues if c not in lists["cues"]]
    protected = (*win.protected, *(f for f in lose.protected if f not in win.protected))
    rules = dict(win.prepositions) | {a: b for a, b in lose.prepositions if a not in dict(win.prepositions)}
    return replace(win, **{k: tuple(lists[k]) for k in FORM_LIST_KEYS}, protected=protected,
                   prepositions=tuple(rules.items()))


def _merge_entry(a: Entry, b: Entry, prefer: str) -> Entry:
    win, lose = (a, b) if prefer == "a" else (b, a)
    forms = dict(win.forms)
    for lang, f in lose.forms.items():
        forms[lang] = _merge_forms(forms[lang], f) if lang in forms else f
    ordered = {lang: forms[lang] for lang in [*a.forms, *(x for x in b.forms if x not in a.forms)]}
    return Entry(a.id, win.kind if win.kind != "other" else lose.kind, win.note or lose.note, ordered, a.source)


def merge(a: Glossary, b: Glossary, prefer: str | None = None) -> MergeResult:
    """Merge ``b`` into ``a``; ids of ``a`` are kept, entries new in ``b`` come last."""
    if prefer not in (None, "a", "b"):
        raise ValueError("prefer must be 'a', 'b' or None")
    by_canonical = {(lang, fold(f.canonical)): e.id for e in a for lang, f in e.forms.items()}
    pairs: dict[str, Entry] = {}
    added, joined, conflicts = [], [], []
    for entry in b:
        target = entry.id if entry.id in a else None
        if target is None:
            target = next((by_canonical[(lang, fold(f.canonical))] for lang, f in entry.forms.items()
                           if (lang, fold(f.canonical)) in by_canonical), None)
            if target is not None:
                joined.append((target, entry.id))
        if target is None or target in pairs:
            added.append(entry.id)
            continue
        pairs[target] = entry
        mine = a[target]
        for lang, f in entry.forms.items():
            if lang in mine.forms and fold(mine.forms[lang].canonical) != fold(f.canonical):
                conflicts.append(Conflict(target, lang, mine.forms[lang].canonical, f.canonical,
                                          mine.source, entry.source))
    if conflicts and prefer is None:
        return MergeResult(None, conflicts, added, joined, [])
    out, changed = Glossary(), []
    for entry in a:
        if entry.id in pairs:
            merged = _merge_entry(entry, pairs[entry.id], prefer or "a")
            if merged.to_dict() != entry.to_dict():
                changed.append(entry.id)
            out.add(merged)
        else:
            out.add(entry)
    for entry in b:
        if entry.id in added:
            if entry.id in out:
                raise ValueError(f"entry id {entry.id!r} of B names another concept in A; rename one")
            out.add(entry)
    return MergeResult(out, conflicts, added, joined, changed)
