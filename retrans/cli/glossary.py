"""``retrans glossary``: list, find, edit, validate, merge, import/export, suggest and learn.

Edits (add, set, rm, add-variant, learn) change one YAML glossary in place, keeping its
comments, key order and formatting, and write it atomically. Every other command
leaves its inputs alone. Exit codes: 0 ok, 1 ``validate --strict`` found warnings,
2 errors or bad input.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

import typer
import yaml

from ..errors import InputError
from ..formats.csv_glossary import CsvOptions
from ..formats.registry import FORMATS, read_any, write_any
from ..formats.tbx import dumps_tbx
from ..formats.text import read_text, write_text_atomic
from ..formats.yaml_dump import dumps_yaml, entry_lines
from ..glossary import ENTRY_KINDS, FORM_LIST_KEYS, Entry, Forms, Glossary
from ..glossary_edit import FormsPatch, GlossaryDocument, edit_file
from ..glossary_merge import merge as merge_glossaries
from ..glossary_search import find as find_entries
from ..learn import plan as learn_plan
from ..learn import read_review
from ..suggest import suggest as suggest_names
from ..validate import ERROR, WARNING, validate_files
from .common import default_glossaries, err, load_glossaries

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Maintain name glossaries: list, find, edit, validate, merge, import/export, suggest.")

GLOSSARIES = typer.Option(None, "--glossary", "-g", help="Glossary file(s) (default: $RETRANS_GLOSSARY or the "
                          "shipped glossaries/news.yaml).")
EDIT_FILE = typer.Option(None, "--glossary", "-g", help="The YAML glossary to edit in place (default: the first "
                         "default glossary).")
ROLE_KEYS = {"variant": "variants", "admitted": "admitted", "mistranslation": "mistranslations", "cue": "cues"}


def _edit_target(path: Path | None) -> Path:
    return path or default_glossaries()[0]


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in ENTRY_KINDS:
        raise InputError(f"--kind must be one of {', '.join(ENTRY_KINDS)}")


def _not_an_input(output: Path | None, inputs: list[Path]) -> None:
    if output is None:
        return
    for p in inputs:
        if p.exists() and output.exists() and output.resolve() == p.resolve():
            raise InputError("the output is one of the inputs; inputs are never overwritten (choose another -o)",
                             str(output))


def _emit(text: str) -> None:
    sys.stdout.write(text)


@app.command("list")
def list_(
    glossary: list[Path] = GLOSSARIES,
    lang: str = typer.Option(None, "--lang", help="Only entries with forms in this language (shown in it)."),
    kind: str = typer.Option(None, "--kind", help=f"Only entries of this kind ({', '.join(ENTRY_KINDS)})."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """List entries: id, kind and canonical form, one per line."""
    _check_kind(kind)
    for entry in load_glossaries(glossary):
        if (kind and entry.kind != kind) or (lang and lang not in entry.forms):
            continue
        shown = lang or ("en" if "en" in entry.forms else next(iter(entry.forms)))
        if as_json:
            _emit(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
        else:
            _emit(f"{entry.id}\t{entry.kind}\t{shown}\t{entry.forms[shown].canonical}\n")


@app.command()
def show(entry_id: str = typer.Argument(..., help="Entry id."), glossary: list[Path] = GLOSSARIES) -> None:
    """Show one entry as YAML, with the file and line it comes from."""
    g = load_glossaries(glossary)
    entry = g.get(entry_id)
    if entry is None:
        hits = find_entries(g, entry_id.replace("_", " "), limit=3)
        hint = f" (did you mean {', '.join(h.entry_id for h in hits)}?)" if hits else ""
        raise InputError(f"no entry with id {entry_id!r}{hint}")
    _emit(f"# {entry.source}\n" + "\n".join(line[2:] for line in entry_lines(entry)) + "\n")


@app.command()
def find(
    text: str = typer.Argument(..., help="A name, possibly misspelt."),
    glossary: list[Path] = GLOSSARIES,
    lang: str = typer.Option(None, "--lang", help="Only forms of this language."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="At most this many entries."),
) -> None:
    """Find entries by a form that looks or sounds like TEXT (fuzzy)."""
    hits = find_entries(load_glossaries(glossary), text, lang, limit)
    if not hits:
        err.print(f"no entry resembles {text!r}")
    for h in hits:
        _emit(f"{h.score:5.1f}\t{h.entry_id}\t{h.lang}\t{h.role}\t{h.form}\n")


@app.command()
def stats(glossary: list[Path] = GLOSSARIES) -> None:
    """Count entries by kind and forms by language."""
    g = load_glossaries(glossary)
    kinds = Counter(e.kind for e in g)
    langs: Counter = Counter()
    roles: Counter = Counter()
    for e in g:
        for lang, f in e.forms.items():
            langs[lang] += 1
            roles["canonical"] += 1
            for key in FORM_LIST_KEYS:
                roles[key] += len(getattr(f, key))
    _emit(f"entries\t{len(g)}\n")
    _emit("".join(f"kind.{k}\t{n}\n" for k, n in sorted(kinds.items())))
    _emit("".join(f"forms.{k}\t{roles[k]}\n" for k in ("canonical", *FORM_LIST_KEYS)))
    _emit(f"languages\t{len(langs)}\n")
    _emit("".join(f"lang.{k}\t{n}\n" for k, n in langs.most_common()))


@app.command()
def add(
    entry_id: str = typer.Argument(..., help="Id of the new entry (or of an entry to give a new language)."),
    lang: str = typer.Option("en", "--lang", help="Language of the forms."),
    canonical: str = typer.Option(..., "--canonical", help="The preferred form."),
    variant: list[str] = typer.Option([], "--variant", help="A wrong rendering (repeatable)."),
    admitted: list[str] = typer.Option([], "--admitted", help="Another correct spelling (repeatable)."),
    mistranslation: list[str] = typer.Option([], "--mistranslation", help="An ordinary word MT put in the "
                                              "name's place (repeatable)."),
    cue: list[str] = typer.Option([], "--cue", help="A context word for mistranslations (repeatable)."),
    kind: str = typer.Option("other", "--kind", help=f"One of {', '.join(ENTRY_KINDS)}."),
    note: str = typer.Option("", "--note", help="A note for editors."),
    glossary: Path = EDIT_FILE,
) -> None:
    """Add an entry (or a language to an entry) to a YAML glossary, in place."""
    _check_kind(kind)
    forms = Forms(canonical, tuple(variant), tuple(admitted), tuple(mistranslation), tuple(cue))
    target = _edit_target(glossary)
    edit_file(target, lambda d: d.add_entry(Entry(entry_id, kind, note, {lang: forms})))
    err.print(f"added {entry_id}.{lang} to {target}")


@app.command("set")
def set_(
    entry_id: str = typer.Argument(..., help="Entry id."),
    lang: str = typer.Option("en", "--lang", help="Language of the forms to change."),
    canonical: str = typer.Option(None, "--canonical", help="New preferred form."),
    variant: list[str] = typer.Option(None, "--variant", help="Replace the variants (repeatable)."),
    admitted: list[str] = typer.Option(None, "--admitted", help="Replace the admitted forms (repeatable)."),
    mistranslation: list[str] = typer.Option(None, "--mistranslation", help="Replace the mistranslations."),
    cue: list[str] = typer.Option(None, "--cue", help="Replace the cues (repeatable)."),
    clear: list[str] = typer.Option([], "--clear", help="Empty a list: variants, admitted, mistranslations, cues."),
    kind: str = typer.Option(None, "--kind", help="New kind."),
    note: str = typer.Option(None, "--note", help="New note ('' removes it)."),
    glossary: Path = EDIT_FILE,
) -> None:
    """Change an entry's kind, note or forms in place; lists given replace the old ones."""
    _check_kind(kind)
    for c in clear:
        if c not in FORM_LIST_KEYS:
            raise InputError(f"--clear takes one of {', '.join(FORM_LIST_KEYS)}")
    lists = {"variants": variant, "admitted": admitted, "mistranslations": mistranslation, "cues": cue}
    patch = FormsPatch(canonical, **{k: (() if k in clear else (tuple(v) if v else None)) for k, v in lists.items()})

    def change(doc: GlossaryDocument) -> None:
        doc.set_entry(entry_id, kind, note)
        if patch != FormsPatch():
            doc.set_forms(entry_id, lang, patch)

    target = _edit_target(glossary)
    edit_file(target, change)
    err.print(f"updated {entry_id} in {target}")


