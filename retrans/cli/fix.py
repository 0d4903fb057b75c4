"""``retrans fix``: repair machine-translated text.

The command runs in stages, each a small function: check the options and plan the
outputs (nothing read yet), read and check every input, load the glossary, probe
that the outputs can be written, repair, write (atomically), then report. Nothing
is written before every input has been read and checked.
"""

from __future__ import annotations

import contextlib
import os
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..batch import InputFile, expand_inputs, run_batch, run_key
from ..config import DEFAULT_LANG, DEFAULT_MODEL, RepairConfig
from ..engines import ENGINES, Job, LocalEngine, Outcome, WorkContext, Worker, make_engine
from ..errors import InputError, RetransError
from ..formats.documents import FORMAT_NAMES, format_name, get_format
from ..formats.text import (
    MAX_LINE_CHARS,
    OutputError,
    check_encoding,
    probe_writable,
    read_text,
    write_files_atomic,
)
from ..lm import MODELS
from ..records import Edit, edit_json
from ..safety import RealPaths, safe_join
from .common import err, load_glossaries
from .progress import make_progress


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
    fmt: str = "auto"
    field: str = "text"
    workers: int = 1
    engine: str = "local"
    ray_address: str | None = None
    fuzzy: bool = True
    score_window: int | None = None

    def validate(self) -> None:
        """Raise ``typer.BadParameter`` for combinations of options that make no sense."""
        if self.output and self.out_dir:
            raise typer.BadParameter("give either --output or --out-dir, not both")
        if len(self.sources) > 1 and not self.out_dir and not self.check:
            raise typer.BadParameter("several inputs need --out-dir (or --check)")
        if self.workers < 1:
            raise typer.BadParameter("--workers must be at least 1")
        if self.engine not in ENGINES:
            raise typer.BadParameter(f"unknown engine {self.engine!r}; choose one of: {', '.join(ENGINES)}")
        if self.ray_address and self.engine != "ray":
            raise typer.BadParameter("--ray-address needs --engine ray")
        if self.fmt != "auto" and self.fmt not in FORMAT_NAMES:
            raise typer.BadParameter(f"unknown format {self.fmt!r}; choose one of: auto, {', '.join(FORMAT_NAMES)}")
        if not self.field or any(not part for part in self.field.split(".")):
            raise typer.BadParameter("--field must be a key or a dotted path such as body.text")
        if self.out_dir and "-" in self.sources:
            raise typer.BadParameter("stdin ('-') cannot be written to --out-dir; use --output")
        if self.model != "none" and self.model not in MODELS:
            raise typer.BadParameter(f"unknown model {self.model!r}; choose one of: {', '.join(MODELS)}, none")
        if self.sources_text and len(self.sources_text) != len(self.sources):
            raise typer.BadParameter("give one --source per input, in the same order")
        if self.max_line_chars < 1:
            raise typer.BadParameter("--max-line-chars must be at least 1")
        if self.score_window is not None and self.score_window < 1:
            raise typer.BadParameter("--score-window must be at least 1")
        check_encoding(self.encoding)


@dataclass
class FixOutcome:
    """What a run produced: an outcome per document repaired, in input order, and the documents skipped."""

    results: list[Outcome]
    signature: str
    resumed: int = 0
    failed: list[str] = field(default_factory=list)

    @property
    def edits(self) -> list[Edit]:
        return [e for r in self.results for e in r.edits]


