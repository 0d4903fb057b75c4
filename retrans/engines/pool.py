"""``--workers N``: forked worker processes, each with its own :class:`Worker`.

On Linux the workers are forked, and the glossary and its compiled matchers (exact and
fuzzy, :func:`compile_matchers`), made once by the parent before forking, are shared
copy-on-write rather than pickled to or loaded by each. The parent freezes the garbage
collector's view of them while forking (``gc.freeze``), so no worker's collection writes
to their pages and copies them. Each worker loads the model lazily, once, on its first
job. Given an output folder, each worker writes its outputs there itself
(atomically, in parallel with the others) and sends back their digests.

The parent talks to each worker over a pipe of its own (``Connection.send``, as
``multiprocessing.Pool`` does, between this process and its own forks only), from
its main thread: it sends jobs in groups (:func:`group_jobs`; a worker repairs a group's
documents together), keeps ``DEPTH`` groups sent ahead to each worker (so none waits
for the parent) and yields the outcomes in job order. There are no helper threads:
the worker-handler thread of ``multiprocessing.Pool`` woke on every result and
cost the parent about 0.5 ms of CPU per job, a fifth of a job's own cost. Errors
come back as text (an exception object might fail to unpickle, which hangs a
``Pool``); a worker that dies (killed, out of memory) stops the run with one line
instead of hanging it. Workers ignore Ctrl-C: the parent handles it (stops the
workers, removes what a stopped write left, keeps finished documents in the
manifest); if the parent is killed outright, the kernel kills the workers with it
(Linux).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ..errors import RetransError
from ..formats.text import OutputError
from ..pipeline import CompiledGlossary, compile_matchers
from . import Job, Outcome, WorkContext, Worker, group_chars, group_jobs

DEPTH = 3  # groups sent ahead to each worker (the parent may stall on a manifest fsync)
SMALL = 8 * 1024  # a group with more text (characters) goes only to an idle worker, so no pipe blocks both ways
WINDOW = 16  # groups that may finish ahead of the oldest unfinished one (bounds the outcomes held for order)
_ERRORS: dict[str, type[Exception]] = {"OutputError": OutputError, "RetransError": RetransError}
_inherited: CompiledGlossary | None = None  # set while workers are forked (PoolEngine)


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


def _serve(ctx: WorkContext, conn: Connection, parent: int) -> None:
    """A worker's life: repair each group of jobs the parent sends; send back their outcomes, or an
    error as text."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    worker = Worker(ctx, _inherited)
    while True:
        try:
            jobs, out_dir = conn.recv()
        except EOFError:
            return
        try:
            conn.send(_reply(worker, jobs, out_dir))
        except Exception as exc:  # an outcome that does not pickle (nothing is sent then)
            conn.send(("RuntimeError", f"{type(exc).__name__}: {exc}"))


def _reply(worker: Worker, jobs: list[Job], out_dir: Path | None) -> list[Outcome] | tuple[str, str]:
    try:
        return worker.run_many(jobs, out_dir)
    except RetransError as exc:
        return (type(exc).__name__ if type(exc) in _ERRORS.values() else "RetransError", exc.oneline())
    except Exception as exc:  # a bug
        return ("RuntimeError", f"{type(exc).__name__}: {exc}")


def _outcomes(payload: list[Outcome] | tuple[str, str]) -> list[Outcome]:
    """A worker's reply as outcomes, or its error raised here."""
    if isinstance(payload, tuple):
        name, text = payload
        raise _ERRORS.get(name, RuntimeError)(text)
    return payload


def _how(code: int | None) -> str:
    return f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"


class PoolEngine:
    """``workers`` forked processes; :meth:`map` runs one batch of jobs at a time (in groups)."""

    def __init__(self, ctx: WorkContext, workers: int) -> None:
        forked = sys.platform.startswith("linux")
        mp = multiprocessing.get_context("fork" if forked else None)
        self.ctx = ctx
        self.procs: list[multiprocessing.process.BaseProcess] = []
        self.conns: list[Connection] = []
        global _inherited
        # Forked workers inherit the matchers made here (not as an argument: the process objects would keep
        # them alive in this process); spawned ones (other systems) make their own.
        _inherited = compile_matchers(ctx.glossary, ctx.config) if forked else None
        gc.freeze()  # what exists now is never collected in a worker, so its pages stay shared
        try:
            for _ in range(workers):
                mine, theirs = mp.Pipe()
                proc = mp.Process(target=_serve, args=(ctx, theirs, os.getpid()), daemon=True)
                proc.start()
                theirs.close()
                self.procs.append(proc)
                self.conns.append(mine)
        finally:
            gc.unfreeze()
            _inherited = None  # this process does not repair: the workers keep their copies

    def map(self, jobs: Iterable[Job], out_dir: str | Path | None = None) -> Iterator[Outcome]:
        return _Run(self, list(jobs), None if out_dir is None else Path(out_dir)).outcomes()

    def close(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join()
        for conn in self.conns:
            conn.close()


class _Run:
    """One :meth:`PoolEngine.map`: groups of jobs sent ahead to each worker, outcomes held until their turn."""

    def __init__(self, engine: PoolEngine, jobs: list[Job], out_dir: Path | None) -> None:
        self.engine, self.out_dir = engine, out_dir
        self.groups = group_jobs(jobs, group_chars(engine.ctx))
        self.sent: list[deque[int]] = [deque() for _ in engine.conns]  # per worker, the groups it has
        self.ready: dict[int, list[Outcome] | tuple[str, str]] = {}
        self.next = 0  # the next group to send

    def outcomes(self) -> Iterator[Outcome]:
        for first in range(len(self.groups)):
            self.feed(first)
            while first not in self.ready:
                self.collect()
                self.feed(first)
            yield from _outcomes(self.ready.pop(first))

    def feed(self, first: int) -> None:
        """Send groups to the workers with room for them, oldest first."""
        order = sorted(range(len(self.sent)), key=lambda w: len(self.sent[w]))
        for w in order:
            while len(self.sent[w]) < DEPTH and self.next < min(len(self.groups), first + WINDOW):
                group = self.groups[self.next]
                if self.sent[w] and sum(len(j.text or "") + len(j.source_text or "") for j in group) > SMALL:
                    break
                try:
                    self.engine.conns[w].send((group, self.out_dir))
                except OSError:  # a broken pipe: it died
                    self._died(w)
                self.sent[w].append(self.next)
                self.next += 1

    def collect(self) -> None:
        """Wait for replies (or a worker's death) and keep them."""
        engine = self.engine
        busy = [w for w, s in enumerate(self.sent) if s]
        ready = wait([*(engine.conns[w] for w in busy), *(p.sentinel for p in engine.procs)])
        for w in busy:
            if engine.conns[w] in ready:
                self._receive(w)
        for w, proc in enumerate(engine.procs):
            if proc.sentinel in ready:
                while self.sent[w] and engine.conns[w].poll():  # what it sent before it stopped
                    self._receive(w)
                self._died(w)

    def _receive(self, w: int) -> None:
        try:
            reply = self.engine.conns[w].recv()
        except (EOFError, OSError):  # closed, or reset (it died with jobs unread)
            self._died(w)
        self.ready[self.sent[w].popleft()] = reply

    def _died(self, w: int) -> None:
        proc = self.engine.procs[w]
        proc.join(1)
        raise RetransError(f"a worker process stopped ({_how(proc.exitcode)}); the documents finished so far "
                           "are kept: run the same command again to resume")