@app.command()
def rm(
    entry_id: str = typer.Argument(..., help="Entry id."),
    lang: str = typer.Option(None, "--lang", help="Remove only this language of the entry."),
    form: str = typer.Option(None, "--form", help="Remove only this variant/admitted form/mistranslation/cue "
                             "(needs --lang)."),
    glossary: Path = EDIT_FILE,
) -> None:
    """Remove an entry, one of its languages, or one form, in place (comments stay)."""
    target = _edit_target(glossary)
    if form is not None:
        if lang is None:
            raise InputError("--form needs --lang")
        edit_file(target, lambda d: d.remove_form(entry_id, lang, form) and None)
        err.print(f"removed {form!r} from {entry_id}.{lang} in {target}")
    else:
        edit_file(target, remove=(entry_id, lang))
        err.print(f"removed {entry_id}{'.' + lang if lang else ''} from {target}")


@app.command("add-variant")
def add_variant(
    entry_id: str = typer.Argument(..., help="Entry id."),
    forms: list[str] = typer.Argument(..., help="The new variant(s)."),
    lang: str = typer.Option("en", "--lang", help="Language of the forms."),
    role: str = typer.Option("variant", "--as", help="Add them as: variant, admitted, mistranslation or cue."),
    force: bool = typer.Option(False, "--force", help="Add even if a form belongs to another entry."),
    glossary: Path = EDIT_FILE,
) -> None:
    """Append forms to an entry in place; refuses a variant that is another entry's form (a fix loop)."""
    if role not in ROLE_KEYS:
        raise InputError(f"--as takes one of {', '.join(ROLE_KEYS)}")
    target = _edit_target(glossary)
    if role == "variant" and not force:
        from ..detect import fold

        g = load_glossaries([target])
        for f in forms:
            for entry, fs in g.forms(lang):
                if fold(f) in {fold(x) for x in (fs.canonical, *fs.admitted, *fs.variants)}:
                    where = "its own form" if entry.id == entry_id else f"a form of {entry.id!r} ({entry.source})"
                    if entry.id != entry_id or fold(f) in {fold(x) for x in (fs.canonical, *fs.admitted)}:
                        raise InputError(f"{f!r} is {where}; a variant there would be a fix loop (--force to add)")
    added: list[str] = []
    edit_file(target, lambda d: added.extend(d.add_forms(entry_id, lang, ROLE_KEYS[role], forms)))
    err.print(f"added {len(added)} {role}(s) to {entry_id}.{lang} in {target}" +
              (f" ({len(forms) - len(added)} already there)" if len(added) < len(forms) else ""))