def fix(
    inputs: list[str] = typer.Argument(None, help="Files, folders or glob patterns to repair; '-' or none "
                                       "reads stdin. Formats: text, JSON Lines, HTML, Markdown, SubRip, XLIFF."),
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
    source_lang: str = typer.Option(None, "--source-lang", help="Language of --source (e.g. fa); "
                                    "default for XLIFF: the file's source language."),
    fmt: str = typer.Option("auto", "--format", help="Document format: auto (by suffix; unknown: text), "
                            + ", ".join(FORMAT_NAMES) + "."),
    field_path: str = typer.Option("text", "--field", help="JSON Lines: the field with the text "
                                   "(a dotted path, e.g. body.text); other fields are kept."),
    workers: int = typer.Option(1, "--workers", "-j", help="Worker processes (each loads the model once)."),
    engine: str = typer.Option("local", "--engine", help="local (this machine) or ray (Ray Data actors)."),
    ray_address: str = typer.Option(None, "--ray-address", help="With --engine ray: the cluster to join "
                                    "(default: start a local Ray instance)."),
    fuzzy: bool = typer.Option(True, "--fuzzy/--no-fuzzy", help="Also look for unseen variants (names close "
                               "to a glossary name); --no-fuzzy: exact glossary forms only (faster at scale)."),
    score_window: int = typer.Option(None, "--score-window", help="The model scores only this many tokens of "
                                     "the sentence after a name (3 about doubles speed; default: the whole "
                                     "sentence, the most accurate; see docs/throughput.md)."),
) -> None:
    """Repair names in machine-translated text; print or write the result and an edit log."""
    request = FixRequest(inputs or ["-"], glossary, lang, output, out_dir, edits, model, check, encoding,
                         max_line_chars, report, source or None, source_lang, fmt, field_path, workers, engine,
                         ray_address, fuzzy, score_window)
    request.validate()
    outcome = run_fix(request, quiet)
    applied = sum(e.applied for e in outcome.edits)
    if not quiet:
        if len(outcome.edits) <= MAX_TABLE_ROWS:
            _show(outcome.edits)
        resumed = f" ({outcome.resumed} resumed from the manifest)" if outcome.resumed else ""
        skipped = f", {len(outcome.failed)} skipped (bad input)" if outcome.failed else ""
        err.print(f"retrans: {len(outcome.results)} document(s){resumed}{skipped}, {applied} edit(s) applied, "
                  f"{len(outcome.edits) - applied} suggestion(s) kept", markup=False)
        err.print(f"signature: {outcome.signature}", markup=False)
    if outcome.failed:
        raise typer.Exit(2)
    if request.check and applied:
        raise typer.Exit(1)


MAX_TABLE_ROWS = 200  # a longer edit table is left to the edit log


def run_fix(req: FixRequest, quiet: bool = True) -> FixOutcome:
    """Read, repair and write as ``req`` says; raise a ``RetransError`` (and write nothing) on bad input.

    Named files are read and parsed before anything else; files found in folders or by patterns are read
    as the run reaches them, and a bad one is reported on one line and skipped (see ``FixOutcome.failed``).
    """
    files = expand_inputs(req.sources, req.out_dir if req.out_dir and not req.check else None,
                          folders=bool(req.out_dir) or req.check)
    if len(files) > 1 and not req.out_dir and not req.check:
        raise typer.BadParameter("several inputs need --out-dir (or --check)")
    if req.sources_text and any(not f.named for f in files):
        raise typer.BadParameter("--source needs named input files, not folders or patterns")
    targets = plan_targets(req, files)
    jobs = [_job(req, i, f) for i, f in enumerate(files)]
    glossary = load_glossaries(req.glossary)
    if req.lang not in glossary.languages():
        raise InputError(f"the glossary has no forms for language {req.lang!r} "
                         f"(it has: {', '.join(glossary.languages())})")
    config = RepairConfig(lang=req.lang, model=req.model, source_lang=req.source_lang, fuzzy=req.fuzzy,
                          lm_right_tokens=req.score_window)
    for k, path in enumerate(req.sources_text or []):
        source = read_text(path, req.encoding, max_line_chars=req.max_line_chars)[0]
        jobs[k] = Job(**{**vars(jobs[k]), "source_text": source})
    if not req.check:  # fail before the model loads, not after the work is done
        for t in (*_probes(targets), req.edits, req.report):
            if t is not None:
                probe_writable(t)
    ctx = WorkContext(glossary, config, req.encoding, req.field, req.max_line_chars,
                      keep_text=req.report is not None or not req.out_dir or req.check)
    if req.out_dir and not req.check:
        key = run_key(config, glossary.digest, req.encoding, field=None if req.field == "text" else req.field,
                      format=None if req.fmt == "auto" else req.fmt)
        outcome = _fix_batch(req, ctx, jobs, key, quiet)
    else:
        outcome = _fix_each(req, ctx, jobs)
    # Further outputs come after the text and the edit log are safe.
    if req.report is not None:
        from ..report import write_report

        write_report(req.report, [item for r in outcome.results for item in r.report], outcome.signature)
    return outcome


def _fix_batch(req: FixRequest, ctx: WorkContext, jobs: list[Job], key: str, quiet: bool) -> FixOutcome:
    """``--out-dir``: repair with the chosen engine, writing each output (and its manifest line) as it comes."""
    engine = make_engine(ctx, req.engine, req.workers, req.ray_address)
    try:
        done = run_batch(jobs, req.out_dir, key, engine, make_progress(quiet, err), req.encoding,
                         req.max_line_chars, _skipped, Worker(ctx).report_items if req.report is not None else None)
    finally:
        engine.close()
    outcome = FixOutcome(done.outcomes, done.signature or Worker(ctx).signature(), done.resumed, done.failed)
    if req.edits is not None:
        write_files_atomic([(req.edits, _edit_log(outcome.results))])
    return outcome


