"""Rank candidate rewrites in context and decide which to apply.

The language-model ranker scores each candidate's sentence with a causal LM and
adds glossary evidence, all in nats:

    score(c) = [logP(sentence with c) - logP(sentence as is)]
             + prior(kind) + cues near the span + the name attested elsewhere in the document
             - a penalty when a capitalised variant matched lower-case text
             - morph_step * morph_rank(c)

In languages that inflect names, the candidates of a span are the canonical form in
the case(s) the hit may be in, best morphological guess first (the hit's own ending
carried over, then the cases the hit's ending may stand for; a hit in the base form:
the nominative, then the other cases). ``morph_rank`` is a candidate's place in that
order, so the model may overrule the morphology only by ``morph_step`` nats per step.
Outside English the names' own log-probability is taken off the model's term (see
:func:`name_prior_free`).

A known variant whose words the model's vocabulary does not hold whole ("Zelnski", not
"Route") is decided on the evidence alone, without the model (:meth:`LMRanker.clear`):
the model only ever agrees with such a fix, and the spans that need it are scored sooner.

"Keep" scores 0. The best other candidate is applied only when its score reaches
the margin for its kind (calibrated on ``corpora/dev``); otherwise the span is
logged as a suggestion. Ties go to the higher score, then the earlier candidate
(keep < canonical < ...), then the replacement text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .config import RankConfig, RepairConfig
from .detect import fold
from .glossary import Entry, Forms
from .lm import SentenceScorer
from .prepositions import SOURCE as PREPOSITION
from .prepositions import PrepositionSpan
from .records import FUZZY, MISTRANSLATION, SOURCE, VARIANT, Candidate, Span, quick_init

_SENT_END = re.compile(r"[.!?;](?=\s|$)")
_WORD = re.compile(r"\w+", re.UNICODE)


@quick_init
@dataclass(frozen=True, slots=True)
class Proposal:
    """A span with its glossary entry and candidates (keep first)."""

    span: Span
    entry: Entry
    forms: Forms
    candidates: tuple[Candidate, ...]
    bilingual: str | None = None  # "present" | "absent": the entry's source form in the aligned source line


@dataclass(frozen=True)
class Decision:
    """The ranker's verdict on one span."""

    span: Span
    best: Candidate  # the best rewrite (never "keep")
    score: float  # combined score of ``best``; keep scores 0
    applied: bool
    runner_up: Candidate | None = None
    lm_delta: float = 0.0
    evidence: dict[str, float] = field(default_factory=dict)


class Ranker(Protocol):
    """Turns the proposals of one document into decisions."""

    name: str

    def rank(self, lines: Sequence[str], proposals: Sequence[Proposal]) -> list[Decision]: ...


