"""Read the retrans YAML glossary format, with file and line in every error.

Parsing composes YAML nodes with PyYAML's safe (C when available) loader, so no
Python object is ever constructed from a tag, and walks them here to check the
schema while the line numbers are still known. Aliases are refused: glossaries
never need them and they are the vehicle of "billion laughs" bombs.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from ..errors import GlossaryError
from ..glossary import (
    ENTRY_KEYS,
    ENTRY_KINDS,
    FORM_KEYS,
    FORM_LIST_KEYS,
    Entry,
    Forms,
    Glossary,
    check_preposition_rule,
)
from .text import read_text

try:  # the C composer is ~10x faster on large glossaries
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_STR_TAG = "tag:yaml.org,2002:str"
_SAFE_SCALAR_TAGS = {_STR_TAG, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                     "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}


class _Walker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.seen: set[int] = set()

    def fail(self, node: yaml.Node | None, message: str) -> GlossaryError:
        line = node.start_mark.line + 1 if node is not None else None
        return GlossaryError(message, self.path, line)

    def visit(self, node: yaml.Node) -> None:
        if node.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
            raise self.fail(node, f"tag {node.tag!r} is not allowed (glossaries hold plain data)")
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.seen:
                raise self.fail(node, "YAML aliases are not allowed in glossaries")
            self.seen.add(id(node))

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        self.visit(node)
        out, keys = [], set()
        for key_node, value_node in node.value:
            key = self.string(key_node, f"a key of {what}")
            if key in keys:
                raise self.fail(key_node, f"duplicate key {key!r} in {what}")
            keys.add(key)
            out.append((key, key_node, value_node))
        return out

    def string(self, node: yaml.Node, what: str, allow_number: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a string")
        if node.tag not in _SAFE_SCALAR_TAGS:
            raise self.fail(node, f"{what}: tag {node.tag!r} is not allowed")
        if node.tag != _STR_TAG and not (allow_number and node.tag in _SAFE_SCALAR_TAGS - {"tag:yaml.org,2002:null"}):
            raise self.fail(node, f"{what} must be a string, got {node.value!r} (quote it)")
        value = node.value
        if not value.strip():
            raise self.fail(node, f"{what} is empty")
        return value.strip()

    def string_list(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return ()
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list of strings")
        self.visit(node)
        return tuple(self.string(item, f"an item of {what}", allow_number=True) for item in node.value)


def parse_glossary(text: str, path: str = "<glossary>") -> Glossary:
    """Parse glossary YAML text; raise :class:`GlossaryError` naming ``path`` and line."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                raise GlossaryError("YAML aliases are not allowed in glossaries", path, event.start_mark.line + 1)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise GlossaryError(f"malformed YAML: {exc.problem or exc.context}", path, line) from None
    except yaml.YAMLError as exc:
        raise GlossaryError(f"malformed YAML: {exc}", path) from None
    walker = _Walker(path)
    if root is None:
        raise GlossaryError("glossary is empty", path)
    top = walker.mapping(root, "the glossary")
    entries_node = None
    for key, key_node, value in top:
        if key == "entries":
            entries_node = value
        elif key == "version":
            if not (isinstance(value, yaml.ScalarNode) and value.value == "1"):
                raise walker.fail(value, "unsupported glossary version (this retrans reads version 1)")
        else:
            raise walker.fail(key_node, f"unknown top-level key {key!r} (expected 'version', 'entries')")
    if entries_node is None:
        raise walker.fail(root, "no 'entries' list")
    if not isinstance(entries_node, yaml.SequenceNode):
        raise walker.fail(entries_node, "'entries' must be a list")
    walker.visit(entries_node)
    if not entries_node.value:
        raise walker.fail(entries_node, "glossary has no entries")
    glossary = Glossary()
    for node in entries_node.value:
        entry = _entry(walker, node)
        if entry.id in glossary:
            raise walker.fail(node, f"duplicate entry id {entry.id!r} (first at {glossary[entry.id].source})")
        glossary.add(entry)
    return glossary


