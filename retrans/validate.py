"""Check glossary files and report every problem with its file and line.

Unlike the loader, which stops at the first error, validation walks the YAML nodes
leniently, collects every schema problem, then checks the glossaries together:
duplicate ids, fix loops (a variant that is another entry's canonical, admitted form or
variant), a variant equal to its own canonical, empty forms, forms in the wrong script
for their language, unknown keys, preposition rules that cannot work, and mistranslations
that are very common words but have no cues (a warning: they would be fixed everywhere
the cue check cannot tell); protected forms that contain none of the entry's forms
protect nothing (a warning).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import yaml

from .detect import fold
from .errors import GlossaryError, RetransError
from .formats.glossary_yaml import _ID_RE, _LANG_RE, parse_glossary
from .glossary import ENTRY_KEYS, ENTRY_KINDS, FORM_KEYS, check_preposition_rule
from .writing_systems import wrong_scripts

ERROR, WARNING = "error", "warning"
CORRECT_ROLES = ("canonical", "admitted", "protected")

# The most frequent words of English news: as a mistranslation without cues, or as a variant,
# one of these would be "fixed" in ordinary sentences.
COMMON_WORDS = frozenset("""
a about above after again against all also an and any are around as at back be because been before being
below between both but by can could day did do does down during each east even every few first five for
four from further general get give go good great group had has have he her here him his house how i if
in into is it its just last leader like long made make man many may me might more most much must my
new news next nine no nor north not now of off old on once one only or other our out over own part
people president right said same say second see seven she should six so some south state states still
such take ten than that the their them then there these they third this those three through time to
too two under until up us very war was way we week well were west what when where which while who why
will with world would year years you your prime minister government city region country minister
people's party union forces army police court capital council republic national international
""".split())

_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str",
                         "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                         "tag:yaml.org,2002:null"})

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # exactly the code points of category Cc

_ROLE_PHRASE = {"canonical": "the canonical form", "admitted": "an admitted form", "variants": "also a variant",
                "protected": "a protected form"}


@dataclass(frozen=True)
class Problem:
    """One finding of validation."""

    path: str
    line: int | None
    severity: str  # "error" | "warning"
    code: str
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class _Form:
    path: str
    line: int
    entry_id: str
    lang: str
    role: str  # canonical | variants | admitted | mistranslations | cues | protected | prepositions
    text: str


class _Collector:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.forms: list[_Form] = []
        self.ids: list[tuple[str, int]] = []
        self.has_cues: set[tuple[str, str]] = set()
        self.visited: set[int] = set()

    def add(self, node: yaml.Node | None, severity: str, code: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.path, line, severity, code, message))

    def seen_before(self, node: yaml.Node) -> bool:
        """Whether a collection node was visited already: an alias (never walked twice: alias bombs)."""
        if id(node) in self.visited:
            self.add(node, ERROR, "schema", "YAML aliases are not allowed in glossaries")
            return True
        self.visited.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            self.add(node, ERROR, "schema", f"tag {node.tag!r} is not allowed (glossaries hold plain data)")
        return False

    def string(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.add(node, ERROR, "schema", f"{what} must be a string")
            return None
        if node.tag not in _PLAIN_TAGS:
            self.add(node, ERROR, "schema", f"{what}: tag {node.tag!r} is not allowed")
            return None
        control = _CONTROL.search(node.value)
        if control:
            bad = control.group()
            self.add(node, ERROR, "schema", f"{what} contains the control character {bad!r}")
            return None
        if node.value.strip() and all(unicodedata.category(ch)[0] in "MZC" for ch in node.value):
            self.add(node, ERROR, "empty-form", f"{what} has no visible character")
            return None
        if not node.value.strip():
            self.add(node, ERROR, "empty-form", f"{what} is empty or only whitespace")
            return None
        return node.value.strip()

    def walk(self, root: yaml.Node) -> None:
        if isinstance(root, yaml.ScalarNode) or not isinstance(root, yaml.MappingNode):
            self.add(root, ERROR, "schema", "the glossary must be a mapping with 'version' and 'entries'")
            return
        entries = None
        self.seen_before(root)
        for key, value in root.value:
            if key.value == "entries":
                entries = value
            elif key.value != "version":
                self.add(key, ERROR, "unknown-key", f"unknown top-level key {key.value!r}")
        if not isinstance(entries, yaml.SequenceNode):
            self.add(entries or root, ERROR, "schema", "'entries' must be a list")
            return
        if self.seen_before(entries):
            return
        if not entries.value:
            self.add(entries, ERROR, "schema", "glossary has no entries")
        for node in entries.value:
            self.entry(node)

    def entry(self, node: yaml.Node) -> None:
        if not isinstance(node, yaml.MappingNode):
            self.add(node, ERROR, "schema", "an entry must be a mapping")
            return
        if self.seen_before(node):
            return
        fields = {}
        for key, value in node.value:
            if key.value not in ENTRY_KEYS:
                self.add(key, ERROR, "unknown-key", f"unknown entry key {key.value!r} "
                         f"(expected one of {', '.join(ENTRY_KEYS)})")
            fields[key.value] = value
        entry_id = self.string(fields["id"], "'id'") if "id" in fields else None
        if entry_id is None:
            self.add(node, ERROR, "schema", "entry has no 'id'")
            entry_id = f"<entry at line {node.start_mark.line + 1}>"
        elif not _ID_RE.match(entry_id):
            self.add(fields["id"], ERROR, "schema", f"id {entry_id!r} must be lowercase letters, digits, '_', '-', '.'")
        else:
            self.ids.append((entry_id, fields["id"].start_mark.line + 1))
        if "kind" in fields and isinstance(fields["kind"], yaml.ScalarNode) \
                and fields["kind"].value not in ENTRY_KINDS:
            self.add(fields["kind"], ERROR, "schema", f"kind {fields['kind'].value!r} is not one of "
                     f"{', '.join(ENTRY_KINDS)}")
        forms = fields.get("forms")
        if not isinstance(forms, yaml.MappingNode) or not forms.value:
            self.add(forms or node, ERROR, "schema", f"entry {entry_id!r} has no forms")
            return
        if self.seen_before(forms):
            return
        for key in ("kind", "note"):
            if key in fields:
                self.string(fields[key], repr(key))
        for lang_node, value in forms.value:
            lang = lang_node.value
            if not _LANG_RE.match(str(lang)):
                self.add(lang_node, ERROR, "schema", f"{lang!r} is not a language code")
            self.lang(entry_id, str(lang), value)

    def lang(self, entry_id: str, lang: str, node: yaml.Node) -> None:
        where = f"{entry_id}.{lang}"
        if isinstance(node, yaml.ScalarNode):
            self.form(node, entry_id, lang, "canonical", f"{where}.canonical")
            return
        if not isinstance(node, yaml.MappingNode):
            self.add(node, ERROR, "schema", f"{where} must be a form or a mapping of forms")
            return
        if self.seen_before(node):
            return
        keys = set()
        for key, value in node.value:
            keys.add(key.value)
            if key.value not in FORM_KEYS:
                self.add(key, ERROR, "unknown-key", f"unknown key {key.value!r} in {where} "
                         f"(expected one of {', '.join(FORM_KEYS)})")
            elif key.value == "canonical":
                self.form(value, entry_id, lang, "canonical", f"{where}.canonical")
            elif key.value == "prepositions":
                self.prepositions(value, entry_id, lang, f"{where}.prepositions")
            elif isinstance(value, yaml.SequenceNode):
                if self.seen_before(value):
                    continue
                for item in value.value:
                    self.form(item, entry_id, lang, key.value, f"an item of {where}.{key.value}")
                if key.value == "cues" and value.value:
                    self.has_cues.add((entry_id, lang))
            elif not (isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null")):
                self.add(value, ERROR, "schema", f"{where}.{key.value} must be a list of strings")
        if "canonical" not in keys:
            self.add(node, ERROR, "schema", f"{where} has no 'canonical' form")

    def prepositions(self, node: yaml.Node, entry_id: str, lang: str, where: str) -> None:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return
        if not isinstance(node, yaml.MappingNode):
            self.add(node, ERROR, "schema", f"{where} must be a mapping of prepositions (wrong: right)")
            return
        if self.seen_before(node):
            return
        for key, value in node.value:
            wrong, right = self.string(key, f"a key of {where}"), self.string(value, f"{where} value")
            if wrong is None or right is None:
                continue
            problem = check_preposition_rule(wrong, right)
            if problem:
                self.add(key, ERROR, "preposition", f"{where}: {problem}")
                continue
            self.form(key, entry_id, lang, "prepositions", f"a key of {where}")
            self.form(value, entry_id, lang, "prepositions", f"{where}.{wrong}")

    def form(self, node: yaml.Node, entry_id: str, lang: str, role: str, what: str) -> None:
        text = self.string(node, what)
        if text is not None:
            self.forms.append(_Form(self.path, node.start_mark.line + 1, entry_id, lang, role, text))


def _collect(text: str, path: str) -> _Collector:
    c = _Collector(path)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        root = None
    if root is None:  # the loader's message, with its line, for malformed or empty YAML
        try:
            parse_glossary(text, path)
        except GlossaryError as exc:
            c.problems.append(Problem(path, exc.line, ERROR, "schema", exc.message))
        return c
    alias = _first_alias(root)
    if alias is not None:  # never walk a document with aliases: billion-laughs bombs
        c.add(alias, ERROR, "schema", "YAML aliases are not allowed in glossaries")
        return c
    c.walk(root)
    return c


def _first_alias(root: yaml.Node) -> yaml.Node | None:
    """A collection node reached twice (YAML aliases share nodes), found without walking it twice."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in seen:
                return node
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                stack.extend(v for pair in node.value for v in pair)
            else:
                stack.extend(node.value)
    return None


