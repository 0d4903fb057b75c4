"""Batch at scale: glossaries of 10³, 10⁴, 10⁵ entries on ≥ 10 MB of realistic MT news text.

    python -m benchmarks.scale [--sizes 1000 10000 100000] [--mb 10] [--no-model] [--no-workers]

Generates (once, seeded, into ``build/scale/``) the glossaries and the corpus, then reports
side by side, one glossary size per row, each measured in a fresh subprocess:

* a naive fixer: one ``re.sub(r"\\bFORM\\b", canonical)`` per variant and mistranslation,
  what newsroom scripts do (run on a sample sized to finish; its MB/s does not depend on it);
* retrans glossary-only (``--model none``, no fuzzy matching): detection + candidates alone (batched
  as ``Repairer.repair_many`` runs them, :data:`BATCH_DOCS` documents per call, and one document at a time),
  and the whole repair (rank with glossary evidence, apply); also with fuzzy matching on
  (the CLI default) on a sample;
* glossary load time: cold (YAML, empty cache) and warm (glossary and matcher from the cache),
  each in a new process; peak resident memory of the glossary-only run;
* scaling with workers through the CLI (``retrans fix --workers N``) when that option exists, over a feed
  of about 10⁴ documents given as two folders (``--workers-mb``, ``--workers-named``), with
  documents per CPU-second (the CLI's and its workers' CPU time, independent of other load) and the
  marginal rate (runs on N and N/2 documents: fixed startup costs cancel out), against the machine's
  ceiling (two single-worker runs on a half each, started together);
* the model ranker on a few hundred lines, as ambiguous spans ranked per second (run under
  ``flock /tmp/retrans-model.lock``).

JSON results go to ``build/scale/results.json``; a Markdown table to stdout.
Not a test: numbers depend on the machine and its load (``uptime`` is recorded).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrans.formats.yaml_dump import dumps_yaml  # noqa: E402
from retrans.glossary import Entry, Forms, Glossary  # noqa: E402

BUILD = ROOT / "build" / "scale"
NEWS = ROOT / "glossaries" / "news.yaml"
GENERATED = sorted((ROOT / "glossaries" / "generated").glob("*.yaml"))
SEED = 12345
VARIANT_RATE = 0.08  # share of name mentions the generated MT text gets wrong
MISTRANSLATION_RATE = 0.01
SENTENCES_PER_DOC = 24
BATCH_DOCS = 100  # documents per Repairer.prepare_many call (~250 KB: a JSONL file, an article's segments)

# -- synthetic glossary ------------------------------------------------------------------------------

_ONSETS = "b d k m n p r s t v z l g h f sh ch kh zh br dr st tr kr pl gr".split()
_VOWELS = "a e i o u a e o ai ia ou ya".split()
_CODAS = ["", "", "", "n", "r", "l", "s", "k", "v", "sk", "nd", "m"]
_SURNAME_ENDS = ["", "", "enko", "ov", "ski", "ovich", "ani", "ez", "berg", "escu", "ić", "oglu"]
_PLACE_ENDS = ["", "", "grad", "pol", "abad", "ville", "burg", "stan", "ia", "ovo"]
_RU = {"shch": "щ", "sh": "ш", "ch": "ч", "kh": "х", "zh": "ж", "ya": "я", "ou": "у", "ai": "ай", "ia": "ия",
       "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "k": "к", "l": "л",
       "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "z": "з",
       "y": "ы", "c": "ц", "w": "в", "j": "дж", "ć": "ч", "x": "кс", "q": "к"}
_RU_RE = re.compile("|".join(sorted(_RU, key=len, reverse=True)))
_MISSPELL = [("y", "i"), ("k", "c"), ("v", "w"), ("sh", "ch"), ("ou", "u"), ("kh", "h"), ("i", "y"),
             ("enko", "enco"), ("ov", "off"), ("ski", "sky"), ("zh", "j"), ("ia", "ya"), ("e", "a")]


def _word(rng: random.Random, syllables: int, ends: list[str]) -> str:
    w = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
    return (w + rng.choice(ends)).capitalize()


def _misspell(rng: random.Random, name: str) -> str:
    """A plausible MT misspelling of ``name``: one transliteration swap, or a doubled or dropped letter."""
    rules = [(a, b) for a, b in _MISSPELL if a in name.lower()]
    if rules and rng.random() < 0.7:
        a, b = rng.choice(rules)
        low = name.lower()
        i = low.index(a)
        out = name[:i] + (b.capitalize() if i == 0 or name[i - 1] == " " else b) + name[i + len(a):]
    else:
        i = rng.randrange(1, len(name))
        out = name[:i] + name[i - 1] + name[i:] if rng.random() < 0.5 else name[:i] + name[i + 1:]
    return out if out.strip() and out != name else name + "a"


def synthetic_glossary(n: int, seed: int = SEED) -> Glossary:
    """``n`` made-up people and places shaped like real entries: an English canonical form, one or two
    misspelt variants (a person's surname alone among them), sometimes an admitted spelling, a Russian form."""
    rng = random.Random(seed)
    entries, seen = [], set()
    while len(entries) < n:
        kind = "person" if rng.random() < 0.5 else "place"
        if kind == "person":
            canonical = f"{_word(rng, rng.randint(1, 2), [''])} {_word(rng, rng.randint(2, 3), _SURNAME_ENDS)}"
        else:
            canonical = _word(rng, rng.randint(2, 3), _PLACE_ENDS)
        if canonical.lower() in seen:
            continue
        variants = {_misspell(rng, canonical)}
        if kind == "person" and rng.random() < 0.5:
            variants.add(_misspell(rng, canonical.split()[-1]))
        if rng.random() < 0.3:
            variants.add(_misspell(rng, canonical))
        variants = {v for v in variants if v.lower() not in seen and v.lower() != canonical.lower()}
        admitted = (_misspell(rng, canonical),) if rng.random() < 0.2 else ()
        admitted = tuple(a for a in admitted if a not in variants and a.lower() != canonical.lower())
        seen.update(f.lower() for f in (canonical, *variants, *admitted))
        ru = _RU_RE.sub(lambda m: _RU[m.group()], canonical.lower()).title()
        entries.append(Entry(f"syn.{len(entries)}", kind, "", {
            "en": Forms(canonical, tuple(sorted(variants)), admitted), "ru": Forms(ru)}))
    return Glossary(entries)


def glossary_files(size: int) -> list[Path]:
    """The files of a glossary of ``size`` entries: news.yaml, the generated ones when they fit, then synthetic."""
    files = [NEWS]
    count = 220
    if size >= 30_000:
        files += GENERATED
        count += 24_842
    rest = size - count
    if rest > 0:
        path = BUILD / f"synthetic-{rest}.yaml"
        if not path.exists():
            BUILD.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(dumps_yaml(synthetic_glossary(rest), "Generated by benchmarks/scale.py"),
                           encoding="utf-8")
            tmp.replace(path)
        files.append(path)
    return files


def read_glossary_files(files: list[Path]) -> Glossary:
    from retrans.glossary_cache import load_glossary_file

    return Glossary.merge(load_glossary_file(p) for p in files)


# -- corpus ------------------------------------------------------------------------------------------

def _templates() -> list[str]:
    """Clean news sentences: the reference side of the dev set and of the seed article."""
    rows = (ROOT / "corpora" / "dev" / "dev.tsv").read_text(encoding="utf-8").splitlines()[1:]
    out = [r.split("\t")[3] for r in rows if r.count("\t") >= 3]
    for path in sorted((ROOT / "corpora" / "seed").glob("*.ref.txt")):
        text = path.read_text(encoding="utf-8")
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 30 < len(s.strip()) < 400]
    return out


