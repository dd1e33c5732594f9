"""Reclassify: label stored documents again after a model or taxonomy change.

1. Record the run.
2. Classify documents in batches, fanned out (threads or Dask workers), and store each
   batch: all documents, or only those the current model has not labelled.
3. Detect emerging risks again.
4. Build the digests of the last few weeks again (not sent).
5. Record the end.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow

from flows import common, tasks
from flows.weekly import digests
from gaimon.ops import snapshot
from gaimon.ops.schedule import recent_weeks


class ReclassifyParams(common.RunParams):
    everything: bool = True
    weeks: int = 0  # digests of this many recent weeks are rebuilt


@flow(name="reclassify")
def reclassify(params: ReclassifyParams | None = None):
    params = params or ReclassifyParams()
    with common.running(params, "reclassify") as ctx:
        start = common.open_run(ctx, "reclassify", params.model_dump())
        with common.recorded(ctx, start.run_id):
            common.remove_orphans(ctx)
            with common.FanOut(ctx) as fan:
                classified = common.classify_all(fan, ctx, start.run_id, params.everything)
            alerts = ctx.writer(tasks.detect_alerts)(ctx.home, start.run_id)
            weeks = recent_weeks(params.weeks, datetime.now(UTC), ctx.settings.zone)
            done, errors = digests(ctx, start.run_id, weeks, None, send=False)
        summary = {"classify": classified, "alerts": alerts, **done}
        ended = common.end(ctx, start.run_id, summary, errors=classified["errors"] + errors)
        snapshot.publish_after(ctx.home, "reclassify", start.run_id)  # analysts' copy
        return ended
