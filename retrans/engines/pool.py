"""``--workers N``: a pool of forked processes, each with its own :class:`Worker`.

On Linux the pool forks, so the compiled glossary is shared copy-on-write rather
than pickled to each worker; each worker loads the model lazily, once, on its
first job. Outcomes come back in job order. Workers ignore Ctrl-C: the parent
handles it (stops the pool, leaves finished documents in the manifest); if the
parent is killed outright, the kernel kills the workers with it (Linux).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Iterable, Iterator

from . import Job, Outcome, WorkContext, Worker

_WORKER: Worker | None = None


def _die_with_parent(parent: int) -> None:
    """Linux: a worker is killed when the main process dies (even by SIGKILL), so no orphan keeps a model."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _init(ctx: WorkContext, parent: int) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    _WORKER = Worker(ctx)


def _run(job: Job) -> Outcome:
    assert _WORKER is not None
    return _WORKER.run(job)


class PoolEngine:
    def __init__(self, ctx: WorkContext, workers: int) -> None:
        method = "fork" if sys.platform.startswith("linux") else None
        self.pool = multiprocessing.get_context(method).Pool(workers, _init, (ctx, os.getpid()))

    def map(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        return self.pool.imap(_run, jobs, chunksize=1)

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()
