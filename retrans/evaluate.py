"""Evaluate a repair run against gold edits, the way ERRANT's compare_m2 does, and score terms.

Edits are compared after normalisation: both the gold edits and the system's
applied edits are applied to the source text, and the token-aligned differences
between the source and each result (``retrans.score.diff_edits``) are what is
compared. "the third city of Ukraine" -> "the city of Sumy in Ukraine" is thus
counted as the two minimal edits ``third -> ''`` and ``'' -> Sumy in``, exactly
as the gold file (built the same way by ``corpora/build_gold.py``) has them.

An edit matches when its span and its replacement match (``exact``); ``span``
counts the span alone. Each normalised edit is attributed to the logged edit it
came from, so that the counts can be broken down by kind and by glossary entry.

Term accuracy follows the WMT21 terminology task: of the glossary terms (the
canonical forms of the target language) that the reference contains, the share
that the output renders with the canonical form, line by line; ``exact`` is
case-sensitive, ``ci`` compares lower-cased text (no lemmatisation in either).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from . import __version__
from .apply import apply_edits
from .detect import _is_word_char, fold
from .errors import FormatError, InputError
from .formats.text import read_text
from .glossary import Glossary
from .records import Edit
from .score import PRF, TextEdit, diff_edits

OTHER = "other"  # kind of a gold edit that no glossary span explains
_REQUIRED = {"doc": str, "line": int, "start": int, "end": int, "original": str, "replacement": str}
_EDIT_FIELDS = {f.name for f in fields(Edit)}


# ---------------------------------------------------------------------------- reading


def parse_edit(obj: object, path: str, lineno: int, extra: Iterable[str] = ()) -> Edit:
    """One edit-log object as an :class:`Edit`; :class:`FormatError` names ``path:lineno``."""
    if not isinstance(obj, dict):
        raise FormatError("expected a JSON object", path, lineno)
    unknown = set(obj) - _EDIT_FIELDS - set(extra)
    if unknown:
        raise FormatError(f"unknown edit field(s): {', '.join(sorted(unknown))}", path, lineno)
    for key, typ in _REQUIRED.items():
        if key not in obj:
            raise FormatError(f"missing field {key!r}", path, lineno)
        if not isinstance(obj[key], typ) or isinstance(obj[key], bool):
            raise FormatError(f"field {key!r} must be a {typ.__name__}", path, lineno)
    if obj["line"] < 1 or not 0 <= obj["start"] <= obj["end"]:
        raise FormatError("bad offsets (line must be >= 1, 0 <= start <= end)", path, lineno)
    data = {k: v for k, v in obj.items() if k in _EDIT_FIELDS}
    data.setdefault("entry", "")
    data.setdefault("kind", OTHER)
    data.setdefault("applied", True)
    if data.get("score") is None:  # gold files carry no score
        data["score"] = float("nan")
    return Edit(**data)


def read_edit_log(path: str | Path, extra: Iterable[str] = ()) -> list[Edit]:
    """Read a JSON Lines edit log (or gold file). Blank lines are skipped; a line that is
    a JSON object with a ``signature`` key and no ``doc`` is taken as a header and skipped."""
    name = str(path)
    text, _ = read_text(path, allow_empty=True)
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"not JSON ({exc.msg}, column {exc.colno})", name, n) from None
        if isinstance(obj, dict) and "signature" in obj and "doc" not in obj:
            continue
        out.append(parse_edit(obj, name, n, extra))
    return out


def doc_key(doc: str) -> str:
    """Documents are matched by base name: ``corpora/seed/x.txt`` and ``x.txt`` are one document."""
    return Path(doc).name


def read_sources(paths: Iterable[str | Path]) -> dict[str, str]:
    """Source (MT) texts by document key: a text file is one document; a ``.tsv`` file
    with ``id`` and ``mt`` columns (like ``corpora/dev/dev.tsv``) is one document per row."""
    out: dict[str, str] = {}
    for p in paths:
        name = str(p)
        if name.endswith(".tsv"):
            text, _ = read_text(p)
            rows = csv.DictReader(text.split("\n"), delimiter="\t", quoting=csv.QUOTE_NONE)
            if not rows.fieldnames or not {"id", "mt"} <= set(rows.fieldnames):
                raise InputError("a source TSV needs a header with 'id' and 'mt' columns", name, 1)
            for n, row in enumerate(rows, 2):
                if row.get("id") is None or row.get("mt") is None:
                    raise InputError("row has too few columns", name, n)
                out[row["id"]] = row["mt"]
        else:
            out[doc_key(name)] = read_text(p)[0]
    return out


def find_sources(docs: Iterable[str], given: Mapping[str, str], bases: Sequence[Path]) -> dict[str, str]:
    """The source text of every document: from ``given``, else the ``doc`` field read as a path
    (as is, then relative to each of ``bases``, e.g. the gold and edit-log folders)."""
    out: dict[str, str] = {}
    for doc in docs:
        key = doc_key(doc)
        if key in out:
            continue
        if key in given:
            out[key] = given[key]
            continue
        for cand in [Path(doc), *(b / doc for b in bases), *(b / key for b in bases)]:
            if cand.is_file():
                out[key] = read_text(cand)[0]
                break
        else:
            raise InputError(f"source text of document {doc!r} not found; pass it with --source")
    return out


# ---------------------------------------------------------------------------- normalising


@dataclass(frozen=True)
class NormEdit:
    """A minimal token-level edit with the entry and kind of the logged edit it came from."""

    doc: str
    line: int
    start: int
    end: int
    replacement: str
    entry: str
    kind: str

    def key(self, spans_only: bool = False) -> tuple:
        return (self.doc, self.line, self.start, self.end) if spans_only else \
            (self.doc, self.line, self.start, self.end, self.replacement)


def _touches(d: TextEdit | Edit, e: Edit) -> bool:
    """``d`` overlaps ``e``; an insertion also touches an edit that ends one space before it."""
    slack = 1 if d.start == d.end else 0
    return d.line == e.line and d.start <= e.end + slack and d.end >= e.start


def normalise(source: str, edits: Sequence[Edit], doc: str, origin: str = "edits") -> tuple[str, list[NormEdit]]:
    """Apply the applied ``edits`` to ``source``; return the result and its minimal edits.

    Each minimal edit takes the entry and kind of the first applied logged edit that
    overlaps or touches it; otherwise it is kind ``other``.
    """
    try:
        result = apply_edits(source, edits)
    except ValueError as exc:
        raise FormatError(f"document {doc!r}: {exc}", origin) from None
    out = []
    for d in diff_edits(source, result, doc):
        hit = next((e for e in edits if e.applied and e.entry and _touches(d, e)), None)
        entry, kind = (hit.entry, hit.kind) if hit else ("", OTHER)
        out.append(NormEdit(doc, d.line, d.start, d.end, d.replacement, entry, kind))
    return result, out


def compare(gold: Iterable[NormEdit], hyp: Iterable[NormEdit], spans_only: bool = False) -> PRF:
    """TP/FP/FN by set membership, as ERRANT's compare_m2 counts them."""
    g = {e.key(spans_only) for e in gold}
    h = {e.key(spans_only) for e in hyp}
    return PRF(len(g & h), len(h - g), len(g - h))


