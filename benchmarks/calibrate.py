"""Calibrate the decision margins on the dev set: ``python benchmarks/calibrate.py [--model NAME]``.

The model scores every candidate once (memoised); each margin pair is then
re-decided and scored by edit-level F0.5 on ``corpora/dev/dev.tsv``. The best pair
(ties: the more conservative, higher margins) is what ``RankConfig`` ships.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import read_dev  # noqa: E402
from retrans.config import DEFAULT_MODEL, RankConfig, RepairConfig  # noqa: E402
from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.lm import load_scorer  # noqa: E402
from retrans.pipeline import Repairer  # noqa: E402
from retrans.rank import LMRanker  # noqa: E402
from retrans.score import compare_edits, diff_edits  # noqa: E402


class Memo:
    """Caches a scorer's answers (also on disk, in build/) so that re-deciding costs nothing."""

    def __init__(self, model: str) -> None:
        self.model, self.name, self.scorer = model, model, None
        self.path = ROOT / "build" / f"calibrate-{model}.json"
        self.cache = {}
        if self.path.exists():
            self.cache = {tuple(json.loads(k)): v for k, v in json.loads(self.path.read_text("utf-8")).items()}

    def score_groups(self, groups):
        todo = [tuple(g) for g in groups if tuple(g) not in self.cache]
        if todo:
            self.scorer = self.scorer or load_scorer(self.model)
            for g, v in zip(todo, self.scorer.score_groups(todo)):
                self.cache[g] = v
        return [self.cache[tuple(g)] for g in groups]

    def save(self) -> None:
        self.path.parent.mkdir(exist_ok=True)
        data = {json.dumps(list(k), ensure_ascii=False): v for k, v in self.cache.items()}
        self.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--show-variant", type=int, default=0, help="margin for the curve and error listing")
    ap.add_argument("--show-mistranslation", type=int, default=2)
    args = ap.parse_args()
    glossary = read_glossary(ROOT / "glossaries" / "news.yaml")
    rows = read_dev()
    scorer = Memo(args.model)
    base = RankConfig()
    results = []
    for mv in range(-4, 5):
        for mm in range(-4, 7):
            rank = replace(base, margin_variant=float(mv), margin_mistranslation=float(mm))
            config = RepairConfig(model=args.model, rank=rank)
            rep = Repairer(glossary, LMRanker(scorer, rank, config.max_context_chars), config)
            gold, hyp = [], []
            for r in rows:
                gold += diff_edits(r["mt"], r["ref"], r["id"])
                hyp += diff_edits(r["mt"], rep.repair(r["mt"], r["id"]).text, r["id"])
            prf = compare_edits(gold, hyp)
            results.append((round(prf.f(0.5), 4), mv, mm, prf))
            if (mv, mm) == (args.show_variant, args.show_mistranslation):
                shown = (set(gold), set(hyp))
    scorer.save()
    print(f"| margin mistranslation | P | R | F0.5 |  (margin variant {args.show_variant})\n|---|---|---|---|")
    for f, mv, mm, prf in results:
        if mv == args.show_variant:
            print(f"| {mm} | {prf.precision:.3f} | {prf.recall:.3f} | {f:.3f} |")
    gold_set, hyp_set = shown
    for e in sorted(hyp_set - gold_set, key=str):
        print("FP", e)
    for e in sorted(gold_set - hyp_set, key=str):
        print("FN", e)
    results.sort(key=lambda x: (-x[0], -x[1], -x[2]))
    print("| margin variant | margin mistranslation | P | R | F0.5 |\n|---|---|---|---|---|")
    for f, mv, mm, prf in results[:10]:
        print(f"| {mv} | {mm} | {prf.precision:.3f} | {prf.recall:.3f} | {f:.3f} |")
    f, mv, mm, _ = results[0]
    print(f"best: margin_variant={mv} margin_mistranslation={mm} (F0.5 {f:.3f}); shipped: "
          f"{base.margin_variant:g}/{base.margin_mistranslation:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
