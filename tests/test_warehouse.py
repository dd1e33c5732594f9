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


def test_a_script_binds_each_statement_to_the_parameters_it_uses(con):
    con.execute("CREATE TEMP TABLE t (a INTEGER, b VARCHAR)")
    warehouse.run_statements(con, "-- uses $a and $b\nINSERT INTO t VALUES ($a, 'x');\n"
                                  "INSERT INTO t VALUES (2, $b);", {"a": 1, "b": "y", "unused": 0})
    assert con.execute("SELECT * FROM t ORDER BY a").fetchall() == [(1, "x"), (2, "y")]


def test_rows_written_without_a_week_get_one_and_show_in_v_signals(con):
    con.execute("INSERT INTO documents (doc_id, canonical_url, source, url, title, content_hash, "
                "fetched_at, first_seen_at, updated_at, published_at, relevant) VALUES "
                "('d1', 'u', 's', 'u', 't', 'h', now(), now(), now(), TIMESTAMP '2026-11-19 10:00', true)")
    con.execute("INSERT INTO signals (doc_id, dimension, label, score, model_version, classified_at) "
                "VALUES ('d1', 'values', 'privacy', 0.9, 'm', now())")
    assert con.execute("SELECT count(*) FROM v_signals").fetchone()[0] == 0
    warehouse.stamp_weeks(con)
    assert con.execute("SELECT week, sector, label FROM v_signals").fetchall() == [("2026-W47", "general", "privacy")]


def test_the_analyst_connection_reads_but_cannot_write(home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    con = warehouse.analyst_connection(home.warehouse)
    try:
        assert warehouse.run_analyst(con, "SELECT count(*) AS n FROM documents") == (["n"], [(0,)])
        for statement in ("INSERT INTO sources VALUES ('x', 'rss', 'u', NULL, NULL, NULL)",
                          f"COPY sources TO '{elsewhere / 'x.csv'}'", "INSTALL httpfs"):
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
    described = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE view_name IN "
                                 "(SELECT unnest(?))", [list(views)]).fetchall())
    assert set(described) == set(views) and all(described.values())
    missing = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                          "WHERE table_name IN (SELECT unnest(?)) AND comment IS NULL", [list(views)]).fetchall()
    assert missing == []
