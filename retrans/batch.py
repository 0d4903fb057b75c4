"""Resumable ``--out-dir`` runs: a manifest in the output folder records each finished document.

The manifest (``.retrans-manifest.jsonl`` in the output folder) gets one JSON line
per finished document: its input's sha256, the sha256 of the output written, the
key of the run settings, and the document's edits. A document is finished when its
output has been renamed into place and then its line appended and fsynced. A run
that is killed at any point leaves complete outputs and complete lines only (a torn
last line is cut off when the manifest is next opened); the next run with the same
settings skips every document whose input, settings and output still match, and
redoes the rest, so its outputs and edit log equal those of an uninterrupted run.

The manifest is locked while a run uses it, so two runs never write one folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .config import RepairConfig
from .formats.text import OutputError, encode_text, remove_stale_temporaries, write_files_atomic
from .pipeline import DocumentResult
from .records import Edit

MANIFEST_NAME = ".retrans-manifest.jsonl"
_FORMAT = 1

try:  # POSIX advisory locks; elsewhere runs are simply not locked
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


def run_key(config: RepairConfig, glossary_digest: str, encoding: str) -> str:
    """A digest of everything that decides a document's output: same key, same output."""
    payload = {"version": __version__, "glossary": glossary_digest, "config": asdict(config),
               "encoding": encoding}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def text_digest(text: str, bom: bool) -> str:
    """sha256 of a decoded input (the BOM counts)."""
    return hashlib.sha256((("\ufeff" if bom else "") + text).encode("utf-8", "surrogatepass")).hexdigest()


def edit_record(edit: Edit) -> dict[str, Any]:
    """``edit.to_dict()``, the fast way: an Edit is flat (its one dict, ``evidence``, is copied)."""
    data = dict(vars(edit))
    data["evidence"] = dict(edit.evidence)
    return data


@dataclass(frozen=True)
class BatchDoc:
    """One input of a batch, read and checked, with the path its output goes to."""

    source: str
    text: str
    bom: bool
    target: Path


class Manifest:
    """The record of finished documents in one output folder (a context manager that holds its lock)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST_NAME
        self.records: dict[str, dict[str, Any]] = {}
        self._fh: Any = None

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
        remove_stale_temporaries(self.folder)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
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

    def finished(self, doc: BatchDoc, key: str) -> dict[str, Any] | None:
        """The record of ``doc`` if it was finished with these settings and its output is intact."""
        rec = self.records.get(doc.target.name)
        if rec is None or rec.get("run") != key or rec.get("sha256") != text_digest(doc.text, doc.bom):
            return None
        try:
            data = doc.target.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != rec.get("out_sha256"):
            return None
        return rec

    def add(self, rec: dict[str, Any]) -> None:
        """Append one record and make it durable."""
        line = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self._fh.seek(0, os.SEEK_END)
            self._fh.write(line)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise OutputError(f"cannot write the manifest: {exc.strerror or exc}", str(self.path)) from None
        self.records[rec["name"]] = rec


@dataclass
class BatchOutcome:
    """What a batch run did: a result per document (in input order) and how many were resumed."""

    results: list[DocumentResult]
    resumed: int
    signature: str | None


def run_batch(docs: Sequence[BatchDoc], out_dir: str | Path, key: str, encoding: str,
              repair: Callable[[str, str], DocumentResult], signature: Callable[[], str]) -> BatchOutcome:
    """Repair ``docs`` into ``out_dir``, skipping those the manifest records as finished.

    ``repair(text, doc)`` runs the pipeline; it (and ``signature()``) is only called
    when some document needs repairing, so a finished batch resumes without a model.
    """
    results: list[DocumentResult] = []
    resumed = 0
    sig: str | None = None
    with Manifest(out_dir) as manifest:
        for doc in docs:
            rec = manifest.finished(doc, key)
            if rec is not None:
                edits = tuple(Edit.from_dict({**e, "doc": doc.source}) for e in rec["edits"])
                results.append(DocumentResult(doc.source, _decoded(doc.target, encoding), edits))
                sig = sig or rec.get("signature")
                resumed += 1
                continue
            result = repair(doc.text, doc.source)
            sig = signature()
            data = encode_text(result.text, doc.bom, encoding, str(doc.target))
            write_files_atomic([(doc.target, data)])
            manifest.add({"format": _FORMAT, "name": doc.target.name, "source": doc.source, "run": key,
                          "signature": sig, "sha256": text_digest(doc.text, doc.bom),
                          "out_sha256": hashlib.sha256(data).hexdigest(),
                          "edits": [edit_record(e) for e in result.edits]})
            results.append(result)
    return BatchOutcome(results, resumed, sig)


def _decoded(path: Path, encoding: str) -> str:
    text = path.read_bytes().decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text
