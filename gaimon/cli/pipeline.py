"""Commands that run the pipeline step by step: init, crawl, load (whole runs:
gaimon/cli/ops.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from gaimon.cli import HomeOpt, app, console, err
from gaimon.cli.warehouse import published, writer
from gaimon.home import get_home


@app.command()
def init(home: HomeOpt = None) -> None:
    """Create or migrate the warehouse and the home folder; publish the analysts' snapshot."""
    from gaimon import warehouse

    h = get_home(home).ensure()
    with writer(h, "gaimon init"):
        applied = warehouse.init(h.warehouse)
    console.print(f"warehouse {h.warehouse}: {len(applied)} migration(s) applied")
    published(h, "gaimon init")


@app.command()
def load(
    home: HomeOpt = None,
    day: Annotated[str | None, typer.Option(help="Only this staging day (YYYY-MM-DD)")] = None,
) -> None:
    """Load the staged JSONL files not loaded yet into the warehouse (same item twice = one
    row), then group syndicated copies of a story. Exits 1 when a line could not be loaded
    (each is named by file and line; the good lines are loaded)."""
    from gaimon import warehouse
    from gaimon.ops import steps

    h = get_home(home).ensure()
    with writer(h, "gaimon load"):
        warehouse.init(h.warehouse)
        # The runs' own steps: files loaded here are recorded, and no run loads them again.
        report = steps.load_pending(h, day=day)
        steps.cluster_stories(h)
    for error in report.errors:
        err.print(f"[red]error[/red] {escape(error)}", soft_wrap=True)
    console.print(
        f"{report.files} file(s), {report.items} item(s): {report.new} new, "
        f"{report.changed} changed, {report.unchanged} unchanged, {len(report.errors)} error(s)"
    )
    published(h, "gaimon load")
    if report.errors:
        raise typer.Exit(1)


@app.command()
def crawl(
    home: HomeOpt = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Registry file")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only these sources")] = None,
    since: Annotated[str | None, typer.Option(help="Only items since (ISO date or time)")] = None,
    jobs: Annotated[int, typer.Option(help="Sources crawled at the same time")] = 2,
) -> None:
    """Crawl sources of a registry (each in its own process), load what they staged, and record
    the run (`gaimon runs`, `gaimon health`). Exits 1 when a source failed or a staged line
    could not be loaded; a source that simply had nothing new is not a failure."""
    from datetime import UTC, datetime

    from gaimon.crawl.normalize import to_utc
    from gaimon.ops import lock
    from gaimon.ops.crawl_run import crawl_and_record
    from gaimon.registry import load_registry
    from gaimon.settings import load_settings

    h = get_home(home).ensure()
    registry = load_registry(sources)
    day = datetime.now(UTC).date().isoformat()
    wait = load_settings(None, h).locks.run_wait
    # A crawl is a run of the home: it waits for another run rather than crawl everything twice.
    with lock.run_lock(
        h, "crawl", wait, say=lambda m: err.print(m, markup=False, highlight=False, soft_wrap=True)
    ):
        outcome = crawl_and_record(
            h, registry, registry.select(source), sources, day, to_utc(since), jobs
        )
    for r in outcome.records:  # one line per source, whole, for logs as much as for people
        console.print(
            f"{r.source}: {r.staged} staged, {r.errors} error(s), {r.new} new, {r.changed} "
            "changed, "
            f"{r.unchanged} unchanged - {r.status}" + (f": {r.message}" if r.message else ""),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    loaded = {
        k: sum(getattr(r, k) for r in outcome.records) for k in ("new", "changed", "unchanged")
    }
    console.print(
        f"loaded: {loaded['new']} new, {loaded['changed']} changed, {loaded['unchanged']} "
        "unchanged; "
        f"run {outcome.run_id[:8]} {outcome.status}",
        highlight=False,
    )
    for problem in outcome.problems:
        err.print(f"[red]error[/red] {escape(problem)}", soft_wrap=True)
    published(h, "gaimon crawl", outcome.run_id)
    raise typer.Exit(1 if outcome.problems else 0)
