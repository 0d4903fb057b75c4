"""Model load time, ranking throughput (ambiguous spans/s) and memory on this machine.

    python benchmarks/speed.py [--model gemma3-270m] [--spans N] [--per-document] [--repeat 1] [--no-clear]
                               [--left-tokens none|N] [--right-tokens none|N]

A span is one proposal; an ambiguous span is one that reaches the model (clear variants,
decided without it, are counted apart; ``--no-clear`` sends every span to the model). The dev set and the seed article
(184 spans; repeated until they hold at least ``--spans`` spans, if asked) are repaired with
``Repairer.repair_many`` (first pass batched across documents) or, with
``--per-document``, one ``repair`` call per document; ``--left-tokens`` and
``--right-tokens`` set the model's scoring window. Prints a table; the README
and docs/throughput.md quote its output. Not a test: timings vary by machine and load.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrans.config import DEFAULT_MODEL, RepairConfig  # noqa: E402
from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.lm import load_scorer  # noqa: E402
from retrans.pipeline import Repairer, make_ranker  # noqa: E402

SEED = ROOT / "corpora" / "seed" / "000_c47c7fd5e8793407.txt"
DEV = ROOT / "corpora" / "dev" / "dev.tsv"


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Counting:
    """Wraps a scorer; counts the candidate sentences it scores, the tokens through the model body
    and the positions through the output layer (as windowed, once per distinct group)."""

    def __init__(self, scorer) -> None:
        self.scorer, self.name = scorer, scorer.name
        self.reset()

    def reset(self) -> None:
        self.sentences = self.body = self.head = 0

    def pieces(self, word: str) -> int:
        return self.scorer.pieces(word)

    def score_groups(self, groups):
        self.sentences += sum(len(g) for g in groups)
        window = getattr(self.scorer, "window", None)
        if window:
            for prefix, tails in {(tuple(p), tuple(map(tuple, t))) for p, t in map(window, groups)}:
                self.body += len(prefix) + sum(map(len, set(tails)))
                # the first token of every alternative is predicted from the same last prefix position
                self.head += 1 + sum(max(0, len(t) - 1) for t in set(tails))
        return self.scorer.score_groups(groups)


def window_arg(value: str) -> int | None:
    return None if value == "none" else int(value)


def documents(repairer: Repairer, want: int) -> tuple[list[tuple[str, str, None]], int, int]:
    """Seed + dev rows, repeated until they hold ``want`` spans; with their span count and the copies."""
    with DEV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    base = [(SEED.read_text(encoding="utf-8"), "seed", None)] + [(r["mt"], r["id"], None) for r in rows]
    per = sum(len(repairer.propose(t.split("\n"), repairer.detect(t.split("\n")))) for t, _, _ in base)
    copies = max(1, -(-want // per))
    docs = [(t, f"{d}#{k}", s) for k in range(copies) for t, d, s in base]
    return docs, per * copies, copies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--spans", type=int, default=0, help="repeat the documents until they hold this many spans "
                    "(default: one copy; a batch scores a repeated sentence once, so copies add spans, not work)")
    ap.add_argument("--per-document", action="store_true", help="call repair per document (no cross-document batch)")
    ap.add_argument("--repeat", type=int, default=1, help="time the ranking this many times, keep the best")
    ap.add_argument("--left-tokens", type=window_arg, default=RepairConfig.lm_left_tokens,
                    help="scoring window before the span, in tokens ('none': the whole sentence)")
    ap.add_argument("--right-tokens", type=window_arg, default=RepairConfig.lm_right_tokens,
                    help="scoring window after the span, in tokens ('none': the whole sentence)")
    ap.add_argument("--no-clear", action="store_true", help="send clear variants to the model too")
    args = ap.parse_args()
    rows = []
    t0 = time.perf_counter()
    glossary = read_glossary(ROOT / "glossaries" / "news.yaml")
    rows.append((f"glossary load (news.yaml, {len(glossary)} entries)", f"{time.perf_counter() - t0:.3f} s"))
    base = rss_mb()
    t0 = time.perf_counter()
    load_scorer(args.model)
    rows.append((f"model load ({args.model}, from cache)", f"{time.perf_counter() - t0:.2f} s"))
    rows.append(("peak resident memory after load", f"{rss_mb():.0f} MB (+{rss_mb() - base:.0f} MB)"))
    config = RepairConfig(model=args.model, lm_left_tokens=args.left_tokens, lm_right_tokens=args.right_tokens)
    if args.no_clear:
        config = replace(config, rank=replace(config.rank, clear_variants=False))
    rows.append(("scoring window (tokens before, after the span)", f"{args.left_tokens}, {args.right_tokens}"))
    ranker = make_ranker(args.model, config)
    counter = Counting(ranker.scorer)
    ranker.scorer = counter
    repairer = Repairer(glossary, ranker, config)
    docs, spans, copies = documents(repairer, args.spans)
    many = getattr(repairer, "repair_many", None)
    best = float("inf")
    for _ in range(args.repeat):
        counter.reset()
        t0 = time.perf_counter()
        if many is None or args.per_document:
            results = [repairer.repair(t, d, s) for t, d, s in docs]
        else:
            results = many(docs)
        best = min(best, time.perf_counter() - t0)
    clear = sum("clear" in e.evidence for r in results for e in r.edits)
    how = "repair per document" if many is None or args.per_document else "repair_many"
    rows.append((f"ranking {len(docs)} documents, {spans} spans ({how})"
                 + (f", {copies} copies: repeats scored once" if copies > 1 and how == "repair_many" else ""),
                 f"{best:.1f} s"))
    rows.append(("spans decided per second (clear variants decided without the model)",
                 f"{spans / best:.2f} ({clear} clear)"))
    spans -= clear
    rows.append(("ambiguous spans ranked per second (spans that reach the model)", f"{spans / best:.2f}"))
    rows.append(("candidate sentences scored per second (both passes)", f"{counter.sentences / best:.2f}"))
    if counter.body:
        body, head = counter.body / spans, counter.head / spans
        rows.append(("per span: tokens through the body, positions through the output layer",
                     f"{body:.1f}, {head:.1f}"))
        rows.append(("per span: GFLOP (0.20 per body token, 0.34 per output position, gemma3-270m)",
                     f"{body * 0.20 + head * 0.34:.1f}"))
    fast = Repairer(glossary, make_ranker("none", config), config)
    big = SEED.read_text(encoding="utf-8") * 200
    t0 = time.perf_counter()
    fast.repair(big, "big")
    rows.append((f"glossary-only repair ({len(big) / 1e6:.1f} MB)",
                 f"{len(big.encode()) / 1e6 / (time.perf_counter() - t0):.1f} MB/s"))
    rows.append(("peak resident memory", f"{rss_mb():.0f} MB"))
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