def breakdown(gold: Sequence[NormEdit], hyp: Sequence[NormEdit], attr: str,
              spans_only: bool = False) -> dict[str, PRF]:
    """P/R per value of ``attr`` (``kind`` or ``entry``): a true positive and a false positive
    count under the system edit's value, a false negative under the gold edit's."""
    hyp_by = {e.key(spans_only): getattr(e, attr) for e in hyp}
    gold_by = {e.key(spans_only): getattr(e, attr) for e in gold}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for k, v in hyp_by.items():
        counts[v or gold_by.get(k, "") or "-"][0 if k in gold_by else 1] += 1
    for k, v in gold_by.items():
        if k not in hyp_by:
            counts[v or "-"][2] += 1
    return {k: PRF(*c) for k, c in sorted(counts.items())}


@dataclass(frozen=True)
class EditEval:
    """Edit-level results of one evaluation."""

    exact: PRF
    span: PRF
    by_kind: dict[str, PRF]
    by_entry: dict[str, PRF]
    by_doc: dict[str, PRF]
    gold: list[NormEdit]
    hyp: list[NormEdit]
    outputs: dict[str, str]  # document key -> repaired text

    def to_dict(self) -> dict:
        return {"exact": self.exact.to_dict(), "span": self.span.to_dict(),
                "by_kind": {k: v.to_dict() for k, v in self.by_kind.items()},
                "by_entry": {k: v.to_dict() for k, v in self.by_entry.items()},
                "by_doc": {k: v.to_dict() for k, v in self.by_doc.items()},
                "gold_edits": len(self.gold), "system_edits": len(self.hyp), "documents": len(self.outputs)}


