"""Batch throughput of ``retrans fix --out-dir``: one process, a process pool, Ray.

    python benchmarks/batch.py [--docs 2000] [--model none] [--workers 1 2] [--ray]

Writes ``--docs`` copies of the seed article (each with a different first line) to
a temporary folder, half as text and half as JSON Lines, runs ``retrans fix`` on the
folder once per setting (a fresh output folder each time) and prints wall time and
documents per second; outputs of every setting are checked to be identical. With
the model, use ``flock /tmp/retrans-model.lock`` and few documents: each worker loads
its own copy (~12 s and ~4 GB each). Not a test: timings vary with the machine and load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpora" / "seed" / "000_c47c7fd5e8793407.txt"


def make_inputs(folder: Path, n: int) -> None:
    text = SEED.read_text(encoding="utf-8")
    (folder / "txt").mkdir(parents=True)
    (folder / "jsonl").mkdir()
    for i in range(n):
        body = f"Report {i}: Zelnski spoke in Soumy.\n{text}"
        if i % 2:
            line = json.dumps({"id": i, "text": body, "source": "wire"}, ensure_ascii=False)
            (folder / "jsonl" / f"{i:06d}.jsonl").write_text(line + "\n", encoding="utf-8")
        else:
            (folder / "txt" / f"{i:06d}.txt").write_text(body, encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--model", default="none")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--ray", action="store_true", help="also run --engine ray with the largest --workers")
    args = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    settings = [("local", w) for w in args.workers] + ([("ray", max(args.workers))] if args.ray else [])
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        make_inputs(src, args.docs)
        rows, first = [], None
        for engine, workers in settings:
            out = Path(tmp) / f"out-{engine}-{workers}"
            cmd = [sys.executable, "-m", "retrans", "fix", str(src), "--model", args.model, "--out-dir", str(out),
                   "--edits", str(out / "edits.jsonl"), "--engine", engine, "--workers", str(workers), "-q"]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, env=env)
            wall = time.perf_counter() - t0
            outputs = tree(out)
            same = "-" if first is None else ("yes" if outputs == first else "NO")
            first = first or outputs
            rows.append((engine, workers, wall, args.docs / wall, same))
    print(f"{args.docs} documents (seed article, {SEED.stat().st_size} bytes each), model {args.model}, "
          f"load {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    print("| engine | workers | wall (s) | docs/s | same output |")
    print("|---|---:|---:|---:|---|")
    for engine, workers, wall, rate, same in rows:
        print(f"| {engine} | {workers} | {wall:.1f} | {rate:.1f} | {same} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
