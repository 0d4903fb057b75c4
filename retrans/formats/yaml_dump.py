"""Write a glossary as YAML in the house style of ``glossaries/news.yaml``.

Entries are block mappings; a language with only a canonical form is one flow
mapping (``de: {canonical: Sumy}``), other languages list their forms in flow
sequences. Strings are plain where YAML reads them back as the same string and
double-quoted otherwise, so ``parse_glossary(dumps_yaml(g))`` gives ``g`` back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..glossary import FORM_LIST_KEYS, Entry, Forms, Glossary
from .text import write_text_atomic

# a plain scalar that is safe in flow context too: no indicator first, no , : # [ ] { } anywhere
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9+.~=<\\][^:#,\[\]{}\"\\]*")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back as the same string, else double-quoted."""
    if (_PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _RESERVED
            and text.isprintable()):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(scalar(s) for s in items) + "]"


def _forms_lines(lang: str, forms: Forms) -> list[str]:
    lists = [(k, _flow_list(getattr(forms, k))) for k in (*FORM_LIST_KEYS, "protected") if getattr(forms, k)]
    if forms.prepositions:
        lists.append(("prepositions", "{" + ", ".join(f"{scalar(a)}: {scalar(b)}" for a, b in forms.prepositions)
                      + "}"))
    if not lists:
        return [f"      {lang}: {{canonical: {scalar(forms.canonical)}}}"]
    out = [f"      {lang}:", f"        canonical: {scalar(forms.canonical)}"]
    out += [f"        {key}: {value}" for key, value in lists]
    return out


def entry_lines(entry: Entry) -> list[str]:
    """The YAML lines of one entry, indented as an item of ``entries:``."""
    out = [f"  - id: {scalar(entry.id)}", f"    kind: {entry.kind}"]
    if entry.note:
        out.append(f"    note: {scalar(entry.note)}")
    out.append("    forms:")
    for lang, forms in entry.forms.items():
        out += _forms_lines(lang, forms)
    return out


def dumps_yaml(glossary: Glossary, header: str = "") -> str:
    """The whole glossary as YAML text; ``header`` lines become ``#`` comments at the top."""
    lines = [f"# {h}".rstrip() for h in header.splitlines()] if header else []
    lines += ["version: 1", "entries:"]
    for entry in glossary:
        lines.append("")
        lines += entry_lines(entry)
    return "\n".join(lines) + "\n"


def write_yaml_glossary(glossary: Glossary, path: str | Path, header: str = "") -> None:
    """Write ``glossary`` as YAML, atomically."""
    write_text_atomic(path, dumps_yaml(glossary, header))
