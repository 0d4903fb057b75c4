"""Model load time, scoring throughput and repair speed on this machine.

    python benchmarks/speed.py [--model gemma3-270m] [--repeat 3]

Prints a table; the README quotes its output. Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrans.config import DEFAULT_MODEL, RepairConfig  # noqa: E402
from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.lm import load_scorer  # noqa: E402
from retrans.pipeline import Repairer, make_ranker  # noqa: E402

SEED = ROOT / "corpora" / "seed" / "000_c47c7fd5e8793407.txt"


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    t0 = time.perf_counter()
    glossary = read_glossary(ROOT / "glossaries" / "news.yaml")
    rows.append((f"glossary load (news.yaml, {len(glossary)} entries)", f"{time.perf_counter() - t0:.3f} s"))
    t0 = time.perf_counter()
    scorer = load_scorer(args.model)
    rows.append((f"model load ({args.model}, from cache)", f"{time.perf_counter() - t0:.2f} s"))
    text = SEED.read_text(encoding="utf-8")
    sentences = [s for s in text.replace(";", ".").split(". ") if 20 < len(s) < 300][:48]
    groups = [sentences[i : i + 3] for i in range(0, len(sentences) - 2, 3)]
    n = sum(len(g) for g in groups)
    secs = best_of(args.repeat, lambda: scorer.score(sentences))
    rate = len(sentences) / secs
    rows.append((f"whole-sentence scoring ({len(sentences)} news sentences)", f"{rate:.1f} sentences/s"))
    load_scorer.cache_clear()
    scorer = load_scorer(args.model)
    secs = best_of(args.repeat, lambda: scorer.score_groups(groups))
    rows.append((f"candidate scoring ({len(groups)} groups of 3)", f"{n / secs:.1f} sentences/s"))
    config = RepairConfig(model=args.model)
    repairer = Repairer(glossary, make_ranker(args.model, config), config)
    secs = best_of(args.repeat, lambda: repairer.repair(text, "seed"))
    spans = len(repairer.repair(text, "seed").edits)
    rows.append((f"repair seed article ({len(text)} chars, {spans} spans)", f"{secs:.2f} s"))
    rows.append(("ambiguous spans ranked per second", f"{spans / secs:.1f}"))
    fast = Repairer(glossary, make_ranker("none", config), config)
    big = text * 200
    secs = best_of(args.repeat, lambda: fast.repair(big, "big"))
    rows.append((f"glossary-only repair ({len(big) / 1e6:.1f} MB)", f"{len(big.encode()) / 1e6 / secs:.1f} MB/s"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak resident memory", f"{peak:.0f} MB"))
    width = max(len(r[0]) for r in rows)
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
