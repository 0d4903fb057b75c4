"""The repair pipeline: read -> detect -> propose -> rank -> apply -> report.

:class:`Repairer` holds the named, replaceable components (matcher, proposer,
ranker) and runs them over a document. Text is handled line by line (split on
``\\n`` only, so ``\\r``, blank lines and every other byte survive untouched).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from . import __version__
from .apply import apply_edits, select_non_overlapping
from .bilingual import SourceEvidence, occurs
from .config import RepairConfig
from .detect import Matcher
from .fuzzy import FuzzyMatcher, propose_fuzzy
from .glossary import Entry, Forms, Glossary
from .glossary_cache import load_matcher
from .multilingual import MorphSpan, fuzzy_applies, script_entry
from .propose import match_case, propose
from .rank import Decision, GlossaryRanker, LMRanker, Proposal, Ranker
from .records import FUZZY, SOURCE, Candidate, Edit, RunSignature, Span

Proposer = Callable[[Span, str, Entry, Forms], list[Candidate]]


@dataclass(frozen=True)
class DocumentResult:
    """The repaired text of one document and every edit proposed for it."""

    doc: str
    text: str
    edits: tuple[Edit, ...]

    @property
    def applied(self) -> list[Edit]:
        return [e for e in self.edits if e.applied]


_DEFAULT = object()


class Repairer:
    """Runs detect -> propose -> rank -> apply with the given components.

    ``matcher`` finds the glossary's forms (:class:`Matcher`); by default it is compiled, or loaded from
    the cache, for ``config.lang``. ``fuzzy`` finds unseen variants (a :class:`FuzzyMatcher`); by default
    one is built when ``config.fuzzy`` is set, and ``None`` turns it off. Exact spans win over fuzzy ones.
    :func:`compile_matchers` builds both once for several repairers.
    """

    def __init__(self, glossary: Glossary, ranker: Ranker, config: RepairConfig | None = None,
                 proposer: Proposer = propose, fuzzy: FuzzyMatcher | None | object = _DEFAULT,
                 fuzzy_proposer: Proposer = propose_fuzzy, matcher: Matcher | None = None) -> None:
        self.glossary = glossary
        self.config = config or RepairConfig()
        self.matcher: Matcher = matcher if matcher is not None else load_matcher(glossary, self.config.lang)
        self.proposer = proposer
        self.fuzzy_proposer = fuzzy_proposer
        self.ranker = ranker
        if fuzzy is _DEFAULT:
            fuzzy = default_fuzzy(glossary, self.config)
        self.fuzzy: FuzzyMatcher | None = fuzzy  # type: ignore[assignment]
        self._source_evidence: SourceEvidence | None = None
        self._entries: dict[str, tuple[Entry, Forms]] = {}  # entry id -> its entry and forms in lang, once used

    @property
    def source_evidence(self) -> SourceEvidence:
        """The glossary's source-language forms (built on first use)."""
        if self._source_evidence is None:
            langs = [self.config.source_lang] if self.config.source_lang else None
            self._source_evidence = SourceEvidence(self.glossary, self.config.lang, langs)
        return self._source_evidence

    @property
    def signature(self) -> RunSignature:
        rank = getattr(self.ranker, "config", self.config.rank)
        return RunSignature(__version__, self.glossary.digest[:12], self.ranker.name, self.config.lang,
                            f"{rank.margin_variant:g}/{rank.margin_mistranslation:g}")

    def detect(self, lines: list[str], source_lines: list[str] | None = None,
               exact: list[Span] | None = None) -> list[Span]:
        """Exact spans (``exact``: already found by the matcher), then fuzzy spans where no exact span
        is, then (with source lines) names the source line attests that the target line lacks, looked
        for with a lower similarity threshold."""
        if exact is None:
            exact = self.matcher.find_lines(lines)
        if self.fuzzy is None:  # (source lines only steer fuzzy matching)
            return sorted(exact, key=lambda s: (s.line, s.start, -s.end))
        by_line: dict[int, list[Span]] = {}
        for s in exact:
            by_line.setdefault(s.line, []).append(s)
        out: list[Span] = []
        for n, line in enumerate(lines, 1):
            spans = by_line.get(n, [])
            spans += self.fuzzy.find(line, n, taken=[(s.start, s.end) for s in spans])
            if source_lines is not None:
                missing = [eid for eid in self.source_evidence.attested(source_lines[n - 1])
                           if not any(s.entry_id == eid for s in spans) and not self._has_correct(eid, line)]
                if missing:
                    spans += self.fuzzy.find(line, n, taken=[(s.start, s.end) for s in spans], entries=missing,
                                             threshold=self.config.source_threshold, kind=SOURCE)
            out.extend(sorted(spans, key=lambda s: (s.start, -s.end)))
        return out

    def _has_correct(self, entry_id: str, line: str) -> bool:
        forms = self.glossary[entry_id].forms.get(self.config.lang)
        return forms is not None and any(occurs(f, line) for f in (forms.canonical, *forms.admitted))

    def propose(self, lines: list[str], spans: list[Span], source_lines: list[str] | None = None) -> list[Proposal]:
        out = []
        lang = self.config.lang
        known = self._entries
        proposer, similar = self.proposer, self.fuzzy_proposer
        for span in spans:
            found = known.get(span.entry_id)
            if found is None:
                entry = self.glossary.get(span.entry_id)
                if entry is None:  # a mixed-script word
                    entry = script_entry(span, lang)
                    found = (entry, entry.forms[lang])
                else:
                    found = known[span.entry_id] = (entry, entry.forms[lang])
            entry, forms = found
            cands = (similar if span.kind in (FUZZY, SOURCE) else proposer)(span, lines[span.line - 1], entry, forms)
            if (len(cands) == 2 and cands[1].replacement != forms.canonical and cands[1].source == "canonical"
                    and not isinstance(span, MorphSpan)):
                cands = self._whole_if_suspect(cands, span, forms)
            if len(cands) > 1:
                status = (self.source_evidence.status(span.entry_id, source_lines[span.line - 1])
                          if source_lines is not None else None)
                out.append(Proposal(span, entry, forms, tuple(cands), status))
        return out

    def _whole_if_suspect(self, cands: list[Candidate], span: Span, forms: Forms) -> list[Candidate]:
        """A part of the canonical form ("Zelnski" -> "Zelensky") that the glossary itself flags as suspect
        (another entry's variant) would be changed again by the next run: propose the whole canonical
        form instead, which is protected, so fixing stays idempotent. (Asked only when the fix is a part:
        the usual case, the whole name, costs :meth:`propose` one comparison.)"""
        fix = cands[1]
        if not self.matcher.has_suspect(fix.replacement):
            return cands
        whole = match_case(span.text, forms.canonical)
        return cands if fix.replacement == whole else [cands[0], replace(fix, replacement=whole)]

    def repair(self, text: str, doc: str = "-", source: str | None = None) -> DocumentResult:
        """Repair one document's text; ``source`` is its line-aligned source text, if known.

        With a source, each span's entry is checked against the aligned source line
        (present: evidence for the fix; absent: against it), and names the source line
        attests are looked for in the target line. Line counts must agree.
        """
        lines, proposals = self._prepare(text, doc, source)
        return self._finish(text, doc, self.ranker.rank(lines, proposals) if proposals else [])

    def repair_many(self, docs: Sequence[tuple[str, str, str | None]]) -> list[DocumentResult]:
        """:meth:`repair` for several ``(text, doc id, source)`` documents, with the model's
        first-pass scoring batched across all of them (when the ranker can: ``rank_many``)."""
        prepared = self.prepare_many(docs)
        rank_many = getattr(self.ranker, "rank_many", None)
        if rank_many is not None:
            busy = [k for k, (_, proposals) in enumerate(prepared) if proposals]
            ranked = dict(zip(busy, rank_many([prepared[k] for k in busy])))
        else:
            ranked = {k: self.ranker.rank(lines, proposals) for k, (lines, proposals) in enumerate(prepared)
                      if proposals}
        return [self._finish(text, doc, ranked.get(k, [])) for k, (text, doc, _) in enumerate(docs)]

    def prepare_many(self, docs: Sequence[tuple[str, str, str | None]]) -> list[tuple[list[str], list[Proposal]]]:
        """Detection and candidates of each ``(text, doc id, source)`` document: its lines and proposals,
        as :meth:`repair` ranks them, with the exact matching of all of them done in few passes
        (:meth:`Matcher.find_documents`)."""
        with _gc_paused():
            split = [self._split(text, doc, source) for text, doc, source in docs]
            exact = self.matcher.find_documents([lines for lines, _ in split], [text for text, _, _ in docs])
            return [(lines, self.propose(lines, self.detect(lines, source, found), source))
                    for (lines, source), found in zip(split, exact)]

    def _prepare(self, text: str, doc: str, source: str | None) -> tuple[list[str], list[Proposal]]:
        lines, source_lines = self._split(text, doc, source)
        return lines, self.propose(lines, self.detect(lines, source_lines), source_lines)

    @staticmethod
    def _split(text: str, doc: str, source: str | None) -> tuple[list[str], list[str] | None]:
        lines = text.split("\n")
        source_lines = None
        if source is not None:
            source_lines = source.split("\n")
            if len(source_lines) != len(lines):
                raise ValueError(f"{doc}: the source has {len(source_lines)} line(s), the text {len(lines)}")
        return lines, source_lines

    def _finish(self, text: str, doc: str, decisions: Sequence[Decision]) -> DocumentResult:
        edits = [Edit(doc, d.span.line, d.best.start, d.best.end, d.best.original, d.best.replacement,
                      d.span.entry_id, d.span.kind, d.score, d.applied,
                      d.runner_up.replacement if d.runner_up else None, d.lm_delta, d.evidence)
                 for d in decisions]
        by_line: dict[int, list[Edit]] = {}
        for e in edits:
            by_line.setdefault(e.line, []).append(e)
        final: list[Edit] = []
        for line_edits in by_line.values():
            keep = set(map(id, select_non_overlapping(e for e in line_edits if e.applied)))
            final.extend(e if (not e.applied or id(e) in keep) else replace(e, applied=False) for e in line_edits)
        final.sort(key=lambda e: (e.line, e.start, -e.end))
        return DocumentResult(doc, apply_edits(text, final), tuple(final))


