"""`gaimon export --parquet DIR`: partitioned Parquet that other tools read back whole."""

from __future__ import annotations

import json

import duckdb
from typer.testing import CliRunner
from warehouse_data import Builder, Story, weeks_back

from gaimon import warehouse
from gaimon.cli import app
from gaimon.detect.alerts import detect
from gaimon.ops import snapshot


def fill(home) -> None:
    builder = Builder()
    for week in weeks_back("2026-W02", 12):  # across a new year
        for i in range(3):
            builder.add(
                Story(
                    week, ["privacy"], ["healthcare"], title=f"Verhaal {i}", sources=["nos", "nu"]
                )
            )
    with warehouse.open_warehouse(home.warehouse) as con:
        builder.write(con)
        detect(con)
    snapshot.publish_snapshot(home, "test")  # what analysts (and export) read


def test_export_writes_partitions_and_a_manifest(home, tmp_path):
    fill(home)
    out = tmp_path / "parquet"
    result = CliRunner().invoke(app, ["export", "--parquet", str(out), "--home", str(home.root)])
    assert result.exit_code == 0, result.output

    manifest = json.loads((out / "manifest.json").read_text())
    tables = {t["table"]: t for t in manifest["tables"]}
    assert {"documents", "signals", "alerts", "sector_week", "emerging", "procedures"} <= set(
        tables
    )
    assert not any(name.startswith("digest") for name in tables)  # subscribers' addresses stay home
    assert sorted(p.name for p in (out / "documents").iterdir()) == ["year=2025", "year=2026"]
    assert (out / "signals" / "dimension=values" / "year=2026").is_dir()

    con = duckdb.connect()
    with warehouse.open_warehouse(home.warehouse, read_only=True) as source:
        for name in ("documents", "signals", "sector_week", "emerging"):
            pattern = str(out / name / "**" / "*.parquet")
            count = con.execute(
                f"SELECT count(*) FROM read_parquet('{pattern}', hive_partitioning = true)"
            ).fetchone()[0]
            assert (
                count
                == tables[name]["rows"]
                == source.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            )
        ids = {r[0] for r in source.execute("SELECT doc_id FROM documents").fetchall()}
    exported = {
        r[0]
        for r in con.execute(
            f"SELECT doc_id FROM read_parquet('{out}/documents/**/*.parquet', hive_partitioning = "
            "true)"
        ).fetchall()
    }
    assert exported == ids


def test_exporting_again_replaces_the_previous_export(home, tmp_path):
    fill(home)
    out = tmp_path / "parquet"
    runner = CliRunner()
    runner.invoke(app, ["export", "--parquet", str(out), "--home", str(home.root)])
    first = sorted(p.relative_to(out) for p in out.rglob("*.parquet"))
    runner.invoke(app, ["export", "--parquet", str(out), "--home", str(home.root)])
    assert sorted(p.relative_to(out) for p in out.rglob("*.parquet")) == first
