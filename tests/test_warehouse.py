from gaimon import warehouse


def test_init_applies_each_migration_once(tmp_path):
    path = tmp_path / "w.duckdb"
    first = warehouse.init(path)
    assert first == [p.name for p in warehouse.migrations()]
    assert warehouse.init(path) == []
    with warehouse.open_warehouse(path, read_only=True) as con:
        recorded = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY 1").fetchall()]
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
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
