"""The converted-model cache on a fresh machine: processes that start together convert the model once."""

from __future__ import annotations

import multiprocessing
import sys
import time
from pathlib import Path

import pytest

from retrans import lm
from tests.test_reliability_faults import fake_cache


def _convert_slowly(log: Path, folder: Path) -> None:
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("converted\n")
    time.sleep(0.5)  # long enough for the other process to find no cache and wait
    fake_cache(folder)


def _start(log: str, folder: str) -> None:
    lm.ensure_cache(lm.MODELS["gemma3-270m"], Path(folder), lambda spec, f: _convert_slowly(Path(log), f))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and flock")
def test_workers_starting_together_convert_the_model_once(tmp_path):
    folder, log = tmp_path / "models" / "gemma3-270m", tmp_path / "log"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_start, args=(str(log), str(folder))) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert log.read_text(encoding="utf-8") == "converted\n"
    assert lm.cache_problem(folder) is None
