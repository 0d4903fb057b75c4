"""TBX (ISO 30042) glossaries in the TBX-Basic dialect: v3 (``tbx``/``conceptEntry``/``langSec``/
``termSec``) read and written, v2 (``martif``/``termEntry``/``langSet``/``tig``) read.

Mapping of ``termNote type="administrativeStatus"``: ``preferredTerm-admn-sts`` is the
canonical form, ``admittedTerm-admn-sts`` an admitted form, ``deprecatedTerm-admn-sts`` and
``supersededTerm-admn-sts`` variants (a deprecated term carrying the note
``retrans:mistranslation`` is a mistranslation). The entry kind is the concept's
``descrip type="subjectField"``, its note the concept's ``note``, and each cue a language-level
``note`` ``retrans:cue=WORD``, as are protected forms (``retrans:protected=FORM``) and preposition
rules (``retrans:preposition=WRONG>RIGHT``); other tools show these as ordinary fields.

Parsing is hardened: lxml with entities unresolved, no DTD loading, no network, no huge
trees; a file with any DOCTYPE is refused (TBX v3 needs none, and DTDs are how entity
bombs and external-entity reads get in).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..errors import FormatError
from ..glossary import ENTRY_KINDS, Entry, Forms, Glossary, check_preposition_rule
from .interchange import check_form, check_lang, dedupe, slug, unique_id
from .text import read_bytes, write_files_atomic

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RNG = ("https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/"
       "TBXcoreStructV03_TBX-Basic_integrated.rng")
PREFERRED, ADMITTED = "preferredTerm-admn-sts", "admittedTerm-admn-sts"
DEPRECATED, SUPERSEDED = "deprecatedTerm-admn-sts", "supersededTerm-admn-sts"
MISTRANSLATION_NOTE = "retrans:mistranslation"
CUE_PREFIX = "retrans:cue="
PROTECTED_PREFIX = "retrans:protected="
PREPOSITION_PREFIX = "retrans:preposition="
_CONCEPT = {"conceptEntry", "termEntry"}
_LANG = {"langSec", "langSet"}
_TERM = {"termSec", "tig"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _text(el: etree._Element, path: str) -> str:
    for node in el.iter():
        if isinstance(node, etree._Entity):
            raise FormatError("entity references are not allowed in TBX", path, node.sourceline)
    return "".join(el.itertext()).strip()


def parse_tbx(data: bytes, path: str = "<tbx>") -> Glossary:
    """Parse TBX bytes; raise :class:`FormatError` naming ``path`` and line for bad or unsafe XML."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise FormatError(f"malformed XML: {exc.msg}", path, line) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise FormatError("TBX with a DOCTYPE is refused (no DTDs or entities are read; TBX v3 needs none)",
                          path, 1)
    if _local(root) not in ("tbx", "martif"):
        raise FormatError(f"not a TBX file (root element <{_local(root)}>, expected <tbx>)", path, root.sourceline)
    taken: set[str] = set()
    entries = []
    for concept in root.iter():
        if _local(concept) in _CONCEPT:
            entries.append(_concept(concept, path, taken))
    if not entries:
        raise FormatError("TBX file has no conceptEntry", path, root.sourceline)
    return Glossary(entries)


def _concept(concept: etree._Element, path: str, taken: set[str]) -> Entry:
    line = concept.sourceline
    raw_id = (concept.get("id") or "").strip()
    kind, notes, forms = "other", [], {}
    for child in concept:
        name = _local(child)
        if name == "descrip" and child.get("type") == "subjectField":
            value = _text(child, path)
            if value in ENTRY_KINDS:
                kind = value
            elif value:
                notes.append(f"subject field: {value}")
        elif name == "note":
            notes.append(_text(child, path))
        elif name in _LANG:
            lang = check_lang(child.get(XML_LANG) or child.get("lang") or "", path, child.sourceline)
            if lang in forms:
                raise FormatError(f"two langSec elements for {lang!r} in one concept", path, child.sourceline)
            forms[lang] = _lang_sec(child, lang, path)
    if not forms:
        raise FormatError("conceptEntry has no langSec with terms", path, line)
    name = next(iter(forms.values())).canonical if "en" not in forms else forms["en"].canonical
    base = raw_id.lower() if raw_id else slug(name)
    base = base if base[:1].isalnum() and all(c.isalnum() or c in "_.-" for c in base) and base.isascii() \
        else slug(raw_id)
    if base in taken and raw_id:
        raise FormatError(f"duplicate conceptEntry id {raw_id!r}", path, line)
    return Entry(unique_id(base, taken), kind, "; ".join(n for n in notes if n), forms, f"{path}:{line}")