@app.command()
def validate(
    files: list[Path] = typer.Argument(None, help="Glossary files (default: the default glossaries)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when there are warnings (and no errors)."),
) -> None:
    """Report every problem of glossary files with file and line. Exit 2 on errors."""
    paths = [str(p) for p in (files or default_glossaries())]
    problems = validate_files(paths)
    for p in problems:
        _emit(p.format() + "\n")
    errors = sum(p.severity == ERROR for p in problems)
    warnings = sum(p.severity == WARNING for p in problems)
    err.print(f"{len(paths)} file(s): {errors} error(s), {warnings} warning(s)")
    if errors:
        raise typer.Exit(2)
    if warnings and strict:
        raise typer.Exit(1)


def _csv_options(dialect: str, source_lang: str | None, target_lang: str | None,
                 languages: list[str] | None = None) -> CsvOptions:
    try:
        return CsvOptions(dialect=dialect, source_lang=source_lang, target_lang=target_lang,
                          languages=list(languages or []))
    except ValueError as exc:
        raise InputError(str(exc)) from None


DIALECT = typer.Option("auto", "--dialect", help="CSV/TSV dialect: auto, table (retrans), terms (header of "
                       "language codes: Amazon/Google), pairs (source,target without header: DeepL).")
SRC_LANG = typer.Option(None, "--source-lang", help="pairs dialect: language of the first column.")
TGT_LANG = typer.Option(None, "--target-lang", help="pairs dialect: language of the second column.")


