"""The glossary: concepts with preferred, wrong and admitted forms per language.

An :class:`Entry` is one concept (a person, place, organisation ...). For each
language code it has :class:`Forms`: the canonical (preferred) form, variants
(wrong renderings, always proposed for fixing), admitted forms (other correct
spellings, never touched), mistranslations (ordinary words MT put in the name's
place, fixed only where context says so) and cue words for that context. Two
language-specific extras: protected forms (other names that contain one of the
forms, such as Japanese キエフ大公国 "Kievan Rus'" around the variant キエフ, never
touched) and preposition rules (Ukrainian "в Україні", not "на Україні").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

ENTRY_KINDS = ("person", "place", "org", "event", "other")
ENTRY_KEYS = ("id", "kind", "note", "forms")
FORM_LIST_KEYS = ("variants", "admitted", "mistranslations", "cues")
# Language-specific extras: YAML, JSON, TBX (as notes) and the CSV table dialect carry them; the other CSV
# dialects drop them.
FORM_EXTRA_KEYS = ("protected", "prepositions")
FORM_KEYS = ("canonical", *FORM_LIST_KEYS, *FORM_EXTRA_KEYS)


@dataclass(frozen=True)
class Forms:
    """The forms of one concept in one language."""

    canonical: str
    variants: tuple[str, ...] = ()
    admitted: tuple[str, ...] = ()
    mistranslations: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    # Other names containing one of the forms (キエフ大公国 around キエフ): matched as protected, never changed.
    protected: tuple[str, ...] = ()
    # (wrong, right) prepositions before the name: ("на", "в") says "в Україні", not "на Україні".
    prepositions: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"canonical": self.canonical}
        for key in (*FORM_LIST_KEYS, "protected"):
            value = getattr(self, key)
            if value:
                out[key] = list(value)
        if self.prepositions:
            out["prepositions"] = dict(self.prepositions)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Forms:
        return cls(data["canonical"], *(tuple(data.get(k, ())) for k in FORM_LIST_KEYS),
                   tuple(data.get("protected", ())), tuple(data.get("prepositions", {}).items()))


def check_preposition_rule(wrong: str, right: str) -> str | None:
    """Why ``wrong: right`` is not a usable rule, or ``None``: the wrong preposition is one word
    (it is matched as the word before the name), the right one one or more ("in der")."""
    if len(wrong.split()) != 1 or not all(c.isalpha() for c in wrong):
        return f"preposition {wrong!r} must be one word of letters"
    if not right.split() or not all(c.isalpha() or c.isspace() for c in right):
        return f"preposition {right!r} must be words of letters"
    if wrong.casefold() == " ".join(right.split()).casefold():
        return f"preposition {wrong!r} is mapped to itself"
    return None


@dataclass(frozen=True)
class Entry:
    """One concept of the glossary."""

    id: str
    kind: str = "other"
    note: str = ""
    forms: dict[str, Forms] = field(default_factory=dict)
    source: str = ""  # "path:line" where the entry was read, for messages

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind}
        if self.note:
            out["note"] = self.note
        out["forms"] = {lang: f.to_dict() for lang, f in self.forms.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "") -> Entry:
        forms = {lang: Forms.from_dict(f) for lang, f in data.get("forms", {}).items()}
        return cls(data["id"], data.get("kind", "other"), data.get("note", ""), forms, source)


def entry_json(entry: Entry) -> bytes:
    """The canonical JSON of an entry (sorted keys, UTF-8): what the glossary digest hashes."""
    return json.dumps(entry.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")


class StoredEntries:
    """Entries of one file kept as their canonical JSON rows until used (glossaries read from the cache)."""

    __slots__ = ("rows", "lines", "path")

    def __init__(self, rows: list[bytes], lines: list[int], path: str) -> None:
        self.rows, self.lines, self.path = rows, lines, path

    def load(self, i: int) -> Entry:
        return Entry.from_dict(json.loads(self.rows[i]), f"{self.path}:{self.lines[i]}")

    def slots(self, ids: list[str]) -> dict[str, tuple[StoredEntries, int]]:
        """``{id: (self, row number)}``, built without a Python call per entry."""
        return dict(zip(ids, zip(repeat(self), range(len(ids)))))


_Slot = Entry | tuple[StoredEntries, int]


class Glossary:
    """An ordered collection of entries with lookups by id and language.

    Entries may be held lazily (a :class:`StoredEntries` and a row number): each is decoded on
    first access, so a 10⁵-entry glossary from the cache is ready without building 10⁵ objects.
    """

    def __init__(self, entries: Iterable[Entry] = (), digest: str | None = None) -> None:
        self._entries: dict[str, _Slot] = {}
        self._languages: frozenset[str] | None = frozenset()  # None: not known without decoding entries
        for entry in entries:
            self.add(entry)
        self._digest = digest

    @classmethod
    def lazy(cls, slots: dict[str, tuple[StoredEntries, int]], digest: str | None = None,
             languages: frozenset[str] | None = None) -> Glossary:
        """A glossary over ``{id: (stored entries, row)}`` (taken, not copied), decoded entry by entry on use;
        ``languages``: the language codes the entries have forms for, if known (else found on first need)."""
        out = cls(digest=digest)
        out._entries = slots  # type: ignore[assignment]
        out._languages = languages if slots else frozenset()
        return out

    def _load(self, entry_id: str, slot: _Slot) -> Entry:
        if type(slot) is tuple:
            slot = self._entries[entry_id] = slot[0].load(slot[1])
        return slot  # type: ignore[return-value]

    def add(self, entry: Entry) -> None:
        """Add an entry; its id must be new."""
        if entry.id in self._entries:
            raise ValueError(f"duplicate entry id {entry.id!r}")
        self._entries[entry.id] = entry
        self._digest = None
        if self._languages is not None:
            self._languages |= entry.forms.keys()

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        for entry_id, slot in self._entries.items():
            yield self._load(entry_id, slot)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def __getitem__(self, entry_id: str) -> Entry:
        return self._load(entry_id, self._entries[entry_id])

    def get(self, entry_id: str) -> Entry | None:
        slot = self._entries.get(entry_id)
        return None if slot is None else self._load(entry_id, slot)

    def ids(self) -> list[str]:
        """Every entry id, in order, without decoding any entry."""
        return list(self._entries)

    def languages(self) -> list[str]:
        """Every language code that some entry has forms for, sorted; kept, so asking again is cheap (and
        a glossary from the cache knows them without decoding its entries)."""
        if self._languages is None:
            self._languages = frozenset(lang for e in self for lang in e.forms)
        return sorted(self._languages)

    def forms(self, lang: str) -> Iterator[tuple[Entry, Forms]]:
        """Entries that have forms in ``lang``, with those forms."""
        for entry in self:
            forms = entry.forms.get(lang)
            if forms is not None:
                yield entry, forms

    @property
    def digest(self) -> str:
        """sha256 of the entries' content: identifies the glossary in signatures and caches.

        It hashes the JSON list of the entries' dicts with sorted keys; lazy entries
        contribute their stored canonical JSON, so no entry is decoded for it.
        """
        if self._digest is None:
            rows = [s[0].rows[s[1]] if type(s) is tuple else entry_json(s)  # type: ignore[union-attr,arg-type]
                    for s in self._entries.values()]
            self._digest = hashlib.sha256(b"[" + b", ".join(rows) + b"]").hexdigest()
        return self._digest

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "entries": [e.to_dict() for e in self]}

    @classmethod
    def merge(cls, glossaries: Iterable[Glossary]) -> Glossary:
        """Concatenate glossaries (lazy entries stay lazy); a repeated id is an error."""
        out = cls()
        for g in glossaries:
            twice = out._entries.keys() & g._entries.keys()
            if twice:
                entry_id = next(i for i in g._entries if i in twice)
                first, second = out[entry_id].source, g[entry_id].source
                raise ValueError(f"entry id {entry_id!r} defined twice ({first} and {second})")
            out._entries.update(g._entries)
            out._languages = (None if out._languages is None or g._languages is None
                              else out._languages | g._languages)
        return out