def _entry(walker: _Walker, node: yaml.Node) -> Entry:
    fields = walker.mapping(node, "an entry")
    values: dict[str, yaml.Node] = {}
    for key, key_node, value in fields:
        if key not in ENTRY_KEYS:
            raise walker.fail(key_node, f"unknown entry key {key!r} (expected one of {', '.join(ENTRY_KEYS)})")
        values[key] = value
    if "id" not in values:
        raise walker.fail(node, "entry has no 'id'")
    entry_id = walker.string(values["id"], "'id'", allow_number=True)
    if not _ID_RE.match(entry_id):
        raise walker.fail(values["id"], f"id {entry_id!r} must be lowercase letters, digits, '_', '-' or '.'")
    kind = walker.string(values["kind"], "'kind'") if "kind" in values else "other"
    if kind not in ENTRY_KINDS:
        raise walker.fail(values["kind"], f"kind {kind!r} is not one of {', '.join(ENTRY_KINDS)}")
    note = walker.string(values["note"], "'note'") if "note" in values else ""
    if "forms" not in values:
        raise walker.fail(node, f"entry {entry_id!r} has no 'forms'")
    forms: dict[str, Forms] = {}
    for lang, lang_node, form_node in walker.mapping(values["forms"], f"the forms of {entry_id!r}"):
        if not _LANG_RE.match(lang):
            raise walker.fail(lang_node, f"{lang!r} is not a language code (ISO 639, like 'en' or 'pt-BR')")
        forms[lang] = _forms(walker, form_node, f"{entry_id}.{lang}")
    if not forms:
        raise walker.fail(values["forms"], f"entry {entry_id!r} has no forms")
    return Entry(entry_id, kind, note, forms, f"{walker.path}:{node.start_mark.line + 1}")


def _form(walker: _Walker, node: yaml.Node, form: str, what: str) -> str:
    """A form must stay within one line and be visible: no control characters (a line break
    in a form would make an edit cross lines), and not only invisible or combining marks."""
    for ch in form:
        if unicodedata.category(ch) == "Cc":
            raise walker.fail(node, f"{what} contains the control character {ch!r}")
    if all(unicodedata.category(ch)[0] in "MZC" for ch in form):
        raise walker.fail(node, f"{what} has no visible character")
    return form


def _forms(walker: _Walker, node: yaml.Node, where: str) -> Forms:
    if isinstance(node, yaml.ScalarNode):  # shorthand: `de: Selenskyj`
        return Forms(_form(walker, node, walker.string(node, f"{where}"), where))
    values: dict[str, object] = {}
    for key, key_node, value in walker.mapping(node, where):
        if key not in FORM_KEYS:
            raise walker.fail(key_node, f"unknown key {key!r} in {where} (expected one of {', '.join(FORM_KEYS)})")
        if key == "canonical":
            values[key] = _form(walker, value, walker.string(value, f"{where}.canonical", allow_number=True),
                                f"{where}.canonical")
        elif key == "prepositions":
            values[key] = _prepositions(walker, value, f"{where}.prepositions")
        else:
            items = walker.string_list(value, f"{where}.{key}")
            nodes = value.value if isinstance(value, yaml.SequenceNode) else []
            values[key] = tuple(_form(walker, n, f, f"an item of {where}.{key}") for n, f in zip(nodes, items))
    if "canonical" not in values:
        raise walker.fail(node, f"{where} has no 'canonical' form")
    return Forms(values["canonical"], *(values.get(k, ()) for k in FORM_LIST_KEYS),  # type: ignore[arg-type]
                 values.get("protected", ()), values.get("prepositions", ()))  # type: ignore[arg-type]


def _prepositions(walker: _Walker, node: yaml.Node, where: str) -> tuple[tuple[str, str], ...]:
    """``{wrong: right, ...}``: the preposition MT writes before the name and the one the name takes."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return ()
    out = []
    for wrong, key_node, value in walker.mapping(node, where):
        right = walker.string(value, f"{where}.{wrong}")
        problem = check_preposition_rule(wrong, right)
        if problem:
            raise walker.fail(key_node, f"{where}: {problem}")
        out.append((wrong, right))
    return tuple(out)


def read_glossary(path: str | Path) -> Glossary:
    """Read one YAML glossary file."""
    text, _ = read_text(path, encoding_option=False)
    return parse_glossary(text, str(path))
