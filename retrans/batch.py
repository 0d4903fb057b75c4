"""Resumable ``--out-dir`` runs: a manifest in the output folder records each finished document.

The manifest (``.retrans-manifest.jsonl`` in the output folder) gets one JSON line
per finished document: its input's sha256, the sha256 of the output written, the
key of the run settings, and the document's edits. A document is finished when its
output has been written durably (a temporary file, fsynced, renamed into place, the
folder fsynced; by a worker or by this process) and then its line appended. Each
line is handed to the operating system at once, and the manifest is fsynced at most
every ``SYNC_SECONDS`` (group commit) and when the run ends or is interrupted.

What is guaranteed: a run that is killed at any point (SIGKILL, Ctrl-C, a crash)
leaves complete outputs and complete lines only (a torn last line is cut off, and
stray temporary files removed, when the manifest is next opened); the next run with
the same settings skips every document whose input, settings and output still match
(the output's sha256 is checked), and redoes the rest, so its outputs and edit log
equal those of an uninterrupted run. A power cut may also lose the lines of the last
``SYNC_SECONDS``: those documents are simply redone, into the same bytes. A line never
survives without its output, since the output was durable before the line was written.

The manifest is locked while a run uses it, so two runs never write one folder.

Inputs are files, folders (walked for files with a known document suffix) and
glob patterns; each output goes to the same relative path under ``--out-dir``.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePath
from typing import Any, Protocol

from . import __version__
from .config import RepairConfig
from .engines import Engine, Job, Outcome, text_digest, write_output
from .errors import InputError, RetransError
from .formats.documents import SUFFIXES
from .formats.text import OutputError, read_text, remove_stale_temporaries
from .records import Edit

MANIFEST_NAME = ".retrans-manifest.jsonl"
SYNC_SECONDS = 0.5  # the manifest is fsynced at most this often (and when a run ends)
_FORMAT = 1

try:  # POSIX advisory locks; elsewhere runs are simply not locked
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


def run_key(config: RepairConfig, glossary_digest: str, encoding: str, **options: str) -> str:
    """A digest of everything that decides a document's output: same key, same output.

    ``options`` are further settings that change outputs (the JSON Lines ``field``, a forced ``format``).
    """
    payload = {"version": __version__, "glossary": glossary_digest, "config": asdict(config),
               "encoding": encoding, **{k: v for k, v in options.items() if v is not None}}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()[:16]


class Manifest:
    """The record of finished documents in one output folder (a context manager that holds its lock)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST_NAME
        self.records: dict[str, dict[str, Any]] = {}  # what the manifest held when opened
        self._fh: Any = None
        self._unsynced = False
        self._synced_at = 0.0

    def __enter__(self) -> Manifest:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a+b")
        except OSError as exc:
            raise OutputError(f"cannot write the output folder: {exc.strerror or exc}", str(self.folder)) from None
        if fcntl is not None:
            try:
                fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self._fh.close()
                raise OutputError("another retrans run is writing to this folder", str(self.folder)) from None
        self._load()
        remove_stale_temporaries(self.folder, recursive=True)  # outputs mirror a tree: so may a kill's leftovers
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if self._fh is None:
            return
        try:
            self.sync()
        except OutputError:
            if exc_type is None:  # an error already on its way is the one to report
                raise
        finally:
            self._fh.close()  # closing releases the lock
            self._fh = None

    def _load(self) -> None:
        self._fh.seek(0)
        data = self._fh.read()
        keep = data.rfind(b"\n") + 1  # a line without its newline was torn by a kill: cut it off
        if keep != len(data):
            self._fh.truncate(keep)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        for raw in data[:keep].splitlines():
            try:
                rec = json.loads(raw)
            except ValueError:
                continue
            if isinstance(rec, dict) and rec.get("format") == _FORMAT and isinstance(rec.get("name"), str):
                self.records[rec["name"]] = rec  # the last record of a name wins

    def finished(self, job: Job, key: str, encoding: str, max_line_chars: int) -> dict[str, Any] | None:
        """The record of ``job`` if it was finished with these settings and its output is intact."""
        rec = self.records.get(job.rel)
        if rec is None or rec.get("run") != key:
            return None
        text, bom = job.text, job.bom
        if text is None:
            try:
                text, bom = read_text(job.source, encoding, max_line_chars=max_line_chars)
            except RetransError:
                return None  # the worker reports it
        if rec.get("sha256") != text_digest(text, bom):
            return None
        try:
            data = (self.folder / job.rel).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != rec.get("out_sha256"):
            return None
        return rec

    def add(self, rec: dict[str, Any], edits: list[str]) -> None:
        """Append one record: ``rec`` and its ``edits``, each already JSON (as ``edits_json``).

        The line goes to the operating system at once (a killed process loses nothing); it is fsynced
        with the lines after it, once ``SYNC_SECONDS`` have passed since the last fsync, or at the end.
        """
        head = json.dumps(rec, ensure_ascii=False)  # the same bytes as json.dumps({**rec, "edits": [...]})
        line = f'{head[:-1]}, "edits": [{", ".join(edits)}]}}\n'.encode()
        try:
            self._fh.seek(0, os.SEEK_END)
            self._fh.write(line)
            self._fh.flush()
        except OSError as exc:
            raise OutputError(f"cannot write the manifest: {exc.strerror or exc}", str(self.path)) from None
        self._unsynced = True
        if time.monotonic() - self._synced_at >= SYNC_SECONDS:
            self.sync()

    def sync(self) -> None:
        """fsync the lines appended since the last time."""
        if not self._unsynced:
            return
        try:
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write the manifest: {exc.strerror or exc}", str(self.path)) from None
        self._unsynced = False
        self._synced_at = time.monotonic()




