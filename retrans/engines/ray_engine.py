"""``--engine ray``: the same workers as Ray Data actors (``map_batches`` with an actor class).

Each actor holds a :class:`Worker` (the glossary, and the model once loaded: the
same code path as the local engine). Jobs go out as rows, outcomes come back
as JSON, in job order (``preserve_order``), with their output bytes: actors may run
on other machines, so the caller writes the outputs (with the function local and
pool workers use) and the manifest, and outputs are byte-identical to the local
engine's. Without
``--ray-address`` a local Ray instance is started (and stopped at the end); with
one, the run joins that cluster, whose workers must see the input files and have
retrans installed.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import Job, Outcome, WorkContext, Worker


class RetransActor:
    """A Ray Data actor: one :class:`Worker` for its lifetime."""

    def __init__(self, ctx: WorkContext) -> None:
        self.worker = Worker(ctx)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        jobs = [Job(**json.loads(str(raw))) for raw in batch["job"]]
        return {"outcome": [out.to_json() for out in self.worker.run_many(jobs)]}


class RayEngine:
    def __init__(self, ctx: WorkContext, workers: int, address: str | None = None) -> None:
        try:
            import ray
            import ray.data  # noqa: F401
        except ImportError:
            raise InputError("--engine ray needs Ray Data: pip install 'ray[data]==2.60.0'") from None
        self.ray = ray
        self.ctx = ctx
        self.workers = max(1, workers)
        self.address = address
        self.started = False

    def _connect(self) -> None:
        """Join the cluster (or start a local instance) when there is work: a resumed batch needs no Ray."""
        ray = self.ray
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.ERROR,
                                      "log_to_driver": False, "configure_logging": True}
            if self.address:
                ray.init(address=self.address, **kwargs)
            else:
                ray.init(num_cpus=max(2, self.workers), **kwargs)
            self.started = True

    def map(self, jobs: Iterable[Job], out_dir: str | Path | None = None) -> Iterator[Outcome]:
        """Outcomes with their bytes (``out_dir`` is not used: actors may not see it)."""
        import ray.data

        rows = [{"job": json.dumps(asdict(j), ensure_ascii=False)} for j in jobs]
        if not rows:
            return iter(())
        self._connect()
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        with warnings.catch_warnings():  # max_restarts=0 (an actor that dies is not restarted) is "deprecated"
            warnings.simplefilter("ignore")
            ds = ray.data.from_items(rows).map_batches(
                RetransActor, fn_constructor_kwargs={"ctx": self.ctx}, batch_size=8, batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=self.workers), num_cpus=1, max_restarts=0)
        return (Outcome.from_json(str(row["outcome"])) for row in ds.iter_rows())

    def close(self) -> None:
        if self.started:
            self.ray.shutdown()
            self.started = False
