"""Translation quality with sacrebleu (BLEU, chrF, TER, paired significance) and
edit-level precision/recall in the manner of ERRANT's compare_m2."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest

METRICS = {"BLEU": BLEU, "chrF": CHRF, "TER": TER}
SIGNIFICANCE_SEED = 12345  # sacrebleu's default SACREBLEU_SEED
_TOKEN = re.compile(r"\S+")
# Text without spaces (Chinese, Japanese): every non-space character is a token.
CHAR_TOKEN = re.compile(r"\S")


def make_metrics() -> dict[str, object]:
    """Fresh metric objects with sacrebleu's default settings (as its CLI uses)."""
    return {name: cls() for name, cls in METRICS.items()}


def corpus_scores(hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> dict[str, dict]:
    """BLEU, chrF and TER of one system: score and signature per metric."""
    out = {}
    for name, metric in make_metrics().items():
        score = metric.corpus_score(list(hyps), [list(r) for r in refs])
        out[name] = {"score": round(score.score, 4), "signature": str(metric.get_signature()),
                     "text": score.format(width=2)}
    return out


def paired_significance(systems: Sequence[tuple[str, Sequence[str]]], refs: Sequence[Sequence[str]],
                        test: str = "bs", n_samples: int = 0) -> dict[str, dict[str, dict]]:
    """Paired bootstrap (``bs``) or approximate randomisation (``ar``) of each system against the first."""
    import os

    os.environ.setdefault("SACREBLEU_SEED", str(SIGNIFICANCE_SEED))
    metrics = make_metrics()
    sigs, results = PairedTest([(n, list(h)) for n, h in systems], metrics, [list(r) for r in refs],
                               test_type=test, n_samples=n_samples)()
    out: dict[str, dict[str, dict]] = {}
    names = results["System"]
    labels = [k for k in results if k != "System"]  # sacrebleu names chrF "chrF2"

    def num(x: object) -> float | None:
        return None if x is None else round(float(x), 4)  # type: ignore[arg-type]

    for metric, label in zip(metrics, labels):
        for i, name in enumerate(names):
            res = results[label][i]
            row = out.setdefault(name.replace("Baseline: ", ""), {})
            row[metric] = {"score": num(res.score), "p_value": num(res.p_value), "mean": num(res.mean),
                           "ci": num(res.ci)}
    signatures = {m: str(v) for m, v in zip(metrics, sigs.values())}
    return {"test": test, "seed": os.environ["SACREBLEU_SEED"], "signatures": signatures, "systems": out}


@dataclass(frozen=True)
class TextEdit:
    """A token-aligned difference between an original line and a corrected one."""

    doc: str
    line: int
    start: int  # character offsets in the original line
    end: int
    replacement: str


def diff_edits(original: str, corrected: str, doc: str = "-", token: re.Pattern[str] = _TOKEN) -> list[TextEdit]:
    """Edits that turn ``original`` into ``corrected``, aligned on whitespace tokens per line
    (``token=CHAR_TOKEN``: on characters, for text without spaces)."""
    out: list[TextEdit] = []
    olines, clines = original.split("\n"), corrected.split("\n")
    if len(olines) != len(clines):
        raise ValueError(f"{doc}: line counts differ ({len(olines)} vs {len(clines)})")
    for n, (o, c) in enumerate(zip(olines, clines), 1):
        if o == c:
            continue
        ot, ct = list(token.finditer(o)), list(token.finditer(c))
        sm = difflib.SequenceMatcher(a=[m.group() for m in ot], b=[m.group() for m in ct], autojunk=False)
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag == "equal":
                continue
            start = ot[i1].start() if i1 < len(ot) else len(o)
            end = ot[i2 - 1].end() if i2 > i1 else start
            repl = c[ct[j1].start() : ct[j2 - 1].end()] if j2 > j1 else ""
            out.append(TextEdit(doc, n, start, end, repl))
    return out


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def f(self, beta: float = 0.5) -> float:
        p, r = self.precision, self.recall
        return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, float]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f0.5": round(self.f(0.5), 4)}


def compare_edits(gold: Iterable[TextEdit], hyp: Iterable[TextEdit], spans_only: bool = False) -> PRF:
    """TP/FP/FN by set membership of ``(doc, line, start, end[, replacement])``."""
    def key(e: TextEdit) -> tuple:
        return (e.doc, e.line, e.start, e.end) if spans_only else (e.doc, e.line, e.start, e.end, e.replacement)

    g, h = {key(e) for e in gold}, {key(e) for e in hyp}
    return PRF(len(g & h), len(h - g), len(g - h))
