"""Commands for analysts and detection on the warehouse: detect, sql, snapshot, export."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.markup import escape
from rich.table import Table

from gaimon.cli import HomeOpt, app, console, err, table
from gaimon.home import Home, get_home


@app.command()
def detect(
    home: HomeOpt = None,
    baseline_weeks: Annotated[
        int, typer.Option(help="Trailing weeks in the baseline (at least 8)")
    ] = 8,
    alpha: Annotated[
        float, typer.Option(help="Tail probability below which a count alerts")
    ] = 0.001,
    min_stories: Annotated[int, typer.Option(help="Fewest stories that can alert")] = 3,
    min_ratio: Annotated[
        float, typer.Option(help="Stories must be at least this times the expected")
    ] = 1.5,
    run_id: Annotated[
        str | None, typer.Option(help="Run the alerts belong to (runs.run_id)")
    ] = None,
) -> None:
    """Refresh weekly aggregates and procedures, and recompute emerging-risk alerts."""
    from gaimon import warehouse
    from gaimon.detect.alerts import DetectParams, detect_report

    try:
        params = DetectParams(
            baseline_weeks=baseline_weeks, alpha=alpha, min_stories=min_stories, min_ratio=min_ratio
        )
    except ValueError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    h = get_home(home)
    with (
        writer(warehouse.existing(h), "gaimon detect"),
        warehouse.open_warehouse(h.warehouse) as con,
    ):
        warehouse.migrate(con)
        report = detect_report(con, params, run_id)
        alerts = warehouse.query(con, "queries/alerts")
    published(h, "gaimon detect")
    shown = [
        {
            "week": a["week"],
            "sector": a["sector"],
            "value": a["value"],
            "status": a["status"],
            "stories": a["stories"],
            "expected": f"{a['baseline']:.1f}",
            "score": f"{a['score']:.1f}",
        }
        for a in alerts[:20]
    ]
    console.print(table(shown, title=f"{report.alerts} alert(s), {report.term_alerts} new term(s)"))
    console.print(
        f"{report.weeks} week(s), {report.procedures} procedure(s), refreshed in "
        f"{report.seconds:.1f} s"
    )


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _print(columns: list[str], rows: list[tuple], fmt: str, max_rows: int) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in row] for row in rows)
    elif fmt == "json":
        sys.stdout.write(
            json.dumps(
                [dict(zip(columns, row, strict=True)) for row in rows],
                default=str,
                ensure_ascii=False,
            )
            + "\n"
        )
    elif columns:
        more = f", first {max_rows} shown" if len(rows) > max_rows else ""
        result = Table(title=f"{len(rows)} row(s){more}")
        for column in columns:
            result.add_column(column)
        for row in rows[:max_rows]:
            result.add_row(*(escape(_cell(v)) for v in row))
        console.print(result)


def _error(label: str, exc: Exception) -> None:
    err.print(f"[red]{label}[/red] {escape(str(exc))}")


def _repl(con, fmt: str, max_rows: int) -> None:
    from gaimon import warehouse

    console.print(
        "gaimon sql: the warehouse, read-only. End statements with ';', quit with .quit or Ctrl-D."
    )
    buffer: list[str] = []
    while True:
        try:
            line = input("gaimon> " if not buffer else "   ...> ")
        except EOFError:
            console.print()
            return
        if not buffer and line.strip() in (".quit", ".exit", "\\q"):
            return
        buffer.append(line)
        text = "\n".join(buffer)
        if not text.strip().endswith(";"):
            continue
        buffer = []
        try:
            _print(*warehouse.run_analyst(con, text), fmt, max_rows)
        except warehouse.ReadOnlyError as exc:
            _error("refused", exc)
        except Exception as exc:  # noqa: BLE001 - a prompt shows the error and goes on
            _error("error", exc)


@app.command()
def sql(
    query: Annotated[
        str | None, typer.Argument(help="SQL to run; none opens a prompt (or reads stdin)")
    ] = None,
    home: HomeOpt = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of objects")] = False,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Run the SQL in this file")
    ] = None,
    max_rows: Annotated[
        int, typer.Option(help="Rows shown in a table (CSV and JSON get all)")
    ] = 200,
) -> None:
    """Query the analysts' snapshot of the warehouse, read-only: views, macros and tables
    (see docs/analyst.md). Says on stderr when the snapshot was published."""
    from gaimon import warehouse

    if as_csv and as_json:
        err.print("[red]error[/red] choose one of --csv and --json")
        raise typer.Exit(2)
    fmt = "csv" if as_csv else "json" if as_json else "table"
    con, info = _open_snapshot(get_home(home))
    err.print(info, markup=False, highlight=False)
    try:
        text = file.read_text(encoding="utf-8") if file else query
        if text is None and sys.stdin.isatty():
            _repl(con, fmt, max_rows)
            return
        if text is None:
            text = sys.stdin.read()
        try:
            _print(*warehouse.run_analyst(con, text), fmt, max_rows)
        except warehouse.ReadOnlyError as exc:
            _error("refused", exc)
            raise typer.Exit(1) from exc
        except duckdb.Error as exc:  # parser, binder, catalog... errors of the query itself
            _error("error", exc)
            raise typer.Exit(1) from exc
    finally:
        con.close()


def _open_snapshot(home: Home) -> tuple[duckdb.DuckDBPyConnection, str]:
    """An analyst connection to the home's snapshot, and a line saying how fresh it is."""
    from gaimon import warehouse
    from gaimon.ops import snapshot

    path = snapshot.snapshot_path(warehouse.existing(home))
    if not path.exists():
        raise warehouse.WarehouseFileError(
            f"no analysts' snapshot at {path} yet: every run publishes one when it ends; "
            "`gaimon snapshot` publishes one now"
        )
    try:
        con = warehouse.analyst_connection(path)
    except warehouse.WarehouseFileError as exc:  # the copy is bad; the warehouse may be sound
        if exc.problem is None:
            raise
        raise warehouse.WarehouseFileError(
            f"{exc.problem}: `gaimon snapshot` publishes a fresh copy"
        ) from exc
    try:
        return con, snapshot.read_info(con, path).describe()
    except duckdb.CatalogException:  # a copy made by hand, without snapshot_info
        return con, f"{path}: a copy without snapshot_info, of unknown age"


