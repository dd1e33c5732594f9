"""A crawl from the command line, recorded as a run just as the daily flow records one.

`gaimon crawl` crawls sources in child processes, loads each as its crawl ends and records
every source's outcome in `source_runs` through the same steps the flows use, so that
`gaimon runs` and `gaimon health` see it. A source fails when its crawl broke off, or when it
staged nothing and reported errors; one that had nothing new is not a failure.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from gaimon.crawl.run import CrawlError
from gaimon.errors import GaimonError
from gaimon.home import Home
from gaimon.ops import steps
from gaimon.ops.runs import SourceRun
from gaimon.registry import Registry, Source


@dataclass
class CrawlRun:
    run_id: str
    status: str  # completed | completed_with_errors | failed
    records: list[SourceRun] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def crawl_and_record(
    home: Home,
    registry: Registry,
    sources: Iterable[Source],
    registry_path: Path | None,
    day: str,
    since: datetime | None = None,
    jobs: int = 2,
    timeout: float = 1800,
) -> CrawlRun:
    """Crawl `sources` (`jobs` at a time), load each as it ends, record the run and each source."""
    chosen = list(sources)
    params = {"sources": [s.name for s in chosen], "day": day, "since": since}
    start = steps.open_run(home, "crawl", params, registry=registry)
    try:
        steps.remove_orphans(home)
        steps.load_leftovers(home, start.run_id)
        records = _crawl_and_load(home, start, chosen, registry_path, day, since, jobs, timeout)
        steps.cluster_stories(home)
    except BaseException as exc:
        steps.finish(home, start.run_id, "failed", f"{type(exc).__name__}: {exc}")
        raise
    problems = [f"source {r.source} failed: {r.message}" for r in records if r.status == "failed"]
    problems += [
        f"source {r.source}: {r.errors} error(s) in staging or loading: {r.message}"
        for r in records
        if r.status == "ok" and r.errors
    ]
    failed = sum(r.status == "failed" for r in records)
    status = (
        "failed"
        if records and failed == len(records)
        else "completed_with_errors"
        if problems
        else "completed"
    )
    steps.finish(home, start.run_id, status, "; ".join(problems), steps.summarize(records))
    return CrawlRun(start.run_id, status, sorted(records, key=lambda r: r.source), problems)


def _crawl_and_load(
    home: Home,
    start: steps.RunStart,
    sources: list[Source],
    registry_path: Path | None,
    day: str,
    since: datetime | None,
    jobs: int,
    timeout: float,
) -> list[SourceRun]:
    """Crawls run in threads (each a child process); loading stays in this thread, the one
    writer."""

    def crawl(source: Source) -> steps.Crawled | Exception:
        try:
            return steps.crawl(source, home, registry_path, day, since, timeout)
        except CrawlError as exc:
            return exc

    records = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(crawl, s): s for s in sources}
        for future in as_completed(futures):
            source, crawled = futures[future], future.result()
            if isinstance(crawled, steps.Crawled):
                try:
                    records.append(steps.load_source(home, start.run_id, crawled))
                    continue
                except (GaimonError, duckdb.Error) as exc:
                    crawled = exc
            records.append(
                steps.fail_source(
                    home, start.run_id, source.name, start.started_at, since, str(crawled)
                )
            )
    return records
