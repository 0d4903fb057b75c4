"""Settings of a repair run: the only home of retrans's defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

DEFAULT_LANG = "en"
DEFAULT_MODEL = "gemma3-270m"

# Words that may precede a mistranslated name and go away or change with the fix
# ("the attack on a third" -> "the attack on Sumy").
DETERMINERS = ("the", "a", "an")
# Nouns after a place mistranslation that license "the third city" -> "the city of Sumy".
PLACE_NOUNS = ("city", "town", "region", "province", "oblast", "district")
QUOTE_PAIRS = {'"': '"', "“": "”", "„": "“", "«": "»", "‘": "’", "'": "'", "‹": "›"}


@dataclass(frozen=True)
class RankConfig:
    """How model scores and glossary evidence combine into a decision.

    All values are in nats (natural-log likelihood units of the language model),
    so evidence and model deltas add up directly. The margins were calibrated on
    ``corpora/dev`` with ``benchmarks/calibrate.py``.
    """

    prior_variant: float = 4.0
    prior_mistranslation: float = -4.0
    multiword_step: float = 2.0  # added to a mistranslation's prior per word beyond the first, up to 0
    rewrite_penalty: float = 1.0  # for candidates that also drop or change the determiner
    cue_bonus: float = 2.0
    cue_bonus_max: float = 6.0
    doc_bonus: float = 3.0
    case_mismatch_penalty: float = 4.0
    margin_variant: float = 0.0
    margin_mistranslation: float = 2.0
    cue_window: int = 12  # tokens either side of a span searched for cue words
    # Unseen variants (issue 5), calibrated on corpora/unseen with benchmarks/unseen.py. Fuzzy evidence alone
    # (prior + similarity) stays below the fuzzy margin: the model must prefer the fix as well.
    prior_fuzzy: float = 0.0
    prior_source: float = 0.0
    similarity_weight: float = 2.0  # at similarity 100, falling linearly to 0 at ``similarity_floor``
    similarity_floor: float = 80.0
    # A fuzzy span spelling the entry's form in another script, romanised (Запорожье: "Zaporozhye"): the
    # largest bonus that keeps prior + similarity + this below ``margin_fuzzy``.
    romanised_bonus: float = 0.9
    margin_fuzzy: float = 3.0
    margin_source: float = 3.0
    source_bonus: float = 6.0  # the entry's source form is in the aligned source line
    source_penalty: float = 6.0  # the entry has source forms and none is in the aligned source line
    # Inflected languages (issue 9): the cost of each step down the morphological order of a span's case
    # forms (retrans.inflect.inflect_like), calibrated on corpora/dev/<lang> with benchmarks/multilingual.py.
    morph_step: float = 6.0
    # A known variant that is not a word of the model's vocabulary ("Zelnski", not "Route"), with one rewrite and
    # no evidence against it, is decided on the glossary's evidence without the model (see LMRanker).
    clear_variants: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RepairConfig:
    """Settings of one repair run."""

    lang: str = DEFAULT_LANG
    model: str = DEFAULT_MODEL
    rank: RankConfig = field(default_factory=RankConfig)
    batch_size: int = 16
    max_context_chars: int = 200  # characters of sentence context around a span given to the model
    # The model's scoring window (docs/throughput.md), in tokens; None: the whole sentence. Before the first
    # difference between a span's candidates (the shared prefix, run once per span) and after the last one
    # (scored once per candidate). 3 doubles spans/s and keeps benchmarks/accuracy.py unchanged, but costs one
    # edit each in zh and fr of benchmarks/multilingual.py, so the default stays the whole sentence.
    lm_left_tokens: int | None = None
    lm_right_tokens: int | None = None
    fuzzy: bool = True  # also look for unseen variants: name-like spans close to a known name
    fuzzy_threshold: float = 80.0  # mean word similarity (0..100) of a fuzzy span
    fuzzy_word_min: float = 60.0  # the least similarity of any one word in it
    fuzzy_single_min: float = 84.0  # what a one-word fuzzy span needs
    source_lang: str | None = None  # language of aligned source text; None: any but ``lang``
    source_threshold: float = 70.0  # similarity a name attested in the source line needs in the target line
