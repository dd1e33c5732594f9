"""The daily flow fanned out over a real Dask cluster (two worker processes) stores exactly
what the local run stores."""

from __future__ import annotations

import pytest
from flows_world import contents, quick, rows

from flows.daily import DailyParams, daily
from gaimon.home import Home

pytestmark = pytest.mark.slow

DAY = "2026-11-28"


@pytest.fixture(scope="module")
def cluster(prefect_server):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_a_dask_run_stores_what_a_local_run_stores(cluster, registry, tmp_path):
    local, distributed = (quick(Home(tmp_path / name).ensure()) for name in ("local", "dask"))
    daily(DailyParams(home=str(local.root), registry=str(registry), day=DAY, catch_up=False))
    transitions = cluster.scheduler.transition_counter
    summary = daily(
        DailyParams(
            home=str(distributed.root),
            registry=str(registry),
            day=DAY,
            catch_up=False,
            task_runner="dask",
            dask_address=cluster.scheduler_address,
        )
    )

    assert cluster.scheduler.transition_counter > transitions  # the work went through Dask
    (run,) = rows(distributed, "SELECT task_runner, status FROM runs")
    assert run == {"task_runner": f"dask {cluster.scheduler_address}", "status": "completed"}
    assert summary["classify"]["batches"] == 2  # four documents, two per batch
    ours, theirs = contents(local), contents(distributed)
    assert len(ours["documents"]) == 4 and len(ours["signals"]) > 0
    for table in ours:
        assert set(theirs[table]) ^ set(ours[table]) == set(), table
        assert len(theirs[table]) == len(ours[table]), table
