"""The daily run.

1. Record the run; remove the batch files of killed runs; load the staged files a killed run
   left unloaded; for each source, work out since when to crawl (its last good crawl).
2. Crawl each source as its own task, fanned out (threads, or Dask workers).
3. As each crawl ends, load its staged files and record its counts (the one writer);
   then give syndicated copies of one story one cluster.
4. Classify new documents in batches, fanned out; store each batch.
5. Detect emerging risks.
6. After downtime: build (and send) the digests of weeks whose weekly run was missed;
   otherwise send approved digests that have not gone out yet.
7. Record the end: completed, or completed with errors when a source failed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import flow

from flows import common, tasks
from flows.weekly import WeeklyParams, send_pending, weekly
from gaimon.ops import snapshot, steps
from gaimon.ops.runs import SourceRun
from gaimon.registry import Source


class DailyParams(common.RunParams):
    registry: str | None = None
    sources: list[str] | None = None
    day: str | None = None
    catch_up: bool = True


@flow(name="daily")
def daily(params: DailyParams | None = None):
    params = params or DailyParams()
    with common.running(params, "daily") as ctx:
        registry = ctx.registry(params.registry)
        start = common.open_run(ctx, "daily", params.model_dump(), registry)
        day = params.day or datetime.now(UTC).date().isoformat()
        with common.recorded(ctx, start.run_id):
            common.remove_orphans(ctx)
            leftovers = ctx.writer(tasks.load_leftovers)(ctx.home, start.run_id)
            since = ctx.writer(tasks.crawl_windows)(
                ctx.home,
                [s.name for s in registry.sources],
                timedelta(hours=ctx.settings.catch_up.overlap_hours),
            )
            with common.FanOut(ctx) as fan:
                records = crawl_and_load(
                    fan,
                    ctx,
                    start,
                    since,
                    registry.select(params.sources),
                    ctx.registry_path(params.registry),
                    day,
                )
                clustered = ctx.writer(tasks.cluster_stories)(ctx.home)
                classified = common.classify_all(fan, ctx, start.run_id)
            alerts = ctx.writer(tasks.detect_alerts)(ctx.home, start.run_id)
            errors = list(classified["errors"])
            missed = (
                steps.digest_plan(ctx.home, ctx.settings, missed_only=True)
                if params.catch_up
                else []
            )
            if missed:  # the weekly run did not happen: do its work now
                caught = weekly(
                    WeeklyParams(home=str(ctx.home.root), settings=params.settings, weeks=missed),
                    return_state=True,
                )
                errors += (
                    [f"catching up {missed}: {caught.message}"]
                    if caught.name != "Completed"
                    else []
                )
            elif params.catch_up:
                send_pending(ctx, start.run_id, [], errors)
        summary = {
            "day": day,
            "sources": steps.summarize(records),
            "leftovers": leftovers,
            "clustered": clustered,
            "classify": classified,
            "alerts": alerts,
            "caught_up_weeks": missed,
        }
        ended = common.end(ctx, start.run_id, summary, records, errors)
        snapshot.publish_after(ctx.home, "daily", start.run_id)  # analysts' copy
        return ended


def crawl_and_load(
    fan: common.FanOut,
    ctx: common.Context,
    start: steps.RunStart,
    since: dict[str, datetime | None],
    sources: list[Source],
    registry: Path | None,
    day: str,
) -> list[SourceRun]:
    """Crawl the sources fanned out; load each as its crawl ends. A source whose crawl or
    load fails is recorded as failed, and the others go on."""
    policy = ctx.settings.tasks["crawl"]
    crawl = tasks.configured(tasks.crawl, policy, own_timeout=True)
    load, fail = ctx.writer(tasks.load_source), ctx.writer(tasks.fail_source)
    records = []
    for source, crawled in fan.each(
        crawl,
        sources,
        lambda s: {
            "source": s,
            "home": ctx.home,
            "registry": registry,
            "day": day,
            "since": since.get(s.name),
            "timeout": policy.timeout,
        },
    ):
        if not isinstance(crawled, Exception):
            try:
                records.append(load(ctx.home, start.run_id, crawled))
                continue
            except Exception as exc:
                crawled = exc
        records.append(
            fail(
                ctx.home,
                start.run_id,
                source.name,
                start.started_at,
                since.get(source.name),
                f"{type(crawled).__name__}: {crawled}",
            )
        )
    return records
