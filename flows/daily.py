"""The daily run.

1. Crawl every source in the registry, each as its own task (one failing does not stop others).
2. Load what was staged today into the warehouse.
3. Classify documents not yet labelled by the current classifier.
4. Detect emerging risks.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from pydantic import BaseModel

from gaimon.crawl import CrawlError, crawl_source
from gaimon.detect import detect_home
from gaimon.home import get_home
from gaimon.load import load_day
from gaimon.registry import load_registry
from gaimon.signals import classify_home


class DailyParams(BaseModel):
    home: str | None = None
    registry: str | None = None
    sources: list[str] | None = None
    day: str | None = None


@task(retries=2, retry_delay_seconds=[2, 10], tags=["crawl"])
def crawl(name: str, params: DailyParams, day: str) -> dict:
    registry = load_registry(params.registry)
    report = crawl_source(registry.get(name), get_home(params.home), params.registry, day)
    if not report.ok and report.staged == 0:
        raise CrawlError(f"source {name}: nothing staged, {report.errors} error(s): {report.message}")
    return asdict(report)


@task(tags=["warehouse"])
def load(params: DailyParams, day: str) -> dict:
    return asdict(load_day(get_home(params.home), day, load_registry(params.registry)))


@task(tags=["warehouse"])
def classify(params: DailyParams) -> dict:
    return asdict(classify_home(get_home(params.home)))


@task(tags=["warehouse"])
def detect(params: DailyParams) -> int:
    return len(detect_home(get_home(params.home)))


@flow(name="daily")
def daily(params: DailyParams | None = None) -> dict:
    params = params or DailyParams()
    logger = get_run_logger()
    day = params.day or datetime.now(UTC).date().isoformat()
    names = [s.name for s in load_registry(params.registry).select(params.sources)]
    futures = {name: crawl.submit(name, params, day) for name in names}
    crawled, failed = {}, {}
    for name, future in futures.items():
        try:
            crawled[name] = future.result()
        except Exception as exc:  # one broken source must not stop the others
            failed[name] = str(exc)
            logger.error("source %s failed: %s", name, exc)
    summary = {"day": day, "crawled": crawled, "failed": failed,
               "load": load(params, day), "classify": classify(params), "alerts": detect(params)}
    return summary
