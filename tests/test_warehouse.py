import subprocess
import sys
from pathlib import Path

import pytest

from gaimon import warehouse

GAIMON = str(Path(sys.executable).parent / "gaimon")


def test_init_applies_each_migration_once(tmp_path):
    path = tmp_path / "w.duckdb"
    first = warehouse.init(path)
    assert first == [p.name for p in warehouse.migrations()]
    assert warehouse.init(path) == []
    with warehouse.open_warehouse(path, read_only=True) as con:
        recorded = [
            r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY 1").fetchall()
        ]
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert recorded == first
    assert {"documents", "signals", "sources", "alerts", "v_signals", "v_sector_week"} <= tables


def test_read_only_connection_refuses_writes(home):
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        try:
            con.execute("DELETE FROM documents")
        except Exception as exc:
            assert "read-only" in str(exc).lower()
        else:
            raise AssertionError("a read-only warehouse accepted a write")


def test_every_table_and_column_is_commented(con):
    missing = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE NOT internal AND table_name NOT LIKE 'v\\_%' ESCAPE '\\' "
        "AND table_name <> 'schema_migrations' AND comment IS NULL"
    ).fetchall()
    assert missing == []


def test_a_script_binds_each_statement_to_the_parameters_it_uses(con):
    con.execute("CREATE TEMP TABLE t (a INTEGER, b VARCHAR)")
    warehouse.run_statements(
        con,
        "-- uses $a and $b\nINSERT INTO t VALUES ($a, 'x');\nINSERT INTO t VALUES (2, $b);",
        {"a": 1, "b": "y", "unused": 0},
    )
    assert con.execute("SELECT * FROM t ORDER BY a").fetchall() == [(1, "x"), (2, "y")]


def test_rows_written_without_a_week_get_one_and_show_in_v_signals(con):
    con.execute(
        "INSERT INTO documents (doc_id, canonical_url, source, url, title, content_hash, "
        "fetched_at, first_seen_at, updated_at, published_at, relevant) VALUES "
        "('d1', 'u', 's', 'u', 't', 'h', now(), now(), now(), TIMESTAMP '2026-11-19 10:00', true)"
    )
    con.execute(
        "INSERT INTO signals (doc_id, dimension, label, score, model_version, classified_at) "
        "VALUES ('d1', 'values', 'privacy', 0.9, 'm', now())"
    )
    assert con.execute("SELECT count(*) FROM v_signals").fetchone()[0] == 0
    warehouse.stamp_weeks(con)
    assert con.execute("SELECT week, sector, label FROM v_signals").fetchall() == [
        ("2026-W47", "general", "privacy")
    ]


def test_the_analyst_connection_reads_but_cannot_write(home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    con = warehouse.analyst_connection(home.warehouse)
    try:
        assert warehouse.run_analyst(con, "SELECT count(*) AS n FROM documents") == (["n"], [(0,)])
        for statement in (
            "INSERT INTO sources VALUES ('x', 'rss', 'u', NULL, NULL, NULL)",
            f"COPY sources TO '{elsewhere / 'x.csv'}'",
            "INSTALL httpfs",
        ):
            try:
                warehouse.run_analyst(con, statement)
            except warehouse.ReadOnlyError:
                continue
            raise AssertionError(f"accepted: {statement}")
    finally:
        con.close()
    assert list(elsewhere.iterdir()) == []


def test_the_analyst_views_and_their_columns_are_commented(con):
    views = ("v_signals", "v_sector_week", "v_emerging", "v_legislation")
    described = dict(
        con.execute(
            "SELECT view_name, comment FROM duckdb_views() WHERE view_name IN (SELECT unnest(?))",
            [list(views)],
        ).fetchall()
    )
    assert set(described) == set(views) and all(described.values())
    missing = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE table_name IN (SELECT unnest(?)) AND comment IS NULL",
        [list(views)],
    ).fetchall()
    assert missing == []


def _damage(path, how: str) -> None:
    if how == "text":
        path.write_text("documents,signals\n1,2\n")
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "sqlite":
        import sqlite3

        path.unlink()
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE documents (doc_id TEXT)")
    elif how == "truncated":  # cut off after its headers, as by a full disk
        path.write_bytes(path.read_bytes()[:20_000])
    else:  # half a copy: the headers are sound, the blocks a query needs are not there
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ("text", "is not a DuckDB database (it starts with b'document')"),
        ("empty", "is empty"),
        ("sqlite", "is a SQLite database"),
        ("truncated", "is damaged"),
    ],
)
@pytest.mark.parametrize("command", [["runs"], ["health"], ["detect"], ["load"]])
def test_a_bad_warehouse_file_is_one_line_naming_it(home, how, says, command):
    _damage(home.warehouse, how)
    result = subprocess.run(
        [GAIMON, *command, "--home", str(home.root)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"gaimon: {home.warehouse} {says}") and "gaimon init" in line


@pytest.mark.parametrize("command", [["detect"], ["load"]])
def test_a_warehouse_found_cut_short_while_reading_is_one_line_naming_it(home, command):
    _damage(home.warehouse, "half")
    result = subprocess.run(
        [GAIMON, *command, "--home", str(home.root)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"gaimon: {home.warehouse} is damaged (Could not read enough bytes")


def test_a_writer_names_the_process_that_holds_the_warehouse(home):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        with pytest.raises(warehouse.WarehouseLocked) as refused:
            warehouse.connect(home.warehouse)
        result = subprocess.run(
            [GAIMON, "detect", "--home", str(home.root)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait()
    assert f"(PID {holder.pid}: python -c " in str(refused.value)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        f"gaimon: the warehouse {home.warehouse} is in use by another process (PID {holder.pid}"
    )


# A DuckDB client that opens a file read-only, says so, counts documents whenever asked on
# stdin, and keeps the file open until stdin closes.
HOLD = """
import sys
from gaimon import warehouse
con = warehouse.analyst_connection(sys.argv[1])
print("open", flush=True)
for _ in sys.stdin:
    print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
"""


def test_a_snapshot_is_published_whole_while_an_analyst_holds_the_last_one(home):
    from gaimon.ops import snapshot

    first = snapshot.publish_snapshot(home, "gaimon load")
    analyst = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(first.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline() == "open\n"
        with warehouse.open_warehouse(home.warehouse) as con:  # the warehouse stays writable
            con.execute(
                "INSERT INTO documents (doc_id, canonical_url, source, url, title, content_hash, "
                "fetched_at, first_seen_at, updated_at) VALUES "
                "('d1', 'u', 's', 'u', 't', 'h', now(), now(), now())"
            )
        second = snapshot.publish_snapshot(home, "daily", "run-2")
        analyst.stdin.write("count\n")
        analyst.stdin.flush()
        assert analyst.stdout.readline() == "0\n"  # the open session keeps the copy it opened
    finally:
        analyst.stdin.close()
        analyst.wait(timeout=60)
    with warehouse.open_warehouse(second.path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        info = snapshot.read_info(con, second.path)
    assert (info.published_by, info.run_id) == ("daily", "run-2")
    assert sorted(p.name for p in home.root.iterdir() if "analyst" in p.name) == [
        "gaimon-analyst.duckdb"
    ]
