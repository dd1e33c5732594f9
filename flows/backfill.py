"""Backfill: detection and digests again for a range of weeks (after a fix, or for history).

1. Record the run.
2. Detect emerging risks again (alerts are recomputed for every week).
3. Build the digest of each week in the range; sent only when asked.
4. Record the end.
"""

from __future__ import annotations

from prefect import flow

from flows import common, tasks
from flows.weekly import digests
from gaimon.ops import snapshot
from gaimon.ops.schedule import weeks_between


class BackfillParams(common.RunParams):
    first: str
    last: str
    langs: list[str] | None = None
    send: bool = False
    force: bool = False  # rebuild approved digests too (never one that was sent)


@flow(name="backfill")
def backfill(params: BackfillParams):
    with common.running(params, "backfill") as ctx:
        weeks = weeks_between(params.first, params.last)
        if not weeks:
            raise ValueError(f"no weeks from {params.first} to {params.last}")
        start = common.open_run(ctx, "backfill", params.model_dump())
        with common.recorded(ctx, start.run_id):
            common.remove_orphans(ctx)
            alerts = ctx.writer(tasks.detect_alerts)(ctx.home, start.run_id)
            done, errors = digests(
                ctx, start.run_id, weeks, params.langs, params.send, params.force
            )
        summary = {"weeks": weeks, "alerts": alerts, **done}
        ended = common.end(ctx, start.run_id, summary, errors=errors)
        snapshot.publish_after(ctx.home, "backfill", start.run_id)  # analysts' copy
        return ended
