"""Long lines: a JSON Lines article is often one line of many kilobytes. Does repair stay linear in it?

    python -m benchmarks.long_lines [--entries 100000] [--widths 1 8 32] [--mb 1.5] [--copies 10] [--inflecting-only]

Takes the corpus and glossary of ``benchmarks/scale.py`` (made once in ``build/scale/``) and repairs the
same text three ways: as its documents are (lines of a paragraph each), and with each document's lines
joined by spaces into one line, alone or ``width`` documents to a line (about 2.5 kB × width). Whole repair
with ``--model none`` (detection, candidates, ranking with glossary evidence, applying), fuzzy matching off
and on, as ``Repairer.repair_many`` runs it for a JSON Lines file (8 records a call). Reports MB per
CPU-second and milliseconds per document; a rate that falls as lines grow is a cost quadratic in a line.
Each setting runs on the first ``--mb`` megabytes (at least one document), the same text each time: the
exact matcher is shared and has met it all once before, the fuzzy matcher is new for each setting (it
remembers the runs of names it has met). A second table does the same for the inflecting languages' dev sets
(``corpora/dev/<lang>/dev.tsv``, MT column, ``--copies`` times over) with the shipped news glossary: one document
of a sentence per line, and the same sentences as one line. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from benchmarks.scale import corpus, glossary_files, read_glossary_files
from retrans.config import RepairConfig
from retrans.glossary_cache import load_glossary_file, load_matcher
from retrans.pipeline import Repairer, make_ranker

PER_CALL = 8
ROOT = Path(__file__).resolve().parents[1]
INFLECTING = ("cs", "pl", "ru", "uk")


def documents(texts: list[str], width: int | None, mb: float) -> list[str]:
    """``texts`` as they are (``width`` None), or one line per ``width`` documents; the first ``mb`` MB."""
    docs = texts if width is None else [" ".join(t.replace("\n", " ") for t in texts[i : i + width])
                                        for i in range(0, len(texts), width)]
    out, size = [], 0
    for d in docs:
        if out and size >= mb * 1e6:
            break
        out.append(d)
        size += len(d.encode("utf-8"))
    return out


def measure(rep: Repairer, docs: list[str]) -> dict[str, float]:
    """CPU time of repairing ``docs``, :data:`PER_CALL` to a ``repair_many`` call."""
    c0 = time.process_time()
    for k in range(0, len(docs), PER_CALL):
        rep.repair_many([(d, "-", None) for d in docs[k : k + PER_CALL]])
    cpu = time.process_time() - c0
    size = sum(len(d.encode("utf-8")) for d in docs)
    return {"mb_s": size / 1e6 / cpu, "ms_per_doc": cpu / len(docs) * 1e3}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--widths", type=int, nargs="+", default=[1, 8, 32])
    ap.add_argument("--mb", type=float, default=1.5)
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--inflecting-only", action="store_true", help="only the inflecting languages' table")
    args = ap.parse_args()
    if args.inflecting_only:
        return inflecting(args.copies)
    texts = [p.read_text(encoding="utf-8") for p in corpus(10)]
    glossary = read_glossary_files(glossary_files(args.entries))
    print(f"{args.entries:,} entries; whole repair, --model none, {PER_CALL} documents a repair_many call\n")
    print("| documents | kB per line | fuzzy off: MB/s (ms per document) | fuzzy on: MB/s (ms per document) |")
    print("|---|---:|---:|---:|")
    matcher = load_matcher(glossary, "en")
    off_config, on_config = RepairConfig(model="none", fuzzy=False), RepairConfig(model="none")
    off_rep = Repairer(glossary, make_ranker("none", off_config), off_config, matcher=matcher)
    measure(off_rep, documents(texts, None, args.mb))  # the matcher decodes the entries it meets, once
    for width in (None, *args.widths):
        docs = documents(texts, width, args.mb)
        off = measure(off_rep, docs)
        on = measure(Repairer(glossary, make_ranker("none", on_config), on_config, matcher=matcher), docs)
        lines = [len(line) for d in docs for line in d.split("\n")]
        name = "as written (a line per paragraph)" if width is None else f"{width} to a line"
        print(f"| {name} | {sum(lines) / len(lines) / 1e3:.1f} | {off['mb_s']:.2f} ({off['ms_per_doc']:.2f}) "
              f"| {on['mb_s']:.2f} ({on['ms_per_doc']:.2f}) |", flush=True)
    inflecting(args.copies)


def inflecting(copies: int) -> None:
    """Whole repair of each inflecting language's dev sentences, a line each and all on one line."""
    glossary = load_glossary_file(ROOT / "glossaries" / "news.yaml")
    print(f"\nnews glossary; the dev set's MT sentences {copies} times over, whole repair, --model none\n")
    print("| language | kB | a sentence per line: ms | one line: ms | edits |")
    print("|---|---:|---:|---:|---:|")
    for lang in INFLECTING:
        with open(ROOT / "corpora" / "dev" / lang / "dev.tsv", encoding="utf-8", newline="") as f:
            mt = [row["mt"] for row in csv.DictReader(f, delimiter="\t")] * copies
        config = RepairConfig(model="none", lang=lang)
        rep = Repairer(glossary, make_ranker("none", config), config)
        times, edits = [], 0
        for doc in ("\n".join(mt), " ".join(mt)):
            rep.repair(doc)  # the fuzzy matcher then remembers every run: both layouts are timed alike
            c0 = time.process_time()
            edits = len(rep.repair(doc).edits)
            times.append((time.process_time() - c0) * 1e3)
        print(f"| {lang} | {len(' '.join(mt).encode('utf-8')) / 1e3:.0f} | {times[0]:.0f} | {times[1]:.0f} | {edits} |",
              flush=True)


if __name__ == "__main__":
    main()
