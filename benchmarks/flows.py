"""Flow benchmark: the daily flow on the offline demo corpus, local against Dask, and what
Prefect itself costs per task.

    .venv/bin/python benchmarks/flows.py                  # both runs and the overhead
    .venv/bin/python benchmarks/flows.py --workers 4      # a bigger local Dask cluster
    .venv/bin/python benchmarks/flows.py --skip-dask      # local run and overhead only

Uses the Prefect server at PREFECT_API_URL, or starts a temporary one. Each run starts from an
empty home, so both crawl, load, classify and detect all 469 items. Figures are printed (see
docs/scaling.md for what they were on the reference machine), not asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack, nullcontext
from pathlib import Path

# Run as a script, this file's folder comes first on the path and its name would hide the
# `flows` package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

# Batches of 120 documents: the corpus makes four, so classification fans out too.
SETTINGS = """\
tasks:
  classify: {retries: 1, backoff: 10, timeout: 3600, batch: 120}
digest: {pdf: false}
"""


def stage_times(flow_run_id) -> dict[str, tuple[int, float]]:
    """Per kind of task (crawl, load, classify...): how many ran and their summed run time."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])), limit=200
        )
    totals: dict[str, list[float]] = defaultdict(list)
    for run in task_runs:
        kind = run.name.split("-")[0]
        totals[kind].append(run.total_run_time.total_seconds())
    return {kind: (len(times), sum(times)) for kind, times in sorted(totals.items())}


def daily_run(base: str, label: str, **runner) -> dict:
    from flows.daily import DailyParams, daily
    from flows.demo import DEMO_DIR
    from gaimon.home import Home
    from gaimon.registry import localize_registry

    home = Home(Path(tempfile.mkdtemp(prefix=f"gaimon-bench-{label}-"))).ensure()
    (home.root / "settings.yaml").write_text(SETTINGS)
    registry = localize_registry(DEMO_DIR / "sources.yaml", base, home.root / "sources.yaml")
    started = time.perf_counter()
    state = daily(
        DailyParams(home=str(home.root), registry=str(registry), catch_up=False, **runner),
        return_state=True,
    )
    wall = time.perf_counter() - started
    summary = state.result()
    return {
        "label": label,
        "wall": wall,
        "state": state.name,
        "documents": sum(s["new"] for s in summary["sources"].values()),
        "classified": summary["classify"].get("documents", 0),
        "stages": stage_times(state.state_details.flow_run_id),
    }


def overhead(n: int) -> dict[str, float]:
    """Seconds per call: a plain function, a Prefect task called in the flow, a task
    submitted to threads, and a task whose tag has a concurrency limit of one."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE
    from prefect.client.orchestration import get_client

    def work(x: int) -> int:
        return x + 1

    plain_task = task(work, name="noop", cache_policy=NO_CACHE, persist_result=False)
    limited_task = plain_task.with_options(name="noop-limited", tags=["gaimon-bench-limit"])
    with get_client(sync_client=True) as client:
        client.create_concurrency_limit(tag="gaimon-bench-limit", concurrency_limit=1)

    @flow(name="bench-inline")
    def inline(t) -> float:
        started = time.perf_counter()
        for i in range(n):
            t(i)
        return (time.perf_counter() - started) / n

    @flow(name="bench-submitted")
    def submitted() -> float:
        started = time.perf_counter()
        futures = [plain_task.submit(i) for i in range(n)]
        [f.result() for f in futures]
        return (time.perf_counter() - started) / n

    started = time.perf_counter()
    for i in range(n):
        work(i)
    plain = (time.perf_counter() - started) / n
    inline(plain_task)  # the first flow run pays for imports and connections
    return {
        "plain call": plain,
        "task, called in the flow": inline(plain_task),
        "task, submitted to threads (wall per task)": submitted(),
        "task with a concurrency-limited tag, back to back": inline(limited_task),
    }


def report(runs: list[dict], costs: dict[str, float]) -> None:
    print("\nDaily flow on the offline corpus (9 sources, 469 items), from an empty home")
    for run in runs:
        print(
            f"  {run['label']:<28} {run['wall']:7.1f} s   {run['state']}, {run['documents']} new "
            "documents, "
            f"{run['classified']} classified"
        )
        for kind, (count, seconds) in run["stages"].items():
            print(f"      {kind:<16} {count:4d} task(s) {seconds:8.1f} s summed run time")
    print("\nPrefect's own cost per task (seconds)")
    for name, seconds in costs.items():
        print(f"  {name:<52} {seconds:8.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (processes)")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="threads per Dask worker (a crawl thread mostly waits on its Scrapy process)",
    )
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument(
        "--tasks", type=int, default=50, help="no-op tasks for the overhead figures"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="alternate local and Dask runs this many times (the machine's load varies)",
    )
    args = parser.parse_args()

    from prefect.testing.utilities import prefect_test_harness

    from flows.demo import DEMO_DIR
    from gaimon.ops.corpus_server import CorpusServer

    with ExitStack() as stack:
        stack.enter_context(
            nullcontext()
            if os.environ.get("PREFECT_API_URL")
            else prefect_test_harness(server_startup_timeout=180)
        )
        corpus = stack.enter_context(CorpusServer(DEMO_DIR / "corpus"))
        cluster = None
        if not args.skip_dask:
            from distributed import LocalCluster

            started = time.perf_counter()
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=args.workers,
                    threads_per_worker=args.threads,
                    processes=True,
                    dashboard_address=None,
                )
            )
            print(
                f"Dask LocalCluster ({args.workers} workers x {args.threads} threads) started in "
                f"{time.perf_counter() - started:.1f} s"
            )
        runs = []
        for _ in range(args.repeat):
            runs.append(daily_run(corpus.base, "local (threads)"))
            if cluster is not None:
                runs.append(
                    daily_run(
                        corpus.base,
                        f"dask ({args.workers}x{args.threads})",
                        task_runner="dask",
                        dask_address=cluster.scheduler_address,
                    )
                )
        costs = overhead(args.tasks)
    report(runs, costs)


if __name__ == "__main__":
    main()
