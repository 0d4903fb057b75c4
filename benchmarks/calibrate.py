"""Calibrate the decision margins on the dev set: ``python benchmarks/calibrate.py [--model NAME]``.

The model scores every candidate once (memoised); each margin pair is then
re-decided and scored by edit-level F0.5 on ``corpora/dev/dev.tsv``. The best pair
(ties: the more conservative, higher margins) is what ``RankConfig`` ships.
"""

from __future__ import annotations

import argparse
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
    """Caches a scorer's answers so that re-deciding with other margins costs nothing."""

    def __init__(self, scorer) -> None:
        self.scorer, self.name, self.cache = scorer, scorer.name, {}

    def score_groups(self, groups):
        todo = [tuple(g) for g in groups if tuple(g) not in self.cache]
        for g, v in zip(todo, self.scorer.score_groups(todo) if todo else []):
            self.cache[g] = v
        return [self.cache[tuple(g)] for g in groups]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args()
    glossary = read_glossary(ROOT / "glossaries" / "news.yaml")
    rows = read_dev()
    scorer = Memo(load_scorer(args.model))
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