def _fix_each(req: FixRequest, ctx: WorkContext, jobs: list[Job]) -> FixOutcome:
    """One output (``-o`` or stdout) or none (``--check``): repair everything, then write."""
    engine = make_engine(ctx, req.engine, req.workers, req.ray_address) if req.check else LocalEngine(ctx)
    results, failed = [], []
    try:
        for out, job in zip(engine.map(jobs), jobs):
            if out.error is None:
                results.append(out)
            elif job.text is not None:  # a named file: stop, nothing written
                raise RetransError(out.error)
            else:
                _skipped(out.error)
                failed.append(out.error)
    finally:
        engine.close()
    signature = results[0].signature if results and results[0].signature else Worker(ctx).signature()
    outcome = FixOutcome(results, signature, failed=failed)
    if not req.check:
        _write_single(req, jobs[0].bom, outcome)
    return outcome


PROBE_ALL = 1000  # up to this many outputs, each is probed before the run; beyond, one per folder


def _probes(targets: list[Path | None]) -> list[Path | None]:
    if len(targets) <= PROBE_ALL:
        return targets
    return list({t.parent: t for t in targets if t is not None}.values())


def _skipped(message: str) -> None:
    err.print(f"retrans: error: {message} (skipped)", markup=False, highlight=False, soft_wrap=True)


def _job(req: FixRequest, index: int, f: InputFile) -> Job:
    """The job of one input; a named file is read and parsed now, so a bad one stops the run early."""
    fmt = format_name(f.source, req.fmt)
    if not f.named:
        return Job(index, f.source, f.rel, fmt)
    text, bom = read_text(f.source, req.encoding, max_line_chars=req.max_line_chars)
    name = "<stdin>" if f.source == "-" else f.source
    get_format(fmt, req.field).parse(text, name)
    return Job(index, f.source, f.rel, fmt, text, bom)


def plan_targets(req: FixRequest, files: list[InputFile]) -> list[Path | None]:
    """Where each input's output goes (``None``: stdout or nowhere); refuses unsafe or clashing targets."""
    if req.check:
        return [None] * len(files)
    real = RealPaths()
    if req.output:
        targets: list[Path | None] = [req.output]
    elif req.out_dir:
        if req.out_dir.exists() and not req.out_dir.is_dir():
            raise OutputError("--out-dir is not a folder", str(req.out_dir))
        for f in files:
            if not f.rel or f.rel in (".", ".."):
                raise InputError("cannot name an output after this input", f.source)
        targets = [safe_join(req.out_dir, f.rel, real.folder) for f in files]
        if len(set(targets)) != len(targets):
            raise InputError("two inputs share a file name; --out-dir would write one over the other")
    else:
        targets = [None]
    inputs = {real(f.source) for f in files if f.source != "-"}
    for t in (*targets, req.edits):
        if t is not None and real(t) in inputs:
            raise InputError("refusing to overwrite an input file; choose another output", str(t))
    return targets


def _edit_log(results: list[Outcome]) -> bytes:
    """The edit log: one JSON line per edit (those of written outputs come as JSON already)."""
    return "".join(f"{line}\n" for r in results for line in (r.edits_json or map(edit_json, r.edits))).encode()


def _write_single(req: FixRequest, bom: bool, outcome: FixOutcome) -> None:
    """One output (a file or stdout) and the edit log; files are staged together, then renamed."""
    result = outcome.results[0]
    files: list[tuple[Path, bytes]] = []
    if req.output:
        files.append((req.output, result.data))
    else:
        _stdout(("\ufeff" if bom else "") + result.text)
    if req.edits:
        files.append((req.edits, _edit_log(outcome.results)))
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
    several = len({e.doc for e in edits}) > 1
    for col in ("doc", "line", "original", "replacement", "entry", "kind", "score", "applied")[0 if several else 1:]:
        table.add_column(col, justify="right" if col in ("line", "score") else "left")
    for e in edits:
        table.add_row(*([escape(visible(e.doc))] if several else []), str(e.line), escape(visible(e.original)),
                      escape(visible(e.replacement)), e.entry, e.kind, f"{e.score:.1f}",
                      "yes" if e.applied else "[dim]suggestion[/dim]")
    err.print(table)

