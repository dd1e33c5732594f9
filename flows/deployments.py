"""gaimon's deployments: daily and weekly on the settings' schedules; backfill and reclassify
on demand. `gaimon serve` registers them with the Prefect server and serves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.backfill import backfill
from flows.daily import daily
from flows.reclassify import reclassify
from flows.weekly import weekly
from gaimon.home import Home
from gaimon.ops.schedule import next_runs
from gaimon.settings import DEFAULT_SETTINGS, Settings

TAGS = ["gaimon"]


def deployments(settings: Settings, home: Home) -> list[RunnerDeployment]:
    # Served runs find their home (and an operator's settings file named explicitly) through
    # these parameters, not the environment; without one they read $GAIMON_HOME/settings.yaml.
    where = {
        "home": str(home.root),
        "settings": None if settings.path == DEFAULT_SETTINGS else str(settings.path),
    }
    zone = settings.timezone
    # No Prefect concurrency limit: a served process killed with its slot never gives it back.
    # One run per home is the home's run lock (gaimon.ops.lock): a run due while another runs waits.
    common = {"tags": TAGS, "entrypoint_type": EntrypointType.MODULE_PATH}
    return [
        daily.to_deployment(
            "gaimon-daily",
            schedules=[Cron(settings.schedules.daily, timezone=zone)],
            parameters={"params": where},
            description="Crawl, load, classify, detect",
            **common,
        ),
        weekly.to_deployment(
            "gaimon-weekly",
            schedules=[Cron(settings.schedules.weekly, timezone=zone)],
            parameters={"params": where},
            description="Digest of the last complete week (and missed weeks), sent",
            **common,
        ),
        backfill.to_deployment(
            "gaimon-backfill",
            parameters={"params": where},
            description="Detection and digests again for a range of weeks "
            "(give params.first and params.last)",
            **common,
        ),
        reclassify.to_deployment(
            "gaimon-reclassify",
            parameters={"params": where},
            description="Classify stored documents again after a model change",
            **common,
        ),
    ]


@dataclass
class Listed:
    deployment: str
    schedule: str
    timezone: str
    next_run: datetime | None
    pool: str | None = None


def register(settings: Settings, home: Home, pool: str | None = None) -> list[Listed]:
    """Register the deployments; list what the server now holds.

    With `pool`, the deployments go to that work pool (created as a `process` pool if it is
    not there), and workers started with `prefect worker start --pool POOL` run them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    listed = []
    now = datetime.now(UTC)
    with get_client(sync_client=True) as client:
        if pool:
            try:
                client.read_work_pool(pool)
            except ObjectNotFound:
                client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        for deployment in deployments(settings, home):
            deployment.apply(work_pool_name=pool)
            stored = client.read_deployment_by_name(f"{deployment.flow_name}/{deployment.name}")
            crons = [s.schedule for s in stored.schedules if getattr(s.schedule, "cron", None)]
            if not crons:
                listed.append(
                    Listed(
                        f"{deployment.flow_name}/{stored.name}",
                        "on demand",
                        "",
                        None,
                        stored.work_pool_name,
                    )
                )
            for cron in crons:
                when = next_runs(cron.cron, cron.timezone or "UTC", now)[0]
                listed.append(
                    Listed(
                        f"{deployment.flow_name}/{stored.name}",
                        cron.cron,
                        cron.timezone or "UTC",
                        when,
                        stored.work_pool_name,
                    )
                )
    return listed


def serve(settings: Settings, home: Home) -> None:
    """Register and serve the deployments until stopped (Ctrl-C pauses their schedules)."""
    from prefect import serve as prefect_serve

    prefect_serve(*deployments(settings, home))
