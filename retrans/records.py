"""The records that flow through the pipeline: spans, candidates, edits, signatures.

All are frozen dataclasses of plain types, so they serialise to JSON as they are.
Offsets are half-open character offsets into one line of the input.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, TypeVar

VARIANT = "variant"
MISTRANSLATION = "mistranslation"
FUZZY = "fuzzy"  # an unseen variant, found by similarity to a known name
SOURCE = "source"  # a name the aligned source line attests, found in the target line by similarity
KINDS = (VARIANT, MISTRANSLATION, FUZZY, SOURCE)
T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give a frozen dataclass with slots an ``__init__`` of the same signature that sets each field
    through its slot: the generated one calls ``object.__setattr__`` per field, about twice as slow,
    which counts for the records made per span. Its fields have plain defaults (no factories) and
    it has no ``__post_init__``."""
    params, body = [], []
    env: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.default_factory is not MISSING or not hasattr(getattr(cls, f.name), "__set__"):
            raise TypeError(f"quick_init: {cls.__name__}.{f.name} needs a slot and no default factory")
        env[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            params.append(f"{f.name}=_default_{f.name}")
            env[f"_default_{f.name}"] = f.default
        body.append(f"    _set_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(params)}) -> None:\n" + "\n".join(body), env)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]
    return cls


@quick_init
@dataclass(frozen=True, slots=True)
class Span:
    """A suspect stretch of a line that matches a glossary form."""

    line: int  # 1-based line number in the document
    start: int
    end: int
    text: str
    entry_id: str
    kind: str  # "variant" | "mistranslation" | "fuzzy" | "source"
    form: str  # the glossary form that matched


@quick_init
@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to rewrite a span; ``start``/``end`` may extend past the span
    (to drop a determiner or quotes). The first candidate of a span keeps it."""

    span: Span
    start: int
    end: int
    original: str
    replacement: str
    source: str  # keep | canonical | drop-determiner | definite | unquote | place-noun
    score: float | None = None
    # Inflected languages: steps away from the best morphological guess of the hit's case (0: the
    # hit's own ending carried over, or the likeliest case form; see retrans.inflect.inflect_like).
    morph_rank: int = 0

    @property
    def is_keep(self) -> bool:
        return self.original == self.replacement


@dataclass(frozen=True)
class Edit:
    """One proposed edit: a line of the JSONL edit log."""

    doc: str
    line: int
    start: int
    end: int
    original: str
    replacement: str
    entry: str
    kind: str
    score: float
    applied: bool
    runner_up: str | None = None
    lm_delta: float = 0.0
    evidence: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Edit:
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown edit field(s): {', '.join(sorted(unknown))}")
        return cls(**data)


def edit_record(edit: Edit) -> dict[str, Any]:
    """``edit.to_dict()``, the fast way: an Edit is flat (its one dict, ``evidence``, is copied)."""
    data = dict(vars(edit))
    data["evidence"] = dict(edit.evidence)
    return data


def edit_json(edit: Edit) -> str:
    """``edit`` as one line of the edit log (and one item of a manifest record's ``edits``)."""
    return json.dumps(edit_record(edit), ensure_ascii=False)


@dataclass(frozen=True)
class RunSignature:
    """What produced a run, printed sacrebleu-style as ``k:v|k:v``."""

    version: str
    glossary: str  # sha256 prefix of the glossary files' content
    model: str
    lang: str
    margins: str

    def format(self) -> str:
        return "|".join(f"{k}:{v}" for k, v in asdict(self).items())

    def to_dict(self) -> dict[str, str]:
        return asdict(self)
