"""Sanity checks of the per-language dev sets: ``python corpora/dev/check_multilingual.py [LANG ...]``.

``--root DIR --file-name NAME`` checks ``DIR/<lang>/NAME`` instead (the held-out sets:
``--root corpora/heldout-ml --file-name heldout.tsv``). For every ``corpora/dev/<lang>/dev.tsv`` it checks that

* the header is ``id origin mt ref``, every row has four tab-separated non-empty columns and a
  unique id starting with ``<lang>-``;
* an error row (mt != ref) differs only around glossary names: every word the reference
  changes is a word of a canonical form of that language in ``glossaries/news.yaml``, possibly
  inflected (same stem, a short case ending), or the preposition a glossary rule gives the name
  (``prepositions: {на: в}``: "на Україні" -> "в Україні", Ukrainian в/у and Russian в/во alike);
  in Chinese and Japanese every changed stretch of characters lies inside a canonical form;
* a clean row (mt == ref) holds a glossary form of that language or of English, or a look-alike
  (a word close in spelling to one or derived from one, or for zh/ja two characters of one in a
  row).

It prints per-language counts (rows, error rows, clean rows, origins) and exits 1 on problems.
"""

from __future__ import annotations

import csv
import difflib
import os
import re
import sys
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

from retrans.formats.glossary_yaml import read_glossary

HERE = Path(__file__).resolve().parent
GLOSSARY = HERE.parent.parent / "glossaries" / "news.yaml"
LANGS = ("cs", "de", "fr", "ru", "uk", "zh", "ja", "pl")
CJK = frozenset({"zh", "ja"})
HEADER = ["id", "origin", "mt", "ref"]
WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")
# stem alternations of declension: uk/ru (Харків -> Харкова, Київ -> Києва), pl (Lwów -> Lwowa)
ALTERNATIONS = (("і", "о"), ("ї", "є"), ("і", "е"), ("е", ""), ("ь", ""), ("о", ""), ("ó", "o"), ("ń", "n"))
MAX_ENDING = 4
ELISION_RE = re.compile(r"^(?:[cdjlmnst]|qu|lorsqu|puisqu)['’]", re.IGNORECASE)
LOOKALIKE_RATIO = 75.0
PREPOSITION_ALTERNATES = {("uk", "в"): ("у",), ("uk", "у"): ("в",), ("ru", "в"): ("во",)}


def rule_prepositions(glossary, lang: str) -> set[str]:
    """The prepositions the glossary's rules put before names of ``lang``, folded, with their alternates."""
    out: set[str] = set()
    for _e, f in glossary.forms(lang):
        for _wrong, right in f.prepositions:
            for w in right.casefold().split():
                out |= {w, *PREPOSITION_ALTERNATES.get((lang, w), ())}
    return out


def stems(word: str) -> set[str]:
    """Stems of a canonical word that inflected forms start with."""
    w = word.lower()
    out = {w[: len(w) - k] for k in range(0, 4) if len(w) - k >= max(3, len(w) - 3)}
    for a, b in ALTERNATIONS:
        for s in list(out):
            i = s.rfind(a, max(0, len(s) - 3))
            if i > 0:
                out.add(s[:i] + b + s[i + 1 :])
    return out


def is_inflection(token: str, canonical_words: dict[str, set[str]]) -> bool:
    """Whether ``token`` is a canonical word or that word's stem plus a short ending."""
    t = token.lower()
    if t in canonical_words:
        return True
    for i in range(max(1, len(t) - MAX_ENDING), len(t) + 1):
        for stem_set in canonical_words.values():
            if t[:i] in stem_set:
                return True
    return False


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return (rows[0] if rows else []), rows[1:]


def changed_ref_words(mt: str, ref: str) -> list[str]:
    a, b = WORD_RE.findall(mt), WORD_RE.findall(ref)
    out: list[str] = []
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            out.extend(b[j1:j2])
    return out


def changed_ref_ranges(mt: str, ref: str) -> list[tuple[int, int]]:
    sm = difflib.SequenceMatcher(a=mt, b=ref, autojunk=False)
    return [(j1, j2) for op, _i1, _i2, j1, j2 in sm.get_opcodes() if op != "equal"]