def _lang_sec(lang_sec: etree._Element, lang: str, path: str) -> Forms:
    groups: dict[str, list[str]] = {"canonical": [], "admitted": [], "variants": [], "mistranslations": [],
                                     "none": []}
    cues: list[str] = []
    protected: list[str] = []
    rules: dict[str, str] = {}
    for child in lang_sec:
        name = _local(child)
        if name == "note":
            text = _text(child, path)
            if text.startswith(CUE_PREFIX):
                cues.append(check_form(text[len(CUE_PREFIX):], path, child.sourceline))
            elif text.startswith(PROTECTED_PREFIX):
                protected.append(check_form(text[len(PROTECTED_PREFIX):], path, child.sourceline))
            elif text.startswith(PREPOSITION_PREFIX):
                wrong, _, right = text[len(PREPOSITION_PREFIX):].partition(">")
                problem = check_preposition_rule(wrong.strip(), right.strip())
                if problem:
                    raise FormatError(problem, path, child.sourceline)
                rules[wrong.strip()] = right.strip()
        elif name in _TERM:
            term, status, mistranslation = None, "", False
            for part in child.iter():
                pname = _local(part)
                if pname == "term" and term is None:
                    term = check_form(_text(part, path), path, part.sourceline)
                elif pname == "termNote" and part.get("type") == "administrativeStatus":
                    status = _text(part, path).removesuffix("-admn-sts")
                elif pname == "note" and _text(part, path) == MISTRANSLATION_NOTE:
                    mistranslation = True
            if term is None:
                raise FormatError("termSec has no term", path, child.sourceline)
            key = {"preferredTerm": "canonical", "admittedTerm": "admitted", "deprecatedTerm": "variants",
                   "supersededTerm": "variants"}.get(status, "none")
            if key == "variants" and mistranslation:
                key = "mistranslations"
            groups[key].append(term)
    correct = groups["canonical"] + groups["none"] + groups["admitted"]
    if not correct:
        raise FormatError(f"langSec {lang!r} has no preferred or admitted term", path, lang_sec.sourceline)
    canonical = correct[0]
    return Forms(canonical, dedupe(groups["variants"], canonical), dedupe(correct[1:], canonical),
                 dedupe(groups["mistranslations"], canonical), dedupe(cues), dedupe(protected),
                 tuple(rules.items()))


def read_tbx(path: str | Path) -> Glossary:
    """Read one TBX file."""
    return parse_tbx(read_bytes(path), str(path))


read_glossary = read_tbx


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{TBX_NS}}}{tag}", attrib)
    if text is not None:
        el.text = text
    return el


def _term(lang_sec: etree._Element, term: str, status: str, note: str | None = None) -> None:
    sec = _el(lang_sec, "termSec")
    _el(sec, "term", term)
    _el(sec, "termNote", status, type="administrativeStatus")
    if note:
        _el(sec, "note", note)


def dumps_tbx(glossary: Glossary, source: str = "retrans glossary") -> bytes:
    """The glossary as TBX-Basic v3 (DCA style) UTF-8 bytes."""
    root = etree.Element(f"{{{TBX_NS}}}tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: "en"},
                         nsmap={None: TBX_NS})
    header = _el(root, "tbxHeader")
    _el(_el(_el(header, "fileDesc"), "sourceDesc"), "p", source)
    body = _el(_el(root, "text"), "body")
    for entry in glossary:
        concept = _el(body, "conceptEntry", id=entry.id)
        _el(concept, "descrip", entry.kind, type="subjectField")
        if entry.note:
            _el(concept, "note", entry.note)
        for lang, forms in entry.forms.items():
            lang_sec = _el(concept, "langSec", **{XML_LANG: lang})
            for cue in forms.cues:
                _el(lang_sec, "note", CUE_PREFIX + cue)
            for form in forms.protected:
                _el(lang_sec, "note", PROTECTED_PREFIX + form)
            for wrong, right in forms.prepositions:
                _el(lang_sec, "note", f"{PREPOSITION_PREFIX}{wrong}>{right}")
            _term(lang_sec, forms.canonical, PREFERRED)
            for form in forms.admitted:
                _term(lang_sec, form, ADMITTED)
            for form in forms.variants:
                _term(lang_sec, form, DEPRECATED)
            for form in forms.mistranslations:
                _term(lang_sec, form, DEPRECATED, MISTRANSLATION_NOTE)
    root.addprevious(etree.ProcessingInstruction(
        "xml-model", f'href="{RNG}" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"'))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_tbx(glossary: Glossary, path: str | Path) -> None:
    """Write ``glossary`` as TBX-Basic v3, atomically."""
    write_files_atomic([(path, dumps_tbx(glossary))])