def validate_texts(files: list[tuple[str, str]]) -> list[Problem]:
    """Every problem of the glossaries ``[(path, text), ...]`` checked together, in file and line order."""
    collectors = [_collect(text, path) for path, text in files]
    problems = [p for c in collectors for p in c.problems]
    forms = [f for c in collectors for f in c.forms]
    cues = set().union(*(c.has_cues for c in collectors)) if collectors else set()
    seen: dict[str, tuple[str, int]] = {}
    for c in collectors:
        for entry_id, line in c.ids:
            if entry_id in seen:
                first = seen[entry_id]
                problems.append(Problem(c.path, line, ERROR, "duplicate-id",
                                        f"duplicate entry id {entry_id!r} (first at {first[0]}:{first[1]})"))
            else:
                seen[entry_id] = (c.path, line)
    problems += _semantic(forms, cues)
    return sorted(problems, key=lambda p: ([f for f, _ in files].index(p.path) if p.path in dict(files) else 0,
                                           p.line or 0, p.code))


def _semantic(forms: list[_Form], cues: set[tuple[str, str]]) -> list[Problem]:
    out: list[Problem] = []
    by_key: dict[tuple[str, str], list[_Form]] = defaultdict(list)
    names: dict[tuple[str, str], list[str]] = defaultdict(list)  # (entry, lang) -> its forms, folded
    for f in forms:
        if f.role in ("canonical", "admitted", "variants", "protected"):
            by_key[(f.lang, fold(f.text))].append(f)
        if f.role in ("canonical", "admitted", "variants", "mistranslations"):
            names[(f.entry_id, f.lang)].append(fold(f.text))
    for f in forms:
        bad = wrong_scripts(f.text, f.lang)
        if bad:
            out.append(Problem(f.path, f.line, ERROR, "wrong-script",
                               f"{f.entry_id}.{f.lang}: {f.text!r} has {', '.join(sorted(bad))} letters, "
                               f"not the script of {f.lang!r}"))
        if f.role == "variants":
            for other in by_key[(f.lang, fold(f.text))]:
                if other is f:
                    continue
                if other.entry_id == f.entry_id:
                    if other.role in CORRECT_ROLES:
                        role = "canonical" if other.role == "canonical" else other.role
                        out.append(Problem(f.path, f.line, ERROR, "variant-is-canonical",
                                           f"{f.entry_id}.{f.lang}: variant {f.text!r} is also its own "
                                           f"{role} form"))
                    continue
                what = _ROLE_PHRASE[other.role]
                out.append(Problem(f.path, f.line, ERROR, "fix-loop",
                                   f"{f.entry_id}.{f.lang}: variant {f.text!r} is {what} of "
                                   f"{other.entry_id!r} ({other.path}:{other.line})"))
            if f.lang.startswith("en") and fold(f.text) in COMMON_WORDS:
                out.append(Problem(f.path, f.line, WARNING, "common-variant",
                                   f"{f.entry_id}.{f.lang}: variant {f.text!r} is a very common word; it would "
                                   "be fixed in ordinary sentences (make it a mistranslation with cues)"))
        if f.role == "protected" and not any(n in fold(f.text) for n in names[(f.entry_id, f.lang)]):
            out.append(Problem(f.path, f.line, WARNING, "protected-unrelated",
                               f"{f.entry_id}.{f.lang}: protected form {f.text!r} contains none of the entry's "
                               "forms, so it protects nothing"))
        if (f.role == "mistranslations" and f.lang.startswith("en") and (f.entry_id, f.lang) not in cues
                and all(w in COMMON_WORDS for w in fold(f.text).split())):
            out.append(Problem(f.path, f.line, WARNING, "common-mistranslation",
                               f"{f.entry_id}.{f.lang}: mistranslation {f.text!r} is made of very common words "
                               "and the entry has no cues"))
    return out


def validate_files(paths: list[str]) -> list[Problem]:
    """Read and validate glossary files; an unreadable file is one problem, not an exception."""
    from .formats.text import read_text

    files, problems = [], []
    for path in paths:
        try:
            text, _ = read_text(path, encoding_option=False)
        except RetransError as exc:
            problems.append(Problem(str(path), exc.line, ERROR, "input", exc.message))
            continue
        files.append((str(path), text))
    return problems + validate_texts(files)
