"""``retrans eval`` (edits against gold, terms, sacrebleu before/after) and ``retrans report``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .. import __version__
from ..config import DEFAULT_LANG
from ..errors import InputError
from ..evaluate import (
    doc_key,
    eval_signature,
    evaluate_edits,
    find_sources,
    read_edit_log,
    read_sources,
    term_accuracy,
)
from ..score import corpus_scores, paired_significance
from .common import err, load_glossaries
from .score import read_lines

_METRICS = ("BLEU", "chrF", "TER")


def _lines(text: str) -> list[str]:
    """Segments of a text as :func:`retrans.cli.score.read_lines` splits a file."""
    import io

    return [line.rstrip() for line in io.StringIO(text, newline=None)]


def eval_(
    gold: Path = typer.Option(..., "--gold", help="Gold edits (JSON Lines, edit-log format)."),
    edits: Path = typer.Option(..., "--edits", help="The system's edit log (from retrans fix --edits)."),
    source: list[str] = typer.Option(None, "--source", "-s", help="Source (MT) text of the documents: a "
                                     "text file, or a TSV with id and mt columns (repeatable). Default: "
                                     "each doc field read as a path, also relative to the gold and edit-log "
                                     "folders."),
    ref: list[str] = typer.Option(None, "--ref", "-r", help="Reference text, one per document (repeatable)."),
    before: list[str] = typer.Option(None, "--before", help="MT text per --ref (default: the source text)."),
    after: list[str] = typer.Option(None, "--after", help="Repaired text per --ref (default: the source with "
                                    "the applied edits)."),
    glossary: list[Path] = typer.Option(None, "--glossary", "-g", help="Glossary for term accuracy "
                                        "(default: the shipped one)."),
    lang: str = typer.Option(DEFAULT_LANG, "--lang", help="Language of the terms."),
    test: str = typer.Option("bs", "--test", help="Paired test: bs (bootstrap) or ar."),
    samples: int = typer.Option(0, "--samples", help="Resamples/trials (0: sacrebleu's default)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Score a repair run: edit P/R/F0.5 against gold (per kind and entry), term accuracy,
    and BLEU/chrF/TER before vs after with paired significance and chrF per document."""
    if test not in ("bs", "ar"):
        raise typer.BadParameter("--test must be 'bs' or 'ar'")
    gold_edits, sys_edits = read_edit_log(gold), read_edit_log(edits)
    docs = [e.doc for e in gold_edits + sys_edits]
    sources = find_sources(docs, read_sources(source or []), [gold.parent, edits.parent])
    ev = evaluate_edits(gold_edits, sys_edits, sources, str(gold), str(edits))
    result: dict = {"signature": eval_signature(gold, edits), "edits": ev.to_dict()}
    if ref:
        result.update(_ref_scores(ref, before or [], after or [], ev.outputs, sources, glossary, lang, test,
                                  samples))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    _show(result)


def _ref_scores(refs: list[str], before: list[str], after: list[str], outputs: dict[str, str],
                sources: dict[str, str], glossary: list[Path] | None, lang: str, test: str, samples: int) -> dict:
    if bool(before) != bool(after) or (before and len(before) != len(refs)):
        raise typer.BadParameter("give --before and --after once per --ref, or neither")
    if before:
        pairs = [(r, doc_key(a), read_lines(b), read_lines(a)) for r, b, a in zip(refs, before, after)]
    else:
        if len(refs) != 1 or len(outputs) != 1:
            raise typer.BadParameter("with several documents, give --before and --after for each --ref")
        key = next(iter(outputs))
        pairs = [(refs[0], key, _lines(sources[key]), _lines(outputs[key]))]
    ref_lines, mt, fixed, per_doc = [], [], [], []
    for name, doc, b, a in pairs:
        r = read_lines(name)
        for what, lines in (("MT", b), ("repaired", a)):
            if len(lines) != len(r):
                raise InputError(f"reference has {len(r)} lines, the {what} text {len(lines)}", name)
        chrf_b, chrf_a = (corpus_scores(x, [r])["chrF"]["score"] for x in (b, a))
        per_doc.append({"doc": doc, "before": chrf_b, "after": chrf_a, "delta": round(chrf_a - chrf_b, 4)})
        ref_lines += r
        mt += b
        fixed += a
    sig = paired_significance([("before", mt), ("after", fixed)], [ref_lines], test=test, n_samples=samples)
    scores = {m: {"before": sig["systems"]["before"][m]["score"], "after": sig["systems"]["after"][m]["score"],
                  "p_value": sig["systems"]["after"][m]["p_value"]} for m in _METRICS}
    gl = load_glossaries(glossary)
    t_before, _ = term_accuracy(gl, lang, ref_lines, mt)
    t_after, t_entries = term_accuracy(gl, lang, ref_lines, fixed)
    return {"scores": scores, "significance": {"test": sig["test"], "seed": sig["seed"],
                                               "signatures": sig["signatures"]},
            "chrf_by_doc": sorted(per_doc, key=lambda d: d["after"]),
            "terms": {"before": t_before.to_dict(), "after": t_after.to_dict(),
                      "by_entry": {k: v.to_dict() for k, v in t_entries.items()}, "glossary": gl.digest[:12]}}


