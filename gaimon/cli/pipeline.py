"""Commands that run the pipeline step by step: init, crawl, load (whole runs: gaimon/cli/ops.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gaimon.cli import HomeOpt, app, console, err
from gaimon.home import get_home


@app.command()
def init(home: HomeOpt = None) -> None:
    """Create or migrate the warehouse and the home folder."""
    from gaimon import warehouse

    h = get_home(home).ensure()
    applied = warehouse.init(h.warehouse)
    console.print(f"warehouse {h.warehouse}: {len(applied)} migration(s) applied")


@app.command()
def load(
    home: HomeOpt = None,
    day: Annotated[str | None, typer.Option(help="Only this staging day (YYYY-MM-DD)")] = None,
) -> None:
    """Load staged JSONL into the warehouse (same item twice = one row)."""
    from gaimon.load import load_day

    report = load_day(get_home(home).ensure(), day)
    for error in report.errors:
        err.print(f"[red]error[/red] {error}")
    console.print(f"{report.files} file(s), {report.items} item(s): {report.new} new, "
                  f"{report.changed} changed, {report.unchanged} unchanged, {len(report.errors)} error(s)")


@app.command()
def crawl(
    home: HomeOpt = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Registry file")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only these sources")] = None,
    since: Annotated[str | None, typer.Option(help="Only items since (ISO date or time)")] = None,
    jobs: Annotated[int, typer.Option(help="Sources crawled at the same time")] = 2,
) -> None:
    """Crawl sources of a registry (each in its own process) and load what they staged."""
    from datetime import UTC, datetime

    from gaimon.crawl import CrawlError, crawl_many
    from gaimon.load import load_day
    from gaimon.normalize import to_utc
    from gaimon.registry import load_registry

    h = get_home(home).ensure()
    registry = load_registry(sources)
    day = datetime.now(UTC).date().isoformat()
    reports = crawl_many(registry.select(source), h, sources, day=day, since=to_utc(since),
                         jobs=jobs)
    failed = 0
    for name, report in reports.items():
        if isinstance(report, CrawlError):
            failed += 1
            err.print(f"[red]error[/red] {report}")
            continue
        console.print(f"{name}: {report.staged} staged, {report.errors} error(s), "
                      f"{report.requests} request(s), {report.not_modified} not modified"
                      + (f" - last error: {report.message}" if report.errors else ""))
    loaded = load_day(h, day, registry)
    console.print(f"loaded: {loaded.new} new, {loaded.changed} changed, {loaded.unchanged} unchanged")
    raise typer.Exit(1 if failed else 0)
