"""Prefect tasks around gaimon.steps.

Tags carry the concurrency limits, which live on the Prefect server and hold across all runs:
`crawl` (at most N crawls at once), `classify`, and `warehouse` (one writer: DuckDB allows
one writing process per file). Retries, back-off and time-outs come from the settings file.
"""

from __future__ import annotations

from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from gaimon import steps
from gaimon.settings import Limits, TaskPolicy

CRAWL, CLASSIFY, WAREHOUSE, DIGEST = "crawl", "classify", "warehouse", "digest"


def _task(fn, tag: str, **options) -> Task:
    # Inputs are files and folders that change between calls: caching by inputs would lie.
    return task(fn, name=fn.__name__, tags=[tag], cache_policy=NO_CACHE, persist_result=False,
                **options)


begin = _task(steps.begin, WAREHOUSE)
crawl = _task(steps.crawl, CRAWL, task_run_name="crawl-{source.name}")
load_source = _task(steps.load_source, WAREHOUSE, task_run_name="load-{crawled.source}")
fail_source = _task(steps.fail_source, WAREHOUSE, task_run_name="failed-{source}")
cluster_stories = _task(steps.cluster_stories, WAREHOUSE)
export_batches = _task(steps.export_batches, WAREHOUSE)
classify_batch = _task(steps.classify_batch, CLASSIFY, task_run_name="classify-{batch.stem}")
store_batch = _task(steps.store_batch, WAREHOUSE)
detect_alerts = _task(steps.detect_alerts, WAREHOUSE)
digest_week = _task(steps.digest_week, WAREHOUSE, task_run_name="digest-{week}")
send_week = _task(steps.send_week, DIGEST, task_run_name="send-{week}")
finish = _task(steps.finish, WAREHOUSE)


def configured(t: Task, policy: TaskPolicy, own_timeout: bool = False) -> Task:
    """The task with the settings' retries (exponential back-off, some jitter) and time-out.

    `own_timeout`: the step stops itself at the time-out (a crawl kills its Scrapy process);
    Prefect's time-out cannot interrupt a task running in a worker thread, so it is left off.
    """
    return t.with_options(
        retries=policy.retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=policy.backoff) if policy.retries else 0,
        retry_jitter_factor=0.2 if policy.retries else None,
        timeout_seconds=None if own_timeout else policy.timeout,
    )


def ensure_limits(limits: Limits) -> None:
    """Create or update the tag concurrency limits on the Prefect server."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        for tag, limit in ((CRAWL, limits.crawl), (CLASSIFY, limits.classify),
                           (WAREHOUSE, limits.warehouse)):
            client.create_concurrency_limit(tag=tag, concurrency_limit=limit)
