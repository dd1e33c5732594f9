"""Run records and source health, on a real warehouse file (no Prefect needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from gaimon import warehouse
from gaimon.detect.health import source_health
from gaimon.errors import GaimonError
from gaimon.ops import runs

START = datetime(2026, 10, 1, 4)


def history(con, source: str, outcomes: list[tuple]) -> None:
    """One daily run per outcome: (status, items staged[, "since"]); with "since" the crawl
    asked only for items since the day before (incremental), else for all there were."""
    for day, (status, staged, *incremental) in enumerate(outcomes):
        run_id = runs.start_run(con, "daily")
        when = START + timedelta(days=day)
        since = when - timedelta(days=1) if incremental else None
        runs.record_source(
            con,
            run_id,
            runs.SourceRun(
                source,
                when,
                when + timedelta(minutes=2),
                status,
                since=since,
                staged=staged,
                new=staged,
            ),
        )
        runs.finish_run(con, run_id, "completed")


STEADY = [("ok", n) for n in (20, 22, 19, 21, 20, 23, 18, 21)]


@pytest.mark.parametrize(
    ("outcomes", "flags"),
    [
        (STEADY, []),
        (STEADY + [("ok", 23)], []),
        (STEADY + [("ok", 0)], ["zero"]),
        (STEADY + [("ok", 9)], ["low"]),
        (STEADY + [("ok", 60)], ["high"]),
        (STEADY + [("failed", 0)] * 2, []),
        (STEADY + [("failed", 0)] * 3, ["failing"]),
        (STEADY + [("failed", 0)] * 3 + [("ok", 20)], []),
        (STEADY + [("partial", 21)], []),
        ([("ok", 0)], ["zero"]),  # a new source that finds nothing
        ([("ok", 20), ("ok", 0)], []),  # too little history to judge volume
        ([("ok", 20), ("ok", 90)], []),
        ([("ok", 0), ("ok", 1), ("ok", 0), ("ok", 0), ("ok", 1), ("ok", 0)], []),  # a quiet source
        # A first full crawl, then a day's new items: judged against days only.
        ([("ok", 97)] + [("ok", n, "since") for n in (5, 6, 4, 5, 7, 6)], []),
        ([("ok", 97)] + [("ok", n, "since") for n in (5, 6, 4, 5, 7, 0)], ["zero"]),
        ([("ok", 97)] + [("ok", n, "since") for n in (0, 1, 0, 2, 0, 0)], []),
    ],
)
def test_a_source_is_flagged_by_its_own_history(con, outcomes, flags):
    history(con, "bron", outcomes)
    (row,) = [r for r in source_health(con) if r["source"] == "bron"]
    assert row["flags"] == flags
    assert row["healthy"] is (not flags)


def test_health_explains_its_flags_and_counts_failures_in_a_row(con):
    history(con, "stil", STEADY + [("ok", 0)])
    history(con, "kapot", [("ok", 5)] + [("failed", 0)] * 4)
    history(con, "gezond", STEADY)
    rows = {r["source"]: r for r in source_health(con)}
    assert rows["kapot"]["failures_in_a_row"] == 4
    assert rows["kapot"]["notes"] == ["failed its last 4 runs"]
    assert rows["kapot"]["last_success_at"] == START
    assert rows["stil"]["notes"] == ["its last crawl found no items"]
    assert [r["source"] for r in source_health(con)][-1] == "gezond"  # flagged sources first


def test_status_says_how_the_last_run_went_and_the_registry_names_sources_never_run(con):
    con.execute(
        "INSERT INTO sources (name, kind, url) VALUES ('bron', 'rss', 'u'), ('nooit', 'rss', 'u')"
    )
    history(con, "bron", [("ok", 4), ("partial", 6)])
    history(con, "kapot", [("ok", 5), ("failed", 0)])
    history(con, "gezond", [("ok", 3), ("ok", 5)])
    con.execute("UPDATE source_runs SET message = 'HTTP 503' WHERE status <> 'ok'")
    rows = {r["source"]: r for r in source_health(con)}
    assert {s: r["status"] for s, r in rows.items()} == {
        "bron": "degraded",
        "kapot": "failing",
        "gezond": "ok",
        "nooit": "never",
    }
    assert (rows["bron"]["kind"], rows["bron"]["runs"], rows["bron"]["items_per_run"]) == (
        "rss",
        2,
        5.0,
    )
    assert rows["kapot"]["last_error"] == "HTTP 503"
    assert rows["kapot"]["last_error_at"] == START + timedelta(days=1)
    assert rows["gezond"]["last_error"] is None
    assert rows["nooit"]["runs"] == 0 and rows["nooit"]["flags"] == []


def test_health_and_sources_check_show_one_judgement_and_exit_2_when_a_source_is_flagged(home):
    from typer.testing import CliRunner

    from gaimon.cli import app

    with warehouse.open_warehouse(home.warehouse) as con:
        history(con, "kapot", [("ok", 5)] + [("failed", 0)] * 3)
        history(con, "gezond", STEADY)
    cli = CliRunner()
    where = ["--home", str(home.root)]
    health = cli.invoke(app, ["health", *where, "--json"])
    check = cli.invoke(app, ["sources", "check", *where, "--json"])
    assert (health.exit_code, check.exit_code) == (2, 2)
    assert json.loads(check.output) == json.loads(health.output)
    assert {r["source"]: r["flags"] for r in json.loads(health.output)} == {
        "kapot": ["failing"],
        "gezond": [],
    }
    table = cli.invoke(app, ["sources", "check", *where])
    assert table.exit_code == 2 and "kapot" in table.stdout and "failing" in table.stdout
    only = cli.invoke(app, ["sources", "check", *where, "--source", "gezond", "--json"])
    assert only.exit_code == 0 and [r["source"] for r in json.loads(only.output)] == ["gezond"]
    flagged_only = cli.invoke(app, ["health", *where, "--flagged"])
    assert flagged_only.exit_code == 2 and "gezond" not in flagged_only.stdout


def test_sources_check_without_live_reads_the_warehouse_not_a_registry(home, registry):
    from typer.testing import CliRunner

    from gaimon.cli import app

    result = CliRunner().invoke(
        app, ["sources", "check", "--home", str(home.root), "--sources", str(registry)]
    )
    assert result.exit_code == 2 and "--sources" in result.output and "--live" in result.output


def test_health_of_a_warehouse_not_migrated_since_an_upgrade_says_so(con):
    history(con, "bron", STEADY)
    con.execute("CREATE OR REPLACE VIEW v_source_health AS SELECT 'bron' AS source, [] AS flags")
    with pytest.raises(GaimonError, match="`gaimon init` or the next run brings it up to date"):
        source_health(con)


def test_since_is_the_last_good_crawl_less_the_overlap(con):
    history(con, "bron", [("ok", 3), ("ok", 4), ("failed", 0)])
    history(con, "nieuw", [("failed", 0)])
    since = runs.since(con, ["bron", "nieuw", "onbekend"], overlap=timedelta(hours=6))
    assert since == {
        "bron": START + timedelta(days=1) - timedelta(hours=6),
        "nieuw": None,
        "onbekend": None,
    }


def test_a_run_whose_process_died_is_marked_interrupted(con):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = runs.start_run(con, "daily")
    alive = runs.start_run(con, "weekly")  # this process: still running
    con.execute("UPDATE runs SET pid = ? WHERE run_id = ?", [dead.pid, killed])
    assert runs.mark_interrupted(con) == [killed]
    status = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
    assert status == {killed: "interrupted", alive: "running"}
    assert (
        os.getpid() == con.execute("SELECT pid FROM runs WHERE run_id = ?", [alive]).fetchone()[0]
    )


def test_staged_files_are_loaded_once_unless_they_grow(con, home):
    day = home.staging / "2026-11-28"
    day.mkdir(parents=True)
    (day / "bron.jsonl").write_text("{}\n")
    (day / "ander.jsonl").write_text("{}\n")
    pending = runs.pending_files(con, home.staging)
    assert sorted(p.name for p in pending) == ["ander.jsonl", "bron.jsonl"]
    runs.mark_loaded(con, home.staging, pending, "r1")
    assert runs.pending_files(con, home.staging) == {}
    with open(day / "bron.jsonl", "a") as fh:
        fh.write("{}\n")
    assert [p.name for p in runs.pending_files(con, home.staging, "bron")] == ["bron.jsonl"]
    assert runs.pending_files(con, home.staging, "ander") == {}


ZORG_ITEM = {
    "source": "zorgnieuws",
    "url": "https://zorg.example/a",
    "canonical_url": "https://zorg.example/a",
    "title": "Chatbot geeft fout medisch advies",
    "text": "Generatieve AI hallucineert.",
    "published": "2026-11-19T08:00:00Z",
    "lang": "nl",
    "fetched_at": "2026-11-20T05:00:00Z",
    "content_hash": "c3",
}


def test_a_run_starts_by_loading_what_a_killed_run_staged_on_an_earlier_day(home):
    from gaimon.ops import steps
    from gaimon.registry import Registry

    staged = home.staging / "2026-11-20" / "zorgnieuws.jsonl"
    staged.parent.mkdir(parents=True)
    staged.write_text(json.dumps(ZORG_ITEM) + "\n", encoding="utf-8")

    # A run recorded its start and was killed before it loaded the leftovers: the next loads them.
    steps.open_run(home, "daily", {}, registry=Registry(sources=[]))
    start = steps.open_run(home, "daily", {}, registry=Registry(sources=[]))
    leftovers = steps.load_leftovers(home, start.run_id)
    again = steps.open_run(home, "daily", {}, registry=Registry(sources=[]))

    assert leftovers == {"files": 1, "new": 1, "changed": 0}
    assert steps.load_leftovers(home, again.run_id) == {"files": 0, "new": 0, "changed": 0}
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        assert con.execute("SELECT run_id FROM documents").fetchall() == [(start.run_id,)]


def test_files_loaded_by_gaimon_load_are_not_loaded_again_by_the_next_run(home):
    from typer.testing import CliRunner

    from gaimon.cli import app
    from gaimon.ops import steps

    staged = home.staging / "2026-11-20" / "zorgnieuws.jsonl"
    staged.parent.mkdir(parents=True)
    staged.write_text(json.dumps(ZORG_ITEM) + "\n", encoding="utf-8")

    loaded = CliRunner().invoke(app, ["load", "--home", str(home.root)])
    again = CliRunner().invoke(app, ["load", "--home", str(home.root)])
    start = steps.open_run(home, "daily", {})

    assert loaded.exit_code == 0 and "1 file(s), 1 item(s): 1 new" in loaded.stdout
    assert "0 file(s)" in again.stdout
    assert steps.load_leftovers(home, start.run_id) == {"files": 0, "new": 0, "changed": 0}
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        marked = con.execute("SELECT path, run_id FROM staged_loads").fetchall()
    assert marked == [("2026-11-20/zorgnieuws.jsonl", None)]


def test_a_cli_crawl_records_its_sources_and_fails_when_one_failed(home, registry):
    """`gaimon crawl` records each source as the daily run does, so `gaimon health` and
    `gaimon runs` see it; a source that broke makes it exit non-zero, one that had nothing
    new does not."""
    from typer.testing import CliRunner

    from gaimon.cli import app

    broken = registry.with_name("broken.yaml")
    broken.write_text(registry.read_text().replace("/feeds/techpolicy.atom", "/feeds/missing.atom"))
    cli = CliRunner()

    first = cli.invoke(app, ["crawl", "--sources", str(broken), "--home", str(home.root)])

    assert first.exit_code == 1, first.output
    assert "source techpolicy failed" in first.stderr
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        (run_id, flow, status) = con.execute("SELECT run_id, flow, status FROM runs").fetchone()
        outcome = dict(
            con.execute(
                "SELECT source, status FROM source_runs WHERE run_id = ?", [run_id]
            ).fetchall()
        )
        health = {r["source"]: r for r in source_health(con)}
    assert (flow, status) == ("crawl", "completed_with_errors")
    assert outcome == {"zorgnieuws": "ok", "techpolicy": "failed"}
    assert (
        health["techpolicy"]["failures_in_a_row"] == 1 and health["zorgnieuws"]["last_volume"] > 0
    )

    again = cli.invoke(
        app,
        ["crawl", "--sources", str(registry), "--source", "zorgnieuws", "--home", str(home.root)],
    )

    assert again.exit_code == 0, again.output  # nothing new is not a failure
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        recorded = con.execute("SELECT flow, status FROM runs ORDER BY started_at").fetchall()
    assert recorded == [("crawl", "completed_with_errors"), ("crawl", "completed")]


def test_a_command_that_only_reads_says_when_there_is_no_home(tmp_path):
    from typer.testing import CliRunner

    from gaimon.cli import app

    missing = tmp_path / "nowhere"
    for command in (["runs"], ["health"], ["sources", "check"]):
        result = CliRunner().invoke(app, [*command, "--home", str(missing)])
        assert isinstance(result.exception, warehouse.WarehouseFileError)
        assert (
            str(result.exception)
            == f"no gaimon home at {missing}; run `gaimon init` (or set GAIMON_HOME)"
        )
    assert not missing.exists()


# A DuckDB client in its own process that holds a file open read-only until stdin closes.
HOLD = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
sys.stdin.read()
"""


