"""docs/analyst.md answers its questions, and `gaimon sql` answers from the analysts' snapshot
without being able to write."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warehouse_data import ANALYST_WEEK, analyst_world

from gaimon import warehouse
from gaimon.cli import app
from gaimon.home import Home
from gaimon.ops import snapshot

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "analyst.md"
QUESTION = re.compile(r"^### (\d+)\. (.+?)\n(.*?)```sql\n(.*?)```", re.S | re.M)


def questions() -> list[tuple[str, str]]:
    return [
        (f"{number}. {title}", query)
        for number, title, _, query in QUESTION.findall(GUIDE.read_text("utf-8"))
    ]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Home:
    home = Home(tmp_path_factory.mktemp("analyst") / "home").ensure()
    warehouse.init(home.warehouse)
    with warehouse.open_warehouse(home.warehouse) as con:
        analyst_world(con, home.root)
    snapshot.publish_snapshot(home, "test world")
    return home


@pytest.fixture
def session(world):
    """An analyst connection for one test (its locked settings hold for the whole database
    while it is open, so it is not kept alongside the command's own connection)."""
    con = warehouse.analyst_connection(snapshot.snapshot_path(world))
    yield con
    con.close()


def test_the_guide_has_twenty_numbered_questions():
    titles = [title for title, _ in questions()]
    assert len(titles) == 20
    assert [int(t.split(".")[0]) for t in titles] == list(range(1, 21))


@pytest.mark.parametrize(("title", "query"), questions(), ids=[t for t, _ in questions()])
def test_each_question_is_answered_read_only(session, title, query):
    needs = re.findall(r"-- needs: (\w+)", query)
    present = {r[0] for r in session.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if not set(needs) <= present:
        pytest.skip(f"this warehouse has no {', '.join(set(needs) - present)} table")
    columns, rows = warehouse.run_analyst(session, query)
    assert columns and rows, f"question {title!r} found nothing in the test warehouse"


def test_the_macros_the_guide_lists_exist(session):
    listed = set(re.findall(r"^\| `(\w+)\(", GUIDE.read_text("utf-8"), re.M))
    defined = {
        r[0]
        for r in session.execute(
            "SELECT function_name FROM duckdb_functions() "
            "WHERE function_type IN ('macro', 'table_macro')"
        ).fetchall()
    }
    assert listed and listed <= defined


def test_rising_risk_in_healthcare_is_the_first_answer(session):
    _, query = questions()[0]
    _, rows = warehouse.run_analyst(session, query)
    assert [(r[0], r[1]) for r in rows] == [("privacy", "rising")]


runner = CliRunner()


def gaimon_sql(world: Home, *args: str, stdin: str | None = None):
    return runner.invoke(app, ["sql", *args, "--home", str(world.root)], input=stdin)


def test_sql_says_how_fresh_its_snapshot_is(world):
    result = gaimon_sql(world, "SELECT published_by FROM snapshot_info", "--csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "published_by\ntest world\n"
    assert re.match(
        r"snapshot of \d{4}-\d\d-\d\d \d\d:\d\d UTC \(just now\), published by test world\n",
        result.stderr,
    )


def test_sql_prints_a_table(world):
    result = gaimon_sql(world, "SELECT sector, value, status FROM alerts ORDER BY score DESC")
    assert result.exit_code == 0, result.output
    assert (
        "healthcare" in result.output and "rising" in result.output and "2 row(s)" in result.output
    )


def test_sql_csv_and_json_for_machines(world):
    query = "SELECT week, sector, value, stories FROM alerts ORDER BY sector"
    as_csv = gaimon_sql(world, query, "--csv")
    as_json = gaimon_sql(world, query, "--json")
    assert as_csv.exit_code == 0 and as_json.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["week"], r["sector"]) for r in rows] == [
        (ANALYST_WEEK, "education"),
        (ANALYST_WEEK, "healthcare"),
    ]
    assert [(r["sector"], r["stories"]) for r in json.loads(as_json.stdout)] == [
        (r["sector"], int(r["stories"])) for r in rows
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM documents",
        "UPDATE alerts SET status = 'steady'",
        "CREATE TABLE notes (x INTEGER)",
        "DROP VIEW v_signals",
        "COPY documents TO 'leak.csv'",
        "ATTACH 'other.duckdb' AS other",
        "SET enable_external_access = true",
    ],
)
def test_sql_cannot_write(world, statement, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy = snapshot.snapshot_path(world)
    before = (copy.stat().st_mtime_ns, world.warehouse.stat().st_mtime_ns)
    result = gaimon_sql(world, statement)
    assert result.exit_code == 1
    assert "refused" in result.output and (
        "read-only" in result.output or "cannot be touched" in result.output
    )
    assert (copy.stat().st_mtime_ns, world.warehouse.stat().st_mtime_ns) == before
    assert list(tmp_path.iterdir()) == []
    with warehouse.open_warehouse(copy, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM alerts WHERE status = 'steady'").fetchone()[0] == 0


def test_sql_cannot_write_into_the_spill_folder_beside_the_snapshot(world):
    """DuckDB lets a session write its own temporary folder even with file access off; the
    analysts' session has none."""
    spill = Path(f"{snapshot.snapshot_path(world)}.tmp")
    spill.mkdir(exist_ok=True)
    try:
        result = gaimon_sql(world, f"COPY documents TO '{spill / 'leak.csv'}'")
        assert result.exit_code == 1 and "refused" in result.output
        assert list(spill.iterdir()) == []
    finally:
        spill.rmdir()


def test_sql_refuses_a_sqlite_file_without_fetching_an_extension(tmp_path):
    """A SQLite file where the snapshot should be: one line, and DuckDB fetches nothing
    (its extensions would land under $HOME/.duckdb)."""
    import sqlite3
    import subprocess
    import sys

    home = Home(tmp_path / "home").ensure()
    with sqlite3.connect(snapshot.snapshot_path(home)) as db:
        db.execute("CREATE TABLE documents (doc_id TEXT)")
    gaimon = Path(sys.executable).parent / "gaimon"
    result = subprocess.run(
        [gaimon, "sql", "SELECT * FROM documents", "--home", str(home.root)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"gaimon: {snapshot.snapshot_path(home)} is a SQLite database, not a gaimon warehouse: "
        "`gaimon snapshot` publishes a fresh copy"
    ]
    assert not (tmp_path / ".duckdb").exists()


def test_sql_reads_statements_from_stdin_and_files(world, tmp_path):
    script = "CREATE TEMP TABLE mine AS SELECT 41 AS n;\nSELECT n + 1 AS answer FROM mine;\n"
    piped = gaimon_sql(world, "--csv", stdin=script)
    (tmp_path / "q.sql").write_text(script, encoding="utf-8")
    from_file = gaimon_sql(world, "--csv", "-f", str(tmp_path / "q.sql"))
    assert piped.stdout == from_file.stdout == "answer\n42\n"


def test_sql_reports_a_bad_query(world):
    result = gaimon_sql(world, "SELECT nothing FROM nowhere")
    assert result.exit_code == 1 and "nowhere" in result.output


# An analyst's session in its own process, as `gaimon sql` or any DuckDB client would hold
# it: it opens the snapshot read-only, says so, answers a count whenever asked on stdin, and
# keeps the file open until stdin closes.
SESSION = """
import sys
from gaimon import warehouse
con = warehouse.analyst_connection(sys.argv[1])
print("open", flush=True)
for _ in sys.stdin:
    print(con.execute("SELECT count(*) FROM documents").fetchone()[0], flush=True)
"""


@pytest.mark.slow
def test_the_daily_run_succeeds_while_an_analyst_holds_the_snapshot_open(
    prefect_server, home, registry
):
    import subprocess
    import sys

    from flows_world import quick, rows

    from flows.daily import DailyParams, daily

    quick(home)
    snapshot.publish_snapshot(home, "gaimon init")
    analyst = subprocess.Popen(
        [sys.executable, "-c", SESSION, str(snapshot.snapshot_path(home))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline() == "open\n"
        state = daily(
            DailyParams(home=str(home.root), registry=str(registry), day="2026-11-28"),
            return_state=True,
        )
        analyst.stdin.write("count\n")
        analyst.stdin.flush()
        during = analyst.stdout.readline()
    finally:
        analyst.stdin.close()
        analyst.wait(timeout=60)

    assert state.is_completed() and state.name == "Completed", state.message
    assert during == "0\n"  # the open session keeps its copy; the run did not wait for it
    (run,) = rows(home, "SELECT run_id, status FROM runs WHERE flow = 'daily'")
    stored = rows(home, "SELECT count(*) AS n FROM documents")[0]["n"]
    assert run["status"] == "completed" and stored > 0
    after = gaimon_sql(
        home,
        "SELECT (SELECT count(*) FROM documents) AS documents, "
        "(SELECT status FROM runs WHERE flow = 'daily') AS run, "
        "(SELECT run_id FROM snapshot_info) AS published_by_run",
        "--csv",
    )
    assert after.exit_code == 0, after.output
    assert after.stdout == f"documents,run,published_by_run\n{stored},completed,{run['run_id']}\n"
    assert f"published by daily run {run['run_id'][:8]}" in after.stderr