def evaluate_edits(gold: Sequence[Edit], hyp: Sequence[Edit], sources: Mapping[str, str],
                   gold_name: str = "gold", hyp_name: str = "edits") -> EditEval:
    """Normalise gold and system edits over every document either names, and compare them."""
    by_doc: dict[str, tuple[list[Edit], list[Edit]]] = {}
    for e in gold:
        by_doc.setdefault(doc_key(e.doc), ([], []))[0].append(e)
    for e in hyp:
        by_doc.setdefault(doc_key(e.doc), ([], []))[1].append(e)
    g_all: list[NormEdit] = []
    h_all: list[NormEdit] = []
    outputs: dict[str, str] = {}
    per_doc: dict[str, PRF] = {}
    for key in sorted(by_doc):
        g_edits, h_edits = by_doc[key]
        src = sources[key]
        g = gold_edits(src, g_edits, key, gold_name, fallback=h_edits)
        outputs[key], h = normalise(src, h_edits, key, hyp_name)
        per_doc[key] = compare(g, h)
        g_all += g
        h_all += h
    return EditEval(compare(g_all, h_all), compare(g_all, h_all, spans_only=True),
                    breakdown(g_all, h_all, "kind"), breakdown(g_all, h_all, "entry"), per_doc,
                    g_all, h_all, outputs)


def gold_edits(source: str, edits: Sequence[Edit], doc: str, origin: str = "gold",
               fallback: Sequence[Edit] = ()) -> list[NormEdit]:
    """Gold records as minimal edits. A gold file is already in ``diff_edits`` form (as
    ``corpora/build_gold.py`` writes it), so it is checked against the source, not re-diffed
    (an insertion's spacing is not in the record, so re-applying it would not round-trip)."""
    lines = source.split("\n")
    out = []
    for e in edits:
        if e.line > len(lines) or lines[e.line - 1][e.start : e.end] != e.original:
            raise FormatError(f"gold edit of document {doc!r} at line {e.line}:{e.start} expects "
                              f"{e.original!r}, which the source does not have there", origin)
        entry, kind = e.entry, e.kind
        if not entry:
            hit = next((f for f in fallback if f.entry and _touches(e, f)), None)
            if hit is not None:
                entry, kind = hit.entry, hit.kind
        out.append(NormEdit(doc, e.line, e.start, e.end, e.replacement, entry, kind or OTHER))
    return out


# ---------------------------------------------------------------------------- terms


def count_form(form: str, text: str, ignore_case: bool = False) -> int:
    """Occurrences of ``form`` in ``text`` at word boundaries in any script."""
    if ignore_case:
        form, text = fold(form), fold(text)
    n, i = 0, text.find(form)
    while i >= 0 and form:
        end = i + len(form)
        left_ok = i == 0 or not (_is_word_char(text[i - 1]) and _is_word_char(text[i]))
        right_ok = end == len(text) or not (_is_word_char(text[end]) and _is_word_char(text[end - 1]))
        if left_ok and right_ok:
            n += 1
        i = text.find(form, i + 1)
    return n


@dataclass(frozen=True)
class TermScore:
    """Of ``total`` reference term occurrences, how many the output renders (exact / case-insensitive)."""

    total: int
    exact: int
    ci: int

    @property
    def accuracy(self) -> float:
        return self.exact / self.total if self.total else 1.0

    @property
    def accuracy_ci(self) -> float:
        return self.ci / self.total if self.total else 1.0

    def to_dict(self) -> dict:
        return {"terms": self.total, "exact": self.exact, "ci": self.ci,
                "accuracy": round(self.accuracy, 4), "accuracy_ci": round(self.accuracy_ci, 4)}


def term_accuracy(glossary: Glossary, lang: str, refs: Sequence[str], hyps: Sequence[str]
                  ) -> tuple[TermScore, dict[str, TermScore]]:
    """Term accuracy over aligned reference and output lines; overall and per entry."""
    if len(refs) != len(hyps):
        raise ValueError(f"{len(hyps)} output lines for {len(refs)} reference lines")
    terms = [(entry.id, forms.canonical) for entry, forms in glossary.forms(lang) if forms.canonical.strip()]
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for ref, hyp in zip(refs, hyps):
        for entry_id, form in terms:
            n = count_form(form, ref)
            if not n:
                continue
            c = per[entry_id]
            c[0] += n
            c[1] += min(n, count_form(form, hyp))
            c[2] += min(n, count_form(form, hyp, ignore_case=True))
    total = TermScore(*(sum(c[i] for c in per.values()) for i in range(3)))
    return total, {k: TermScore(*v) for k, v in sorted(per.items())}


# ---------------------------------------------------------------------------- signature


def file_digest(path: str | Path) -> str:
    """First 12 hex digits of a file's sha256, for signatures."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def eval_signature(gold: str | Path, edits: str | Path) -> str:
    """``k:v|k:v`` provenance of an evaluation: the files compared and how edits were matched."""
    return f"gold:{file_digest(gold)}|edits:{file_digest(edits)}|match:ws-token-diff|beta:0.5|version:{__version__}"
