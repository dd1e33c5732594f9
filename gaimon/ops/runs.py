"""Run records: every run of a flow, how each source fared in it, which weeks it digested.

The records answer three questions: what ran and how did it end (`runs`), when did each
source last crawl well, so the next crawl can ask for everything since (`source_runs`), and
which weeks already have a digest (`run_weeks`), and which staged files were loaded
(`staged_loads`), so that files a killed run left behind are loaded by the next one. Run ids
are uuids; other tables carry them as provenance.

A run that cannot even record its start (another process holds the warehouse) is noted in
`$GAIMON_HOME/unrecorded-runs.jsonl`; `gaimon runs` shows it, and the next run records it.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from gaimon import warehouse
from gaimon.crawl.staging import staged_files
from gaimon.errors import GaimonError
from gaimon.home import Home

# A run marked running on another machine is taken as dead after this long.
STALE_AFTER = timedelta(hours=48)


def utcnow() -> datetime:
    """Now in UTC, naive: the warehouse stores UTC timestamps without a zone."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class SourceRun:
    """One source in one run: the crawl's outcome and what loading it stored."""

    source: str
    started_at: datetime
    finished_at: datetime
    status: str  # ok | partial | failed
    since: datetime | None = None
    staged: int = 0
    errors: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    message: str = ""


