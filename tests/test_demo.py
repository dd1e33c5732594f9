"""`gaimon demo` (what `make demo` runs) crawls the offline corpus, builds a digest and says
where both are; running it again stores nothing twice."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from pathlib import Path

import pytest
from flows_world import gaimon
from typer.testing import CliRunner

from flows.demo import DEMO_DIR
from gaimon.cli import app
from gaimon.home import Home

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_demo_twice_stores_the_corpus_once_and_says_where_things_are(prefect_server, tmp_path):
    expected = json.loads((DEMO_DIR / "expected" / "summary.json").read_text())["items"]
    home, port = Home(tmp_path / "demo"), _free_port()
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "settings.yaml").write_text("digest: {pdf: false}\n")

    # The first demo, as on a machine that never ran Prefect: no Prefect home, no server named.
    # gaimon keeps Prefect's state in the home and waits for its temporary server to start.
    first = gaimon(home, "demo", "--home", str(home.root), "--port", str(port), api_url=None)
    output, errors = first.communicate(timeout=900)
    assert first.returncode == 0, errors
    assert "daily run: Completed" in output
    counts = re.search(r"warehouse: (\S+) \((\d+) documents", output)
    assert counts and counts[1] == str(home.warehouse) and int(counts[2]) == expected
    week, nl_html = re.search(r"digest (\S+) \(nl html\): (\S+)", output).groups()
    assert Path(nl_html).is_file() and re.search(r"\(en html\): \S+", output)
    with sqlite3.connect(home.root / "prefect" / "prefect.db") as db:
        flows = {
            name
            for (name,) in db.execute(
                "SELECT flow.name FROM flow_run JOIN flow ON flow.id = flow_run.flow_id"
            )
        }
    assert flows == {"daily", "weekly"}

    result = CliRunner().invoke(app, ["demo", "--home", str(home.root), "--port", str(port)])
    assert result.exit_code == 0, result.output
    counts = re.search(r"warehouse: (\S+) \((\d+) documents", result.output)
    assert counts and counts[1] == str(home.warehouse) and int(counts[2]) == expected
    assert f"digest {week} (nl html): {nl_html}" in result.output


def test_a_prefect_server_that_cannot_start_in_time_is_one_line_saying_what_to_do(tmp_path):
    home = Home(tmp_path / "demo")
    run = gaimon(
        home,
        "demo",
        "--home",
        str(home.root),
        "--port",
        str(_free_port()),
        api_url=None,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1",
    )
    output, errors = run.communicate(timeout=300)
    assert run.returncode == 2
    assert errors.splitlines() == [errors.strip()] and "Traceback" not in errors
    assert errors.startswith(
        "gaimon: Prefect's temporary server did not start (no answer within 1 s"
    )
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS higher" in errors
    assert "prefect server start" in errors and str(home.root / "prefect") in errors
    assert not home.warehouse.exists()  # nothing ran
