"""``retrans score``: BLEU, chrF and TER with sacrebleu, and paired significance."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from ..config import DEFAULT_LANG, DEFAULT_MODEL
from ..errors import InputError
from ..formats.text import read_text
from ..score import corpus_scores, paired_significance


def read_lines(path: str) -> list[str]:
    """Segments of a file, one per line, read as the sacrebleu CLI reads them."""
    text, _ = read_text(path)
    return [line.rstrip() for line in io.StringIO(text, newline=None)]


def score(
    systems: list[str] = typer.Argument(..., help="System output files (one segment per line)."),
    ref: list[str] = typer.Option(None, "--ref", "-r", help="Reference file (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    test: str = typer.Option("bs", "--test", help="Paired test with 2+ systems: bs (bootstrap) or ar."),
    samples: int = typer.Option(0, "--samples", help="Resamples/trials (0: sacrebleu's default)."),
    tokenize: str = typer.Option("13a", "--tokenize", help="BLEU tokenisation: 13a (sacrebleu's default) or "
                                 "spm (the shipped SentencePiece model; offline)."),
    spm_model: Path = typer.Option(None, "--spm-model", help="SentencePiece model for --tokenize spm "
                                   "(default: the shipped retrans/spm_news.model)."),
    no_ref: bool = typer.Option(False, "--no-ref", help="Rate the files without a reference (see retrans "
                                "score --help): suspects per 1,000 words, share fixed/uncertain, confidence."),
    edits: Path = typer.Option(None, "--edits", help="With --no-ref: the edit log of the files (else they "
                               "are repaired in memory with --model)."),
    glossary: list[Path] = typer.Option(None, "--glossary", "-g", help="With --no-ref: glossary YAML."),
    lang: str = typer.Option(DEFAULT_LANG, "--lang", help="With --no-ref: language of the text."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="With --no-ref and no --edits: ranking model."),
) -> None:
    """Score systems against references; with two or more, test each against the first.
    With --no-ref, rate each file reference-free, worst first."""
    if test not in ("bs", "ar"):
        raise typer.BadParameter("--test must be 'bs' or 'ar'")
    if tokenize not in ("13a", "spm"):
        raise typer.BadParameter("--tokenize must be '13a' or 'spm'")
    if no_ref:
        if ref:
            raise typer.BadParameter("--no-ref and --ref exclude each other")
        from .eval import no_ref_scores

        no_ref_scores(systems, edits, glossary, lang, model, as_json)
        return
    if not ref:
        raise typer.BadParameter("give --ref REF (or --no-ref)")
    refs = [read_lines(r) for r in ref]
    hyps = [(s, read_lines(s)) for s in systems]
    for name, lines in [*zip(ref, refs), *hyps]:
        if len(lines) != len(refs[0]):
            raise InputError(f"has {len(lines)} lines, the first reference has {len(refs[0])}", name)
    if tokenize == "spm":
        from ..spm import load_tokenizer, spm_corpus_scores, spm_paired_significance

        tok = load_tokenizer(str(spm_model)) if spm_model else load_tokenizer()
        result: dict = {"systems": {name: spm_corpus_scores(lines, refs, tok) for name, lines in hyps}}
        if len(hyps) > 1:
            result["significance"] = spm_paired_significance(hyps, refs, tok, test=test, n_samples=samples)
    else:
        result = {"systems": {name: corpus_scores(lines, refs) for name, lines in hyps}}
        if len(hyps) > 1:
            result["significance"] = paired_significance(hyps, refs, test=test, n_samples=samples)
    if as_json:
        for sysres in result["systems"].values():
            for m in sysres.values():
                m.pop("text", None)
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    _show(result)


def _show(result: dict) -> None:
    from rich.console import Console

    out = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    table = Table(header_style="bold")
    table.add_column("system")
    for m in ("BLEU", "chrF", "TER"):
        table.add_column(m, justify="right")
    sig = result.get("significance", {}).get("systems", {})
    for name, metrics in result["systems"].items():
        cells = []
        for m in ("BLEU", "chrF", "TER"):
            cell = f"{metrics[m]['score']:.2f}"
            row = sig.get(name, {}).get(m)
            if row and row["p_value"] is not None:
                cell += f" (p={row['p_value']:.4f}){' *' if row['p_value'] < 0.05 else ''}"
            cells.append(cell)
        table.add_row(Path(name).name, *cells)
    out.print(table)
    first = next(iter(result["systems"].values()))
    for m in ("BLEU", "chrF", "TER"):
        out.print(f"{m} signature: {first[m]['signature']}")
    if "significance" in result:
        s = result["significance"]
        out.print(f"paired test: {s['test']}, seed {s['seed']}; * p < 0.05 against the first system")