def default_fuzzy(glossary: Glossary, config: RepairConfig) -> FuzzyMatcher | None:
    """The fuzzy matcher ``config`` asks for (``None`` when it is off or does not apply to its language)."""
    if not (config.fuzzy and fuzzy_applies(config.lang)):
        return None
    return FuzzyMatcher(glossary, config.lang, config.fuzzy_threshold, config.fuzzy_word_min, config.fuzzy_single_min)


@dataclass(frozen=True)
class CompiledGlossary:
    """A glossary's matchers for one target language, built once and given to every :class:`Repairer`
    that repairs with it (all source languages; forked workers share it copy-on-write)."""

    matcher: Matcher
    fuzzy: FuzzyMatcher | None

    def repairer(self, glossary: Glossary, ranker: Ranker, config: RepairConfig) -> Repairer:
        """A :class:`Repairer` of ``config`` (whose ``lang`` and fuzzy settings must be those compiled)."""
        return Repairer(glossary, ranker, config, fuzzy=self.fuzzy, matcher=self.matcher)


def compile_matchers(glossary: Glossary, config: RepairConfig) -> CompiledGlossary:
    """The exact and fuzzy matchers ``config`` asks for, compiled or loaded from the cache."""
    return CompiledGlossary(load_matcher(glossary, config.lang), default_fuzzy(glossary, config))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Cyclic garbage collection paused for a batch: it makes many objects that live until the batch is
    ranked and no reference cycles, and each full collection would walk every object of a large glossary
    (about 100 ms at 10⁵ entries). Collection resumes, as it was, when the batch is done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def make_ranker(model: str, config: RepairConfig) -> Ranker:
    """The ranker for ``model``: a packaged LM by name, or ``none`` for glossary evidence only."""
    if model == "none":
        return GlossaryRanker(config.rank)
    from .lm import load_scorer

    scorer = load_scorer(model, batch_size=config.batch_size, left_tokens=config.lm_left_tokens,
                         right_tokens=config.lm_right_tokens)
    return LMRanker(scorer, config.rank, config.max_context_chars)
