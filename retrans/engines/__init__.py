"""Engines run the repair of whole files: read, split into segments, repair, rebuild, encode.

A :class:`Job` names one input file; a :class:`Worker` (one per process or Ray
actor, holding the glossary and, once loaded, the model) turns it into an
:class:`Outcome`: the output bytes and the edits, or one error line. Engines only
differ in where workers run: ``local`` (this process), ``pool`` (forked
processes, ``--workers N``) and ``ray`` (Ray Data actors).

Workers take jobs in groups (:func:`group_jobs`: consecutive files, up to about
:data:`GROUP_CHARS` characters): the documents of a group go through the pipeline
together (:meth:`Repairer.repair_many`), so many small files share one detection pass
and fill the model's batches as the segments of one big file do.

Given an output folder, local and pool workers write each group's outputs there
themselves (:func:`write_outputs`: atomically and durably) and send back only their
sha256 and the edits as JSON records, so the writes run in parallel and the caller's
share of each document stays small; Ray actors, which may run on other machines, send
the bytes back and the caller writes them with the same function. The manifest stays
with the caller. Every engine writes the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from ..apply import apply_edits
from ..config import RepairConfig
from ..errors import InputError, RetransError
from ..formats.documents import Parsed, get_format
from ..formats.text import MAX_LINE_CHARS, encode_text, read_text, write_files_atomic
from ..glossary import Glossary
from ..pipeline import CompiledGlossary, DocumentResult, Repairer, compile_matchers, make_ranker
from ..records import Edit, edit_json

GROUP_CHARS = 32_000  # text of the files a worker repairs together, glossary only (batching gains level off)
MODEL_GROUP_CHARS = 16_000  # ... with a model (a few seconds of ranking: progress and Ctrl-C stay prompt)
GROUP_FILES = 16


@dataclass(frozen=True)
class Job:
    """One input file: where it is, its output's path relative to ``--out-dir``, its format.

    ``text`` is set when the file was already read (named inputs are checked up front);
    otherwise the worker reads it. ``source_text`` is its line-aligned ``--source``.
    """

    index: int
    source: str
    rel: str
    fmt: str
    text: str | None = None
    bom: bool = False
    source_text: str | None = None

    @property
    def name(self) -> str:
        return "<stdin>" if self.source == "-" else self.source


@dataclass
class Outcome:
    """What a worker made of a job: output bytes, edits and input digest, or an error line.

    Once the output is written (:func:`write_output`), ``data`` is dropped and ``out_sha256`` and
    ``edits_json`` are set.
    """

    index: int
    rel: str
    data: bytes = b""
    edits: list[Edit] = field(default_factory=list)
    sha256: str = ""
    signature: str | None = None
    error: str | None = None
    text: str = ""  # the repaired text (kept for single outputs and the HTML report)
    report: list[tuple[str, str, DocumentResult]] = field(default_factory=list)
    out_sha256: str = ""  # the sha256 of the output written
    edits_json: list[str] = field(default_factory=list)  # each edit as JSON (edit log and manifest lines)

    def to_json(self) -> str:
        """As one JSON string (what a Ray actor sends back; no pickles)."""
        return json.dumps({"index": self.index, "rel": self.rel, "data": base64.b64encode(self.data).decode(),
                           "edits": [e.to_dict() for e in self.edits], "sha256": self.sha256,
                           "signature": self.signature, "error": self.error, "text": self.text,
                           "report": [[n, t, r.doc, r.text, [e.to_dict() for e in r.edits]]
                                      for n, t, r in self.report]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> Outcome:
        d = json.loads(raw)
        return cls(d["index"], d["rel"], base64.b64decode(d["data"]), [Edit.from_dict(e) for e in d["edits"]],
                   d["sha256"], d["signature"], d["error"], d["text"],
                   [(n, t, DocumentResult(doc, new, tuple(Edit.from_dict(e) for e in edits)))
                    for n, t, doc, new, edits in d["report"]])


@dataclass(frozen=True)
class WorkContext:
    """Everything a worker needs; picklable, and shared copy-on-write by forked workers."""

    glossary: Glossary
    config: RepairConfig
    encoding: str = "utf-8"
    field: str = "text"
    max_line_chars: int = MAX_LINE_CHARS
    keep_text: bool = False  # return the repaired text and report items (single outputs, --report)


def write_output(out: Outcome, out_dir: str | Path) -> Outcome:
    """Write ``out``'s bytes to ``out_dir / out.rel`` atomically and durably (temporary file, fsync,
    rename, folder fsync); keep only their sha256 and the edits as JSON. Raise :class:`OutputError`."""
    return write_outputs([out], out_dir)[0]


def write_outputs(outs: list[Outcome], out_dir: str | Path) -> list[Outcome]:
    """:func:`write_output` of each of ``outs`` that has no error, all staged before any is renamed into
    place and each folder fsynced once (:func:`write_files_atomic`)."""
    done = [out for out in outs if out.error is None]
    write_files_atomic([(Path(out_dir) / out.rel, out.data) for out in done])
    for out in done:
        out.out_sha256 = hashlib.sha256(out.data).hexdigest()
        out.edits_json = [edit_json(e) for e in out.edits]
        out.data = b""
    return outs


def group_jobs(jobs: list[Job], chars: int = GROUP_CHARS, files: int = GROUP_FILES) -> list[list[Job]]:
    """``jobs`` in order, cut into groups of up to ``files`` jobs and about ``chars`` characters (a job's
    text, or its file's size when not read yet); a bigger job is a group of its own."""
    groups: list[list[Job]] = []
    group: list[Job] = []
    size = 0
    for job in jobs:
        n = job_size(job)
        if group and (size + n > chars or len(group) >= files):
            groups.append(group)
            group, size = [], 0
        group.append(job)
        size += n
    if group:
        groups.append(group)
    return groups


def job_size(job: Job) -> int:
    """About how many characters ``job`` holds (its text and source, or its file's size)."""
    if job.text is not None:
        return len(job.text) + len(job.source_text or "")
    try:
        return os.stat(job.source).st_size
    except OSError:
        return 0  # (the worker reports it)


def text_digest(text: str, bom: bool) -> str:
    """sha256 of a decoded input (the BOM counts)."""
    return hashlib.sha256((("\ufeff" if bom else "") + text).encode("utf-8", "surrogatepass")).hexdigest()


class Worker:
    """Repairs jobs; builds the pipeline (and loads the model) on first use, once per source language,
    all of them with one :class:`CompiledGlossary` (``compiled``, when given: built before forking)."""

    def __init__(self, ctx: WorkContext, compiled: CompiledGlossary | None = None) -> None:
        self.ctx = ctx
        self._ranker = None
        self._compiled = compiled
        self._repairers: dict[str | None, Repairer] = {}

    def repairer(self, source_lang: str | None = None) -> Repairer:
        if source_lang not in self._repairers:
            config = self.ctx.config
            if self._ranker is None:
                self._ranker = make_ranker(config.model, config)
            if self._compiled is None:
                self._compiled = compile_matchers(self.ctx.glossary, config)
            self._repairers[source_lang] = self._compiled.repairer(
                self.ctx.glossary, self._ranker, replace(config, source_lang=source_lang))
        return self._repairers[source_lang]

    def signature(self) -> str:
        return self.repairer(self.ctx.config.source_lang).signature.format()

    def run(self, job: Job) -> Outcome:
        """Repair one file; a bad file gives an :class:`Outcome` with ``error`` set, never an exception."""
        return self.run_many([job])[0]

    def run_many(self, jobs: list[Job], out_dir: str | Path | None = None) -> list[Outcome]:
        """Repair several files at once (their documents go through the pipeline together) and, given
        ``out_dir``, write their outputs there (:func:`write_outputs`). A bad file gives its
        :class:`Outcome` an ``error`` and the others go on; an output that cannot be written raises
        :class:`OutputError`, and then none of them was written."""
        outs: list[Outcome | None] = [None] * len(jobs)
        read: list[tuple[int, str, bool, Parsed, list[tuple[str, str, str | None]]]] = []
        by_lang: dict[str | None, list[int]] = {}
        for k, job in enumerate(jobs):
            try:
                text, bom, parsed, docs, lang = self._documents(job)
            except RetransError as exc:
                outs[k] = Outcome(job.index, job.rel, error=exc.oneline())
                continue
            by_lang.setdefault(lang, []).append(len(read))
            read.append((k, text, bom, parsed, docs))
        results: list[list[DocumentResult]] = [[] for _ in read]
        for lang, members in by_lang.items():
            # All documents of the group go to the pipeline at once: one detection pass, full model batches.
            done = iter(self.repairer(lang).repair_many([d for r in members for d in read[r][4]]))
            for r in members:
                results[r] = [next(done) for _ in read[r][4]]
        for (k, text, bom, parsed, _), found in zip(read, results):
            try:
                outs[k] = self._outcome(jobs[k], text, bom, parsed, found)
            except RetransError as exc:  # an output the encoding cannot hold
                outs[k] = Outcome(jobs[k].index, jobs[k].rel, error=exc.oneline())
        done_outs = [out for out in outs if out is not None]
        return done_outs if out_dir is None else write_outputs(done_outs, out_dir)

    def _documents(self, job: Job) -> tuple[str, bool, Parsed, list[tuple[str, str, str | None]], str | None]:
        """Read and parse a job: its text, BOM, parsed form, ``(text, doc id, source)`` documents and the
        source language to repair them with. Raise :class:`RetransError` for a bad file."""
        ctx = self.ctx
        text, bom = job.text, job.bom
        if text is None:
            text, bom = read_text(job.source, ctx.encoding, max_line_chars=ctx.max_line_chars)
        parsed = get_format(job.fmt, ctx.field).parse(text, job.name)
        source_lang = ctx.config.source_lang
        if source_lang is None and parsed.source_lang in ctx.glossary.languages():
            source_lang = parsed.source_lang  # (a file that declares its source language: XLIFF)
        docs: list[tuple[str, str, str | None]] = []
        for seg in parsed.segments:
            source = job.source_text if parsed.whole else seg.source
            if source is not None and (lines := seg.text.count("\n") + 1) != (given := source.count("\n") + 1):
                if parsed.whole:  # a --source whose lines do not align with the input
                    raise InputError(f"{job.name}: the source has {given} line(s), the text {lines}", job.name)
                source = None  # a segment and its source that do not align line by line: no evidence
            docs.append((seg.text, job.name if parsed.whole else f"{job.name}#{seg.id}", source))
        return text, bom, parsed, docs, source_lang

    def _outcome(self, job: Job, text: str, bom: bool, parsed: Parsed, results: list[DocumentResult]) -> Outcome:
        new = parsed.render([r.text for r in results])
        data = encode_text(new, bom, self.ctx.encoding, job.name)
        out = Outcome(job.index, job.rel, data, [e for r in results for e in r.edits], text_digest(text, bom),
                      self.signature())
        if self.ctx.keep_text:
            out.text = new
            out.report = ([(job.name, text, DocumentResult(job.name, new, tuple(out.edits)))] if parsed.whole else
                          [(r.doc, s.text, r) for s, r in zip(parsed.segments, results)])
        return out

    def report_items(self, job: Job, edits: list[Edit]) -> list[tuple[str, str, DocumentResult]]:
        """The HTML report's documents for a finished job, rebuilt from its input and its edit log records."""
        try:
            text, _ = (job.text, job.bom) if job.text is not None else read_text(
                job.source, self.ctx.encoding, max_line_chars=self.ctx.max_line_chars)
            parsed = get_format(job.fmt, self.ctx.field).parse(text, job.name)
        except RetransError:
            return []
        if parsed.whole:
            return [(job.name, text, DocumentResult(job.name, apply_edits(text, edits), tuple(edits)))]
        items = []
        for seg in parsed.segments:
            doc = f"{job.name}#{seg.id}"
            mine = [e for e in edits if e.doc == doc]
            items.append((doc, seg.text, DocumentResult(doc, apply_edits(seg.text, mine), tuple(mine))))
        return items


class Engine(Protocol):
    """Runs jobs and yields their outcomes in job order.

    With ``out_dir``, workers may write the outputs there themselves: an outcome whose ``out_sha256``
    is set was written; one that still has its ``data`` is the caller's to write (:func:`write_output`).
    """

    def map(self, jobs: Iterable[Job], out_dir: str | Path | None = None) -> Iterator[Outcome]: ...

    def close(self) -> None: ...


class LocalEngine:
    """Everything in this process, one job after another."""

    def __init__(self, ctx: WorkContext) -> None:
        self.worker = Worker(ctx)

    def map(self, jobs: Iterable[Job], out_dir: str | Path | None = None) -> Iterator[Outcome]:
        for group in group_jobs(list(jobs), group_chars(self.worker.ctx)):
            yield from self.worker.run_many(group, out_dir)

    def close(self) -> None:
        pass


def group_chars(ctx: WorkContext) -> int:
    """How much text a group of jobs holds for ``ctx``'s settings (:func:`group_jobs`)."""
    return GROUP_CHARS if ctx.config.model == "none" else MODEL_GROUP_CHARS


ENGINES = ("local", "ray")


def make_engine(ctx: WorkContext, engine: str = "local", workers: int = 1, address: str | None = None) -> Engine:
    """``local`` (``workers`` 1: in process; more: a process pool) or ``ray``."""
    if engine == "ray":
        from .ray_engine import RayEngine

        return RayEngine(ctx, workers, address)
    if workers > 1:
        from .pool import PoolEngine

        return PoolEngine(ctx, workers)
    return LocalEngine(ctx)