def make_corpus(mb: float, glossary: Glossary, seed: int = SEED) -> list[str]:
    """Documents of MT-like news, ``mb`` MB in all: the template sentences with their names swapped
    for other entries of the glossary (70 % from news.yaml, 30 % from anywhere) and rendered wrong
    (a variant, or rarely a mistranslation) at ``VARIANT_RATE``."""
    from retrans.formats.glossary_yaml import read_glossary

    rng = random.Random(seed)
    news = read_glossary(NEWS)
    names = sorted({f: e.id for e in news for f in [e.forms["en"].canonical] if "en" in e.forms}.items(),
                   key=lambda kv: -len(kv[0]))
    slot_re = re.compile(r"\b(" + "|".join(re.escape(n) for n, _ in names) + r")\b")
    by_kind: dict[str, list[Entry]] = {}
    for e in news:
        if "en" in e.forms:
            by_kind.setdefault(e.kind, []).append(e)
    wide_ids = glossary.ids()
    templates = _templates()

    def render(m: re.Match) -> str:
        entry = news[dict(names)[m.group()]]
        if rng.random() < 0.3:
            other = glossary.get(rng.choice(wide_ids))
            if other is not None and "en" in other.forms and other.kind == entry.kind:
                entry = other
        elif rng.random() < 0.4:
            entry = rng.choice(by_kind[entry.kind])
        forms = entry.forms["en"]
        r = rng.random()
        if r < MISTRANSLATION_RATE and forms.mistranslations:
            return rng.choice(forms.mistranslations)
        if r < VARIANT_RATE and forms.variants:
            return rng.choice(forms.variants)
        return forms.canonical

    docs, size = [], 0
    while size < mb * 1e6:
        sentences = [slot_re.sub(render, rng.choice(templates)) for _ in range(SENTENCES_PER_DOC)]
        lines, i = [], 0
        while i < len(sentences):
            k = rng.randint(1, 3)
            lines.append(" ".join(sentences[i:i + k]))
            i += k
        doc = "\n".join(lines) + "\n"
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def _made_once(folder: Path, fill) -> Path:
    """``folder``, filled by ``fill(folder)`` unless a finished one is there (a ``.done`` marker, written
    last: an interrupted fill is redone)."""
    done = folder / ".done"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        fill(folder)
        done.write_text("done", encoding="utf-8")
    return folder