def _show(result: dict) -> None:
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    e = result["edits"]
    table = Table(title="edits against gold (ERRANT-style)", header_style="bold")
    for col in ("", "TP", "FP", "FN", "P", "R", "F0.5"):
        table.add_column(col, justify="left" if not col else "right")

    def row(label: str, d: dict, style: str = "") -> None:
        table.add_row(label, str(d["tp"]), str(d["fp"]), str(d["fn"]), f"{d['precision']:.3f}",
                      f"{d['recall']:.3f}", f"{d['f0.5']:.3f}", style=style)

    row("all (exact)", e["exact"], "bold")
    row("all (span only)", e["span"])
    for kind, d in e["by_kind"].items():
        row(f"kind: {kind}", d)
    clean = 0
    for entry, d in e["by_entry"].items():
        if d["fp"] or d["fn"]:
            row(f"entry: {entry}", d)
        else:
            clean += 1
    if clean:
        table.caption = f"{clean} entr{'y' if clean == 1 else 'ies'} with no errors not shown (see --json)"
    out.print(table)
    if "scores" in result:
        t = Table(title="before -> after", header_style="bold")
        for col in ("metric", "before", "after", "delta", "p"):
            t.add_column(col, justify="left" if col == "metric" else "right")
        for m, s in result["scores"].items():
            star = " *" if s["p_value"] is not None and s["p_value"] < 0.05 else ""
            t.add_row(m, f"{s['before']:.2f}", f"{s['after']:.2f}", f"{s['after'] - s['before']:+.2f}",
                      f"{s['p_value']:.4f}{star}")
        tb, ta = result["terms"]["before"], result["terms"]["after"]
        t.add_row("term acc.", f"{100 * tb['accuracy']:.1f}", f"{100 * ta['accuracy']:.1f}",
                  f"{100 * (ta['accuracy'] - tb['accuracy']):+.1f}", f"{ta['terms']} terms")
        t.add_row("term acc. (ci)", f"{100 * tb['accuracy_ci']:.1f}", f"{100 * ta['accuracy_ci']:.1f}",
                  f"{100 * (ta['accuracy_ci'] - tb['accuracy_ci']):+.1f}", "")
        out.print(t)
        worst = Table(title="worst documents (chrF after)", header_style="bold")
        for col in ("document", "before", "after", "delta"):
            worst.add_column(col, justify="left" if col == "document" else "right")
        for d in result["chrf_by_doc"][:10]:
            worst.add_row(d["doc"], f"{d['before']:.2f}", f"{d['after']:.2f}", f"{d['delta']:+.2f}")
        out.print(worst)
        s = result["significance"]
        out.print(f"BLEU signature: {s['signatures']['BLEU']}")
    else:
        docs = sorted(e["by_doc"].items(), key=lambda kv: -(kv[1]["fp"] + kv[1]["fn"]))
        bad = [(k, d) for k, d in docs if d["fp"] + d["fn"]][:10]
        if bad:
            worst = Table(title="worst documents (FP + FN)", header_style="bold")
            for col in ("document", "FP", "FN"):
                worst.add_column(col, justify="left" if col == "document" else "right")
            for k, d in bad:
                worst.add_row(k, str(d["fp"]), str(d["fn"]))
            out.print(worst)
    out.print(f"eval signature: {result['signature']}")


