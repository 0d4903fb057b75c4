"""Unseen variants: recall and precision on ``corpora/unseen``, and fuzzy-detection speed.

    python benchmarks/unseen.py [--model gemma3-270m] [--sweep] [--speed-only | --no-speed] [--json]

Two sets: ``unseen.tsv`` (built by ``corpora/unseen/build.py``, run it first if
``extra.tsv`` changed), on which the matcher was developed, and ``heldout.tsv``, written
by hand after its design was fixed. The glossary
is ``corpora/unseen/glossary.yaml`` (the news glossary without its English
variants), so every misspelling in the set is unseen. Recall counts the gold edits
at an unseen misspelling (group ``dev``: where a removed variant was; group ``new``:
all); precision counts every edit made on the set. Clean rows must stay as they are.
Model scores are cached in ``build/`` (as in ``calibrate.py``), so ``--sweep`` over
the fuzzy margin costs no model time after the first run.

Speed: synthetic glossaries of 10^3..10^5 person entries (seeded), fuzzy detection
only, over the set's MT lines.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.calibrate import Memo  # noqa: E402
from corpora.unseen.build import read_tsv  # noqa: E402
from retrans.config import DEFAULT_MODEL, RepairConfig  # noqa: E402
from retrans.detect import Matcher  # noqa: E402
from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.fuzzy import FuzzyMatcher  # noqa: E402
from retrans.fuzzy_index import CACHE_MIN_ENTRIES  # noqa: E402
from retrans.glossary import Entry, Forms, Glossary  # noqa: E402
from retrans.pipeline import Repairer  # noqa: E402
from retrans.rank import LMRanker  # noqa: E402
from retrans.records import VARIANT  # noqa: E402
from retrans.score import compare_edits, diff_edits  # noqa: E402

SET = ROOT / "corpora" / "unseen" / "unseen.tsv"
HELDOUT = ROOT / "corpora" / "unseen" / "heldout.tsv"
GLOSSARY = ROOT / "corpora" / "unseen" / "glossary.yaml"
SEED = 12345


def unseen_gold(rows: list[dict]) -> set:
    """Gold edits at unseen misspellings: where the full glossary has a (removed) variant, or any in ``new``."""
    matcher = Matcher(read_glossary(ROOT / "glossaries" / "news.yaml"), "en")
    out = set()
    for r in rows:
        spans = [s for s in matcher.find(r["mt"]) if s.kind == VARIANT]
        for e in diff_edits(r["mt"], r["ref"], r["id"]):
            if r["group"] == "new" or any(s.start < max(e.end, e.start + 1) and e.start < s.end for s in spans):
                out.add(e)
    return out


def why_missed(edit, result) -> str:
    """Why a gold edit was not made: ``not detected``, ``wrong candidate`` (a span there, but its fix is not
    the gold one) or ``below margin`` (the gold fix was proposed and scored under the margin)."""
    near = [e for e in result.edits if e.line == edit.line and e.start < max(edit.end, edit.start + 1)
            and edit.start < e.end]
    if not near:
        return "not detected"
    for e in near:
        if (e.start, e.end, e.replacement) == (edit.start, edit.end, edit.replacement) and not e.applied:
            return f"below margin ({e.kind} {e.original!r} score {e.score:+.1f})"
    return "wrong candidate (" + "; ".join(f"{e.kind} {e.original!r}->{e.replacement!r} {e.score:+.1f}"
                                           + ("" if e.applied else " not applied") for e in near) + ")"


def evaluate(repairer: Repairer, rows: list[dict]) -> dict:
    results = [repairer.repair(r["mt"], r["id"]) for r in rows]
    outputs = [res.text for res in results]
    gold, hyp = [], []
    for r, out in zip(rows, outputs):
        gold += diff_edits(r["mt"], r["ref"], r["id"])
        hyp += diff_edits(r["mt"], out, r["id"])
    target = unseen_gold(rows)
    hit = target & set(hyp)
    allp = compare_edits(gold, hyp)
    by_group = {}
    for g in ("dev", "new"):
        t = {e for e in target if e.doc in {r["id"] for r in rows if r["group"] == g}}
        by_group[g] = {"gold": len(t), "found": len(t & set(hyp))}
    clean = [(r, o) for r, o in zip(rows, outputs) if r["group"] == "clean"]
    changed = [r["id"] for r, o in clean if o != r["mt"]]
    return {"unseen_recall": round(len(hit) / max(1, len(target)), 3), "unseen_gold": len(target),
            "unseen_found": len(hit), "precision": round(allp.precision, 3), "tp": allp.tp, "fp": allp.fp,
            "by_group": by_group, "clean_rows": len(clean), "clean_changed": changed,
            "fp_edits": sorted(str(e) for e in set(hyp) - set(gold)),
            "missed": sorted(f"{e.doc} {r['mt'][e.start:e.end]!r}->{e.replacement!r}: {why_missed(e, res)}"
                             for r, res in zip(rows, results) for e in target - set(hyp) if e.doc == r["id"])}


def synthetic(n: int, seed: int = SEED) -> Glossary:
    """``n`` person entries with pronounceable two-word names (and a romanised-looking source form)."""
    rng = random.Random(seed)
    onsets = ["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "kr",
              "pr", "tr", "st", "sh", "ch", "kh", "zh", "sl", "pl", "bl", "sk", "sv", "w", "y", "j", "ts"]
    codas = ["", "", "", "n", "r", "l", "s", "k", "m", "t", "sk", "v", "nd", "rt"]
    vowels = ["a", "e", "i", "o", "u", "ia", "ei", "ou", "y"]
    cyr = str.maketrans("abdefghiklmnoprstuvzyjw", "абдефгхиклмнопрстувзыйв")

    def word() -> str:
        return "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                       for _ in range(rng.randint(2, 3))).capitalize()

    entries = []
    for i in range(n):
        name = f"{word()} {word()}"
        entries.append(Entry(f"p{i}", "person", forms={"en": Forms(name), "ru": Forms(name.lower().translate(cyr))}))
    return Glossary(entries)


def speed(lines: list[str], sizes=(1_000, 10_000, 100_000)) -> list[dict]:
    """Index build time (no cache), the time to load it from the cache instead (glossaries of
    ``CACHE_MIN_ENTRIES`` or more, from a fresh glossary object so its digest is computed too) and detection."""
    out = []
    for n in sizes:
        g = synthetic(n)
        t0 = time.perf_counter()
        fm = FuzzyMatcher(g, "en", cache=False)
        build = time.perf_counter() - t0
        load = None
        if n >= CACHE_MIN_ENTRIES:
            with tempfile.TemporaryDirectory() as tmp:
                FuzzyMatcher(g, "en", cache_dir=Path(tmp))
                g2 = synthetic(n)
                t0 = time.perf_counter()
                FuzzyMatcher(g2, "en", cache_dir=Path(tmp))
                load = round(time.perf_counter() - t0, 2)
        t0 = time.perf_counter()
        found = sum(len(fm.find(line)) for line in lines)
        per_line = (time.perf_counter() - t0) / len(lines)
        out.append({"entries": n, "refs": len(fm), "build_s": round(build, 2), "cached_load_s": load,
                    "ms_per_line": round(1e3 * per_line, 3), "spans": found})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--sweep", action="store_true", help="also try fuzzy margins -2..6")
    ap.add_argument("--speed-only", action="store_true")
    ap.add_argument("--no-speed", action="store_true", help="skip the synthetic-glossary speed measurement")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = read_tsv(SET)
    result: dict = {}
    if not args.speed_only:
        glossary = read_glossary(GLOSSARY)
        scorer = Memo(args.model)
        config = RepairConfig(model=args.model)
        repairer = Repairer(glossary, LMRanker(scorer, config.rank, config.max_context_chars), config)
        result["unseen"] = evaluate(repairer, rows)
        result["heldout"] = evaluate(repairer, read_tsv(HELDOUT))
        if args.sweep:
            sweep = []
            for m in range(-2, 7):
                rank = replace(config.rank, margin_fuzzy=float(m), margin_source=float(m))
                c = replace(config, rank=rank)
                rep = Repairer(glossary, LMRanker(scorer, rank, c.max_context_chars), c, fuzzy=repairer.fuzzy)
                r = evaluate(rep, rows)
                sweep.append({"margin_fuzzy": m, **{k: r[k] for k in ("unseen_recall", "precision")},
                              "clean_changed": len(r["clean_changed"])})
            result["sweep"] = sweep
        scorer.save()
    result["speed"] = [] if args.no_speed else speed([r["mt"] for r in rows])
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return 0
    for name in ("unseen", "heldout"):
        if name not in result:
            continue
        u = result[name]
        print(f"{name + '.tsv':12} unseen variants: recall {u['unseen_recall']:.3f} "
              f"({u['unseen_found']}/{u['unseen_gold']}) "
              f"| precision of all edits {u['precision']:.3f} (tp {u['tp']} fp {u['fp']}) "
              f"| clean rows changed {len(u['clean_changed'])}/{u['clean_rows']}")
        for g, v in u["by_group"].items():
            print(f"  {g:5} {v['found']}/{v['gold']}")
        for e in u["fp_edits"]:
            print("  FP", e)
        for doc in u["clean_changed"]:
            print("  clean row changed", doc)
        for e in u["missed"]:
            print("  missed", e)
    for s in result.get("sweep", []):
        print(f"  margin_fuzzy {s['margin_fuzzy']:+d}: recall {s['unseen_recall']:.3f} "
              f"precision {s['precision']:.3f} clean changed {s['clean_changed']}")
    if result["speed"]:
        print("| entries | references | index build (s) | load from cache (s) | fuzzy detection (ms/line) |\n"
              "|---|---|---|---|---|")
        for s in result["speed"]:
            load = "-" if s["cached_load_s"] is None else s["cached_load_s"]
            print(f"| {s['entries']:,} | {s['refs']:,} | {s['build_s']} | {load} | {s['ms_per_line']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