def _write_or_print(g: Glossary, output: Path | None, fmt: str, options: CsvOptions) -> None:
    if output is not None:
        write_any(g, output, fmt, options)
        return
    if fmt == "tbx":
        sys.stdout.flush()
        sys.stdout.buffer.write(dumps_tbx(g))
    elif fmt == "yaml":
        _emit(dumps_yaml(g))
    else:
        from ..formats.csv_glossary import dumps_csv
        from ..formats.json_glossary import dumps_json

        if fmt == "json":
            _emit(dumps_json(g))
        else:
            options.delimiter = "\t" if fmt == "tsv" else ","
            _emit(dumps_csv(g, options))


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A glossary in another format."),
    from_: str = typer.Option(None, "--from", help=f"Its format: {', '.join(FORMATS)} (default: from the name)."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the retrans YAML here (default: stdout)."),
    dialect: str = DIALECT,
    source_lang: str = SRC_LANG,
    target_lang: str = TGT_LANG,
) -> None:
    """Convert a TBX, CSV/TSV or JSON glossary to retrans YAML."""
    _not_an_input(output, [file])
    g = read_any(file, from_, _csv_options(dialect, source_lang, target_lang))
    _write_or_print(g, output, "yaml", CsvOptions())
    err.print(f"imported {len(g)} entries from {file}")


@app.command("export")
def export(
    to: str = typer.Option(..., "--to", help=f"Format: {', '.join(FORMATS)}."),
    glossary: list[Path] = GLOSSARIES,
    output: Path = typer.Option(None, "--output", "-o", help="Write here (default: stdout)."),
    dialect: str = DIALECT,
    source_lang: str = SRC_LANG,
    target_lang: str = TGT_LANG,
    languages: list[str] = typer.Option(None, "--lang", help="terms dialect: the language columns (repeatable)."),
) -> None:
    """Write the glossary as TBX-Basic, CSV/TSV (three dialects), JSON or YAML."""
    if to not in FORMATS:
        raise InputError(f"--to must be one of {', '.join(FORMATS)}")
    files = list(glossary or default_glossaries())
    _not_an_input(output, files)
    g = load_glossaries(files)
    _write_or_print(g, output, to, _csv_options(dialect, source_lang, target_lang, languages))
    err.print(f"exported {len(g)} entries as {to}")


@app.command()
def merge(
    a: Path = typer.Argument(..., help="Glossary A (its ids, order and, for YAML, comments are kept)."),
    b: Path = typer.Argument(..., help="Glossary B, merged into A."),
    output: Path = typer.Option(..., "--output", "-o", help="Write the merged YAML here."),
    prefer: str = typer.Option(None, "--prefer", help="Settle canonical-form conflicts: A or B."),
) -> None:
    """Union of two glossaries by id and by canonical form; conflicts are reported (exit 2) or settled."""
    _not_an_input(output, [a, b])
    pref = prefer.lower() if prefer else None
    if pref not in (None, "a", "b"):
        raise InputError("--prefer takes A or B")
    ga, gb = read_any(a), read_any(b)
    try:
        result = merge_glossaries(ga, gb, pref)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    for c in result.conflicts:
        _emit(f"conflict: {c.format()}\n")
    if result.glossary is None:
        err.print(f"{len(result.conflicts)} conflict(s); settle them with --prefer A or --prefer B")
        raise typer.Exit(2)
    text = _merged_text(a, ga, result.glossary)
    write_text_atomic(output, text)
    err.print(f"merged: {len(result.glossary)} entries ({len(result.changed)} changed, {len(result.added)} added, "
              f"{len(result.joined)} joined by canonical form, {len(result.conflicts)} conflict(s) settled)")


