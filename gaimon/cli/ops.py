"""Commands for running gaimon as a service: run, serve, runs, health, backfill, reclassify,
demo."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from gaimon.cli import HomeOpt, app, console, err, table
from gaimon.home import get_home

# gaimon runs offline: a temporary Prefect server must not try to send usage data.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

SettingsOpt = Annotated[
    Path | None,
    typer.Option(
        "--settings",
        envvar="GAIMON_SETTINGS",
        help="Settings file (default $GAIMON_HOME/settings.yaml)",
    ),
]
RunnerOpt = Annotated[
    str | None, typer.Option("--task-runner", help="local or dask (default from the settings)")
]
AddressOpt = Annotated[
    str | None, typer.Option("--dask-address", help="Dask scheduler, e.g. tcp://10.0.0.5:8786")
]


def _where(
    home: Path | None, settings: Path | None, runner: str | None, address: str | None
) -> dict:
    if runner not in (None, "local", "dask"):
        raise typer.BadParameter("--task-runner is local or dask")
    if address and runner is None:
        runner = "dask"
    return {
        "home": str(get_home(home).ensure().root),
        "settings": str(settings) if settings else None,
        "task_runner": runner,
        "dask_address": address,
    }


@contextmanager
def _prepared(home: Path | None, settings: Path | None, flow: str | None) -> Iterator[None]:
    """Before a flow starts: the home's run lock held (a second run waits, then says which run
    holds it), and Prefect kept in the home and answering. Both fail in one line, not a
    traceback. Prefect must not be imported before this."""
    from gaimon.ops import lock, orchestration
    from gaimon.settings import load_settings

    h = get_home(home).ensure()
    orchestration.use_home(h)
    if flow is None:
        orchestration.start()
        yield
        return
    wait = load_settings(settings, h).locks.run_wait
    with lock.run_lock(
        h, flow, wait, say=lambda m: err.print(m, markup=False, highlight=False, soft_wrap=True)
    ):
        orchestration.start()
        yield


def _finish(summary: object) -> None:
    console.print_json(json.dumps(summary, default=str))


@app.command()
def run(
    home: HomeOpt = None,
    settings: SettingsOpt = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Registry file")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only these sources")] = None,
    task_runner: RunnerOpt = None,
    dask_address: AddressOpt = None,
) -> None:
    """Run the daily flow now: crawl each source, load, classify, detect (and catch up)."""
    where = _where(home, settings, task_runner, dask_address)
    with _prepared(home, settings, "daily"):
        from flows.daily import DailyParams, daily

        params = DailyParams(
            **where, registry=str(sources) if sources else None, sources=source or None
        )
        state = daily(params, return_state=True)
    _finish(state.result(raise_on_failure=False))
    if state.is_failed():
        raise typer.Exit(1)
    if state.name == "Completed with errors":
        err.print(f"[yellow]completed with errors[/yellow]: {state.message}")
        raise typer.Exit(3)


@app.command()
def weekly(
    home: HomeOpt = None,
    settings: SettingsOpt = None,
    week: Annotated[
        list[str] | None, typer.Option("--week", help="Only these weeks (2026-W47)")
    ] = None,
    send: Annotated[
        bool | None,
        typer.Option(
            "--send/--no-send", help="Default: send when the settings name a subscribers file"
        ),
    ] = None,
) -> None:
    """Run the weekly flow now: digests of missed weeks and the last complete week."""
    with _prepared(home, settings, "weekly"):
        from flows.weekly import WeeklyParams
        from flows.weekly import weekly as weekly_flow

        _finish(
            weekly_flow(
                WeeklyParams(**_where(home, settings, None, None), weeks=week or None, send=send)
            )
        )


@app.command()
def backfill(
    first: Annotated[str, typer.Argument(help="First week, e.g. 2026-W01")],
    last: Annotated[str, typer.Argument(help="Last week, e.g. 2026-W47")],
    home: HomeOpt = None,
    settings: SettingsOpt = None,
    send: Annotated[bool, typer.Option("--send", help="Send the digests too")] = False,
) -> None:
    """Detect again and rebuild the digests of a range of weeks."""
    with _prepared(home, settings, "backfill"):
        from flows.backfill import BackfillParams
        from flows.backfill import backfill as backfill_flow

        _finish(
            backfill_flow(
                BackfillParams(
                    **_where(home, settings, None, None), first=first, last=last, send=send
                )
            )
        )


@app.command()
def reclassify(
    home: HomeOpt = None,
    settings: SettingsOpt = None,
    only_pending: Annotated[
        bool,
        typer.Option("--only-pending", help="Only documents the current model has not labelled"),
    ] = False,
    weeks: Annotated[int, typer.Option(help="Rebuild the digests of this many recent weeks")] = 0,
    task_runner: RunnerOpt = None,
    dask_address: AddressOpt = None,
) -> None:
    """Classify stored documents again (after a model change), detect, rebuild digests."""
    where = _where(home, settings, task_runner, dask_address)
    with _prepared(home, settings, "reclassify"):
        from flows.reclassify import ReclassifyParams
        from flows.reclassify import reclassify as reclassify_flow

        _finish(
            reclassify_flow(ReclassifyParams(**where, everything=not only_pending, weeks=weeks))
        )


@app.command()
def serve(
    home: HomeOpt = None,
    settings: SettingsOpt = None,
    list_only: Annotated[
        bool,
        typer.Option(
            "--list", help="Register the deployments, print each with its next run, and exit"
        ),
    ] = False,
    pool: Annotated[
        str | None,
        typer.Option(
            "--pool",
            help="Register the deployments to this work pool for Prefect workers to run, and exit",
        ),
    ] = None,
) -> None:
    """Register gaimon's deployments with the Prefect server and serve them on schedule
    (or leave them to the workers of a work pool)."""
    from gaimon.settings import load_settings

    h = get_home(home).ensure()
    chosen = load_settings(settings, h)
    with _prepared(home, settings, None):  # served runs take the run lock themselves
        from flows.deployments import register
        from flows.deployments import serve as serve_deployments

        if not (list_only or pool):
            serve_deployments(chosen, h)
            return
        listed = register(chosen, h, pool)
    rows = [
        {
            "deployment": d.deployment,
            "schedule": d.schedule,
            "timezone": d.timezone,
            "next run": d.next_run.astimezone(chosen.zone).strftime("%Y-%m-%d %H:%M %Z")
            if d.next_run
            else "-",
            "runs on": f"work pool {d.pool}" if d.pool else "gaimon serve",
        }
        for d in listed
    ]
    console.print(table(rows, title=f"settings: {chosen.path}"))
    if pool:
        console.print(f"start workers with: prefect worker start --pool {pool}", soft_wrap=True)


@contextmanager
def _reading(home: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse to read; while a run holds it, the analysts' snapshot (saying so)."""
    from gaimon import warehouse
    from gaimon.ops import snapshot

    h = warehouse.existing(get_home(home))
    try:
        con = warehouse.connect(h.warehouse, read_only=True)
    except warehouse.WarehouseLocked as exc:
        path = snapshot.snapshot_path(h)
        if not path.exists():
            raise
        con = warehouse.connect(path, read_only=True)
        try:
            seen = snapshot.read_info(con, path).describe()
        except duckdb.Error:
            seen = f"the copy {path}"
        err.print(
            f"{h.warehouse} is being written by another process ({exc.holder}): showing the {seen}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    try:
        yield con
    finally:
        con.close()


@app.command()
def runs(
    home: HomeOpt = None,
    limit: Annotated[int, typer.Option(help="How many runs")] = 20,
) -> None:
    """The latest runs: flow, status, duration, sources that failed, new documents."""
    from gaimon import warehouse
    from gaimon.ops.runs import recent_runs, unrecorded

    # Runs that could not write their start or end to the warehouse are noted beside it.
    noted = {r["run_id"]: r for r in unrecorded(warehouse.existing(get_home(home)))}
    with _reading(home) as con:
        rows = recent_runs(con, limit)
    for row in rows:
        if row["run_id"] in noted:
            row.update({k: noted.pop(row["run_id"])[k] for k in ("status", "message")})
    rows += [
        {**r, "seconds": None, "sources": "-", "failed_sources": "-", "new_documents": "-"}
        for r in noted.values()
    ]
    rows = sorted(rows, key=lambda r: r["started_at"], reverse=True)[:limit]
    console.print(
        table(
            [
                {
                    "run": r["run_id"][:8],
                    "flow": r["flow"],
                    "status": r["status"],
                    "started (UTC)": f"{r['started_at']:%Y-%m-%d %H:%M}",
                    "s": r["seconds"] if r["seconds"] is not None else "-",
                    "sources": r["sources"],
                    "failed": r["failed_sources"],
                    "new": r["new_documents"],
                    "message": (r["message"] or "")[:60],
                }
                for r in rows
            ]
        )
    )


FLAGGED_EXIT = 2  # one rule for `gaimon health` and `gaimon sources check`


@app.command()
def health(
    home: HomeOpt = None,
    flagged_only: Annotated[bool, typer.Option("--flagged", help="Only flagged sources")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
) -> None:
    """Health of each source from its recorded runs: status of the last run, failures in a
    row, last volume against its own history, flags.

    Status is never, ok, degraded (the last run stored items but some requests failed) or
    failing (the last run failed). Flags: failing (3 or more failures in a row), zero, low or
    high volume. Exits 2 when a source is flagged (also when there is no warehouse to read,
    with a one-line message), else 0.
    """
    show_health(home, flagged_only=flagged_only, as_json=as_json)


def show_health(
    home: Path | None,
    flagged_only: bool = False,
    as_json: bool = False,
    only: list[str] | None = None,
) -> None:
    """Print the health of the sources (all, or `only` these) and exit by the one rule."""
    from gaimon.detect.health import source_health

    with _reading(home) as con:
        rows = source_health(con)
    rows = [
        r for r in rows if (r["flags"] or not flagged_only) and (not only or r["source"] in only)
    ]
    if as_json:
        console.print_json(json.dumps(rows, default=_json_value))
    else:
        console.print(table([_health_row(r) for r in rows], title="source health"))
        # Errors are long: beneath the table, one line each, for the sources not ok now.
        for r in rows:
            if r["status"] in ("degraded", "failing") and r["last_error"]:
                console.print(
                    f"{r['source']}: {r['last_error']}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
    if any(r["flags"] for r in rows):
        raise typer.Exit(FLAGGED_EXIT)


def _health_row(r: dict) -> dict:
    def when(value) -> str:
        return f"{value:%m-%d %H:%M}" if value else "-"

    return {
        "source": r["source"],
        "status": r["status"],
        "last run": when(r["last_run_at"]),
        "last ok": when(r["last_success_at"]),
        "fails": r["failures_in_a_row"],
        "volume": "-" if r["last_volume"] is None else r["last_volume"],
        "usual": f"{r['mean_volume']:.0f}±{r['sd_volume']:.0f}"
        if r["mean_volume"] is not None
        else "-",
        "flags": ", ".join(r["flags"]) or "-",
    }


def _json_value(value: object) -> str:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if isoformat else str(value)


@app.command()
def demo(
    home: HomeOpt = None,
    port: Annotated[
        int,
        typer.Option(
            help="Port of the demo corpus server; keep it fixed so "
            "a second demo finds the same URLs"
        ),
    ] = 8739,
) -> None:
    """Crawl the bundled offline corpus on 127.0.0.1 and run the daily and weekly flows."""
    from flows.demo import run_demo

    with _prepared(home, None, "demo"):
        result = run_demo(get_home(home).ensure(), port=port)
    lines = [
        f"daily run: {result.run_status}",
        f"warehouse: {result.warehouse} ({result.documents} documents, {result.signals} signals)",
    ]
    lines += [f"digest {result.week} ({name}): {path}" for name, path in result.digest.items()]
    lines.append("next: `gaimon runs`, `gaimon health`, `gaimon digest status`")
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False)  # paths stay whole, to copy
