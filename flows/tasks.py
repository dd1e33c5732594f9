"""Prefect tasks around gaimon.ops.steps.

How much runs at once is decided in the flow (gaimon.ops.lock keeps one run per home and one
warehouse writer; the fan-out keeps `limits.crawl` crawls in flight), not by Prefect tag
concurrency limits: a killed run's slots on the Prefect server are never given back.
Retries, back-off and time-outs come from the settings file.
"""

from __future__ import annotations

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from gaimon.ops import steps
from gaimon.settings import TaskPolicy


def _task(fn, **options) -> Task:
    # Inputs are files and folders that change between calls: caching by inputs would lie.
    return task(fn, name=fn.__name__, cache_policy=NO_CACHE, persist_result=False, **options)


open_run = _task(steps.open_run)
remove_orphans = _task(steps.remove_orphans)
load_leftovers = _task(steps.load_leftovers)
crawl_windows = _task(steps.crawl_windows)
crawl = _task(steps.crawl, task_run_name="crawl-{source.name}")
load_source = _task(steps.load_source, task_run_name="load-{crawled.source}")
fail_source = _task(steps.fail_source, task_run_name="failed-{source}")
cluster_stories = _task(steps.cluster_stories)
export_batches = _task(steps.export_batches)
classify_batch = _task(steps.classify_batch, task_run_name="classify-{batch.stem}")
store_batch = _task(steps.store_batch)
detect_alerts = _task(steps.detect_alerts)
digest_week = _task(steps.digest_week, task_run_name="digest-{week}")
send_week = _task(steps.send_week, task_run_name="send-{week}")
finish = _task(steps.finish)


def configured(t: Task, policy: TaskPolicy, own_timeout: bool = False) -> Task:
    """The task with the settings' retries (exponential back-off, some jitter) and time-out.

    `own_timeout`: the step stops itself at the time-out (a crawl kills its Scrapy process);
    Prefect's time-out cannot interrupt a task running in a worker thread, so it is left off.
    """
    return t.with_options(
        retries=policy.retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=policy.backoff)
        if policy.retries
        else 0,
        retry_jitter_factor=0.2 if policy.retries else None,
        timeout_seconds=None if own_timeout else policy.timeout,
    )
