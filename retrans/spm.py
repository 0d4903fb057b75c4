"""SentencePiece tokenisation for sacrebleu, offline.

sacrebleu's own SentencePiece tokenizers (``flores101``, ``flores200``) download
their model at run time. retrans ships its own small model instead, trained on
the project's corpora and glossary by ``scripts/train_spm.py`` (every script the
glossary covers, with byte fallback), and feeds sacrebleu text it has already
tokenised (``tokenize='none'``). The model's sha256 goes into the signature:
``tok:spm-<sha12>`` replaces sacrebleu's ``tok:none``.

BLEU and TER score the tokenised text; chrF scores the raw text, since it works
on characters and ignores whitespace anyway.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from .errors import InputError

DEFAULT_MODEL = Path(__file__).resolve().parent / "spm_news.model"
SIGNIFICANCE_SEED = 12345


class SpmTokenizer:
    """Splits text into SentencePiece pieces joined by spaces, as sacrebleu's flores tokenizer does."""

    def __init__(self, path: str | Path = DEFAULT_MODEL) -> None:
        import sentencepiece

        p = Path(path)
        if not p.is_file():
            raise InputError("SentencePiece model not found (run scripts/train_spm.py)", str(p))
        data = p.read_bytes()
        self.sha = hashlib.sha256(data).hexdigest()
        self.processor = sentencepiece.SentencePieceProcessor()
        try:
            self.processor.LoadFromSerializedProto(data)
        except RuntimeError:
            raise InputError("not a SentencePiece model", str(p)) from None

    @property
    def name(self) -> str:
        return f"spm-{self.sha[:12]}"

    def __call__(self, line: str) -> str:
        return " ".join(self.processor.EncodeAsPieces(line))


@lru_cache(maxsize=4)
def load_tokenizer(path: str = str(DEFAULT_MODEL)) -> SpmTokenizer:
    return SpmTokenizer(path)


def _metrics(tok: SpmTokenizer) -> dict:
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {"BLEU": BLEU(tokenize="none"), "chrF": CHRF(), "TER": TER()}


def _signature(metric: object, tok: SpmTokenizer) -> str:
    """BLEU's ``tok:none`` becomes ``tok:spm-<sha12>``; TER gains ``pretok:spm-<sha12>``; chrF is as is."""
    sig = str(metric.get_signature())  # type: ignore[attr-defined]
    if "tok:none" in sig:
        return sig.replace("tok:none", f"tok:{tok.name}")
    return f"{sig}|pretok:{tok.name}" if sig.startswith("nrefs") and "tok:tercom" in sig else sig


def spm_corpus_scores(hyps: Sequence[str], refs: Sequence[Sequence[str]], tok: SpmTokenizer) -> dict[str, dict]:
    """BLEU and TER on SentencePiece pieces, chrF on the raw text; the shape of ``score.corpus_scores``."""
    out = {}
    for name, metric in _metrics(tok).items():
        raw = name == "chrF"
        h = list(hyps) if raw else [tok(x) for x in hyps]
        r = [list(x) if raw else [tok(y) for y in x] for x in refs]
        score = metric.corpus_score(h, r)
        out[name] = {"score": round(score.score, 4), "signature": _signature(metric, tok),
                     "text": score.format(width=2)}
    return out


def spm_paired_significance(systems: Sequence[tuple[str, Sequence[str]]], refs: Sequence[Sequence[str]],
                            tok: SpmTokenizer, test: str = "bs", n_samples: int = 0) -> dict:
    """Paired test of each system against the first (the shape of ``score.paired_significance``)."""
    from sacrebleu.significance import PairedTest

    os.environ.setdefault("SACREBLEU_SEED", str(SIGNIFICANCE_SEED))
    out: dict[str, dict[str, dict]] = {}
    signatures = {}
    for name, metric in _metrics(tok).items():
        raw = name == "chrF"
        sys_in = [(n, list(h) if raw else [tok(x) for x in h]) for n, h in systems]
        ref_in = [list(x) if raw else [tok(y) for y in x] for x in refs]
        _, results = PairedTest(sys_in, {name: metric}, ref_in, test_type=test, n_samples=n_samples)()
        label = next(k for k in results if k != "System")
        for i, sname in enumerate(results["System"]):
            res = results[label][i]
            row = out.setdefault(sname.replace("Baseline: ", ""), {})
            row[name] = {k: None if getattr(res, k) is None else round(float(getattr(res, k)), 4)
                         for k in ("score", "p_value", "mean", "ci")}
        signatures[name] = _signature(metric, tok) + f"|{test}:{n_samples or 'default'}|seed:" + \
            os.environ["SACREBLEU_SEED"]
    return {"test": test, "seed": os.environ["SACREBLEU_SEED"], "signatures": signatures, "systems": out}
