"""``retrans fix``: repair machine-translated text.

The command runs in stages, each a small function: check the options and plan the
outputs (nothing read yet), read and check every input, load the glossary, probe
that the outputs can be written, repair, write (atomically), then report. Nothing
is written before every input has been read and checked.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..batch import BatchDoc, edit_record, run_batch, run_key
from ..config import DEFAULT_LANG, DEFAULT_MODEL, RepairConfig
from ..errors import InputError
from ..formats.text import (
    MAX_LINE_CHARS,
    OutputError,
    check_encoding,
    encode_text,
    probe_writable,
    read_text,
    write_files_atomic,
)
from ..glossary import Glossary
from ..lm import MODELS
from ..pipeline import DocumentResult, Repairer, make_ranker
from ..records import Edit
from ..safety import out_dir_target
from .common import err, load_glossaries


@dataclass(frozen=True)
class FixRequest:
    """The options of one ``retrans fix`` run, checked."""

    sources: list[str]
    glossary: list[Path] | None
    lang: str
    output: Path | None
    out_dir: Path | None
    edits: Path | None
    model: str
    check: bool
    encoding: str
    max_line_chars: int
    report: Path | None = None
    sources_text: list[str] | None = None  # line-aligned source-language files, one per input
    source_lang: str | None = None

    def validate(self) -> None:
        """Raise ``typer.BadParameter`` for combinations of options that make no sense."""
        if self.output and self.out_dir:
            raise typer.BadParameter("give either --output or --out-dir, not both")
        if len(self.sources) > 1 and not self.out_dir and not self.check:
            raise typer.BadParameter("several inputs need --out-dir (or --check)")
        if self.out_dir and "-" in self.sources:
            raise typer.BadParameter("stdin ('-') cannot be written to --out-dir; use --output")
        if self.model != "none" and self.model not in MODELS:
            raise typer.BadParameter(f"unknown model {self.model!r}; choose one of: {', '.join(MODELS)}, none")
        if self.sources_text and len(self.sources_text) != len(self.sources):
            raise typer.BadParameter("give one --source per input, in the same order")
        if self.max_line_chars < 1:
            raise typer.BadParameter("--max-line-chars must be at least 1")
        check_encoding(self.encoding)


@dataclass
class FixOutcome:
    """What a run produced: a result per document, in input order."""

    results: list[DocumentResult]
    signature: str
    resumed: int = 0

    @property
    def edits(self) -> list[Edit]:
        return [e for r in self.results for e in r.edits]


def fix(
    inputs: list[str] = typer.Argument(None, help="Text files to repair; '-' or none reads stdin."),
    glossary: list[Path] = typer.Option(None, "--glossary", "-g", help="Glossary YAML (repeatable); "
                                        "default: the shipped glossaries/news.yaml."),
    lang: str = typer.Option(DEFAULT_LANG, "--lang", help="Language of the text to repair."),
    output: Path = typer.Option(None, "--output", "-o", help="Write the repaired text here (one input)."),
    out_dir: Path = typer.Option(None, "--out-dir", help="Write each repaired file here under its own name; "
                                 "an interrupted run resumes where it stopped."),
    edits: Path = typer.Option(None, "--edits", help="Write the edit log (JSON Lines) here."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="Ranking model: gemma3-270m, smollm2-135m, "
                              "or none (glossary evidence only)."),
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 if any fix would be applied."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input files (outputs keep it)."),
    max_line_chars: int = typer.Option(MAX_LINE_CHARS, "--max-line-chars",
                                       help="Refuse inputs with a longer line (bounds memory)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No edit table or summary on stderr."),
    report: Path = typer.Option(None, "--report", help="Write a self-contained HTML review report here."),
    source: list[str] = typer.Option(None, "--source", help="Line-aligned source text of each input "
                                     "(repeatable, in input order): evidence for or against each fix."),
    source_lang: str = typer.Option(None, "--source-lang", help="Language of --source (e.g. fa)."),
) -> None:
    """Repair names in machine-translated text; print or write the result and an edit log."""
    request = FixRequest(inputs or ["-"], glossary, lang, output, out_dir, edits, model, check, encoding,
                         max_line_chars, report, source or None, source_lang)
    request.validate()
    outcome = run_fix(request)
    applied = sum(e.applied for e in outcome.edits)
    if not quiet:
        _show(outcome.edits)
        resumed = f" ({outcome.resumed} resumed from the manifest)" if outcome.resumed else ""
        err.print(f"retrans: {len(outcome.results)} document(s){resumed}, {applied} edit(s) applied, "
                  f"{len(outcome.edits) - applied} suggestion(s) kept", markup=False)
        err.print(f"signature: {outcome.signature}", markup=False)
    if request.check and applied:
        raise typer.Exit(1)


def run_fix(req: FixRequest) -> FixOutcome:
    """Read, repair and write as ``req`` says; raise a ``RetransError`` (and write nothing) on bad input."""
    targets = plan_targets(req)
    docs = [(src, *read_text(src, req.encoding, max_line_chars=req.max_line_chars)) for src in req.sources]
    glossary = load_glossaries(req.glossary)
    if req.lang not in glossary.languages():
        raise InputError(f"the glossary has no forms for language {req.lang!r} "
                         f"(it has: {', '.join(glossary.languages())})")
    config = RepairConfig(lang=req.lang, model=req.model, source_lang=req.source_lang)
    sources: dict[str, str] = {}
    for src, path in zip(req.sources, req.sources_text or []):
        sources["<stdin>" if src == "-" else src] = read_text(path, req.encoding,
                                                              max_line_chars=req.max_line_chars)[0]
    if not req.check:  # fail before the model loads, not after the work is done
        for t in (*targets, req.edits, req.report):
            if t is not None:
                probe_writable(t)
    repairer = _LazyRepairer(glossary, config, sources)
    if req.out_dir and not req.check:
        batch = [BatchDoc(src, text, bom, t) for (src, text, bom), t in zip(docs, targets) if t is not None]
        done = run_batch(batch, req.out_dir, run_key(config, glossary.digest, req.encoding), req.encoding,
                         repairer.repair, repairer.signature)
        outcome = FixOutcome(done.results, done.signature or repairer.signature(), done.resumed)
        _write_edit_log(req.edits, outcome.edits)
    else:
        results = [repairer.repair(text, "<stdin>" if src == "-" else src) for src, text, _ in docs]
        outcome = FixOutcome(results, repairer.signature())
        if not req.check:
            _write_single(req, [bom for _, _, bom in docs], outcome)
    # Further outputs come after the text and the edit log are safe.
    if req.report is not None:
        from ..report import write_report

        names = ["<stdin>" if src == "-" else src for src, _, _ in docs]
        write_report(req.report, [(n, text, r) for n, (_, text, _), r in zip(names, docs, outcome.results)],
                     outcome.signature)
    return outcome


def plan_targets(req: FixRequest) -> list[Path | None]:
    """Where each input's output goes (``None``: stdout or nowhere); refuses unsafe or clashing targets."""
    if req.check:
        return [None] * len(req.sources)
    if req.output:
        targets: list[Path | None] = [req.output]
    elif req.out_dir:
        if req.out_dir.exists() and not req.out_dir.is_dir():
            raise OutputError("--out-dir is not a folder", str(req.out_dir))
        targets = [out_dir_target(req.out_dir, s) for s in req.sources]
        if len(set(targets)) != len(targets):
            raise InputError("two inputs share a file name; --out-dir would write one over the other")
    else:
        targets = [None]
    inputs = {Path(s).resolve() for s in req.sources if s != "-"}
    for t in (*targets, req.edits):
        if t is not None and t.resolve() in inputs:
            raise InputError("refusing to overwrite an input file; choose another output", str(t))
    return targets