def corpus(mb: float) -> list[Path]:
    """The corpus files under build/scale/corpus (made once, from the largest synthetic glossary)."""
    def fill(folder: Path) -> None:
        docs = make_corpus(mb, read_glossary_files(glossary_files(100_000)))
        for i, doc in enumerate(docs):
            (folder / f"doc{i:05d}.txt").write_text(doc, encoding="utf-8")

    return sorted(_made_once(BUILD / f"corpus-{mb:g}MB", fill).glob("doc*.txt"))


# -- measurements (each in its own process) ---------------------------------------------------------

def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_load(files: list[Path]) -> dict:
    """Glossary read and English matcher ready: what `retrans fix` does before the first line."""
    from retrans.glossary_cache import load_matcher

    c0, t0 = time.process_time(), time.perf_counter()
    g = read_glossary_files(files)
    t1 = time.perf_counter()
    m = load_matcher(g, "en")
    t2 = time.perf_counter()
    return {"entries": len(g), "patterns": m.size, "read_s": t1 - t0, "matcher_s": t2 - t1, "ready_s": t2 - t0,
            "ready_cpu_s": time.process_time() - c0}


def measure_naive(files: list[Path], docs: list[str], budget_s: float) -> dict:
    """One word-bounded re.sub per variant and mistranslation form, over a sample of documents."""
    g = read_glossary_files(files)
    pairs = [(f, forms.canonical) for _, forms in g.forms("en") for f in (*forms.variants, *forms.mistranslations)]
    t0 = time.perf_counter()
    subs = [(re.compile(r"\b" + re.escape(f) + r"\b"), c.replace("\\", r"\\")) for f, c in pairs]
    compile_s = time.perf_counter() - t0
    probe = docs[0]
    t0 = time.perf_counter()
    for rx, repl in subs:
        probe = rx.sub(repl, probe)
    per_doc = time.perf_counter() - t0
    n = max(1, min(len(docs), int(budget_s / max(per_doc, 1e-9))))
    sample = docs[:n]
    c0, t0 = time.process_time(), time.perf_counter()
    for text in sample:
        for rx, repl in subs:
            text = rx.sub(repl, text)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    nbytes = sum(len(d.encode("utf-8")) for d in sample)
    return {"patterns": len(subs), "compile_s": compile_s, "docs": n, "mb": nbytes / 1e6,
            "mb_s": nbytes / 1e6 / secs, "docs_s": n / secs, "cpu_mb_s": nbytes / 1e6 / cpu}