def sentence_bounds(line: str, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """The sentence of ``line`` around ``[start, end)``, cut to about ``max_chars``."""
    left = 0
    for m in _SENT_END.finditer(line, 0, start):
        left = m.end()
    while left < start and line[left].isspace():
        left += 1
    m = _SENT_END.search(line, end)
    right = m.end() if m else len(line)
    half = max_chars // 2
    if start - left > half:
        cut = line.rfind(" ", left, start - half)
        left = cut + 1 if cut >= 0 else start - half
    if right - end > half:
        cut = line.find(" ", end + half, right)
        right = cut if cut >= 0 else end + half
    return left, right


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A word folded, less a plural "s": how cue words are compared (remembered: news repeats its words)."""
    w = word.casefold()
    return w[:-1] if len(w) > 3 and w.endswith("s") else w


@functools.lru_cache(maxsize=16384)
def _cue_stems(cues: tuple[str, ...]) -> frozenset[str]:
    return frozenset(map(_stem, cues))


_WORD_CHARS = 10  # characters per word looked at first around a span (the whole line when they hold too few)


def words_before(line: str, start: int, n: int) -> list[str]:
    """The last ``n`` words (``\\w+``) of ``line[:start]``, read from a stretch before ``start`` when it holds
    more than ``n`` of them (only its first word can be cut off there; the others are the same matches)."""
    if n <= 0:
        return []
    lo = start - _WORD_CHARS * (n + 1)
    if lo > 0:
        words = _WORD.findall(line, lo, start)
        if len(words) > n:
            return words[-n:]
    return _WORD.findall(line, 0, start)[-n:]


def words_after(line: str, end: int, n: int) -> list[str]:
    """The first ``n`` words (``\\w+``) of ``line[end:]``, read from a stretch after ``end`` when it holds more
    than ``n`` of them (only its last word can be cut off there)."""
    hi = end + _WORD_CHARS * (n + 1)
    if hi < len(line):
        words = _WORD.findall(line, end, hi)
        if len(words) > n:
            return words[:n]
    return _WORD.findall(line, end)[:n]


class _Evidence:
    """Glossary evidence for the spans of one document."""

    def __init__(self, lines: Sequence[str], config: RankConfig) -> None:
        self.config = config
        self.folded_doc = fold("\n".join(lines))
        self._attested: dict[str, bool] = {}

    def static(self, p: Proposal, line: str) -> dict[str, float]:
        c = self.config
        ev: dict[str, float] = {}
        if p.span.kind == VARIANT:
            ev["prior"] = c.prior_variant
            if p.span.text == p.span.text.lower() and p.span.form != p.span.form.lower():
                ev["case"] = -c.case_mismatch_penalty
        elif p.span.kind in (FUZZY, SOURCE):
            ev["prior"] = c.prior_fuzzy if p.span.kind == FUZZY else c.prior_source
            sim = float(getattr(p.span, "similarity", 0.0))
            span = max(1.0, 100.0 - c.similarity_floor)
            ev["similarity"] = c.similarity_weight * max(0.0, sim - c.similarity_floor) / span
            if getattr(p.span, "romanised", False):
                ev["romanised"] = c.romanised_bonus
        else:
            # A multiword mistranslation ("third state university") is more specific than one word.
            words = len(p.span.form.split())
            ev["prior"] = min(0.0, c.prior_mistranslation + c.multiword_step * (words - 1))
        if p.forms.cues:
            cues = _cue_stems(p.forms.cues)
            found = {stem for w in (*words_before(line, p.span.start, c.cue_window),
                                    *words_after(line, p.span.end, c.cue_window)) if (stem := _stem(w)) in cues}
            if found:
                ev["cues"] = min(c.cue_bonus * len(found), c.cue_bonus_max)
        if self.attested(p) and not name_is_right(p.span):
            ev["doc"] = c.doc_bonus
        if p.bilingual == "present":
            ev["source"] = c.source_bonus
        elif p.bilingual == "absent":
            ev["source"] = -c.source_penalty
        return ev

    def attested(self, p: Proposal) -> bool:
        """The entry's correct form occurs somewhere in the document."""
        found = self._attested.get(p.entry.id)
        if found is None:
            found = any(fold(f) in self.folded_doc for f in (p.forms.canonical, *p.forms.admitted))
            self._attested[p.entry.id] = found
        return found


def _decide(p: Proposal, scores: dict[int, float], ev: dict[str, float], margin: float,
            deltas: dict[int, float], config: RankConfig) -> Decision:
    """``scores``: the model's term (and the rewrite cost) per candidate; ``ev``: the span's evidence.
    The candidate's morphology cost is added here and shown in the evidence as ``morph``."""
    bonus = sum(ev.values())
    total_of = {i: scores[i] + _morph_cost(p.candidates[i], config) + bonus for i in range(1, len(p.candidates))}
    ranked = sorted(total_of, key=lambda i: (-total_of[i], i, p.candidates[i].replacement))
    best = ranked[0]
    total = total_of[best]
    runner = p.candidates[ranked[1]] if len(ranked) > 1 else None
    evidence = {k: round(v, 3) for k, v in ev.items()}
    if any(c.morph_rank for c in p.candidates):  # several case forms competed
        evidence["morph"] = round(_morph_cost(p.candidates[best], config), 3)
    return Decision(p.span, p.candidates[best], round(total, 3), total >= margin, runner,
                    round(deltas[best], 3), evidence)


def _rewrite_cost(c: Candidate, config: RankConfig) -> float:
    """Changing the determiner or the preposition as well as the name must earn its keep: minimal edits first."""
    return -config.rewrite_penalty if c.source in ("drop-determiner", "definite", PREPOSITION) else 0.0


def name_is_right(span: Span) -> bool:
    """Whether only the preposition before the (correct) name is in question ("на Україні"): then
    evidence about the name (its correct form elsewhere in the document) says nothing."""
    return isinstance(span, PrepositionSpan)


def _morph_cost(c: Candidate, config: RankConfig) -> float:
    """Each step away from the best morphological guess of the hit's case costs ``morph_step`` nats."""
    return -config.morph_step * c.morph_rank


def _contains_name(name: str, part: str) -> bool:
    a, b = fold(name).split(), fold(part).split()
    return any(a[i : i + len(b)] == b for i in range(len(a) - len(b) + 1))


def name_prior_free(span: Span) -> bool:
    """Whether the model's preference for a name's spelling out of context is discounted:
    for spans of target languages other than English, except where only the preposition before
    a correct name changes (the name is spelled alike in every candidate: nothing to discount,
    and the model's out-of-context preference, "в Україні" over "на Україні", is the point)."""
    lang = getattr(span, "lang", "")
    return bool(lang) and lang.split("-")[0].lower() != "en" and not name_is_right(span)


class LMRanker:
    """Ranks candidates by language-model likelihood of their sentence plus glossary evidence."""

    def __init__(self, scorer: SentenceScorer, config: RankConfig | None = None,
                 max_context_chars: int = RepairConfig.max_context_chars):
        self.scorer = scorer
        self.config = config or RankConfig()
        self.max_context_chars = max_context_chars
        self.name = f"lm:{scorer.name}"

    def _jobs(self, lines: Sequence[str], proposals: Sequence[Proposal],
              contexts: Sequence[str] | None = None) -> list[list[str]]:
        jobs: list[list[str]] = []
        for k, p in enumerate(proposals):
            line = lines[p.span.line - 1]
            lo = min(c.start for c in p.candidates)
            hi = max(c.end for c in p.candidates)
            left, right = sentence_bounds(line, lo, hi, self.max_context_chars)
            prefix = contexts[k] + "\n" if contexts and contexts[k] else ""
            jobs.append([prefix + line[left : c.start] + c.replacement + line[c.end : right] for c in p.candidates])
        # Outside English the model knows the English spelling of a name best ("Xi Jinping" over Czech
        # "Si Ťin-pching"), so there only the context's say counts: the names alone are scored too (groups
        # after the proposals' own) and their delta is taken off in ``_fold``. Each over the stretch all the
        # candidates cover, so a candidate that changes the preposition as well is compared like for like.
        jobs += [_bare(lines[p.span.line - 1], p.candidates) for p in proposals if name_prior_free(p.span)]
        return jobs

    def lm_deltas(self, lines: Sequence[str], proposals: Sequence[Proposal],
                  contexts: Sequence[str] | None = None) -> list[dict[int, float]]:
        """For each proposal, candidate index -> logP(with candidate) - logP(as is),
        each sentence conditioned on the proposal's context text when one is given."""
        jobs = self._jobs(lines, proposals, contexts)
        return _fold(proposals, self.scorer.score_groups(jobs) if jobs else [])

    def rank(self, lines: Sequence[str], proposals: Sequence[Proposal]) -> list[Decision]:
        return self.rank_many([(lines, proposals)])[0]

    def rank_many(self, docs: Sequence[tuple[Sequence[str], Sequence[Proposal]]]) -> list[list[Decision]]:
        """:meth:`rank` for several documents; the model scores every document's first pass in one call.
        Clear variants (:meth:`clear`) do not reach the model."""
        statics, asked, jobs = [], [], []
        for lines, proposals in docs:
            evidence = _Evidence(lines, self.config)
            ev = [evidence.static(p, lines[p.span.line - 1]) for p in proposals]
            clear = [self.clear(p, e) for p, e in zip(proposals, ev)]
            statics.append((ev, clear))
            asked.append([k for k, c in enumerate(clear) if not c])
            jobs.append(self._jobs(lines, [proposals[k] for k in asked[-1]]))
        flat = [g for j in jobs for g in j]
        scores = self.scorer.score_groups(flat) if flat else []
        out, at = [], 0
        for (lines, proposals), (ev, clear), ask, j in zip(docs, statics, asked, jobs):
            deltas = [dict.fromkeys(range(len(p.candidates)), 0.0) for p in proposals]  # clear ones: no model
            for k, d in zip(ask, _fold([proposals[k] for k in ask], scores[at : at + len(j)])):
                deltas[k] = d
            at += len(j)
            out.append(self._rank(lines, proposals, deltas, ev, clear))
        return out

    def clear(self, p: Proposal, ev: dict[str, float]) -> bool:
        """Whether ``p`` is decided on glossary evidence ``ev`` alone, without the model: a known variant of
        an English-like target with one rewrite, no evidence against it, enough for the margin, and every
        word of it outside the model's vocabulary as a whole word (a misspelt name such as "Zelnski", where
        the model only ever agrees, not an ordinary word such as "Route", which "Route 66" needs kept)."""
        pieces = getattr(self.scorer, "pieces", None)
        if (not self.config.clear_variants or pieces is None or p.span.kind != VARIANT
                or len(p.candidates) != 2 or name_prior_free(p.span)):
            return False
        if any(v < 0 for v in ev.values()) or sum(ev.values()) < self._margin(p):
            return False
        words = _WORD.findall(p.span.text)
        return bool(words) and all(pieces(w) > 1 for w in words)

    def _rank(self, lines: Sequence[str], proposals: Sequence[Proposal], deltas: list[dict[int, float]],
              statics: list[dict[str, float]], clear: list[bool]) -> list[Decision]:
        # Pass 1: names fixed confidently on their own, with the sentence that shows the fix.
        confident: list[tuple[str, int, str]] = []  # (canonical, line, fixed sentence)
        for p, d, ev in zip(proposals, deltas, statics):
            plain = sum(v for k, v in ev.items() if k != "doc")
            scored = {i: d[i] + _rewrite_cost(p.candidates[i], self.config) + _morph_cost(p.candidates[i], self.config)
                      for i in range(1, len(p.candidates))}
            best = max(scored, key=lambda i: (scored[i], -i))
            if scored[best] + plain >= self._margin(p) + self.config.doc_bonus:
                c, line = p.candidates[best], lines[p.span.line - 1]
                left, right = sentence_bounds(line, c.start, c.end, self.max_context_chars)
                confident.append((p.forms.canonical, p.span.line,
                                  line[left : c.start] + c.replacement + line[c.end : right]))
        # Pass 2: a mistranslation of a name fixed confidently elsewhere in the document
        # (alone or inside a longer name: Sumy in "Sumy State University") is scored again
        # with that fixed sentence as context, so the model knows which name the article is about.
        contexts = [self._context(p, confident) for p in proposals]
        redo = [k for k, ctx in enumerate(contexts) if ctx]
        if redo:
            again = self.lm_deltas(lines, [proposals[k] for k in redo], [contexts[k] for k in redo])
            for k, d in zip(redo, again):
                deltas[k] = d
        decisions = []
        for p, d, ev, ctx, is_clear in zip(proposals, deltas, statics, contexts, clear):
            if ctx:
                ev = {k: v for k, v in ev.items() if k != "doc"}  # the context carries that evidence now
            elif "doc" not in ev and not name_is_right(p.span) \
                    and any(_contains_name(p.forms.canonical, c) for c, _, _ in confident):
                ev = {**ev, "doc": self.config.doc_bonus}
            scores = {i: v + _rewrite_cost(p.candidates[i], self.config) for i, v in d.items()}
            decision = _decide(p, scores, ev, self._margin(p), d, self.config)
            if is_clear:
                decision.evidence["clear"] = 0.0  # the log shows it was decided without the model
            decisions.append(decision)
        return decisions

    def _context(self, p: Proposal, confident: list[tuple[str, int, str]]) -> str:
        if p.span.kind != MISTRANSLATION or name_is_right(p.span):
            return ""
        for canonical, line, sentence in confident:
            if line != p.span.line and _contains_name(p.forms.canonical, canonical):
                return sentence
        return ""

    def _margin(self, p: Proposal) -> float:
        return margin(self.config, p.span.kind)


def _bare(line: str, candidates: Sequence[Candidate]) -> list[str]:
    """The candidates' replacements alone, each widened to the stretch of ``line`` all of them cover."""
    lo, hi = min(c.start for c in candidates), max(c.end for c in candidates)
    return [line[lo : c.start] + c.replacement + line[c.end : hi] for c in candidates]


def _fold(proposals: Sequence[Proposal], scores: list[list[float]]) -> list[dict[int, float]]:
    """Deltas against the text as is; for name-prior-free proposals, less the names' own delta
    (their groups follow the proposals' groups in ``scores``, in proposal order)."""
    out = [{i: v - vals[0] for i, v in enumerate(vals)} for vals in scores[: len(proposals)]]
    bare = [k for k, p in enumerate(proposals) if name_prior_free(p.span)]
    for k, vals in zip(bare, scores[len(proposals) :]):
        out[k] = {i: v - (vals[i] - vals[0]) for i, v in out[k].items()}
    return out


def margin(config: RankConfig, kind: str) -> float:
    """The score a fix of a span of ``kind`` must reach to be applied."""
    return {VARIANT: config.margin_variant, FUZZY: config.margin_fuzzy,
            SOURCE: config.margin_source}.get(kind, config.margin_mistranslation)


class GlossaryRanker:
    """Decides from glossary evidence alone, with no model: fast, for a first pass or a benchmark.

    Candidates are preferred in proposal order. Only known variants are fixed (when
    their evidence reaches the margin); mistranslations, fuzzy and source spans are
    ambiguous by nature and are only logged as suggestions without a model.
    """

    name = "glossary"

    def __init__(self, config: RankConfig | None = None) -> None:
        self.config = config or RankConfig()

    def rank(self, lines: Sequence[str], proposals: Sequence[Proposal]) -> list[Decision]:
        evidence = _Evidence(lines, self.config)
        out = []
        for p in proposals:
            ev = evidence.static(p, lines[p.span.line - 1])
            zeros = dict.fromkeys(range(len(p.candidates)), 0.0)
            need = margin(self.config, p.span.kind) if p.span.kind == VARIANT else float("inf")
            out.append(_decide(p, zeros, ev, need, zeros, self.config))
        return out
