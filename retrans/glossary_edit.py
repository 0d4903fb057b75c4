"""In-place edits of a YAML glossary that keep its comments, key order and formatting.

The file is loaded with ruamel.yaml's round-trip loader (comments and flow/block style
are kept on the nodes), changed, dumped with the indentation the file already uses,
checked again with the strict schema reader, and written atomically. Removing an entry
or a language is done on the text lines, so the comments that introduce the *next*
entry (which ruamel attaches to the removed one) stay where they are.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from .errors import GlossaryError
from .formats.glossary_yaml import parse_glossary
from .formats.text import read_text, write_text_atomic
from .glossary import FORM_LIST_KEYS, Entry, Glossary


@dataclass(frozen=True)
class FormsPatch:
    """New values for the forms of one language; ``None`` leaves a field as it is, ``()`` empties a list."""

    canonical: str | None = None
    variants: tuple[str, ...] | None = None
    admitted: tuple[str, ...] | None = None
    mistranslations: tuple[str, ...] | None = None
    cues: tuple[str, ...] | None = None


class GlossaryDocument:
    """One YAML glossary file loaded for editing."""

    def __init__(self, text: str, path: str = "<glossary>") -> None:
        self.path = path
        self.glossary = parse_glossary(text, path)  # never edit a file that is not a valid glossary
        self.yaml = self._yaml_for(text)
        self.data = self._load(text)

    def _load(self, text: str) -> Any:
        try:
            return self.yaml.load(text)
        except YAMLError as exc:  # pragma: no cover - parse_glossary has accepted the text
            raise GlossaryError(f"malformed YAML: {exc}", self.path) from None

    def _yaml_for(self, text: str) -> YAML:
        """A round-trip YAML whose dump of the unchanged file is byte-identical, if one of the usual indentations is."""
        try:
            _, ind, bsi = load_yaml_guess_indent(text)
        except YAMLError:  # pragma: no cover
            ind, bsi = 4, 2
        tries = [(2, ind or 4, bsi or 2), (2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 2, 0)]
        first = None
        for mapping, sequence, offset in dict.fromkeys(tries):
            y = YAML()
            y.preserve_quotes = True
            y.width = 4096
            y.indent(mapping=mapping, sequence=sequence, offset=offset)
            first = first or y
            if self._dump(y, y.load(text)) == text:
                return y
        return first  # type: ignore[return-value]

    @staticmethod
    def _dump(y: YAML, data: Any) -> str:
        out = io.StringIO()
        y.dump(data, out)
        return out.getvalue()

    def dumps(self) -> str:
        return self._dump(self.yaml, self.data)

    # --- lookups -------------------------------------------------------------------------------

    def index(self, entry_id: str) -> int:
        """Position of entry ``entry_id`` in the ``entries`` list."""
        for i, item in enumerate(self.data["entries"]):
            if str(item.get("id")) == entry_id:
                return i
        raise GlossaryError(f"no entry with id {entry_id!r}", self.path)

    def entry_map(self, entry_id: str) -> CommentedMap:
        return self.data["entries"][self.index(entry_id)]

    def forms_map(self, entry_id: str, lang: str, create: bool = False) -> CommentedMap:
        """The mapping of the forms of ``lang`` (a scalar shorthand is turned into one)."""
        forms = self.entry_map(entry_id)["forms"]
        if lang not in forms:
            if not create:
                raise GlossaryError(f"entry {entry_id!r} has no forms in {lang!r}", self.path)
            forms[lang] = CommentedMap()
        value = forms[lang]
        if not isinstance(value, dict):
            value = CommentedMap([("canonical", value)])
            value.fa.set_flow_style()
            forms[lang] = value
        return value

    # --- edits ---------------------------------------------------------------------------------

    def add_entry(self, entry: Entry) -> None:
        """Append a new entry (after a blank line), or add languages to an existing one."""
        if entry.id in self.glossary:
            existing = self.entry_map(entry.id)
            for lang, forms in entry.forms.items():
                if lang in existing["forms"]:
                    raise GlossaryError(f"entry {entry.id!r} already has forms in {lang!r}; use 'set' or "
                                        "'add-variant'", self.path)
                existing["forms"][lang] = _forms_node(forms.to_dict())
            return
        node = CommentedMap([("id", entry.id), ("kind", entry.kind)])
        if entry.note:
            node["note"] = entry.note
        node["forms"] = CommentedMap((lang, _forms_node(f.to_dict())) for lang, f in entry.forms.items())
        entries = self.data["entries"]
        entries.append(node)
        entries.yaml_set_comment_before_after_key(len(entries) - 1, before="\n")

    def set_entry(self, entry_id: str, kind: str | None = None, note: str | None = None) -> None:
        node = self.entry_map(entry_id)
        if kind is not None:
            node["kind"] = kind
        if note is not None:
            if note:
                if "note" in node:
                    node["note"] = note
                else:
                    node.insert(list(node).index("forms"), "note", note)
            elif "note" in node:
                del node["note"]

    def set_forms(self, entry_id: str, lang: str, patch: FormsPatch) -> None:
        node = self.forms_map(entry_id, lang, create=patch.canonical is not None)
        if patch.canonical is not None:
            if "canonical" in node:
                node["canonical"] = patch.canonical
            else:
                node.insert(0, "canonical", patch.canonical)
        for key in FORM_LIST_KEYS:
            value = getattr(patch, key)
            if value is None:
                continue
            if value:
                _set_list(node, key, list(value))
            elif key in node:
                del node[key]

    def add_forms(self, entry_id: str, lang: str, key: str, forms: list[str]) -> list[str]:
        """Append ``forms`` to the ``key`` list of ``lang``; return those that were new."""
        node = self.forms_map(entry_id, lang)
        current = list(node.get(key) or [])
        new = [f for f in dict.fromkeys(forms) if f not in current]
        if new:
            _set_list(node, key, current + new, keep=node.get(key))
        return new

    def remove_form(self, entry_id: str, lang: str, form: str) -> str:
        """Remove ``form`` from whichever list of ``lang`` holds it; return the list's name."""
        node = self.forms_map(entry_id, lang)
        for key in FORM_LIST_KEYS:
            items = node.get(key)
            if items and form in items:
                items.remove(form)
                if not items:
                    del node[key]
                return key
        raise GlossaryError(f"{entry_id}.{lang} has no variant, admitted form, mistranslation or cue "
                            f"{form!r} (the canonical form is changed with 'set')", self.path)


