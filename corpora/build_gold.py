"""Regenerate the gold edit files from the references: ``python corpora/build_gold.py``.

Gold edits are the token-aligned differences between each MT text and its
post-edited reference (``retrans.score.diff_edits``), written in the edit-log
format; the glossary entry and kind are filled in where a glossary span overlaps.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from retrans.detect import Matcher
from retrans.formats.glossary_yaml import read_glossary
from retrans.score import diff_edits

HERE = Path(__file__).resolve().parent


def gold_records(mt: str, ref: str, doc: str, matcher: Matcher) -> list[dict]:
    out = []
    lines = mt.split("\n")
    for e in diff_edits(mt, ref, doc):
        spans = [s for s in matcher.find(lines[e.line - 1], e.line) if s.start < e.end and s.end > e.start]
        out.append({"doc": doc, "line": e.line, "start": e.start, "end": e.end,
                    "original": lines[e.line - 1][e.start : e.end], "replacement": e.replacement,
                    "entry": spans[0].entry_id if spans else "", "kind": spans[0].kind if spans else "other",
                    "score": None, "applied": True})
    return out


def read_dev(path: Path) -> list[dict]:
    """Rows of the dev TSV: id, origin, mt, ref."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def main() -> int:
    matcher = Matcher(read_glossary(HERE.parent / "glossaries" / "news.yaml"), "en")
    seed = HERE / "seed" / "000_c47c7fd5e8793407.txt"
    mt = seed.read_text(encoding="utf-8")
    ref = seed.with_suffix(".ref.txt").read_text(encoding="utf-8")
    recs = gold_records(mt, ref, seed.name, matcher)
    (HERE / "seed" / "000_c47c7fd5e8793407.gold.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    rows = read_dev(HERE / "dev" / "dev.tsv")
    dev = [r for row in rows for r in gold_records(row["mt"], row["ref"], row["id"], matcher)]
    (HERE / "dev" / "dev.gold.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in dev), encoding="utf-8")
    untyped = [r for r in recs + dev if not r["entry"]]
    print(f"seed: {len(recs)} gold edits; dev: {len(rows)} rows, {len(dev)} gold edits; "
          f"{len(untyped)} without a glossary entry", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
