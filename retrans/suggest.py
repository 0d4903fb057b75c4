"""Mine MT output for names the glossary lacks or that the MT renders inconsistently.

Capitalised spans (runs of capitalised words that are not common words) are counted
across the corpus. Words that look or sound alike (:mod:`retrans.namesim`) are joined
into clusters: Walodimir / Walloudimir / Volodymyr, Zelnski / Zelensky. Each cluster
and each span is also compared with the glossary's forms in the target language: a
span close to an entry's form but not one of its known forms is a candidate variant.
With source documents (the MT input, line-aligned), an entry whose source form is in a
source line while none of its target forms is in the MT line is recorded as evidence
too. Suggestions are ranked and written for review; nothing is merged.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .detect import fold
from .glossary import Glossary
from .namesim import close, similarity
from .validate import COMMON_WORDS

_WORD = r"[^\W\d_][\w'’.-]*[\w]|[^\W\d_]"
_TOKEN = re.compile(_WORD)
_EXTRA_STOP = frozenset("""according although however meanwhile monday tuesday wednesday thursday friday saturday
sunday january february march april may june july august september october november december mr mrs ms dr
secretary spokesman spokeswoman chancellor governor commander brigade artillery hotel summit university agency
ministry minister embassy ambassador general colonel foreign defence defense affairs office
source sources reactions recent in on at the a an this that these those also while since after before""".split())


@dataclass
class Cluster:
    """Spellings that look or sound alike, with their evidence."""

    spellings: Counter = field(default_factory=Counter)
    seen_at: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    status: dict[str, str] = field(default_factory=dict)  # spelling -> "new" | "variant of X" | "form of X"
    entry: str | None = None
    entry_form: str | None = None
    entry_similarity: float = 0.0

    @property
    def count(self) -> int:
        return sum(self.spellings.values())

    @property
    def has_new(self) -> bool:
        return any(v == "new" for v in self.status.values())

    @property
    def score(self) -> float:
        """Rank: occurrences x distinct spellings, more for closeness to an entry, less when all are known."""
        return (self.count * (1 + len(self.spellings)) * (1.5 if self.entry else 1.0)
                * (1.0 if self.has_new else 0.5))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"spellings": {s: n for s, n in self.spellings.most_common()},
                               "status": dict(sorted(self.status.items())), "score": round(self.score, 1)}
        if self.entry:
            out["closest_entry"] = self.entry
            out["closest_form"] = self.entry_form
            out["similarity"] = round(self.entry_similarity, 1)
        out["seen_at"] = {s: v[:3] for s, v in sorted(self.seen_at.items())}
        return out


_COMPOUND = re.compile(r"-(based|led|backed|installed|controlled|born|held|run|style|era|linked|owned|made)$")


def _strip_possessive(word: str) -> str:
    return _COMPOUND.sub("", re.sub(r"['’]s$", "", word))


def _is_name_word(word: str) -> bool:
    low = fold(word)
    return word[:1].isupper() and low not in COMMON_WORDS and low not in _EXTRA_STOP \
        and len(word) >= 3 and not word.isupper()


def name_words(line: str) -> list[tuple[int, str]]:
    """Capitalised words of a line that may be (parts of) names, with their offsets."""
    out = []
    for m in _TOKEN.finditer(line):
        word = _strip_possessive(m.group().rstrip("."))
        if _is_name_word(word):
            out.append((m.start(), word))
    return out


def _runs(line: str) -> list[tuple[str, list[str]]]:
    """Runs of adjacent name words ("Walloudimir Zelnski"), each with its words."""
    runs: list[tuple[int, int, list[str]]] = []
    for start, word in name_words(line):
        if runs and line[runs[-1][1]:start] == " ":
            s, _, words = runs[-1]
            runs[-1] = (s, start + len(word), words + [word])
        else:
            runs.append((start, start + len(word), [word]))
    return [(line[s:e], words) for s, e, words in runs]


def _glossary_words(glossary: Glossary, lang: str) -> dict[str, tuple[str, str]]:
    """Every word (folded) of the glossary's ``lang`` forms -> (entry id, role), correct roles first."""
    words: dict[str, tuple[str, str]] = {}
    for role_group in (("canonical", "admitted"), ("variants",)):
        for entry, forms in glossary.forms(lang):
            for role in role_group:
                items = (forms.canonical,) if role == "canonical" else getattr(forms, role)
                for form in items:
                    for w in _TOKEN.findall(form):
                        if len(w) >= 3:
                            words.setdefault(w, (entry.id, role))
    return words


