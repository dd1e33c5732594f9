"""The analysts' copy of the warehouse, published whole at the end of every run.

DuckDB lets one process write a database file and no other process read it meanwhile, so an
analyst who keeps `gaimon sql` open would stop the daily run. Analysts therefore query a copy:
`$GAIMON_HOME/gaimon-analyst.duckdb`. Each run (and each command that writes the warehouse)
checkpoints the warehouse, copies the file beside the snapshot while it still holds the
warehouse, stamps the copy with a `snapshot_info` row, and renames it over the snapshot. The
rename is atomic: a new session sees the new copy, and a session that is open keeps reading
the copy it opened (its file lives on until it closes).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from gaimon import warehouse
from gaimon.errors import GaimonError
from gaimon.home import Home
from gaimon.ops import lock
from gaimon.ops.runs import utcnow

SNAPSHOT_NAME = "gaimon-analyst.duckdb"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """A published snapshot: where, when, by what, and what publishing it cost."""

    path: Path
    published_at: datetime
    published_by: str
    run_id: str | None
    bytes: int
    seconds: float = 0.0

    def describe(self, now: datetime | None = None) -> str:
        age = (now or utcnow()) - self.published_at
        run = f" run {self.run_id[:8]}" if self.run_id else ""
        return (
            f"snapshot of {self.published_at:%Y-%m-%d %H:%M} UTC ({_ago(age.total_seconds())}), "
            f"published by {self.published_by}{run}"
        )


def snapshot_path(home: Home) -> Path:
    return home.root / SNAPSHOT_NAME


def publish_snapshot(home: Home, published_by: str, run_id: str | None = None) -> Snapshot:
    """Copy the warehouse as it is now to the analysts' snapshot, atomically.

    The copy is taken while this process holds the warehouse and the home's writer lock (no
    one can write it meanwhile) and after a checkpoint (everything committed is in the main
    file, none in the WAL).
    """
    target = snapshot_path(home)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    started = time.perf_counter()
    try:
        with lock.writer(home, "publish_snapshot"), warehouse.open_warehouse(home.warehouse) as con:
            con.execute("CHECKPOINT")
            shutil.copyfile(home.warehouse, partial)
        published_at = utcnow()
        with warehouse.open_warehouse(partial) as copy:
            warehouse.run_script(
                copy,
                "queries/snapshot_stamp",
                {
                    "published_at": published_at,
                    "published_by": published_by,
                    "run_id": run_id,
                    "warehouse": str(home.warehouse),
                },
            )
            copy.execute("CHECKPOINT")
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
        _sync_folder(target.parent)
    finally:
        partial.unlink(missing_ok=True)
        Path(f"{partial}.wal").unlink(missing_ok=True)
    return Snapshot(
        target,
        published_at,
        published_by,
        run_id,
        target.stat().st_size,
        time.perf_counter() - started,
    )


def publish_after(home: Home, published_by: str, run_id: str | None = None) -> Snapshot | None:
    """Publish, but as the last act of a run whose work is stored: a snapshot that cannot be
    published is logged (analysts see its age), not a failure of the run."""
    try:
        return publish_snapshot(home, published_by, run_id)
    except (OSError, duckdb.Error, GaimonError) as exc:
        log.warning("the analysts' snapshot %s was not published: %s", snapshot_path(home), exc)
        return None


def read_info(con: duckdb.DuckDBPyConnection, path: Path) -> Snapshot:
    """What a snapshot says of itself (an open connection to it)."""
    (row,) = warehouse.query(con, "queries/snapshot_info")
    return Snapshot(
        path, row["published_at"], row["published_by"], row["run_id"], path.stat().st_size
    )


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, so a crash cannot bring back the old snapshot's name."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ago(seconds: float) -> str:
    if seconds < 90:
        return "just now" if seconds < 60 else "a minute ago"
    minutes = seconds / 60
    if minutes < 90:
        return f"{minutes:.0f} minutes ago"
    hours = minutes / 60
    return f"{hours:.0f} hours ago" if hours < 36 else f"{hours / 24:.0f} days ago"
