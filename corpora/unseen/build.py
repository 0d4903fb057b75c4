"""Build the unseen-variants dev set: ``python corpora/unseen/build.py``.

Writes two files next to this script:

* ``glossary.yaml``: ``glossaries/news.yaml`` with every English variant removed.
  Canonical, admitted, mistranslation and cue forms, and every other language's
  forms (the source forms fuzzy matching romanises), are kept.
* ``unseen.tsv`` (id, group, mt, ref): group ``dev`` is every row of
  ``corpora/dev/dev.tsv`` whose MT holds a variant that was removed (its misspelling
  is now unseen); ``new`` and ``clean`` come from ``extra.tsv``: misspellings no
  glossary lists, and clean text with ordinary capitalised words (sentence starts,
  "Route 66", common surnames not in the glossary). The clean rows of the dev set
  are added to ``clean``. A ``new`` row whose misspelling the full glossary knows
  is an error, so the set stays unseen.

``heldout.tsv`` is written by hand, not built: fresh misspellings of glossary
entries the dev set does not use, and clean look-alike rows, written after the
fuzzy matcher's design was fixed (a check against tuning to ``unseen.tsv``). This
script checks it the same way: a ``new`` row must not hold a listed variant, nor
"fix" a form the glossary calls correct (a canonical or admitted form, or a person's
surname from one).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from retrans.detect import Matcher, fold  # noqa: E402
from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.glossary import Glossary  # noqa: E402
from retrans.records import VARIANT  # noqa: E402
from retrans.score import diff_edits  # noqa: E402

LANG = "en"
FIELDS = ("id", "group", "mt", "ref")


def strip_variants(glossary: Glossary, lang: str = LANG) -> Glossary:
    """The glossary without the variants of ``lang``; everything else kept."""
    return Glossary(replace(e, forms={k: (replace(f, variants=()) if k == lang else f) for k, f in e.forms.items()})
                    for e in glossary)


def correct_forms(glossary: Glossary, lang: str = LANG) -> set[str]:
    """Folded canonical and admitted forms of ``lang``, and the surnames of people's."""
    out = set()
    for e in glossary:
        f = e.forms.get(lang)
        for form in (f.canonical, *f.admitted) if f else ():
            out.add(fold(form))
            if e.kind == "person" and len(form.split()) > 1:
                out.add(fold(form.split()[-1]))
    return out


def fixes_correct(row: dict, correct: set[str]) -> list[str]:
    """The text a row's gold edits change that the glossary already calls correct."""
    return [t for e in diff_edits(row["mt"], row["ref"], row["id"])
            if fold(t := row["mt"][e.start : e.end].strip(".,;:!?")) in correct]


def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def main() -> int:
    full = read_glossary(ROOT / "glossaries" / "news.yaml")
    matcher = Matcher(full, LANG)
    rows: list[dict] = []
    for r in read_tsv(ROOT / "corpora" / "dev" / "dev.tsv"):
        if r["mt"] == r["ref"]:
            rows.append({"id": r["id"], "group": "clean", "mt": r["mt"], "ref": r["ref"]})
        elif any(s.kind == VARIANT for s in matcher.find(r["mt"])):
            rows.append({"id": r["id"], "group": "dev", "mt": r["mt"], "ref": r["ref"]})
    for r in read_tsv(HERE / "extra.tsv"):
        known = [s.text for s in matcher.find(r["mt"]) if s.kind == VARIANT]
        if r["group"] == "new" and known:
            raise SystemExit(f"{r['id']}: {known} is a listed variant, so it is not unseen")
        rows.append({k: r[k] for k in FIELDS})
    correct = correct_forms(full)
    for r in read_tsv(HERE / "heldout.tsv"):
        known = [s.text for s in matcher.find(r["mt"]) if s.kind == VARIANT]
        if r["group"] == "new" and known:
            raise SystemExit(f"heldout.tsv {r['id']}: {known} is a listed variant, so it is not unseen")
        if r["group"] == "new" and (right := fixes_correct(r, correct)):
            raise SystemExit(f"heldout.tsv {r['id']}: {right} is a correct form in the glossary")
        if r["group"] == "clean" and r["mt"] != r["ref"]:
            raise SystemExit(f"heldout.tsv {r['id']}: a clean row must have mt == ref")
    stripped = strip_variants(full)
    header = "# glossaries/news.yaml without its English variants: built by corpora/unseen/build.py\n"
    (HERE / "glossary.yaml").write_text(
        header + yaml.safe_dump(stripped.to_dict(), allow_unicode=True, sort_keys=False, width=120),
        encoding="utf-8")
    lines = ["\t".join(FIELDS)] + ["\t".join(r[k] for k in FIELDS) for r in rows]
    (HERE / "unseen.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    groups = {g: sum(r["group"] == g for r in rows) for g in ("dev", "new", "clean")}
    print(f"wrote {HERE / 'unseen.tsv'}: {len(rows)} rows {groups}; glossary: {len(stripped)} entries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