def suggest(docs: list[tuple[str, str]], glossary: Glossary, lang: str = "en",
            sources: list[tuple[str, str]] | None = None, min_count: int = 1,
            threshold: float = 80.0) -> dict[str, Any]:
    """Suggestions for ``docs`` (``[(name, text)]``) as a plain dict ready for YAML."""
    counts: Counter = Counter()
    where: dict[str, list[str]] = defaultdict(list)
    lower_seen: set[str] = set()
    for name, text in docs:
        for i, line in enumerate(text.splitlines(), 1):
            lower_seen.update(w for w in _TOKEN.findall(line) if w[:1].islower())
            for run, words in _runs(line):
                for word in words:
                    counts[word] += 1
                    where[word].append(f"{name}:{i} {run}")
    gwords = _glossary_words(glossary, lang)
    gfold = {fold(w): v for w, v in reversed(list(gwords.items()))}
    correct = [w for w, (_, role) in gwords.items() if role != "variants"]
    # a capitalised word also seen in lower case is an ordinary word at the start of a sentence
    words = sorted(w for w, n in counts.items()
                   if n >= min_count and (fold(w) not in {fold(x) for x in lower_seen} or fold(w) in gfold))
    # leader clustering, most frequent first: a word joins the first cluster whose head it is close to
    # (no chaining: Israeli ~ Iraqi ~ Iran would otherwise end up in one cluster)
    heads: list[str] = []
    groups: dict[str, list[str]] = {}
    for w in sorted(words, key=lambda x: (-counts[x], x)):
        head = next((h for h in heads if close(w, h, threshold)), None)
        if head is None:
            heads.append(w)
            groups[w] = [w]
        else:
            groups[head].append(w)
    clusters = []
    for members in groups.values():
        c = Cluster()
        for w in members:
            c.spellings[w] = counts[w]
            c.seen_at[w] = where[w]
            known = gfold.get(fold(w))
            c.status[w] = "new" if known is None else (
                f"variant of {known[0]}" if known[1] == "variants" else f"{known[1]} form of {known[0]}")
        if all(v.startswith(("canonical", "admitted")) for v in c.status.values()):
            continue  # every spelling is a correct form already
        best: tuple[float, str | None, str | None] = (0.0, None, None)
        owners = {gfold[fold(w)][0] for w in members if fold(w) in gfold and gfold[fold(w)][1] == "variants"}
        for w in members:  # a known variant points at its own entry first
            for gw in (g for g in correct if gwords[g][0] in owners):
                if fold(gw) != fold(w):
                    s = similarity(w, gw)
                    if s > best[0]:
                        best = (s, gwords[gw][0], gw)
        for w in members if best[1] is None else []:
            for gw in correct:
                if fold(gw) != fold(w) and close(w, gw, threshold):
                    s = similarity(w, gw)
                    if s > best[0]:
                        best = (s, gwords[gw][0], gw)
        c.entry_similarity, c.entry, c.entry_form = best
        if len(members) > 1 or (c.entry is not None and c.entry_similarity >= threshold and len(members[0]) >= 5):
            clusters.append(c)
    clusters.sort(key=lambda c: (-c.score, sorted(c.spellings)[0]))
    out: dict[str, Any] = {"version": 1, "kind": "retrans-suggestions", "lang": lang,
                           "documents": len(docs), "clusters": [c.to_dict() for c in clusters]}
    if sources:
        out["missing"] = _source_evidence(docs, sources, glossary, lang)
    return out


def _source_evidence(docs: list[tuple[str, str]], sources: list[tuple[str, str]], glossary: Glossary,
                     lang: str) -> list[dict[str, Any]]:
    """Entries whose source-language form is in a source line while the MT line has none of its forms."""
    found: dict[str, dict[str, Any]] = {}
    patterns = []
    for entry in glossary:
        target = entry.forms.get(lang)
        if target is None:
            continue
        mine = {fold(f) for f in (target.canonical, *target.admitted)}
        for src_lang, forms in entry.forms.items():
            if src_lang != lang and len(forms.canonical) >= 3:
                patterns.append((forms.canonical, src_lang, entry.id, target.canonical, mine))
    for (_, mt), (src_name, src) in zip(docs, sources):
        mt_lines, src_lines = mt.splitlines(), src.splitlines()
        aligned = len(mt_lines) == len(src_lines)
        for i, src_line in enumerate(src_lines):
            mt_line = mt_lines[i] if aligned else mt
            folded_mt = fold(mt_line)
            for form, src_lang, entry_id, canonical, mine in patterns:
                if form in src_line and not any(m in folded_mt for m in mine):
                    rec = found.setdefault(entry_id, {"entry": entry_id, "canonical": canonical,
                                                      "source_form": form, "source_lang": src_lang,
                                                      "count": 0, "renderings": Counter(), "seen_at": []})
                    rec["count"] += 1
                    rec["seen_at"].append(f"{src_name}:{i + 1}")
                    if aligned:
                        for _, w in name_words(mt_line):
                            if similarity(w, canonical) >= 50 or any(close(w, p) for p in canonical.split()):
                                rec["renderings"][w] += 1
    out = []
    for rec in sorted(found.values(), key=lambda r: -r["count"]):
        rec["renderings"] = dict(rec["renderings"].most_common())
        rec["seen_at"] = rec["seen_at"][:5]
        out.append(rec)
    return out
