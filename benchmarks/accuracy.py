"""Edit precision/recall on the seed article and the dev set, and BLEU/chrF/TER before vs after.

    python benchmarks/accuracy.py [--model gemma3-270m|smollm2-135m|none] [--json]

Each dev row is repaired as its own document. Edits are compared ERRANT-style:
token-aligned differences between the MT text and the output, against those
between the MT text and the reference (span and replacement must match).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrans.config import DEFAULT_MODEL, RepairConfig  # noqa: E402
from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.pipeline import Repairer, make_ranker  # noqa: E402
from retrans.score import compare_edits, corpus_scores, diff_edits  # noqa: E402

SEED = ROOT / "corpora" / "seed" / "000_c47c7fd5e8793407.txt"
DEV = ROOT / "corpora" / "dev" / "dev.tsv"


def read_dev(path: Path = DEV) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def evaluate(repairer: Repairer, docs: list[tuple[str, str, str]], outputs: list[str] | None = None) -> dict:
    """docs: (doc id, mt, ref). Returns P/R/F0.5, exact and span-only; repairs unless ``outputs`` are given."""
    gold, hyp = [], []
    outputs = outputs if outputs is not None else [repairer.repair(mt, doc).text for doc, mt, _ in docs]
    for (doc, mt, ref), out in zip(docs, outputs):
        gold += diff_edits(mt, ref, doc)
        hyp += diff_edits(mt, out, doc)
    return {"exact": compare_edits(gold, hyp).to_dict(), "span": compare_edits(gold, hyp, spans_only=True).to_dict(),
            "outputs": outputs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    config = RepairConfig(model=args.model)
    glossary = read_glossary(ROOT / "glossaries" / "news.yaml")
    t0 = time.perf_counter()
    repairer = Repairer(glossary, make_ranker(args.model, config), config)
    load = time.perf_counter() - t0
    mt, ref = SEED.read_text(encoding="utf-8"), SEED.with_suffix(".ref.txt").read_text(encoding="utf-8")
    t0 = time.perf_counter()
    seed = evaluate(repairer, [(SEED.name, mt, ref)])
    rows = read_dev()
    dev = evaluate(repairer, [(r["id"], r["mt"], r["ref"]) for r in rows])
    by_origin = {}
    for origin in sorted({r["origin"] for r in rows}):
        pick = [i for i, r in enumerate(rows) if r["origin"] == origin]
        sub = [(rows[i]["id"], rows[i]["mt"], rows[i]["ref"]) for i in pick]
        by_origin[origin] = evaluate(repairer, sub, [dev["outputs"][i] for i in pick])["exact"]
    elapsed = time.perf_counter() - t0
    before = corpus_scores(mt.splitlines(), [ref.splitlines()])
    after = corpus_scores(seed["outputs"][0].splitlines(), [ref.splitlines()])
    clean_rows = [r for r in rows if r["mt"] == r["ref"]]
    changed_clean = sum(1 for r, out in zip(rows, dev["outputs"]) if r["mt"] == r["ref"] and out != r["mt"])
    result = {
        "model": args.model, "load_seconds": round(load, 2), "eval_seconds": round(elapsed, 2),
        "seed": {k: v for k, v in seed.items() if k != "outputs"},
        "dev": {k: v for k, v in dev.items() if k != "outputs"}, "dev_by_origin": by_origin,
        "dev_clean_rows": len(clean_rows), "dev_clean_rows_changed": changed_clean,
        "seed_scores": {m: {"before": before[m]["score"], "after": after[m]["score"]} for m in before},
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"model {args.model}: load {load:.1f}s, evaluation {elapsed:.1f}s")
    for name in ("seed", "dev"):
        e, s = result[name]["exact"], result[name]["span"]
        print(f"{name:5} exact P={e['precision']:.3f} R={e['recall']:.3f} F0.5={e['f0.5']:.3f} "
              f"(tp {e['tp']} fp {e['fp']} fn {e['fn']}) | span P={s['precision']:.3f} R={s['recall']:.3f}")
    for origin, e in by_origin.items():
        print(f"  dev[{origin:5}] P={e['precision']:.3f} R={e['recall']:.3f} (tp {e['tp']} fp {e['fp']} fn {e['fn']})")
    print(f"dev clean rows changed: {changed_clean}/{len(clean_rows)}")
    for e in sorted(set(diff_edits(mt, seed["outputs"][0], "seed")) ^ set(diff_edits(mt, ref, "seed")), key=str):
        print("  seed differs from gold:", e)
    for m, v in result["seed_scores"].items():
        print(f"seed {m}: {v['before']:.2f} -> {v['after']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
