"""The weekly run.

1. Record the run.
2. Work out the weeks: those whose digest was missed (after downtime), then the last
   complete week; or the weeks asked for.
3. For each week: build the draft digest (its sections per sector, in each language).
4. Send approved digests that have not gone out yet, if a subscribers file is configured
   (a draft waits for an analyst's approval: `gaimon digest approve`).
5. Record the end: completed, or completed with errors when a week failed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow

from flows import common, tasks
from gaimon.ops import snapshot, steps
from gaimon.ops.schedule import recent_weeks


class WeeklyParams(common.RunParams):
    weeks: list[str] | None = None
    langs: list[str] | None = None
    send: bool | None = None  # None: send when the settings name a subscribers file


@flow(name="weekly")
def weekly(params: WeeklyParams | None = None):
    params = params or WeeklyParams()
    with common.running(params, "weekly") as ctx:
        start = common.open_run(ctx, "weekly", params.model_dump())
        with common.recorded(ctx, start.run_id):
            common.remove_orphans(ctx)
            weeks = params.weeks or steps.digest_plan(ctx.home, ctx.settings)
            done, errors = digests(ctx, start.run_id, weeks, params.langs, params.send)
        summary = {"weeks": weeks, **done}
        ended = common.end(ctx, start.run_id, summary, errors=errors)
        snapshot.publish_after(ctx.home, "weekly", start.run_id)  # analysts' copy
        return ended


def digests(
    ctx: common.Context,
    run_id: str,
    weeks: list[str],
    langs: list[str] | None,
    send: bool | None,
    force: bool = False,
) -> tuple[dict, list[str]]:
    """Build each week's digest; then send approved digests not yet sent. A week that fails
    does not stop the rest."""
    build = tasks.configured(tasks.digest_week, ctx.settings.tasks["digest"])
    built, errors = {}, []
    for week in weeks:
        try:
            built[week] = build(
                ctx.home,
                run_id,
                week,
                langs or ctx.settings.digest.langs,
                ctx.settings.digest.pdf,
                force,
            )
        except Exception as exc:
            errors.append(f"digest {week}: {type(exc).__name__}: {exc}")
    sent = send_pending(ctx, run_id, weeks, errors) if send is not False else {}
    if send and not ctx.settings.digest.subscribers:
        errors.append("sending was asked, but the settings name no subscribers file")
    waiting = [w for w, b in built.items() if b["status"] == "draft"]
    return {"built": built, "sent": sent, "awaiting_approval": waiting}, errors


def send_pending(ctx: common.Context, run_id: str, weeks: list[str], errors: list[str]) -> dict:
    """Send approved digests (of `weeks` and recent weeks) that have not gone out yet."""
    subscribers = ctx.settings.digest.subscribers
    if not subscribers:
        return {}
    mail = tasks.configured(tasks.send_week, ctx.settings.tasks["digest"])
    recent = recent_weeks(ctx.settings.catch_up.max_weeks, datetime.now(UTC), ctx.settings.zone)
    sent = {}
    for week in steps.unsent_weeks(ctx.home, sorted(set(weeks) | set(recent))):
        try:
            sent[week] = mail(ctx.home, run_id, week, subscribers)
        except Exception as exc:
            errors.append(f"send {week}: {type(exc).__name__}: {exc}")
    return sent