def report(
    inputs: list[str] = typer.Argument(..., help="The input texts the edit log was made from."),
    edits: Path = typer.Option(..., "--edits", help="The edit log (from retrans fix --edits)."),
    output: Path = typer.Option(..., "--output", "-o", help="Write the HTML report here."),
    ref: list[str] = typer.Option(None, "--ref", "-r", help="Reference per input, for metric deltas."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input files."),
) -> None:
    """Build the HTML review report from an edit log and its inputs (as fix --report does)."""
    from ..apply import apply_edits
    from ..errors import FormatError
    from ..formats.text import read_text
    from ..pipeline import DocumentResult
    from ..records import RunSignature
    from ..report import write_report

    if ref and len(ref) != len(inputs):
        raise typer.BadParameter("give one --ref per input, or none")
    log = read_edit_log(edits)
    texts = [(src, read_text(src, encoding)[0]) for src in inputs]
    names = {src: doc_key(src) for src in inputs}
    by_doc: dict[str, list] = {}
    for e in log:
        match = [s for s in inputs if e.doc == s] or [s for s in inputs if doc_key(e.doc) == names[s]]
        if not match:
            raise InputError(f"the edit log names document {e.doc!r}, which is not among the inputs", str(edits))
        by_doc.setdefault(match[0], []).append(e)
    documents = []
    for src, text in texts:
        doc_edits = tuple(by_doc.get(src, ()))
        try:
            out = apply_edits(text, doc_edits)
        except ValueError as exc:
            raise FormatError(f"does not fit {src}: {exc}", str(edits)) from None
        documents.append((src, text, DocumentResult(src, out, doc_edits)))
    metrics = None
    if ref:
        ref_lines = [line for r in ref for line in read_lines(r)]
        mt = [line for _, t, _ in documents for line in _lines(t)]
        fixed = [line for _, _, r in documents for line in _lines(r.text)]
        if not len(ref_lines) == len(mt) == len(fixed):
            raise InputError(f"the references have {len(ref_lines)} lines, the inputs {len(mt)}")
        b, a = corpus_scores(mt, [ref_lines]), corpus_scores(fixed, [ref_lines])
        metrics = {m: (b[m]["score"], a[m]["score"]) for m in _METRICS}
    signature = RunSignature(__version__, "unknown", "unknown", "unknown", "unknown")
    write_report(output, documents, signature, metrics=metrics, source=f"edit log {edits.name}")
    err.print(f"retrans: report of {len(documents)} document(s), {len(log)} edit(s) written to {output}",
              markup=False)


def no_ref_scores(files: list[str], edits: Path | None, glossary: list[Path] | None, lang: str, model: str,
                  as_json: bool) -> None:
    """``retrans score --no-ref``: rate files without a reference, worst first."""
    from ..config import RepairConfig
    from ..formats.text import read_text
    from ..noref import rate, worst_first
    from ..pipeline import Repairer, make_ranker
    from ..rank import GlossaryRanker

    texts = [(f, read_text(f)[0]) for f in files]
    gl = load_glossaries(glossary)
    if lang not in gl.languages():
        raise InputError(f"the glossary has no forms for language {lang!r}")
    config = RepairConfig(lang=lang, model=model)
    if edits is not None:
        log = read_edit_log(edits)
        keys = {doc_key(f) for f in files}
        stray = sorted({e.doc for e in log if doc_key(e.doc) not in keys})
        if stray:
            raise InputError(f"the edit log names document {stray[0]!r}, which is not among the files", str(edits))
        repairer = Repairer(gl, GlossaryRanker(config.rank), config)  # detection only
        per_doc = {f: [e for e in log if doc_key(e.doc) == doc_key(f)] for f in files}
    else:
        repairer = Repairer(gl, make_ranker(model, config), config)
        per_doc = {f: list(repairer.repair(t, f).edits) for f, t in texts}
    scores = [rate(f, t, repairer.detect(t.split("\n")), per_doc[f], config.rank) for f, t in texts]
    ranked = worst_first(scores)
    if as_json:
        typer.echo(json.dumps({"documents": [s.to_dict() for s in ranked], "signature": repairer.signature.format()
                               if edits is None else f"edits:{edits.name}|glossary:{gl.digest[:12]}|lang:{lang}"},
                              ensure_ascii=False, indent=1))
        return
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    table = Table(title="reference-free, worst first", header_style="bold")
    for col in ("document", "words", "suspects", "per 1k words", "fixed", "uncertain", "confidence"):
        table.add_column(col, justify="left" if col == "document" else "right")
    for s in ranked:
        conf = "–" if s.confidence is None else f"{s.confidence:.2f}"
        table.add_row(Path(s.doc).name, str(s.words), str(s.suspects), f"{s.per_1000:.1f}",
                      f"{100 * s.share_fixed:.0f}%", f"{100 * s.share_uncertain:.0f}%", conf)
    out.print(table)
