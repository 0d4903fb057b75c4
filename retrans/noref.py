"""Reference-free scores: how broken is a document, judged without a reference.

For each document:

* ``per_1000``: suspect name spans (glossary variants and mistranslations the
  detector finds) per 1,000 words;
* ``share_fixed``: the share of those spans the repair fixed;
* ``share_uncertain``: the share logged as suggestions whose score came within
  ``UNCERTAIN_BAND`` nats of the margin (the ranker was unsure; a human should look);
* ``confidence``: the mean over the ranker's decisions of ``tanh(|score - margin| / (2 * SCALE))``:
  0 for a decision right at the margin, towards 1 for a clear-cut one.

Documents sort by ``per_1000`` (descending), then by uncertainty, so a desk can
read a day's feed worst first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .config import RankConfig
from .records import VARIANT, Edit, Span

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class NoRefScore:
    """Reference-free ratings of one document."""

    doc: str
    words: int
    suspects: int
    fixed: int
    uncertain: int
    confidence: float | None  # None: no decision was taken

    UNCERTAIN_BAND = 8.0  # nats below the margin within which a suggestion counts as uncertain
    SCALE = 4.0  # nats; the size of the glossary priors

    @property
    def per_1000(self) -> float:
        return 1000.0 * self.suspects / self.words if self.words else 0.0

    @property
    def share_fixed(self) -> float:
        return self.fixed / self.suspects if self.suspects else 0.0

    @property
    def share_uncertain(self) -> float:
        return self.uncertain / self.suspects if self.suspects else 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(per_1000=round(self.per_1000, 2), share_fixed=round(self.share_fixed, 4),
                   share_uncertain=round(self.share_uncertain, 4))
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 4)
        return out


def count_words(text: str) -> int:
    """Words in any script (runs of letters, digits, marks)."""
    return len(_WORD.findall(text))


def rate(doc: str, text: str, spans: Sequence[Span], edits: Sequence[Edit],
         config: RankConfig | None = None) -> NoRefScore:
    """Rate one document from its detected ``spans`` and the ranker's ``edits`` for it."""
    c = config or RankConfig()
    fixed = uncertain = 0
    certainty = []
    for e in edits:
        margin = c.margin_variant if e.kind == VARIANT else c.margin_mistranslation
        if math.isnan(e.score):
            continue
        gap = e.score - margin
        certainty.append(math.tanh(abs(gap) / (2 * NoRefScore.SCALE)))
        if e.applied:
            fixed += 1
        elif gap > -NoRefScore.UNCERTAIN_BAND:
            uncertain += 1
    confidence = sum(certainty) / len(certainty) if certainty else None
    return NoRefScore(doc, count_words(text), max(len(spans), len(edits)), fixed, uncertain, confidence)


def worst_first(scores: Sequence[NoRefScore]) -> list[NoRefScore]:
    """Most broken first: suspects per 1,000 words, then uncertain share, then the name."""
    return sorted(scores, key=lambda s: (-s.per_1000, -s.share_uncertain, s.doc))