@pytest.mark.slow
def test_a_run_that_finds_the_warehouse_held_fails_in_one_line_and_is_in_gaimon_runs(
    prefect_server, home, registry
):
    from flows_world import quick
    from typer.testing import CliRunner

    from flows.daily import DailyParams, daily
    from gaimon.cli import app

    quick(home)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        state = daily(DailyParams(home=str(home.root), registry=str(registry)), return_state=True)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)

    assert state.is_failed()
    (noted,) = runs.unrecorded(home)
    assert noted["flow"] == "daily" and noted["flow_run_id"] == str(state.state_details.flow_run_id)
    assert noted["message"].startswith(
        f"the warehouse {home.warehouse} is in use by another process (PID {holder.pid}: python -c "
    )
    shown = CliRunner().invoke(app, ["runs", "--home", str(home.root)])
    assert shown.exit_code == 0 and "failed" in shown.stdout and "daily" in shown.stdout

    with warehouse.open_warehouse(home.warehouse) as con:  # the next run records it
        runs.start_run(con, "daily")
        recorded = con.execute(
            "SELECT flow, status, message FROM runs WHERE status = 'failed'"
        ).fetchall()
    assert recorded == [("daily", "failed", noted["message"])]
    assert runs.unrecorded(home) == []


def test_runs_and_health_read_the_snapshot_while_another_process_writes(home):
    from typer.testing import CliRunner

    from gaimon.cli import app
    from gaimon.ops import snapshot

    with warehouse.open_warehouse(home.warehouse) as con:
        history(con, "bron", STEADY)
    snapshot.publish_snapshot(home, "gaimon load")
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLD.replace("read_only=True", "read_only=False"),
            str(home.warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline() == "open\n"
        shown = {
            command: CliRunner().invoke(app, [command, "--home", str(home.root)])
            for command in ("runs", "health")
        }
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    for result in shown.values():
        assert result.exit_code == 0, result.output
        assert result.stderr.startswith(
            f"{home.warehouse} is being written by another process (PID {writer.pid}"
        )
        assert (
            "showing the snapshot of" in result.stderr
            and "published by gaimon load" in result.stderr
        )
    assert "bron" in shown["health"].stdout and shown["runs"].stdout.count("daily") == len(STEADY)


def test_a_run_that_cannot_write_its_end_gets_it_from_the_next_run(home):
    from gaimon.ops import steps
    from gaimon.registry import Registry

    start = steps.open_run(home, "daily", {}, registry=Registry(sources=[]))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        with pytest.raises(warehouse.WarehouseLocked):
            steps.finish(home, start.run_id, "failed", "RuntimeError: every source failed")
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert [(r["run_id"], r["status"]) for r in runs.unrecorded(home)] == [(start.run_id, "failed")]

    with warehouse.open_warehouse(home.warehouse) as con:
        runs.start_run(con, "daily")
        ended = con.execute(
            "SELECT status, message FROM runs WHERE run_id = ?", [start.run_id]
        ).fetchone()
    assert ended == ("failed", "RuntimeError: every source failed")
