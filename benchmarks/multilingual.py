"""Per-language edit precision/recall on corpora/dev/<lang>/dev.tsv, against a naive regex fixer.

    python benchmarks/multilingual.py [--model gemma3-270m|none] [--lang cs ...] [--json] [--show]
    python benchmarks/multilingual.py --root corpora/heldout-ml --file-name heldout.tsv   # held-out set

Each row is repaired as its own document with ``--lang <lang>`` through the real
pipeline. Gold edits are the token-aligned differences between ``mt`` and ``ref``
(ERRANT-style, as benchmarks/accuracy.py), on characters for Chinese and Japanese.
An edit counts only when span and replacement match, so an inflected name counts
only with the right case ending. The naive fixer replaces every variant of the
language with its canonical form, per form, with regex word boundaries.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrans.config import DEFAULT_MODEL, RepairConfig  # noqa: E402
from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.glossary import Glossary  # noqa: E402
from retrans.inflect import MORPHOLOGICAL, backend  # noqa: E402
from retrans.pipeline import Repairer, make_ranker  # noqa: E402
from retrans.score import _TOKEN, CHAR_TOKEN, compare_edits, diff_edits  # noqa: E402
from retrans.scripts import UNSPACED  # noqa: E402

DEV_ROOT = ROOT / "corpora" / "dev"


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def naive_fixer(glossary: Glossary, lang: str):  # type: ignore[no-untyped-def]
    """A glossary tool that swaps base forms: each variant -> canonical, regex word boundaries."""
    pairs = sorted(((v, f.canonical) for _, f in glossary.forms(lang) for v in f.variants),
                   key=lambda p: -len(p[0]))
    rules = [(re.compile(r"\b" + re.escape(v) + r"\b"), c) for v, c in pairs]

    def fix(text: str) -> str:
        for rx, c in rules:
            text = rx.sub(c, text)
        return text

    return fix


def score(rows: list[dict], outputs: list[str], lang: str) -> dict:
    token = CHAR_TOKEN if lang in UNSPACED else _TOKEN
    gold, hyp = [], []
    for r, out in zip(rows, outputs):
        gold += diff_edits(r["mt"], r["ref"], r["id"], token)
        hyp += diff_edits(r["mt"], out, r["id"], token)
    prf = compare_edits(gold, hyp)
    clean = [(r, o) for r, o in zip(rows, outputs) if r["mt"] == r["ref"]]
    return {"gold": len(gold), **prf.to_dict(), "clean_rows": len(clean),
            "clean_changed": sum(1 for r, o in clean if o != r["mt"])}


def backend_name(lang: str) -> str:
    if lang in MORPHOLOGICAL:
        return "pymorphy3"
    if backend(lang) is not None:
        return "rules"
    return "script runs + jieba" if lang in UNSPACED else "none"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--lang", nargs="*", help="languages to run (default: every corpora/dev/<lang>/dev.tsv)")
    ap.add_argument("--root", type=Path, default=DEV_ROOT, help="folder holding <lang>/<file-name>")
    ap.add_argument("--file-name", default="dev.tsv",
                    help="per-language file name (heldout.tsv for --root corpora/heldout-ml)")
    ap.add_argument("--glossary", type=Path, default=ROOT / "glossaries" / "news.yaml")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true", help="print the rows where output and reference differ")
    args = ap.parse_args()
    glossary = read_glossary(args.glossary)
    langs = args.lang or sorted(p.parent.name for p in args.root.glob(f"*/{args.file_name}"))
    ranker = make_ranker(args.model, RepairConfig(model=args.model))
    result: dict[str, dict] = {}
    for lang in langs:
        rows = read_rows(args.root / lang / args.file_name)
        config = RepairConfig(lang=lang, model=args.model)
        t0 = time.perf_counter()
        repairer = Repairer(glossary, ranker, config)
        outputs = [repairer.repair(r["mt"], r["id"]).text for r in rows]
        elapsed = time.perf_counter() - t0
        fix = naive_fixer(glossary, lang)
        naive = score(rows, [fix(r["mt"]) for r in rows], lang)
        result[lang] = {"backend": backend_name(lang), "rows": len(rows), "seconds": round(elapsed, 1),
                        "retrans": score(rows, outputs, lang), "naive": naive}
        if args.show:
            for r, out in zip(rows, outputs):
                if out != r["ref"]:
                    print(f"{r['id']}\n  mt : {r['mt']}\n  out: {out}\n  ref: {r['ref']}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return 0
    print(f"model {args.model}")
    print("| lang | backend | rows | gold edits | P | R | clean rows changed | naive P | naive R |")
    print("|------|---------|-----:|-----------:|--:|--:|-------------------:|--------:|--------:|")
    for lang, r in result.items():
        s, n = r["retrans"], r["naive"]
        print(f"| {lang} | {r['backend']} | {r['rows']} | {s['gold']} | {s['precision']:.3f} | {s['recall']:.3f} "
              f"| {s['clean_changed']}/{s['clean_rows']} | {n['precision']:.3f} | {n['recall']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
