"""CSV/TSV glossaries in the dialects people already have.

``table``  retrans's own flat table: a header with ``id, lang, canonical`` and any of
           ``kind, note, variants, admitted, mistranslations, cues, protected, prepositions``;
           one row per entry and language; list cells joined by `` | `` (a preposition rule is
           ``wrong>right``). Carries everything.
``terms``  equivalent-term sets (Amazon Translate custom terminology, Google Cloud
           Translation glossaries): a header of language codes, one concept per row,
           optional ``description``/``pos`` columns. Carries canonical forms (and notes).
``pairs``  two columns, source term then target term, no header (DeepL glossaries).
           With the same language on both sides the rows are ``variant -> canonical``.

Every malformed row is reported as :class:`FormatError` with its line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormatError
from ..glossary import ENTRY_KINDS, FORM_LIST_KEYS, Entry, Forms, Glossary, check_preposition_rule
from .interchange import check_form, check_id, check_lang, dedupe, is_lang, slug, unique_id
from .text import read_text, write_text_atomic

DIALECTS = ("auto", "table", "terms", "pairs")
LIST_SEP = " | "
TABLE_COLUMNS = ("id", "kind", "note", "lang", "canonical", *FORM_LIST_KEYS, "protected", "prepositions")
TERMS_EXTRA = ("description", "pos", "id", "kind", "note")


@dataclass
class CsvOptions:
    """How to read or write a CSV glossary."""

    dialect: str = "auto"
    delimiter: str = ","
    source_lang: str | None = None  # pairs: language of the first column
    target_lang: str | None = None  # pairs: language of the second column
    languages: list[str] = field(default_factory=list)  # terms export: columns (default: all)

    def __post_init__(self) -> None:
        if self.dialect not in DIALECTS:
            raise ValueError(f"unknown CSV dialect {self.dialect!r} (one of {', '.join(DIALECTS)})")


def _rows(text: str, path: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        line = 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FormatError(f"malformed CSV: {exc}", path, reader.line_num or 1) from None
    if not rows:
        raise FormatError("CSV glossary has no rows", path)
    return rows


def _detect(header: list[str], options: CsvOptions, path: str) -> str:
    names = [h.strip() for h in header]
    lower = [h.lower() for h in names]
    if {"id", "lang", "canonical"} <= set(lower):
        return "table"
    if any(is_lang(h) for h in names) and all(is_lang(h) or h in TERMS_EXTRA for h in lower) \
            and not (len(names) == 2 and options.source_lang):
        return "terms"
    if len(names) == 2:
        return "pairs"
    raise FormatError("cannot tell the CSV dialect: the header is neither language codes (terms) nor "
                      "'id,lang,canonical,...' (table), and there are not 2 columns (pairs); pass --dialect",
                      path, 1)


def parse_csv(text: str, path: str = "<csv>", options: CsvOptions | None = None) -> Glossary:
    """Parse CSV/TSV glossary text in ``options.dialect`` (detected from the first row by default)."""
    options = options or CsvOptions()
    rows = _rows(text, path, options.delimiter)
    dialect = options.dialect if options.dialect != "auto" else _detect(rows[0][1], options, path)
    if dialect == "table":
        return _parse_table(rows, path)
    if dialect == "terms":
        return _parse_terms(rows, path)
    return _parse_pairs(rows, path, options)


def _header(rows: list[tuple[int, list[str]]], path: str, known: tuple[str, ...] | None) -> list[str]:
    header = [h.strip().lower() if known and h.strip().lower() in known else h.strip() for h in rows[0][1]]
    if len(set(header)) != len(header):
        raise FormatError("repeated column in the header", path, rows[0][0])
    if len(rows) == 1:
        raise FormatError("CSV glossary has a header but no rows", path, rows[0][0])
    return header


def _cells(row: list[str], width: int, path: str, line: int) -> list[str]:
    if len(row) != width:
        raise FormatError(f"row has {len(row)} columns, the header has {width}", path, line)
    return [c.strip() for c in row]


def _parse_table(rows: list[tuple[int, list[str]]], path: str) -> Glossary:
    header = _header(rows, path, TABLE_COLUMNS)
    unknown = [h for h in header if h not in TABLE_COLUMNS]
    if unknown:
        raise FormatError(f"unknown column {unknown[0]!r} (expected {', '.join(TABLE_COLUMNS)})", path, rows[0][0])
    order: list[str] = []
    meta: dict[str, tuple[str, str, int]] = {}
    forms: dict[str, dict[str, Forms]] = {}
    for line, row in rows[1:]:
        cell = dict(zip(header, _cells(row, len(header), path, line)))
        entry_id = check_id(cell["id"], path, line)
        lang = check_lang(cell["lang"], path, line)
        kind = cell.get("kind") or "other"
        if kind not in ENTRY_KINDS:
            raise FormatError(f"kind {kind!r} is not one of {', '.join(ENTRY_KINDS)}", path, line)
        if entry_id not in meta:
            order.append(entry_id)
            meta[entry_id] = (kind, cell.get("note", ""), line)
            forms[entry_id] = {}
        if lang in forms[entry_id]:
            raise FormatError(f"{entry_id!r} has two rows for language {lang!r}", path, line)
        lists = [tuple(check_form(f, path, line) for f in cell.get(k, "").split("|") if f.strip())
                 for k in (*FORM_LIST_KEYS, "protected")]
        forms[entry_id][lang] = Forms(check_form(cell["canonical"], path, line), *lists,
                                      _rules(cell.get("prepositions", ""), path, line))
    return Glossary(Entry(i, meta[i][0], meta[i][1], forms[i], f"{path}:{meta[i][2]}") for i in order)


def _rules(cell: str, path: str, line: int) -> tuple[tuple[str, str], ...]:
    out = {}
    for item in cell.split("|"):
        if item.strip():
            wrong, _, right = item.partition(">")
            problem = check_preposition_rule(wrong.strip(), right.strip())
            if problem:
                raise FormatError(problem, path, line)
            out[wrong.strip()] = right.strip()
    return tuple(out.items())


def _parse_terms(rows: list[tuple[int, list[str]]], path: str) -> Glossary:
    header = _header(rows, path, TERMS_EXTRA)
    langs = [h for h in header if h not in TERMS_EXTRA]
    for h in langs:
        check_lang(h, path, rows[0][0])
    if not langs:
        raise FormatError("no language columns in the header", path, rows[0][0])
    key_lang = "en" if "en" in langs else langs[0]
    taken: set[str] = set()
    entries = []
    for line, row in rows[1:]:
        cell = dict(zip(header, _cells(row, len(header), path, line)))
        forms = {lang: Forms(check_form(cell[lang], path, line)) for lang in langs if cell[lang]}
        if not forms:
            continue
        name = forms[key_lang].canonical if key_lang in forms else next(iter(forms.values())).canonical
        entry_id = check_id(cell["id"], path, line) if cell.get("id") else slug(name)
        if entry_id in taken and cell.get("id"):
            raise FormatError(f"duplicate entry id {entry_id!r}", path, line)
        entry_id = unique_id(entry_id, taken)
        kind = cell.get("kind") or "other"
        if kind not in ENTRY_KINDS:
            raise FormatError(f"kind {kind!r} is not one of {', '.join(ENTRY_KINDS)}", path, line)
        note = cell.get("note") or cell.get("description") or ""
        entries.append(Entry(entry_id, kind, note, forms, f"{path}:{line}"))
    return Glossary(entries)


def _parse_pairs(rows: list[tuple[int, list[str]]], path: str, options: CsvOptions) -> Glossary:
    if not options.source_lang or not options.target_lang:
        raise FormatError("a two-column glossary (source, target) needs --source-lang and --target-lang", path)
    src, tgt = check_lang(options.source_lang, path, None), check_lang(options.target_lang, path, None)
    groups: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for line, row in rows:
        source, target = (check_form(c, path, line) for c in _cells(row, 2, path, line))
        groups.setdefault(target, []).append(source)
        first_line.setdefault(target, line)
    taken: set[str] = set()
    entries = []
    for target, sources in groups.items():
        if src == tgt:  # a fix list: wrong -> right
            forms = {tgt: Forms(target, dedupe(sources, target))}
        else:
            forms = {src: Forms(sources[0], dedupe(sources[1:], sources[0])), tgt: Forms(target)}
        entries.append(Entry(unique_id(slug(target), taken), "other", "", forms, f"{path}:{first_line[target]}"))
    return Glossary(entries)


def read_csv_glossary(path: str | Path, options: CsvOptions | None = None) -> Glossary:
    """Read a CSV (or, with ``delimiter='\\t'`` or a ``.tsv`` name, TSV) glossary file."""
    options = options or CsvOptions(delimiter="\t" if str(path).endswith(".tsv") else ",")
    text, _ = read_text(path, encoding_option=False)
    return parse_csv(text, str(path), options)


def dumps_csv(glossary: Glossary, options: CsvOptions | None = None) -> str:
    """The glossary as CSV text in ``options.dialect`` (``auto`` writes ``table``)."""
    options = options or CsvOptions()
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=options.delimiter, lineterminator="\n")
    dialect = "table" if options.dialect == "auto" else options.dialect
    if dialect == "table":
        writer.writerow(TABLE_COLUMNS)
        for entry in glossary:
            for lang, forms in entry.forms.items():
                lists = []
                for key in (*FORM_LIST_KEYS, "protected"):
                    items = getattr(forms, key)
                    for item in items:
                        if "|" in item:
                            raise FormatError(f"{entry.id}: form {item!r} contains '|', which the table "
                                              "dialect uses between forms; export to YAML, JSON or TBX")
                    lists.append(LIST_SEP.join(items))
                lists.append(LIST_SEP.join(f"{a}>{b}" for a, b in forms.prepositions))
                writer.writerow([entry.id, entry.kind, entry.note, lang, forms.canonical, *lists])
    elif dialect == "terms":
        langs = options.languages or glossary.languages()
        writer.writerow([*langs, "description"])
        for entry in glossary:
            if any(lang in entry.forms for lang in langs):
                writer.writerow([entry.forms[lang].canonical if lang in entry.forms else "" for lang in langs]
                                + [entry.note])
    else:
        src, tgt = options.source_lang, options.target_lang
        if not src or not tgt:
            raise FormatError("the pairs dialect needs --source-lang and --target-lang")
        for entry in glossary:
            if src == tgt and src in entry.forms:
                forms = entry.forms[src]
                writer.writerows([v, forms.canonical] for v in forms.variants)
            elif src in entry.forms and tgt in entry.forms:
                forms = entry.forms[src]
                writer.writerows([s, entry.forms[tgt].canonical] for s in (forms.canonical, *forms.admitted))
    return out.getvalue()


def write_csv_glossary(glossary: Glossary, path: str | Path, options: CsvOptions | None = None) -> None:
    """Write ``glossary`` as CSV/TSV, atomically."""
    write_text_atomic(path, dumps_csv(glossary, options))
