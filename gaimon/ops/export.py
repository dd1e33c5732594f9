"""Export the warehouse as Parquet for other tools: one folder per table, large tables split into
Hive-style partitions (documents by year and month, signals by dimension and year), and a
manifest saying what was written."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from gaimon import warehouse
from gaimon.home import Home

# Table -> (extra columns to partition on, as SQL expressions; partition columns).
# Tables with personal data of subscribers or operators (digest_*) are not exported.
PARTITIONED: dict[str, tuple[str, tuple[str, ...]]] = {
    "documents": ("year(published_at) AS year, month(published_at) AS month", ("year", "month")),
    "signals": ("coalesce(left(week, 4), 'undated') AS year", ("dimension", "year")),
}
WHOLE = (
    "sources",
    "alerts",
    "term_alerts",
    "week_totals",
    "sector_week",
    "emerging",
    "procedures",
    "procedure_events",
    "procedure_mentions",
    "detections",
    "runs",
    "labels",
)


@dataclass(frozen=True)
class Exported:
    table: str
    rows: int
    path: str
    partitions: tuple[str, ...] = ()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary"
        ).fetchall()
    }


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_table(con: duckdb.DuckDBPyConnection, table: str, out_dir: Path) -> Exported:
    target = out_dir / table
    if target.exists():
        shutil.rmtree(target)
    rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    if table in PARTITIONED:
        extra, partitions = PARTITIONED[table]
        con.execute(
            f'COPY (SELECT *, {extra} FROM "{table}") TO {_quote(target)} '
            f"(FORMAT parquet, PARTITION_BY ({', '.join(partitions)}), COMPRESSION zstd)"
        )
        return Exported(table, rows, str(target), partitions)
    target.mkdir(parents=True)
    path = target / f"{table}.parquet"
    con.execute(f'COPY "{table}" TO {_quote(path)} (FORMAT parquet, COMPRESSION zstd)')
    return Exported(table, rows, str(path))


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Exported]:
    """Write every exported table present in the warehouse under out_dir; the manifest too."""
    out_dir.mkdir(parents=True, exist_ok=True)
    present = _tables(con)
    done = [export_table(con, t, out_dir) for t in (*PARTITIONED, *WHOLE) if t in present]
    migrations = [
        r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    ]
    manifest = {
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "migrations": migrations,
        "tables": [asdict(e) for e in done],
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return done


def export_home(home: Home, out_dir: Path) -> list[Exported]:
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        return export_parquet(con, out_dir)
