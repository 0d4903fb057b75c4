"""``retrans fix``: repair machine-translated text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..config import DEFAULT_LANG, DEFAULT_MODEL, RepairConfig
from ..errors import InputError
from ..formats.text import read_text, write_text_atomic
from ..pipeline import DocumentResult, Repairer, make_ranker
from ..records import Edit
from .common import err, load_glossaries


def fix(
    inputs: list[str] = typer.Argument(None, help="Text files to repair; '-' or none reads stdin."),
    glossary: list[Path] = typer.Option(None, "--glossary", "-g", help="Glossary YAML (repeatable); "
                                        "default: the shipped glossaries/news.yaml."),
    lang: str = typer.Option(DEFAULT_LANG, "--lang", help="Language of the text to repair."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the repaired text here (one input)."),
    out_dir: Path = typer.Option(None, "--out-dir", help="Write each repaired file here under its own name."),
    edits: Path = typer.Option(None, "--edits", help="Write the edit log (JSON Lines) here."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="Ranking model: gemma3-270m, smollm2-135m, "
                              "or none (glossary evidence only)."),
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if any fix would be applied."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input files."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No edit table or summary on stderr."),
) -> None:
    """Repair names in machine-translated text; print or write the result and an edit log."""
    sources = inputs or ["-"]
    if output and out_dir:
        raise typer.BadParameter("give either --output or --out-dir, not both")
    if len(sources) > 1 and not out_dir and not check:
        raise typer.BadParameter("several inputs need --out-dir (or --check)")
    if out_dir and "-" in sources:
        raise typer.BadParameter("stdin ('-') cannot be written to --out-dir; use --output")
    targets = _targets(sources, output, out_dir, check)
    docs = [(src, *read_text(src, encoding)) for src in sources]  # all inputs checked before any write
    glossary_obj = load_glossaries(glossary)
    if lang not in glossary_obj.languages():
        raise InputError(f"the glossary has no forms for language {lang!r} "
                         f"(it has: {', '.join(glossary_obj.languages())})")
    config = RepairConfig(lang=lang, model=model)
    repairer = Repairer(glossary_obj, make_ranker(model, config), config)
    results: list[DocumentResult] = []
    for (src, text, bom), target in zip(docs, targets):
        result = repairer.repair(text, "<stdin>" if src == "-" else src)
        results.append(result)
        if check:
            continue
        if target is None:
            sys.stdout.write(("\ufeff" if bom else "") + result.text)
            sys.stdout.flush()
        else:
            write_text_atomic(target, result.text, bom=bom, encoding=encoding)
    all_edits = [e for r in results for e in r.edits]
    if edits and not check:
        write_text_atomic(edits, "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in all_edits))
    applied = sum(e.applied for e in all_edits)
    if not quiet:
        _show(all_edits)
        err.print(f"retrans: {len(results)} document(s), {applied} edit(s) applied, "
                  f"{len(all_edits) - applied} suggestion(s) kept", markup=False)
        err.print(f"signature: {repairer.signature.format()}", markup=False)
    if check and applied:
        raise typer.Exit(1)


def _targets(sources: list[str], output: Path | None, out_dir: Path | None, check: bool) -> list[Path | None]:
    if check:
        return [None] * len(sources)
    if output:
        targets: list[Path | None] = [output]
    elif out_dir:
        targets = [out_dir / Path(s).name for s in sources]
        if len({t for t in targets}) != len(targets):
            raise InputError("two inputs share a file name; --out-dir would write one over the other")
    else:
        targets = [None]
    inputs = {Path(s).resolve() for s in sources if s != "-"}
    for t in targets:
        if t is not None and t.resolve() in inputs:
            raise InputError("refusing to overwrite an input file; choose another output", str(t))
    return targets


def _show(edits: list[Edit]) -> None:
    if not edits:
        return
    table = Table(title="edits", show_lines=False, header_style="bold")
    for col in ("line", "original", "replacement", "entry", "kind", "score", "applied"):
        table.add_column(col, justify="right" if col in ("line", "score") else "left")
    for e in edits:
        table.add_row(str(e.line), escape(e.original), escape(e.replacement), e.entry, e.kind, f"{e.score:.1f}",
                      "yes" if e.applied else "[dim]suggestion[/dim]")
    err.print(table)