def writer(home: Home, step: str) -> AbstractContextManager[None]:
    """The home's writer lock for a command: it waits for a run's writing step (saying so)
    instead of failing on DuckDB's lock."""
    from gaimon.ops import lock

    return lock.writer(
        home, step, say=lambda m: err.print(m, markup=False, highlight=False, soft_wrap=True)
    )


def published(home: Home, by: str, run_id: str | None = None) -> None:
    """After a command that wrote the warehouse: publish the analysts' snapshot, and say so."""
    from gaimon.ops import snapshot

    done = snapshot.publish_after(home, by, run_id)
    if done is None:
        err.print(
            f"[yellow]warning[/yellow] the analysts' snapshot {snapshot.snapshot_path(home)} was "
            "not "
            "published (see the log); `gaimon snapshot` tries again"
        )


@app.command(name="snapshot")
def snapshot_command(home: HomeOpt = None) -> None:
    """Publish the analysts' read-only copy of the warehouse now (every run does it when it
    ends)."""
    from gaimon import warehouse
    from gaimon.ops import snapshot

    h = warehouse.existing(get_home(home))
    done = snapshot.publish_snapshot(h, "gaimon snapshot")
    console.print(
        f"{done.path}: {done.bytes / 1e6:.1f} MB, published in {done.seconds:.1f} s",
        soft_wrap=True,
        highlight=False,
    )


@app.command()
def export(
    parquet: Annotated[Path, typer.Option("--parquet", help="Folder to write Parquet into")],
    home: HomeOpt = None,
) -> None:
    """Write the analysts' snapshot's tables as partitioned Parquet, with a manifest.json."""
    from gaimon import warehouse
    from gaimon.ops import snapshot
    from gaimon.ops.export import export_parquet

    path = snapshot.snapshot_path(warehouse.existing(get_home(home)))
    with warehouse.open_warehouse(path, read_only=True, files=True) as con:
        done = export_parquet(con, parquet)
    console.print(
        table(
            [
                {
                    "table": e.table,
                    "rows": e.rows,
                    "partitions": ", ".join(e.partitions),
                    "path": e.path,
                }
                for e in done
            ],
            title=f"exported to {parquet}",
        )
    )
