"""What the flows share: where they work, how they fan out, and how a run ends."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from prefect import Task, get_run_logger
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.states import Completed, State
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel

from flows import tasks
from gaimon.classify import fanout
from gaimon.home import Home, get_home
from gaimon.ops import lock
from gaimon.ops.runs import SourceRun
from gaimon.ops.steps import RunStart
from gaimon.registry import Registry, load_registry
from gaimon.settings import Settings, load_settings


class RunParams(BaseModel):
    """Parameters every flow takes; None means: from the settings file (or GAIMON_HOME)."""

    home: str | None = None
    settings: str | None = None
    task_runner: Literal["local", "dask"] | None = None
    dask_address: str | None = None


@dataclass
class Context:
    home: Home
    settings: Settings
    task_runner: str
    dask_address: str | None

    @property
    def runner_label(self) -> str:
        return (
            f"dask {self.dask_address or '(temporary cluster)'}"
            if self.task_runner == "dask"
            else "local"
        )

    def writer(self, task: Task) -> Task:
        """A warehouse task with the warehouse policy (its retries ride out a busy lock)."""
        return tasks.configured(task, self.settings.tasks["warehouse"])

    def registry_path(self, chosen: str | None) -> Path | None:
        return Path(chosen) if chosen else self.settings.registry

    def registry(self, chosen: str | None) -> Registry:
        return load_registry(self.registry_path(chosen))


@contextmanager
def running(params: RunParams, flow: str) -> Iterator[Context]:
    """Where and how the run works, with the home's run lock held for the whole run: a second
    run of the home waits for it (`locks.run_wait`), then fails naming the run that holds it.
    The operating system releases the lock when the process dies, however it dies."""
    home = get_home(params.home).ensure()
    settings = load_settings(params.settings, home)
    kind = params.task_runner or settings.task_runner
    address = params.dask_address or (settings.dask_address if kind == "dask" else None)
    with lock.run_lock(home, flow, settings.locks.run_wait, say=get_run_logger().warning):
        yield Context(home, settings, kind, address)


def flow_run_id() -> str | None:
    return flow_run.get_id()


def open_run(
    ctx: Context, flow: str, params: dict[str, Any], registry: Registry | None = None
) -> RunStart:
    """Record the run as running (migrating the warehouse and syncing the registry first)."""
    return ctx.writer(tasks.open_run)(
        ctx.home, flow, params, ctx.runner_label, registry, flow_run_id()
    )


def remove_orphans(ctx: Context) -> None:
    """Remove the classification batch files that killed runs left behind."""
    ctx.writer(tasks.remove_orphans)(ctx.home)


class FanOut:
    """Runs many tasks at once: crawls in threads or on Dask; CPU work (classification) on
    Dask, or one after the other when local (threads would only fight over the GIL)."""

    def __init__(self, ctx: Context):
        self.distributed = ctx.task_runner == "dask"
        self.limits = ctx.settings.limits
        if self.distributed:
            from prefect_dask import DaskTaskRunner

            self.runner = (
                DaskTaskRunner(address=ctx.dask_address) if ctx.dask_address else DaskTaskRunner()
            )
        else:
            self.runner = ThreadPoolTaskRunner(max_workers=ctx.settings.limits.crawl)

    def __enter__(self) -> FanOut:
        self.runner.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.runner.__exit__(*exc)

    def each(
        self,
        task: Task,
        items: list[Any],
        parameters: Callable[[Any], dict[str, Any]],
        cpu: bool = False,
    ) -> Iterator[tuple[Any, Any]]:
        """Yield (item, result) as each call `task(**parameters(item))` ends; the result is the
        exception when the call failed after its retries. At most `limits.crawl` calls (CPU
        work: `limits.classify`) are in flight at once."""
        if cpu and not self.distributed:
            for item in items:
                try:
                    yield item, task(**parameters(item))
                except Exception as exc:
                    yield item, exc
            return
        waiting = iter(items)
        running: dict[Any, Any] = {}

        def submit(count: int) -> None:
            for item in islice(waiting, count):
                running[self.runner.submit(task, parameters=parameters(item))] = item

        submit(self.limits.classify if cpu else self.limits.crawl)
        while running:
            future = next(as_completed(list(running)))
            item = running.pop(future)
            submit(1)  # the next one starts while this result is handled
            try:
                yield item, future.result()
            except Exception as exc:
                yield item, exc


def classify_all(
    fan: FanOut, ctx: Context, run_id: str, everything: bool = False
) -> dict[str, Any]:
    """Export documents to classify as batch files, classify them fanned out, store each result."""
    policy = ctx.settings.tasks["classify"]
    try:
        model, batches = ctx.writer(tasks.export_batches)(
            ctx.home, run_id, policy.batch, everything
        )
    except Exception as exc:  # a broken model leaves documents for the next run, not a broken day
        return {"batches": 0, "errors": [f"classification: {type(exc).__name__}: {exc}"]}
    store = ctx.writer(tasks.store_batch)
    totals: Counter[str] = Counter()
    errors = []
    # On Dask the batch runs in a worker thread, which Prefect's time-out cannot interrupt.
    classify = tasks.configured(tasks.classify_batch, policy, own_timeout=fan.distributed)
    for batch, result in fan.each(
        classify, batches, lambda b: {"batch": b, "model": model}, cpu=True
    ):
        if isinstance(result, Exception):
            errors.append(f"{batch.name}: {result}")
            continue
        totals.update(store(ctx.home, result, model))
    if not errors:
        shutil.rmtree(fanout.work_dir(ctx.home, run_id).parent, ignore_errors=True)  # runs/<id>
    return {"model_version": model.version, "batches": len(batches), **totals, "errors": errors}


def end(
    ctx: Context,
    run_id: str,
    summary: dict[str, Any],
    sources: list[SourceRun] | None = None,
    errors: list[str] | None = None,
) -> State:
    """Record how the run ended. Some sources or batches failed: Completed with errors. Every
    source failed: Failed."""
    failed = [r.source for r in sources or [] if r.status == "failed"]
    problems = (
        [f"{len(failed)} of {len(sources)} source(s) failed: {', '.join(sorted(failed))}"]
        if failed
        else []
    ) + list(errors or [])
    message = "; ".join(problems)
    if sources and len(failed) == len(sources):
        ctx.writer(tasks.finish)(ctx.home, run_id, "failed", message, summary)
        raise RuntimeError(f"run {run_id} failed: {message}")
    status = "completed_with_errors" if problems else "completed"
    ctx.writer(tasks.finish)(ctx.home, run_id, status, message, summary)
    if problems:
        get_run_logger().warning("run %s completed with errors: %s", run_id, message)
        return Completed(name="Completed with errors", message=message, data=summary)
    return Completed(message=f"run {run_id} completed", data=summary)


@contextmanager
def recorded(ctx: Context, run_id: str) -> Iterator[None]:
    """A run that breaks off with an exception is recorded as failed before it propagates."""
    try:
        yield
    except BaseException as exc:
        tasks.finish(ctx.home, run_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
