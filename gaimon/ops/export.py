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

# Table -> its partition columns; queries/export_<table>.sql writes it split by them.
# Tables with personal data of subscribers or operators (digest_*) are not exported.
PARTITIONED: dict[str, tuple[str, ...]] = {
    "documents": ("year", "month"),
    "signals": ("dimension", "year"),
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
    return {r["table_name"] for r in warehouse.query(con, "queries/export_tables")}


def export_table(con: duckdb.DuckDBPyConnection, table: str, out_dir: Path) -> Exported:
    target = out_dir / table
    if target.exists():
        shutil.rmtree(target)
    [count] = warehouse.query(con, "queries/export_count", {"table": table})
    if table in PARTITIONED:
        con.execute(warehouse.sql(f"queries/export_{table}"), {"path": str(target)})
        return Exported(table, count["n"], str(target), PARTITIONED[table])
    target.mkdir(parents=True)
    path = target / f"{table}.parquet"
    con.execute(warehouse.sql("queries/export_table"), {"table": table, "path": str(path)})
    return Exported(table, count["n"], str(path))


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Exported]:
    """Write every exported table present in the warehouse under out_dir; the manifest too."""
    out_dir.mkdir(parents=True, exist_ok=True)
    present = _tables(con)
    done = [export_table(con, t, out_dir) for t in (*PARTITIONED, *WHOLE) if t in present]
    migrations = [r["name"] for r in warehouse.query(con, "queries/export_migrations")]
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
