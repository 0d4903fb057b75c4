"""Train the SentencePiece model that ``retrans score --tokenize spm`` uses: ``python scripts/train_spm.py``.

The training text is the project's own: the seed article and its reference, the
dev set (MT and references), and every form of every glossary entry in every
language (canonical, variants, admitted forms, mistranslations, cues), so each
script the glossary covers (Latin, Cyrillic, Arabic/Persian, Hebrew, CJK) has
pieces. ``byte_fallback`` makes any other character encodable, so scoring never
fails on unseen text. Training is deterministic (one thread, fixed seed
sentence order), and the model is small (well under 1 MB).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrans.formats.glossary_yaml import read_glossary  # noqa: E402
from retrans.glossary import FORM_LIST_KEYS  # noqa: E402
from retrans.spm import DEFAULT_MODEL  # noqa: E402

VOCAB_SIZE = 4000


def training_lines() -> list[str]:
    """The training sentences, in a fixed order."""
    lines: list[str] = []
    for path in sorted((ROOT / "corpora" / "seed").glob("*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    with (ROOT / "corpora" / "dev" / "dev.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            lines += [row["mt"], row["ref"]]
    for path in sorted((ROOT / "glossaries").glob("*.yaml")):
        for entry in read_glossary(path):
            for forms in entry.forms.values():
                lines.append(forms.canonical)
                for key in FORM_LIST_KEYS:
                    lines += list(getattr(forms, key))
    return [line.strip() for line in lines if line.strip()]


def main() -> int:
    import sentencepiece as spm

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=Path, default=DEFAULT_MODEL, help="where to write the .model file")
    ap.add_argument("--vocab-size", type=int, default=VOCAB_SIZE)
    args = ap.parse_args()
    lines = training_lines()
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, model_type="unigram", vocab_size=args.vocab_size,
        hard_vocab_limit=False, character_coverage=1.0, byte_fallback=True, num_threads=1,
        shuffle_input_sentence=False, minloglevel=2)
    args.output.write_bytes(model.getvalue())
    print(f"{args.output}: {len(model.getvalue())} bytes from {len(lines)} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