def start_run(
    con: duckdb.DuckDBPyConnection,
    flow: str,
    params: dict[str, Any] | None = None,
    task_runner: str = "local",
    flow_run_id: str | None = None,
) -> str:
    """Record a new run as running and return its id; runs killed earlier are marked first,
    and runs that failed without being able to record themselves are recorded."""
    mark_interrupted(con)
    record_unrecorded(con)
    run_id = str(uuid.uuid4())
    con.execute(
        warehouse.sql("queries/runs_start"),
        {
            "run_id": run_id,
            "flow": flow,
            "flow_run_id": flow_run_id,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": utcnow(),
            "task_runner": task_runner,
            "params": json.dumps(params or {}, default=str),
        },
    )
    return run_id


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    message: str = "",
    summary: dict[str, Any] | None = None,
) -> None:
    con.execute(
        warehouse.sql("queries/runs_finish"),
        {
            "run_id": run_id,
            "finished_at": utcnow(),
            "status": status,
            "message": message or None,
            "summary": json.dumps(summary or {}, default=str),
        },
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_interrupted(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> list[str]:
    """Mark runs that say `running` but whose process is gone; return their ids."""
    now = now or utcnow()
    host = socket.gethostname()
    dead = []
    for run in warehouse.query(con, "queries/runs_open"):
        here = run["host"] == host
        if (here and not _alive(run["pid"])) or now - run["started_at"] > STALE_AFTER:
            con.execute(warehouse.sql("queries/runs_interrupt"), {"run_id": run["run_id"]})
            dead.append(run["run_id"])
    return dead


def record_source(con: duckdb.DuckDBPyConnection, run_id: str, run: SourceRun) -> None:
    con.execute(warehouse.sql("queries/runs_source"), {"run_id": run_id, **asdict(run)})


def last_success(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """When each source's last good crawl started."""
    return {r["source"]: r["started_at"] for r in warehouse.query(con, "queries/runs_last_success")}


def since(
    con: duckdb.DuckDBPyConnection, names: list[str], overlap: timedelta = timedelta(hours=24)
) -> dict[str, datetime | None]:
    """Per source: fetch items published since its last good crawl, less an overlap for items
    that show up late in a feed; None for a source never crawled well (all it offers)."""
    done = last_success(con)
    return {name: (done[name] - overlap if name in done else None) for name in names}


def record_week(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    week: str,
    step: str,
    lang: str = "",
    detail: str = "",
) -> None:
    con.execute(
        warehouse.sql("queries/runs_week"),
        {
            "run_id": run_id,
            "week": week,
            "step": step,
            "lang": lang,
            "done_at": utcnow(),
            "detail": detail or None,
        },
    )


def weeks_done(con: duckdb.DuckDBPyConnection, step: str = "digest") -> list[str]:
    return [r["week"] for r in warehouse.query(con, "queries/runs_weeks_done", {"step": step})]


def first_run_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When gaimon first ran here: weekly digests are due from that week on."""
    return warehouse.query(con, "queries/runs_first")[0]["started_at"]


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict[str, Any]]:
    return warehouse.query(con, "queries/runs_recent", {"limit": limit})


def pending_files(
    con: duckdb.DuckDBPyConnection, staging: Path, source: str | None = None
) -> dict[Path, int]:
    """Staged files (of one source, or all) not loaded yet or grown since, with their size now."""
    loaded = {r["path"]: r["bytes"] for r in warehouse.query(con, "queries/runs_loaded_files")}
    files = staged_files(staging)
    if source is not None:
        files = [p for p in files if p.stem == source]
    sizes = {p: p.stat().st_size for p in files}
    return {
        p: size
        for p, size in sizes.items()
        if loaded.get(p.relative_to(staging).as_posix()) != size
    }


def mark_loaded(
    con: duckdb.DuckDBPyConnection, staging: Path, files: dict[Path, int], run_id: str | None
) -> None:
    for path, size in files.items():
        con.execute(
            warehouse.sql("queries/runs_mark_loaded"),
            {
                "path": path.relative_to(staging).as_posix(),
                "source": path.stem,
                "bytes": size,
                "run_id": run_id,
                "loaded_at": utcnow(),
            },
        )


UNRECORDED = "unrecorded-runs.jsonl"


@contextmanager
def noted_if_unwritable(
    home: Home,
    flow: str,
    flow_run_id: str | None = None,
    run_id: str | None = None,
    status: str = "failed",
    message: str = "",
) -> Iterator[None]:
    """Note a run whose start or end cannot be written to the warehouse (held by another
    process, damaged, or the writer lock not to be had) in a file, so that it is not missing
    from `gaimon runs`: its start as failed, its end as `status` with `message` (or the
    error). A retried start of one flow run is noted once."""
    try:
        yield
    except GaimonError as exc:
        note_unrecorded(home, flow, message or str(exc), flow_run_id, run_id, status)
        raise


def note_unrecorded(
    home: Home,
    flow: str,
    message: str,
    flow_run_id: str | None = None,
    run_id: str | None = None,
    status: str = "failed",
) -> None:
    now = utcnow().isoformat()
    line = {
        "run_id": run_id or str(uuid.uuid4()),
        "flow": flow,
        "flow_run_id": flow_run_id,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started_at": now,
        "finished_at": now,
        "status": status,
        "message": message[:2000],
    }
    with open(home.root / UNRECORDED, "a", encoding="utf-8") as fh:  # one short append: whole
        fh.write(json.dumps(line) + "\n")


def unrecorded(home: Home) -> list[dict[str, Any]]:
    """Runs noted as failed before they could write the warehouse, newest first (the last
    note of each flow run)."""
    try:
        lines = (home.root / UNRECORDED).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    runs: dict[str, dict[str, Any]] = {}
    for line in lines:
        try:
            run = json.loads(line)
            run["started_at"] = datetime.fromisoformat(run["started_at"])
        except (ValueError, KeyError, TypeError):
            continue  # a line cut off by a crash
        run.setdefault("status", "failed")
        runs[run.get("flow_run_id") or run["run_id"]] = run
    return sorted(runs.values(), key=lambda r: r["started_at"], reverse=True)


def record_unrecorded(con: duckdb.DuckDBPyConnection) -> int:
    """Write the noted runs of this warehouse's home into `runs`, as failed, and drop the note."""
    home = _home_of(con)
    if home is None:
        return 0
    noted = unrecorded(home)
    for run in noted:
        con.execute(
            warehouse.sql("queries/runs_unrecorded"),
            {
                k: run.get(k)
                for k in (
                    "run_id",
                    "flow",
                    "flow_run_id",
                    "host",
                    "pid",
                    "started_at",
                    "status",
                    "message",
                )
            },
        )
    (home.root / UNRECORDED).unlink(missing_ok=True)
    return len(noted)


def _home_of(con: duckdb.DuckDBPyConnection) -> Home | None:
    row = con.execute(warehouse.sql("queries/warehouse_file")).fetchone()
    return Home(Path(row[0]).parent) if row and row[0] else None
