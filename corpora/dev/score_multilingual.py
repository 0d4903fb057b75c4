"""Repair the per-language dev sets and score them: ``python corpora/dev/score_multilingual.py [LANG ...]``.

Each row of ``corpora/dev/<lang>/dev.tsv`` is written to its own file, the lot is repaired with
one ``retrans fix --lang <lang>`` run (``--model``, default ``none``: glossary evidence only; with
the language model wrap the command in ``flock /tmp/retrans-model.lock``), and the output is
compared with the reference.

Edits are the differences between the MT and a text (the reference or the output), aligned on
words, or on characters in Chinese and Japanese; a system edit is a true positive only when its
span and replacement are exactly those of a gold edit, so an inflected name counts only with the
right case ending. Printed per language: edit P / R, error rows repaired exactly, clean rows left
untouched.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = ("cs", "de", "fr", "ru", "uk", "zh", "ja", "pl")
CJK = frozenset({"zh", "ja"})
_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def edits(a: str, b: str, by_char: bool) -> set[tuple[int, int, str]]:
    """(start, end, replacement) of the changes turning ``a`` into ``b``; offsets into ``a``."""
    if by_char:
        sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        return {(i1, i2, b[j1:j2]) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"}
    ta, tb = list(_WORD.finditer(a)), list(_WORD.finditer(b))
    sm = difflib.SequenceMatcher(a=[m.group() for m in ta], b=[m.group() for m in tb], autojunk=False)
    out = set()
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        start = ta[i1].start() if i1 < len(ta) else len(a)
        end = ta[i2 - 1].end() if i2 > i1 else start
        out.add((start, end, b[tb[j1].start() : tb[j2 - 1].end()] if j2 > j1 else ""))
    return out


def repair(lang: str, rows: list[dict], model: str, python: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp, "in"), Path(tmp, "out")
        src.mkdir()
        for r in rows:
            (src / r["id"]).write_text(r["mt"] + "\n", encoding="utf-8")
        cmd = [python, "-m", "retrans", "fix", *sorted(str(p) for p in src.iterdir()), "--lang", lang,
               "--model", model, "--out-dir", str(out), "-q"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return {r["id"]: (out / r["id"]).read_text(encoding="utf-8").rstrip("\n") for r in rows}


def score(lang: str, rows: list[dict], outputs: dict[str, str]) -> dict[str, float]:
    tp = fp = fn = fixed = errors = clean = untouched = 0
    for r in rows:
        gold = edits(r["mt"], r["ref"], lang in CJK)
        system = edits(r["mt"], outputs[r["id"]], lang in CJK)
        tp += len(gold & system)
        fp += len(system - gold)
        fn += len(gold - system)
        if r["mt"] != r["ref"]:
            errors += 1
            fixed += outputs[r["id"]] == r["ref"]
        else:
            clean += 1
            untouched += outputs[r["id"]] == r["mt"]
    return {"tp": tp, "fp": fp, "fn": fn, "P": tp / (tp + fp) if tp + fp else 1.0,
            "R": tp / (tp + fn) if tp + fn else 1.0, "fixed": fixed, "errors": errors,
            "untouched": untouched, "clean": clean}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("langs", nargs="*", default=list(LANGS))
    ap.add_argument("--model", default="none")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args(argv)
    print("lang\tTP\tFP\tFN\tP\tR\terror rows fixed\tclean rows untouched")
    for lang in args.langs:
        with (HERE / lang / "dev.tsv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        s = score(lang, rows, repair(lang, rows, args.model, args.python))
        print(f"{lang}\t{s['tp']}\t{s['fp']}\t{s['fn']}\t{s['P']:.3f}\t{s['R']:.3f}\t"
              f"{s['fixed']}/{s['errors']}\t{s['untouched']}/{s['clean']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