class _LazyRepairer:
    """Builds the pipeline (and loads the model) on first use only."""

    def __init__(self, glossary: Glossary, config: RepairConfig, sources: dict[str, str] | None = None) -> None:
        self.glossary = glossary
        self.config = config
        self.sources = sources or {}
        self._repairer: Repairer | None = None

    def _get(self) -> Repairer:
        if self._repairer is None:
            self._repairer = Repairer(self.glossary, make_ranker(self.config.model, self.config), self.config)
        return self._repairer

    def repair(self, text: str, doc: str) -> DocumentResult:
        source = self.sources.get(doc)
        try:
            return self._get().repair(text, doc, source=source)
        except ValueError as exc:  # a source whose lines do not align with the input
            raise InputError(str(exc), doc) from None

    def signature(self) -> str:
        return self._get().signature.format()


def _edit_log(edits: list[Edit]) -> bytes:
    return "".join(json.dumps(edit_record(e), ensure_ascii=False) + "\n" for e in edits).encode("utf-8")


def _write_edit_log(path: Path | None, edits: list[Edit]) -> None:
    if path is not None:
        write_files_atomic([(path, _edit_log(edits))])


def _write_single(req: FixRequest, boms: list[bool], outcome: FixOutcome) -> None:
    """One output (a file or stdout) and the edit log; files are staged together, then renamed."""
    result, bom = outcome.results[0], boms[0]
    files: list[tuple[Path, bytes]] = []
    if req.output:
        files.append((req.output, encode_text(result.text, bom, req.encoding, str(req.output))))
    else:
        _stdout(("\ufeff" if bom else "") + result.text)
    if req.edits:
        files.append((req.edits, _edit_log(outcome.edits)))
    write_files_atomic(files)


def _stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`retrans fix a.txt | head`): not an error of ours
        with contextlib.suppress(OSError):  # and Python's final flush must not complain about it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", "<stdout>") from None


def visible(text: str) -> str:
    """``text`` with control, format and bidi characters shown as escapes (a terminal would hide them,
    or reorder the row: "Trojan Source"), so a table row shows what the edit really contains."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)


def _show(edits: list[Edit]) -> None:
    if not edits:
        return
    table = Table(title="edits", show_lines=False, header_style="bold")
    for col in ("line", "original", "replacement", "entry", "kind", "score", "applied"):
        table.add_column(col, justify="right" if col in ("line", "score") else "left")
    for e in edits:
        table.add_row(str(e.line), escape(visible(e.original)), escape(visible(e.replacement)), e.entry, e.kind,
                      f"{e.score:.1f}",
                      "yes" if e.applied else "[dim]suggestion[/dim]")
    err.print(table)

