"""The glossary: concepts with preferred, wrong and admitted forms per language.

An :class:`Entry` is one concept (a person, place, organisation ...). For each
language code it has :class:`Forms`: the canonical (preferred) form, variants
(wrong renderings, always proposed for fixing), admitted forms (other correct
spellings, never touched), mistranslations (ordinary words MT put in the name's
place, fixed only where context says so) and cue words for that context.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

ENTRY_KINDS = ("person", "place", "org", "event", "other")
ENTRY_KEYS = ("id", "kind", "note", "forms")
FORM_KEYS = ("canonical", "variants", "admitted", "mistranslations", "cues")
FORM_LIST_KEYS = FORM_KEYS[1:]


@dataclass(frozen=True)
class Forms:
    """The forms of one concept in one language."""

    canonical: str
    variants: tuple[str, ...] = ()
    admitted: tuple[str, ...] = ()
    mistranslations: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"canonical": self.canonical}
        for key in FORM_LIST_KEYS:
            value = getattr(self, key)
            if value:
                out[key] = list(value)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Forms:
        return cls(data["canonical"], *(tuple(data.get(k, ())) for k in FORM_LIST_KEYS))


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


class Glossary:
    """An ordered collection of entries with lookups by id and language."""

    def __init__(self, entries: Iterable[Entry] = (), digest: str | None = None) -> None:
        self._entries: dict[str, Entry] = {}
        for entry in entries:
            self.add(entry)
        self._digest = digest

    def add(self, entry: Entry) -> None:
        """Add an entry; its id must be new."""
        if entry.id in self._entries:
            raise ValueError(f"duplicate entry id {entry.id!r}")
        self._entries[entry.id] = entry
        self._digest = None

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def __getitem__(self, entry_id: str) -> Entry:
        return self._entries[entry_id]

    def get(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)

    def languages(self) -> list[str]:
        """Every language code that some entry has forms for, sorted."""
        return sorted({lang for e in self for lang in e.forms})

    def forms(self, lang: str) -> Iterator[tuple[Entry, Forms]]:
        """Entries that have forms in ``lang``, with those forms."""
        for entry in self:
            forms = entry.forms.get(lang)
            if forms is not None:
                yield entry, forms

    @property
    def digest(self) -> str:
        """sha256 of the entries' content: identifies the glossary in signatures and caches."""
        if self._digest is None:
            payload = json.dumps([e.to_dict() for e in self], ensure_ascii=False, sort_keys=True)
            self._digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        return self._digest

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "entries": [e.to_dict() for e in self]}

    @classmethod
    def merge(cls, glossaries: Iterable[Glossary]) -> Glossary:
        """Concatenate glossaries; a repeated id is an error."""
        out = cls()
        for g in glossaries:
            for entry in g:
                if entry.id in out:
                    first = out[entry.id].source
                    raise ValueError(f"entry id {entry.id!r} defined twice ({first} and {entry.source})")
                out.add(entry)
        return out
