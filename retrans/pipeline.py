"""The repair pipeline: read -> detect -> propose -> rank -> apply -> report.

:class:`Repairer` holds the named, replaceable components (matcher, proposer,
ranker) and runs them over a document. Text is handled line by line (split on
``\\n`` only, so ``\\r``, blank lines and every other byte survive untouched).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import __version__
from .apply import apply_edits, select_non_overlapping
from .config import RepairConfig
from .detect import Matcher
from .glossary import Entry, Forms, Glossary
from .propose import propose
from .rank import GlossaryRanker, LMRanker, Proposal, Ranker
from .records import Candidate, Edit, RunSignature, Span

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


class Repairer:
    """Runs detect -> propose -> rank -> apply with the given components."""

    def __init__(self, glossary: Glossary, ranker: Ranker, config: RepairConfig | None = None,
                 proposer: Proposer = propose) -> None:
        self.glossary = glossary
        self.config = config or RepairConfig()
        self.matcher = Matcher(glossary, self.config.lang)
        self.proposer = proposer
        self.ranker = ranker

    @property
    def signature(self) -> RunSignature:
        rank = getattr(self.ranker, "config", self.config.rank)
        return RunSignature(__version__, self.glossary.digest[:12], self.ranker.name, self.config.lang,
                            f"{rank.margin_variant:g}/{rank.margin_mistranslation:g}")

    def detect(self, lines: list[str]) -> list[Span]:
        return [span for n, line in enumerate(lines, 1) for span in self.matcher.find(line, n)]

    def propose(self, lines: list[str], spans: list[Span]) -> list[Proposal]:
        out = []
        lang = self.config.lang
        for span in spans:
            entry = self.glossary[span.entry_id]
            forms = entry.forms[lang]
            cands = self.proposer(span, lines[span.line - 1], entry, forms)
            if len(cands) > 1:
                out.append(Proposal(span, entry, forms, tuple(cands)))
        return out

    def repair(self, text: str, doc: str = "-") -> DocumentResult:
        """Repair one document's text."""
        lines = text.split("\n")
        proposals = self.propose(lines, self.detect(lines))
        decisions = self.ranker.rank(lines, proposals) if proposals else []
        edits = [Edit(doc, d.span.line, d.best.start, d.best.end, d.best.original, d.best.replacement,
                      d.span.entry_id, d.span.kind, d.score, d.applied,
                      d.runner_up.replacement if d.runner_up else None, d.lm_delta, d.evidence)
                 for d in decisions]
        final: list[Edit] = []
        for n in sorted({e.line for e in edits}):
            line_edits = [e for e in edits if e.line == n]
            keep = set(map(id, select_non_overlapping(e for e in line_edits if e.applied)))
            final.extend(e if (not e.applied or id(e) in keep) else _unapplied(e) for e in line_edits)
        final.sort(key=lambda e: (e.line, e.start, -e.end))
        return DocumentResult(doc, apply_edits(text, final), tuple(final))


def _unapplied(e: Edit) -> Edit:
    from dataclasses import replace

    return replace(e, applied=False)


def make_ranker(model: str, config: RepairConfig) -> Ranker:
    """The ranker for ``model``: a packaged LM by name, or ``none`` for glossary evidence only."""
    if model == "none":
        return GlossaryRanker(config.rank)
    from .lm import load_scorer

    return LMRanker(load_scorer(model, batch_size=config.batch_size), config.rank, config.max_context_chars)
