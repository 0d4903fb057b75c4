"""Progress of a batch on stderr: a rich bar on a terminal, plain lines in a log, nothing with ``--quiet``."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, edits: int) -> None:
        pass

    def stop(self) -> None:
        pass


class LogProgress:
    """One line every ``every`` documents (at least 100, about 20 lines a run): for logs and CI."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.total = self.done = self.edits = 0
        self.every = 100
        self.t0 = 0.0

    def start(self, total: int) -> None:
        self.total, self.every, self.t0 = total, max(100, -(-total // 20)), time.monotonic()

    def advance(self, edits: int) -> None:
        self.done += 1
        self.edits += edits
        if self.done % self.every == 0 and self.done < self.total:
            elapsed = max(time.monotonic() - self.t0, 1e-9)
            rate = self.done / elapsed
            eta = (self.total - self.done) / rate if rate else 0.0
            print(f"retrans: {self.done}/{self.total} documents, {self.edits} edit(s), {rate:.1f} docs/s, "
                  f"ETA {eta:.0f}s", file=self.stream or sys.stderr, flush=True)

    def stop(self) -> None:
        pass


class BarProgress:
    """A rich progress bar: documents done of total, edits so far, documents per second, time left."""

    def __init__(self, console) -> None:
        self.bar = Progress(TextColumn("[bold]retrans"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("docs · {task.fields[edits]} edits · {task.fields[rate]} docs/s"),
                            TimeRemainingColumn(), console=console, transient=False)
        self.task = None
        self.edits = 0
        self.t0 = 0.0

    def start(self, total: int) -> None:
        self.t0 = time.monotonic()
        self.task = self.bar.add_task("fix", total=total, edits=0, rate="-")
        self.bar.start()

    def advance(self, edits: int) -> None:
        self.edits += edits
        done = self.bar.tasks[0].completed + 1
        rate = done / max(time.monotonic() - self.t0, 1e-9)
        self.bar.update(self.task, advance=1, edits=self.edits, rate=f"{rate:.1f}")

    def stop(self) -> None:
        self.bar.stop()


def make_progress(quiet: bool, console) -> NoProgress | LogProgress | BarProgress:
    """A bar on a terminal, log lines otherwise, nothing when ``quiet``."""
    if quiet:
        return NoProgress()
    return BarProgress(console) if console.is_terminal else LogProgress()
