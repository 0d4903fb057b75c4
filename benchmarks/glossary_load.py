"""How fast glossaries load: cold (YAML parse and checks) and warm (from the cache), and how fast the
English matcher is ready: compiled, and from the cache; for the shipped glossaries and a synthetic
10⁵-entry one. Warm numbers are in the same process (see benchmarks/scale.py for fresh processes).

Usage: .venv/bin/python -m benchmarks.glossary_load [--entries 100000]
Prints a table; the cache lives in a temporary folder so the user's cache is not touched.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from retrans.detect import Matcher
from retrans.formats.yaml_dump import dumps_yaml
from retrans.glossary import Entry, Forms, Glossary

ROOT = Path(__file__).resolve().parents[1]


def synthetic(n: int) -> Glossary:
    """``n`` entries shaped like the generated ones: English with a variant and an admitted form, two sources."""
    return Glossary(Entry(f"syn.{i}", "place", "", {
        "en": Forms(f"Placename{i}", (f"Plazename{i}",), (f"Place-name {i}",)),
        "ru": Forms(f"Город{i}"), "fa": Forms(f"شهر{i}")}) for i in range(n))


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def measure(name: str, files: list[Path]) -> list[str]:
    from retrans.glossary_cache import load_glossary_file, load_matcher

    def load() -> Glossary:
        return Glossary.merge(load_glossary_file(p) for p in files)

    cold, g = timed(load)
    compile_s, m = timed(lambda: Matcher(g, "en"))
    load_matcher(g, "en")  # stores it
    warm, g = timed(load)
    cached_s, m = timed(lambda: load_matcher(g, "en"))
    size = sum(p.stat().st_size for p in files) / 1e6
    return [name, f"{len(g):,}", f"{size:.1f}", f"{cold:.2f}", f"{compile_s:.2f}", f"{warm:.2f}", f"{cached_s:.2f}",
            f"{warm + cached_s:.2f}", f"{m.size:,}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    rows = [["glossary", "entries", "MB", "cold s", "compile en s", "cached s", "cached matcher s", "ready s",
             "en patterns"]]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RETRANS_CACHE"] = tmp
        news = ROOT / "glossaries" / "news.yaml"
        generated = sorted((ROOT / "glossaries" / "generated").glob("*.yaml"))
        rows.append(measure("news.yaml", [news]))
        rows.append(measure("news + generated", [news, *generated]))
        syn = Path(tmp) / "synthetic.yaml"
        syn.write_text(dumps_yaml(synthetic(args.entries)), encoding="utf-8")
        rows.append(measure(f"synthetic {args.entries:,}", [syn]))
    speed, _ = timed(lambda: [(i, str(i), (str(i),)) for i in range(1_000_000)])
    print(f"machine speed: 10^6 small tuples built in {speed:.2f} s (a current laptop: about 0.15 s); "
          "times below scale with it")
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main()