def _forms_node(forms: dict[str, Any]) -> CommentedMap:
    node = CommentedMap()
    for key, value in forms.items():
        if isinstance(value, list):
            _set_list(node, key, value)
        else:
            node[key] = value
    if list(node) == ["canonical"]:
        node.fa.set_flow_style()
    return node


def _set_list(node: CommentedMap, key: str, items: list[str], keep: Any = None) -> None:
    if isinstance(keep, CommentedSeq):  # keep the list's own style and comments
        keep.extend(items[len(keep):])
        return
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    if node.fa.flow_style() and len(node) >= 1:
        node.fa.set_block_style()  # a one-line {canonical: X} grows into a block
    if key in node:
        node[key] = seq
    else:  # keep the schema's key order
        order = ["canonical", *FORM_LIST_KEYS]
        pos = sum(1 for k in node if k in order and order.index(k) < order.index(key))
        node.insert(pos, key, seq)


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def remove_lines(text: str, start: int, end: int) -> str:
    """Drop lines ``start`` .. ``end`` (0-based, end exclusive) but keep the blank and comment lines
    that end the range: they introduce what follows."""
    lines = text.splitlines(keepends=True)
    keep_from = end
    while keep_from > start and _blank_or_comment(lines[keep_from - 1]):
        keep_from -= 1
    out = lines[:start] + lines[keep_from:]
    # one blank line between entries is enough
    if 0 < start < len(out) and not out[start - 1].strip() and not out[start].strip():
        del out[start]
    return "".join(out)


def _remove_entry_text(doc: GlossaryDocument, text: str, entry_id: str) -> str:
    entries = doc.data["entries"]
    i = doc.index(entry_id)
    if len(entries) == 1:
        raise GlossaryError(f"{entry_id!r} is the only entry; a glossary needs at least one", doc.path)
    start = entries.lc.item(i)[0]
    end = entries.lc.item(i + 1)[0] if i + 1 < len(entries) else len(text.splitlines())
    return remove_lines(text, start, end)


def _remove_lang_text(doc: GlossaryDocument, text: str, entry_id: str, lang: str) -> str:
    forms = doc.entry_map(entry_id)["forms"]
    if lang not in forms:
        raise GlossaryError(f"entry {entry_id!r} has no forms in {lang!r}", doc.path)
    if len(forms) == 1:
        raise GlossaryError(f"{lang!r} is the only language of {entry_id!r}; remove the entry instead", doc.path)
    if forms.fa.flow_style():
        del forms[lang]
        return doc.dumps()
    keys = list(forms)
    k = keys.index(lang)
    start = forms.lc.key(lang)[0]
    if k + 1 < len(keys):
        end = forms.lc.key(keys[k + 1])[0]
    else:
        entries = doc.data["entries"]
        i = doc.index(entry_id)
        end = entries.lc.item(i + 1)[0] if i + 1 < len(entries) else len(text.splitlines())
    return remove_lines(text, start, end)


def edit_text(text: str, path: str, change: Callable[[GlossaryDocument], None]) -> tuple[str, Glossary]:
    """Apply ``change`` to the document; return the new text and the glossary it holds (checked)."""
    doc = GlossaryDocument(text, path)
    change(doc)
    new = doc.dumps()
    return new, parse_glossary(new, path)


def remove_text(text: str, path: str, entry_id: str, lang: str | None = None) -> tuple[str, Glossary]:
    """Remove an entry, or one language of it, keeping every comment of the file."""
    doc = GlossaryDocument(text, path)
    new = _remove_lang_text(doc, text, entry_id, lang) if lang else _remove_entry_text(doc, text, entry_id)
    return new, parse_glossary(new, path)


def edit_file(path: str | Path, change: Callable[[GlossaryDocument], None] | None = None,
              remove: tuple[str, str | None] | None = None) -> Glossary:
    """Edit a glossary file in place, atomically; the file is untouched if the result is invalid."""
    text, had_bom = read_text(path, encoding_option=False)
    if remove is not None:
        new, glossary = remove_text(text, str(path), *remove)
    elif change is not None:
        new, glossary = edit_text(text, str(path), change)
    else:
        raise ValueError("edit_file needs a change or a removal")
    write_text_atomic(path, new, bom=had_bom)
    return glossary
