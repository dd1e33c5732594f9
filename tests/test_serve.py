"""`gaimon serve --list` registers the deployments on a real Prefect server and shows their
schedules; the schedules come from the settings file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _serve_list(home, api_url: str, settings: Path | None = None, *more: str) -> str:
    env = {
        **os.environ,
        "PREFECT_API_URL": api_url,
        "GAIMON_HOME": str(home.root),
        "COLUMNS": "200",
    }
    env.pop("GAIMON_SETTINGS", None)
    command = [str(Path(sys.executable).parent / "gaimon"), "serve", "--list"]
    if settings:
        command += ["--settings", str(settings)]
    command += list(more)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_serve_list_shows_the_daily_and_weekly_schedules(prefect_server, home, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    output = _serve_list(home, PREFECT_API_URL.value())

    lines = {line.split("│")[1].strip(): line for line in output.splitlines() if "gaimon-" in line}
    assert "0 6 * * *" in lines["daily/gaimon-daily"]
    assert "0 7 * * 1" in lines["weekly/gaimon-weekly"]
    assert "Europe/Amsterdam" in lines["daily/gaimon-daily"]
    assert " 06:00 CE" in lines["daily/gaimon-daily"]  # CET or CEST, by the season
    assert " 07:00 CE" in lines["weekly/gaimon-weekly"]
    assert "on demand" in lines["backfill/gaimon-backfill"]
    with get_client(sync_client=True) as client:
        daily = client.read_deployment_by_name("daily/gaimon-daily")
        limits = client.read_concurrency_limits(limit=100, offset=0)
    assert [(s.schedule.cron, s.schedule.timezone) for s in daily.schedules] == [
        ("0 6 * * *", "Europe/Amsterdam")
    ]
    assert daily.parameters["params"]["home"] == str(home.root)
    # No slots on the server that a killed run could keep for ever: one run per home is a lock
    # the operating system releases (gaimon.ops.lock).
    assert daily.global_concurrency_limit is None
    assert limits == []

    # One settings file moves the schedule; registering again updates the deployment.
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        'schedules: {daily: "30 5 * * 1-5"}\nlimits: {crawl: 2}\n', encoding="utf-8"
    )
    output = _serve_list(home, PREFECT_API_URL.value(), settings)
    assert "30 5 * * 1-5" in output and "0 7 * * 1" in output
    with get_client(sync_client=True) as client:
        daily = client.read_deployment_by_name("daily/gaimon-daily")
    assert [s.schedule.cron for s in daily.schedules] == ["30 5 * * 1-5"]


def test_serve_pool_leaves_the_deployments_to_the_workers_of_a_work_pool(prefect_server, home):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    output = _serve_list(home, PREFECT_API_URL.value(), None, "--pool", "gaimon-pool")
    assert "prefect worker start --pool gaimon-pool" in output
    with get_client(sync_client=True) as client:
        pool = client.read_work_pool("gaimon-pool")
        weekly = client.read_deployment_by_name("weekly/gaimon-weekly")
    assert pool.type == "process"
    assert weekly.work_pool_name == "gaimon-pool"
    assert weekly.entrypoint == "flows.weekly.weekly"  # importable wherever gaimon is installed