def measure_retrans(files: list[Path], docs: list[str], fuzzy_budget_s: float) -> dict:
    """Glossary-only retrans in process: detection + candidates (batched as ``repair_many`` runs them, in
    groups of :data:`BATCH_DOCS` documents: a first pass, then again after one document at a time),
    whole repair; fuzzy on a sample."""
    from retrans.config import RepairConfig
    from retrans.pipeline import Repairer, make_ranker

    g = read_glossary_files(files)
    config = RepairConfig(model="none", fuzzy=False)
    t0 = time.perf_counter()
    rep = Repairer(g, make_ranker("none", config), config)
    init_s = time.perf_counter() - t0
    nbytes = sum(len(d.encode("utf-8")) for d in docs)

    def batched() -> tuple[int, float, float]:  # many at a time, as repair_many prepares them
        c0, t0 = time.process_time(), time.perf_counter()
        found = 0
        for k in range(0, len(docs), BATCH_DOCS):
            found += sum(len(p) for _, p in rep.prepare_many([(d, "-", None) for d in docs[k:k + BATCH_DOCS]]))
        return found, time.perf_counter() - t0, time.process_time() - c0

    _, first_s, first_cpu = batched()  # the first pass also decodes the entries it meets, once
    c0, t0 = time.process_time(), time.perf_counter()
    spans = proposals = 0
    for doc in docs:  # one document at a time (Repairer.repair)
        lines = doc.split("\n")
        found = rep.detect(lines)
        spans += len(found)
        proposals += len(rep.propose(lines, found))
    doc_s, doc_cpu = time.perf_counter() - t0, time.process_time() - c0
    many, detect_s, detect_cpu = batched()
    if many != proposals:
        raise SystemExit(f"prepare_many gave {many} proposals, detect + propose {proposals}")
    c0, t0 = time.process_time(), time.perf_counter()
    applied = sum(len(rep.repair(doc).applied) for doc in docs)
    repair_s, repair_cpu = time.perf_counter() - t0, time.process_time() - c0
    out = {"init_s": init_s, "mb": nbytes / 1e6, "docs": len(docs), "spans": spans, "proposals": proposals,
           "applied": applied, "detect_mb_s": nbytes / 1e6 / detect_s, "repair_mb_s": nbytes / 1e6 / repair_s,
           "repair_docs_s": len(docs) / repair_s, "detect_cpu_mb_s": nbytes / 1e6 / detect_cpu,
           "repair_cpu_mb_s": nbytes / 1e6 / repair_cpu, "batch_docs": BATCH_DOCS,
           "detect_doc_mb_s": nbytes / 1e6 / doc_s, "detect_doc_cpu_mb_s": nbytes / 1e6 / doc_cpu,
           "detect_first_mb_s": nbytes / 1e6 / first_s, "detect_first_cpu_mb_s": nbytes / 1e6 / first_cpu,
           "peak_rss_mb": peak_mb()}
    if fuzzy_budget_s > 0:
        fconfig = RepairConfig(model="none")
        t0 = time.perf_counter()
        frep = Repairer(g, make_ranker("none", fconfig), fconfig)
        out["fuzzy_init_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        done = fbytes = 0
        while done < len(docs) and time.perf_counter() - t0 < fuzzy_budget_s:
            frep.repair(docs[done])
            fbytes += len(docs[done].encode("utf-8"))
            done += 1
        secs = time.perf_counter() - t0
        out.update(fuzzy_docs=done, fuzzy_mb_s=fbytes / 1e6 / secs, fuzzy_docs_s=done / secs)
    return out


def warm_model_cache() -> dict:
    """Convert the model into the cache if it is not there (first use), so the model run measures a warm load."""
    from retrans.config import RepairConfig
    from retrans.lm import MODELS, cache_root, ensure_cache

    spec = MODELS[RepairConfig().model]
    t0 = time.perf_counter()
    converted = ensure_cache(spec, cache_root() / "models" / spec.name)
    return {"converted": converted, "secs": time.perf_counter() - t0, "peak_rss_mb": peak_mb()}


def run_model(files: list[Path], mb: float, env: dict, lines: int) -> dict:
    """The model column, measured with the model already in the cache: its first-use conversion (once per
    machine, ~85 s, ~3.3 GB peak) is reported apart and does not count as a worker's memory."""
    env = {**env, "RETRANS_CACHE": str(BUILD / "cache")}
    run_child("load", files, mb, env)  # the glossary's matcher cached too
    first = run_child("model-cache", files, mb, env, lock=True)
    out = run_child("model", files, mb, env, ["--lines", str(lines)], lock=True)
    out["model_cache"] = first
    return out


def measure_model(files: list[Path], docs: list[str], lines: int) -> dict:
    """The model ranker on the first ``lines`` lines: ambiguous spans (more than one candidate) per second."""
    from retrans.config import RepairConfig
    from retrans.pipeline import Repairer, make_ranker

    g = read_glossary_files(files)
    config = RepairConfig(fuzzy=False)
    t0 = time.perf_counter()
    rep = Repairer(g, make_ranker(config.model, config), config)
    load_s = time.perf_counter() - t0
    sample = [ln for d in docs for ln in d.split("\n") if ln][:lines]
    text = "\n".join(sample)
    t0 = time.perf_counter()
    result = rep.repair(text, "sample")
    secs = time.perf_counter() - t0
    return {"lines": len(sample), "mb": len(text.encode("utf-8")) / 1e6, "model_load_s": load_s,
            "ambiguous_spans": len(result.edits), "applied": len(result.applied), "secs": secs,
            "spans_s": len(result.edits) / secs, "mb_s": len(text.encode("utf-8")) / 1e6 / secs,
            "peak_rss_mb": peak_mb()}


def _child(args: argparse.Namespace) -> None:
    files = [Path(p) for p in args.files]
    docs = [p.read_text(encoding="utf-8") for p in corpus(args.mb)] if args.child not in ("load", "model-cache") else []
    if args.child == "load":
        out = measure_load(files)
    elif args.child == "model-cache":
        out = warm_model_cache()
    elif args.child == "naive":
        out = measure_naive(files, docs, args.budget)
    elif args.child == "retrans":
        out = measure_retrans(files, docs, args.budget)
    else:
        out = measure_model(files, docs, args.lines)
    out["peak_rss_mb"] = out.get("peak_rss_mb", peak_mb())
    print(json.dumps(out))


def run_child(kind: str, files: list[Path], mb: float, env: dict, extra: list[str] = (), lock: bool = False) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.scale", "--child", kind, "--mb", f"{mb:g}", *extra,
           "--files", *map(str, files)]
    if lock:
        cmd = ["flock", "/tmp/retrans-model.lock", *cmd]
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"{kind} failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _time_cli(cmds: list[list[str]], env: dict, out_root: Path) -> dict:
    """Wall and CPU seconds of CLI runs started together, each into a fresh ``--out-dir`` of its own under
    ``out_root``, until the last one ends (the CPU time of the CLIs and their workers: children are counted
    once waited for, so it does not depend on what else the machine runs).

    The outputs stay until every run is timed (:func:`main` removes them at the end). On an ext4
    file system without a journal, as here, the kernel skips inodes freed in the last minute (six while
    their inode-table block is unwritten) when it makes a file, one lookup each: creating thousands of files
    right after deleting thousands cost 1.3 ms per file instead of 0.1 ms, and that, not retrans, set the
    pace of every run after the first."""
    out = Path(tempfile.mkdtemp(prefix="run-", dir=out_root))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    procs = [subprocess.Popen([*cmd, "--out-dir", str(out / str(k))], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for k, cmd in enumerate(cmds)]
    errors = [p.communicate()[1] for p in procs]
    secs = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for p, err in zip(procs, errors):
        if p.returncode not in (0, 1):
            return {"error": err.strip().splitlines()[-1:]}
    return {"secs": secs, "cpu_s": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime}


def _best(old: dict | None, new: dict) -> dict:
    """The faster of two timings (one that failed loses)."""
    return new if old is None or "error" in old or ("secs" in new and new["secs"] < old["secs"]) else old


def feed_halves(docs: list[Path]) -> tuple[Path, Path]:
    """Two folders, ``a`` and ``b``, holding the first and the second half of ``docs`` (hard links, or copies
    where links fail), made once under ``build/scale``: a feed as a desk hands it to ``retrans fix``."""
    def fill(root: Path) -> None:
        half = len(docs) // 2
        for name, part in (("a", docs[:half]), ("b", docs[half:])):
            (root / name).mkdir()
            for doc in part:
                try:
                    os.link(doc, root / name / doc.name)
                except OSError:
                    shutil.copyfile(doc, root / name / doc.name)

    root = _made_once(BUILD / f"feed-{docs[0].parent.name}-{len(docs)}", fill)
    return root / "a", root / "b"


def run_workers(files: list[Path], docs: list[Path], env: dict, out_root: Path, fuzzy: bool = False,
                repeat: int = 1, named: bool = False) -> dict:
    """`retrans fix --workers N --model none` over ``docs`` through the CLI, when the option exists;
    ``fuzzy``: with unseen-variant matching on (the CLI's default), else exact glossary forms only.
    The documents are given as two folders, each half of them (:func:`feed_halves`), as a desk gives a day's
    feed: the workers read the files; ``named``: file by file, which the main process reads and checks
    before the run starts (so a bad one stops it before anything is written). Outputs go under ``out_root``
    (see :func:`_time_cli`).

    Each worker count also runs on the first half of ``docs``: the fixed costs of a run (imports, fork,
    glossary load) are paid once either way, so the difference gives the marginal rate, documents per
    second once running: (N - N/2) / (t(N) - t(N/2)). Each run is the best of ``repeat``.

    The machine's own ceiling for two processes: two single-worker runs started together, each on one half
    of ``docs``, sharing nothing (``apart``). ``--workers 2`` cannot beat it; how close it comes is what the
    engine leaves on the table, the rest is the machine (two busy processes on its two cores).
    """
    cli = [sys.executable, "-m", "retrans", "fix"]
    help_text = subprocess.run([*cli, "--help"], cwd=ROOT, env={**env, "COLUMNS": "200"},
                               capture_output=True, text=True).stdout
    if "--workers" not in help_text:
        return {"note": "n/a (no --workers)"}
    extra = ["--no-fuzzy"] if "--no-fuzzy" in help_text and not fuzzy else []
    nbytes = sum(p.stat().st_size for p in docs)
    half = docs[:len(docs) // 2]
    if named:
        first, second, whole = half, docs[len(half):], docs
    else:
        a, b = feed_halves(docs)
        first, second, whole = [a], [b], [a, b]
    out: dict = {"docs": len(docs), "half_docs": len(half), "mb": nbytes / 1e6, "fuzzy": not extra,
                 "inputs": "files" if named else "folders", "runs": {}}
    def command(workers: int, part: list[Path]) -> list[str]:
        return [*cli, "--model", "none", "-q", "--workers", str(workers), *extra,
                *(x for f in files for x in ("-g", str(f))), *map(str, part)]

    timed: dict[tuple[int, int], dict] = {}
    for _ in range(max(1, repeat)):  # rounds interleave the runs, so a busy spell spreads over all of them
        for n in (1, 2):
            for key, part in ((len(half), first), (len(docs), whole)):
                timed[n, key] = _best(timed.get((n, key)), _time_cli([command(n, part)], env, out_root))
        out["apart"] = _best(out.get("apart"), _time_cli([command(1, first), command(1, second)], env, out_root))
    for n in (1, 2):
        full, part = timed[n, len(docs)], timed[n, len(half)]
        if "error" in full or "error" in part:
            out["runs"][n] = {"error": full.get("error") or part.get("error")}
            continue
        secs, cpu = full["secs"], full["cpu_s"]
        more = len(docs) - len(half)
        dt, dcpu = secs - part["secs"], cpu - part["cpu_s"]
        out["runs"][n] = {"secs": secs, "mb_s": nbytes / 1e6 / secs, "docs_s": len(docs) / secs, "cpu_s": cpu,
                          "docs_per_cpu_s": len(docs) / cpu if cpu else None,
                          "half_secs": part["secs"], "half_cpu_s": part["cpu_s"],
                          "marginal_docs_s": more / dt if dt > 0 else None,
                          "marginal_docs_per_cpu_s": more / dcpu if dcpu > 0 else None}
    rs = out["runs"]
    if all("secs" in rs[n] for n in (1, 2)):
        out["speedup"] = rs[1]["secs"] / rs[2]["secs"]
        if rs[1]["marginal_docs_s"] and rs[2]["marginal_docs_s"]:
            out["marginal_speedup"] = rs[2]["marginal_docs_s"] / rs[1]["marginal_docs_s"]
        if "secs" in out["apart"]:
            out["apart_speedup"] = rs[1]["secs"] / out["apart"]["secs"]
            out["of_apart"] = out["apart"]["secs"] / rs[2]["secs"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    ap.add_argument("--mb", type=float, default=10.0, help="corpus size")
    ap.add_argument("--naive-budget", type=float, default=20.0, help="seconds of naive fixing per size")
    ap.add_argument("--fuzzy-budget", type=float, default=20.0, help="seconds of fuzzy-on repair per size")
    ap.add_argument("--model-lines", type=int, default=300)
    ap.add_argument("--workers-mb", type=float, default=25.0, help="corpus of the CLI workers runs (25 MB: about "
                    "10⁴ documents, the smallest daily feed of the issue; made once, as the main corpus)")
    ap.add_argument("--workers-docs", type=int, default=None, help="use only the first N documents of it "
                    "(each run also runs on half of them, for the marginal rate; keep both halves above 1,000, "
                    "where `retrans fix` stops probing every output before the run)")
    ap.add_argument("--workers-named", action="store_true", help="give the CLI workers runs their documents "
                    "file by file (read and checked by the main process before the run), not as two folders")
    ap.add_argument("--workers-repeat", type=int, default=1, help="CLI workers runs: the best of this many")
    ap.add_argument("--workers-entries", type=int, default=1_000, help="glossary size of the CLI workers runs")
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--no-workers", action="store_true")
    ap.add_argument("--only-model", action="store_true", help="run the model column alone, into the saved results")
    ap.add_argument("--child", choices=["load", "naive", "retrans", "model", "model-cache"], help=argparse.SUPPRESS)
    ap.add_argument("--files", nargs="*", default=[], help=argparse.SUPPRESS)
    ap.add_argument("--budget", type=float, default=20.0, help=argparse.SUPPRESS)
    ap.add_argument("--lines", type=int, default=300, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args)
        return 0
    docs = corpus(args.mb)
    out_file = BUILD / "results.json"
    if args.only_model:
        results = json.loads(out_file.read_text(encoding="utf-8")) if out_file.exists() else {"sizes": {}}
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        size = max(args.sizes)
        results["model"] = run_model(glossary_files(size), args.mb, env, args.model_lines)
        results["model"]["entries"] = size
        out_file.write_text(json.dumps(results, indent=2), encoding="utf-8")
        print(table(results))
        return 0
    results: dict = {"uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
                     "corpus": {"docs": len(docs), "mb": sum(p.stat().st_size for p in docs) / 1e6}, "sizes": {}}
    print(f"corpus: {results['corpus']['docs']} documents, {results['corpus']['mb']:.1f} MB; "
          f"load: {results['uptime']}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "RETRANS_CACHE": cache, "PYTHONPATH": str(ROOT)}
        for size in args.sizes:
            files = glossary_files(size)
            row: dict = {}
            cold_env = {**env, "RETRANS_CACHE": str(Path(cache) / f"cold-{size}")}
            row["load_cold"] = run_child("load", files, args.mb, cold_env)
            warm = [run_child("load", files, args.mb, cold_env) for _ in range(3)]
            row["load_warm"] = min(warm, key=lambda r: r["ready_s"])
            row["load_warm"]["runs_s"] = [r["ready_s"] for r in warm]
            row["naive"] = run_child("naive", files, args.mb, env, ["--budget", str(args.naive_budget)])
            row["retrans"] = run_child("retrans", files, args.mb, env, ["--budget", str(args.fuzzy_budget)])
            row["speedup"] = row["retrans"]["repair_mb_s"] / row["naive"]["mb_s"]
            results["sizes"][size] = row
            BUILD.mkdir(parents=True, exist_ok=True)
            out_file.write_text(json.dumps(results, indent=2), encoding="utf-8")  # partial results survive
            print(f"  {size:,} entries done", file=sys.stderr)
        big = glossary_files(max(args.sizes))
        if not args.no_model:
            results["model"] = run_model(big, args.mb, env, args.model_lines)
            results["model"]["entries"] = max(args.sizes)
        if not args.no_workers:
            feed = corpus(args.workers_mb)[:args.workers_docs]
            out_root = Path(tempfile.mkdtemp(prefix="workers-", dir=BUILD))
            try:  # every output stays until all runs are timed (see _time_cli)
                for key, fuzzy in (("workers", False), ("workers_fuzzy", True)):
                    results[key] = run_workers(glossary_files(args.workers_entries), feed, env, out_root, fuzzy,
                                               args.workers_repeat, args.workers_named)
                    results[key]["entries"] = args.workers_entries
            finally:
                shutil.rmtree(out_root, ignore_errors=True)
    out_file.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
    return 0


def _workers_run(n: int, v: dict) -> str:
    """One worker count's numbers: end to end, per CPU-second, and marginal (fixed costs left out)."""
    if "mb_s" not in v:
        return f"{n}: {v}"
    text = f"{n}: {v['mb_s']:.2f} MB/s, {v['docs_s']:.1f} docs/s"
    if v.get("docs_per_cpu_s"):
        text += f", {v['docs_per_cpu_s']:.1f} docs per CPU-s ({v['cpu_s']:.1f} CPU-s)"
    if v.get("marginal_docs_s"):
        text += f", marginal {v['marginal_docs_s']:.1f} docs/s"
        text += (f" ({v['marginal_docs_per_cpu_s']:.1f} per CPU-s)" if v.get("marginal_docs_per_cpu_s") else "")
    return text


def table(results: dict) -> str:
    """The Markdown table of a results dict."""
    rows = ["| entries | naive MB/s | retrans detect+candidates MB/s (per CPU-s): batched; one doc at a time "
            "| retrans repair MB/s (docs/s) "
            "| speedup | with fuzzy MB/s | load cold s | ready from cache s | peak RSS MB |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, r in results["sizes"].items():
        rt = r["retrans"]
        fuzzy = f"{rt['fuzzy_mb_s']:.3f}" if "fuzzy_mb_s" in rt else "-"
        cpu = f" ({rt['detect_cpu_mb_s']:.1f})" if "detect_cpu_mb_s" in rt else ""
        if "detect_doc_mb_s" in rt:
            cpu += (f" (first pass {rt['detect_first_mb_s']:.1f}); "
                    f"{rt['detect_doc_mb_s']:.1f} ({rt['detect_doc_cpu_mb_s']:.1f})")
        rows.append(f"| {int(size):,} | {r['naive']['mb_s']:.3f} | {rt['detect_mb_s']:.1f}{cpu} | "
                    f"{rt['repair_mb_s']:.1f} ({rt['repair_docs_s']:.0f}) | {r['speedup']:,.0f}x | {fuzzy} | "
                    f"{r['load_cold']['ready_s']:.1f} | {r['load_warm']['ready_s']:.2f} | {rt['peak_rss_mb']:.0f} |")
    out = "\n".join(rows)
    for w in (results.get("workers"), results.get("workers_fuzzy")):
        if not w:
            continue
        if "note" in w:
            out += f"\n\nworkers: {w['note']}"
        else:
            runs = ", ".join(_workers_run(n, v) for n, v in w["runs"].items())
            speedup = ""
            if "speedup" in w:
                speedup = f"; 2 workers: {w['speedup']:.2f}x end to end"
                speedup += f", {w['marginal_speedup']:.2f}x marginal" if "marginal_speedup" in w else ""
            if "apart_speedup" in w:
                speedup += (f"; two single-worker runs on a half each, together: {w['apart_speedup']:.2f}x "
                            f"(the machine's ceiling; --workers 2 reaches {w['of_apart']:.0%} of it)")
            half = f" (and the first {w['half_docs']}, for the marginal rate)" if "half_docs" in w else ""
            given = f", given as {w['inputs']}" if "inputs" in w else ""
            out += (f"\n\nworkers (CLI, {w['entries']:,} entries, {w['docs']} docs{half}{given}, {w['mb']:.1f} MB, "
                    f"fuzzy {'on' if w['fuzzy'] else 'off'}): {runs}{speedup}")
    m = results.get("model")
    if m:
        out += (f"\n\nmodel ({m['entries']:,} entries, {m['lines']} lines, {m['mb'] * 1e3:.0f} KB): "
                f"{m['ambiguous_spans']} ambiguous spans in {m['secs']:.1f} s = {m['spans_s']:.1f} spans/s, "
                f"{m['mb_s'] * 1e3:.1f} KB/s; model load {m['model_load_s']:.1f} s; peak RSS {m['peak_rss_mb']:.0f} MB"
                + (f" (first use, converting the model: {m['model_cache']['peak_rss_mb']:.0f} MB)"
                   if m.get("model_cache", {}).get("converted") else ""))
    return out + f"\n\nmachine load: {results['uptime']}"


if __name__ == "__main__":
    raise SystemExit(main())