def check_lang(lang: str, glossary, root: Path | None = None,
               file_name: str = "dev.tsv") -> tuple[list[str], Counter]:
    path = (root or HERE) / lang / file_name
    problems: list[str] = []
    counts: Counter = Counter()
    if not path.exists():
        return [f"{path}: missing"], counts
    canon = [f.canonical for _e, f in glossary.forms(lang)]
    all_forms = [x for _e, f in glossary.forms(lang) for x in (f.canonical, *f.variants, *f.admitted)]
    all_forms += [x for _e, f in glossary.forms("en") for x in (f.canonical, *f.variants, *f.admitted)]
    canonical_words = {w.lower(): stems(w) for c in canon for w in WORD_RE.findall(c)}
    prepositions = rule_prepositions(glossary, lang)
    form_words = {w.lower() for f in all_forms for w in WORD_RE.findall(f) if len(w) >= 4}
    header, rows = read_rows(path)
    if header != HEADER:
        problems.append(f"{path}:1: header is {header!r}, expected {HEADER!r}")
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        where = f"{path}:{n}"
        if len(row) != 4 or not all(c.strip() for c in row):
            problems.append(f"{where}: expected 4 non-empty tab-separated columns, got {len(row)}")
            continue
        rid, origin, mt, ref = row
        if rid in seen or not rid.startswith(f"{lang}-"):
            problems.append(f"{where}: id {rid!r} is duplicated or does not start with '{lang}-'")
        seen.add(rid)
        counts["rows"] += 1
        counts[f"origin:{origin}"] += 1
        if mt != ref:
            counts["error"] += 1
            if lang in CJK:
                for j1, j2 in changed_ref_ranges(mt, ref):
                    if j1 == j2:
                        continue
                    inside = any(s <= j1 and j2 <= s + len(c)
                                 for c in canon for s in (m.start() for m in re.finditer(re.escape(c), ref)))
                    if not inside:
                        problems.append(f"{where}: changed text {ref[j1:j2]!r} is not inside a {lang} canonical form")
            else:
                words = changed_ref_words(mt, ref)
                if not words:
                    problems.append(f"{where}: mt and ref differ outside words")
                for w in words:
                    bare = ELISION_RE.sub("", w)  # French "d'Avdiïvka", "l'OTAN"
                    if w.casefold() in prepositions:
                        continue
                    if not (is_inflection(w, canonical_words) or is_inflection(bare, canonical_words)):
                        problems.append(f"{where}: changed word {w!r} is not a {lang} canonical form (or inflected)")
        else:
            counts["clean"] += 1
            if lang in CJK:
                ok = any(f in ref for f in all_forms) or any(
                    f[i : i + 2] in ref for f in all_forms for i in range(len(f) - 1) if not f[i : i + 2].isascii())
            else:
                toks = [t.lower() for w in WORD_RE.findall(ref) for t in {w, *re.split(r"[-'’]", w)}]
                ok = any(is_inflection(t, canonical_words) and len(t) >= 3 for t in toks) or any(
                    len(os.path.commonprefix([t, f])) >= max(5, len(f) - 3) or fuzz.ratio(t, f) >= LOOKALIKE_RATIO
                    for t in toks if len(t) >= 4 for f in form_words)
            if not ok:
                problems.append(f"{where}: clean row has no glossary name or look-alike")
    return problems, counts


def main(argv: list[str]) -> int:
    root, file_name, langs = None, "dev.tsv", []
    args = iter(argv)
    for a in args:
        if a == "--root":
            root = Path(next(args))
        elif a == "--file-name":
            file_name = next(args)
        else:
            langs.append(a)
    glossary = read_glossary(GLOSSARY)
    langs = langs or list(LANGS)
    all_problems: list[str] = []
    print("lang\trows\terror\tclean\torigins")
    for lang in langs:
        problems, c = check_lang(lang, glossary, root, file_name)
        all_problems += problems
        origins = ",".join(f"{k[7:]}={v}" for k, v in sorted(c.items()) if k.startswith("origin:"))
        print(f"{lang}\t{c['rows']}\t{c['error']}\t{c['clean']}\t{origins}")
    for p in all_problems:
        print(p, file=sys.stderr)
    return 1 if all_problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