# --- inputs -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class InputFile:
    """An input: its path (as given or found), its output path relative to ``--out-dir``, and whether it
    was named on the command line (named files are all checked before anything is written)."""

    source: str
    rel: str
    named: bool = True


_MAGIC = frozenset("*?[")


def _walk(folder: Path, skip: Path | None) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or (here / d).resolve() != skip))
        found += [here / f for f in sorted(files)
                  if not f.startswith(".") and PurePath(f).suffix.lower() in SUFFIXES]
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def expand_inputs(args: Iterable[str], out_dir: Path | None = None, folders: bool = True) -> list[InputFile]:
    """Files as given (output: their bare name), folders walked (files with a document suffix, hidden ones
    and ``out_dir`` skipped) and glob patterns (``**`` recurses); found files keep their path relative to
    the folder (or the pattern's fixed part) under ``--out-dir``. With ``folders`` false a folder is kept
    as a named input (and reading it fails: one output cannot hold a folder)."""
    skip = out_dir.resolve() if out_dir is not None else None
    out: list[InputFile] = []
    for arg in args:
        path = Path(arg)
        if arg != "-" and folders and path.is_dir():
            files = _walk(path, skip)
            if not files:
                raise InputError(f"no document in this folder (suffixes read: {' '.join(sorted(SUFFIXES))})", arg)
            out += [InputFile(str(f), f.relative_to(path).as_posix(), named=False) for f in files]
        elif arg != "-" and not path.exists() and _MAGIC & set(arg):
            parts = PurePath(arg).parts
            fixed = next((i for i, p in enumerate(parts) if _MAGIC & set(p)), len(parts))
            base = Path(*parts[:fixed]) if fixed else Path(".")
            files = sorted(Path(m) for m in glob.glob(arg, recursive=True) if Path(m).is_file())
            if skip is not None:
                files = [f for f in files if not f.resolve().is_relative_to(skip)]
            if not files:
                raise InputError("no file matches this pattern", arg)
            out += [InputFile(str(f), f.relative_to(base).as_posix(), named=False) for f in files]
        else:
            out.append(InputFile(arg, PurePath(arg).name))
    return out


# --- the run ------------------------------------------------------------------------------------------

class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, edits: int) -> None: ...

    def stop(self) -> None: ...


@dataclass
class BatchOutcome:
    """What a batch run did: an outcome per finished document (in input order), how many were resumed,
    and an error line per document that could not be repaired (skipped)."""

    outcomes: list[Outcome]
    resumed: int
    signature: str | None
    failed: list[str] = field(default_factory=list)


def run_batch(jobs: list[Job], out_dir: str | Path, key: str, engine: Engine, progress: Progress,
              encoding: str = "utf-8", max_line_chars: int = 1_000_000,
              on_error: Callable[[str], None] | None = None,
              describe: Callable[[Job, list[Edit]], list[Any]] | None = None) -> BatchOutcome:
    """Repair ``jobs`` into ``out_dir`` with ``engine``, skipping those the manifest records as finished.

    Each output is written atomically (by the engine's workers, or here when an outcome brings its bytes
    back), then recorded in the manifest as its outcome arrives, in job order. A job that fails (a bad
    file found in a folder) is reported through ``on_error`` and skipped. If the run stops (an error,
    Ctrl-C), the engine is closed and the temporary files of the writes it stopped are removed.
    A finished batch resumes without starting a worker or loading a model; ``describe(job, edits)`` gives
    a resumed document its report items (for ``--report``).
    """
    out_dir = Path(out_dir)
    done: dict[int, Outcome] = {}
    failed: list[str] = []
    resumed = 0
    sig: str | None = None
    with Manifest(out_dir) as manifest:
        progress.start(len(jobs))
        pending = []
        for job in jobs:
            rec = manifest.finished(job, key, encoding, max_line_chars)
            if rec is None:
                pending.append(job)
                continue
            old = str(rec.get("source", ""))
            edits = [Edit.from_dict({**e, "doc": job.name + e["doc"][len(old):] if e["doc"].startswith(old)
                                     else e["doc"]}) for e in rec["edits"]]
            done[job.index] = Outcome(job.index, job.rel, edits=edits, signature=rec.get("signature"),
                                      report=describe(job, edits) if describe is not None else [])
            sig = sig or rec.get("signature")
            resumed += 1
            progress.advance(len(edits))
        try:
            for out in engine.map(pending, out_dir) if pending else ():
                if out.error is not None:
                    failed.append(out.error)
                    if on_error is not None:
                        on_error(out.error)
                    progress.advance(0)
                    continue
                if not out.out_sha256:  # the engine sent the bytes back: write them here
                    write_output(out, out_dir)
                job = jobs[out.index]  # jobs are numbered in order
                manifest.add({"format": _FORMAT, "name": out.rel, "source": job.name, "run": key,
                              "signature": out.signature, "sha256": out.sha256, "out_sha256": out.out_sha256},
                             out.edits_json)
                done[out.index] = out
                sig = out.signature
                progress.advance(len(out.edits))
        except BaseException:
            engine.close()  # its workers stopped, no write is under way:
            remove_stale_temporaries(out_dir, recursive=True)  # remove the temporaries of the writes stopped
            raise
        progress.stop()
    return BatchOutcome([done[j.index] for j in jobs if j.index in done], resumed, sig, failed)