def _merged_text(a: Path, ga: Glossary, merged: Glossary) -> str:
    """The merged glossary written over A's YAML text, so A's comments survive; plain YAML otherwise."""
    if a.suffix.lower() not in (".yaml", ".yml"):
        return dumps_yaml(merged)
    text, _ = read_text(a, encoding_option=False)
    doc = GlossaryDocument(text, str(a))
    for entry in merged:
        old = ga.get(entry.id)
        if old is None:
            doc.add_entry(entry)
        elif old.to_dict() != entry.to_dict():
            doc.set_entry(entry.id, entry.kind, entry.note)
            for lang, f in entry.forms.items():
                if lang in old.forms:
                    doc.set_forms(entry.id, lang, FormsPatch(f.canonical, *(getattr(f, k) for k in FORM_LIST_KEYS)))
                else:
                    doc.add_entry(Entry(entry.id, entry.kind, entry.note, {lang: f}))
    return doc.dumps()


def _read_corpus(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Documents of a corpus file: a text file is one document; a TSV with an ``mt`` column gives one per row
    (and sources from a ``src``/``source`` column when there is one)."""
    text, _ = read_text(path)
    if path.suffix.lower() == ".tsv":
        rows = list(csv.DictReader(text.splitlines(), delimiter="\t"))
        if rows and "mt" in rows[0]:
            name = "id" if "id" in rows[0] else None
            docs = [(f"{path}#{r[name] if name else i}", r["mt"] or "") for i, r in enumerate(rows, 1)]
            col = next((c for c in ("src", "source") if c in rows[0]), None)
            srcs = [(d[0], r[col] or "") for d, r in zip(docs, rows)] if col else []
            return docs, srcs
    return [(str(path), text)], []


@app.command()
def suggest(
    corpus: list[Path] = typer.Argument(..., help="MT output: text files, or TSV with an 'mt' column."),
    source: list[Path] = typer.Option(None, "--source", help="The MT input of each corpus file, line-aligned "
                                      "(repeatable, in the same order)."),
    glossary: list[Path] = GLOSSARIES,
    lang: str = typer.Option("en", "--lang", help="Language of the MT output."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the suggestions (YAML) here (default: stdout)."),
    top: int = typer.Option(50, "--top", help="At most this many clusters."),
    threshold: float = typer.Option(80.0, "--threshold", help="Name similarity (0-100) that joins spellings."),
) -> None:
    """Mine MT output for names the glossary lacks or that are rendered inconsistently; written for review."""
    _not_an_input(output, [*corpus, *(source or [])])
    docs, srcs = [], []
    for path in corpus:
        d, s = _read_corpus(path)
        docs += d
        srcs += s
    if source:
        if len(source) != len(docs):
            raise InputError(f"give one --source per corpus document, in the same order ({len(docs)} documents)")
        srcs = [(str(p), read_text(p)[0]) for p in source]
    result = suggest_names(docs, load_glossaries(glossary), lang, srcs or None, threshold=threshold)
    result["clusters"] = result["clusters"][:top]
    header = "# retrans glossary suggest: candidates for review; nothing here is in any glossary yet.\n"
    text = header + yaml.safe_dump(result, allow_unicode=True, sort_keys=False, width=120)
    if output is None:
        _emit(text)
    else:
        write_text_atomic(output, text)
    err.print(f"{len(result['clusters'])} cluster(s) from {len(docs)} document(s)")


@app.command()
def learn(
    review: Path = typer.Argument(..., help="A reviewed JSONL edit log (each edit 'review': accepted|rejected)."),
    glossary: Path = EDIT_FILE,
    lang: str = typer.Option("en", "--lang", help="Language of the edits."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would be added."),
) -> None:
    """Add the originals of accepted edits as variants of their entries (in place)."""
    target = _edit_target(glossary)
    p = learn_plan(read_review(review), load_glossaries([target]), lang)
    for entry_id, forms in p.add.items():
        _emit(f"add\t{entry_id}\t{' | '.join(forms)}\n")
    for line, original, reason in p.skipped:
        _emit(f"skip\t{review}:{line}\t{original}\t{reason}\n")
    if p.add and not dry_run:
        def change(doc: GlossaryDocument) -> None:
            for entry_id, forms in p.add.items():
                doc.add_forms(entry_id, lang, "variants", forms)

        edit_file(target, change)
    n = sum(len(v) for v in p.add.values())
    err.print(f"{p.accepted} accepted, {p.rejected} rejected: {n} variant(s) "
              f"{'would be ' if dry_run else ''}added to {target}, {len(p.skipped)} skipped")
