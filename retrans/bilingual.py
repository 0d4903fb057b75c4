"""Line-aligned source text as evidence: which names does the source line actually contain?

Given the source of a translated line (say Persian), an entry whose source-language
form occurs in it is strong evidence that its canonical form belongs in the target
line; an entry whose source form is absent weakens a fix ("the third round" stays
when سومی is not in the source). Entries with no form in the source language give
no evidence either way.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from .detect import fold
from .glossary import Glossary

PRESENT = "present"
ABSENT = "absent"


def _word(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def occurs(form: str, text: str) -> bool:
    """Whether ``form`` occurs in ``text`` as whole words (case-folded; any script).

    A following non-word character (a space, punctuation, a zero-width non-joiner
    before a Persian suffix) ends a word; a following letter does not, so سومی is
    not found in سومین ("third").
    """
    key, hay = fold(form.strip()), fold(text)
    if not key:
        return False
    i = hay.find(key)
    while i >= 0:
        end = i + len(key)
        if (i == 0 or not _word(hay[i - 1])) and (end == len(hay) or not _word(hay[end])):
            return True
        i = hay.find(key, i + 1)
    return False


class SourceEvidence:
    """The source-language forms of a glossary, to check against aligned source lines.

    ``langs`` are the source languages to use; by default every language except the target.
    """

    def __init__(self, glossary: Glossary, target_lang: str, langs: Iterable[str] | None = None) -> None:
        wanted = set(langs) if langs else None
        self._forms: dict[str, tuple[str, ...]] = {}
        for entry in glossary:
            forms = [f for lang, fs in entry.forms.items()
                     if lang != target_lang and (wanted is None or lang in wanted)
                     for f in (fs.canonical, *fs.admitted, *fs.variants)]
            if forms and target_lang in entry.forms:
                self._forms[entry.id] = tuple(dict.fromkeys(forms))

    def has_forms(self, entry_id: str) -> bool:
        return entry_id in self._forms

    def status(self, entry_id: str, source_line: str) -> str | None:
        """``PRESENT`` or ``ABSENT`` for an entry with source forms; ``None`` when it has none."""
        forms = self._forms.get(entry_id)
        if not forms:
            return None
        return PRESENT if any(occurs(f, source_line) for f in forms) else ABSENT

    def attested(self, source_line: str) -> list[str]:
        """Ids of the entries whose source form occurs in ``source_line``, in glossary order."""
        if not source_line.strip():
            return []
        return [eid for eid, forms in self._forms.items() if any(occurs(f, source_line) for f in forms)]
