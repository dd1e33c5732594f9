"""`gaimon demo` (what `make demo` runs) crawls the offline corpus, builds a digest and says
where both are; running it again stores nothing twice."""

from __future__ import annotations

import json
import re
import socket

import pytest
from typer.testing import CliRunner

from gaimon.cli import app
from gaimon.demo import DEMO_DIR, run_demo
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

    first = run_demo(home, port=port)
    assert first.run_status == "Completed"
    assert first.documents == expected
    assert first.digest["nl html"].is_file() and first.digest["en html"].is_file()

    result = CliRunner().invoke(app, ["demo", "--home", str(home.root), "--port", str(port)])
    assert result.exit_code == 0, result.output
    counts = re.search(r"warehouse: (\S+) \((\d+) documents", result.output)
    assert counts and counts[1] == str(home.warehouse) and int(counts[2]) == expected
    assert f"digest {first.week} (nl html): {first.digest['nl html']}" in result.output
