"""`gaimon sources check --live` against the fixture server: real spiders in child processes,
good sources and sources that look wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaimon.cli import app
from gaimon.ops.corpus_server import CorpusServer
from gaimon.registry import localize_registry

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """One live check of every fixture source, through the command line."""
    scratch = tmp_path_factory.mktemp("live")
    with CorpusServer(FIXTURES / "crawl") as server:
        registry = localize_registry(
            FIXTURES / "sources_live.yaml", server.base, scratch / "sources.yaml"
        )
        server.take_log()
        result = CliRunner().invoke(
            app, ["sources", "check", "--live", "--json", "--sources", str(registry), "--jobs", "3"]
        )
        requests = server.take_log()
    return result, {c["source"]: c for c in json.loads(result.output)}, requests


def test_good_sources_report_items_and_newest_date(checked):
    _, checks, _ = checked
    ap = checks["ap_nieuws"]
    assert ap["ok"] and ap["problems"] == []
    assert (ap["items"], ap["dated"]) == (2, 2)  # one listing page only
    assert ap["newest"] == "2026-06-23T22:00:00Z"
    assert checks["rdi_nieuws"]["ok"] and checks["rdi_nieuws"]["items"] == 2
    assert checks["rdi_nieuws"]["newest"] == "2026-06-24T00:00:00Z"
    dagblad = checks["dagblad"]
    assert dagblad["ok"] and dagblad["items"] == 3 and dagblad["newest"] == "2026-11-17T09:30:00Z"


def test_sources_that_look_wrong_say_why_and_the_check_exits_1(checked):
    result, checks, _ = checked
    assert result.exit_code == 1
    assert "selectors match navigation" in " ".join(checks["ap_menu"]["problems"])
    changed = " ".join(checks["ap_oude_opmaak"]["problems"])
    assert "matched nothing" in changed and "no items found" in changed
    assert checks["gemeente_zonder_datum"]["problems"] == ["no item has a date"]
    assert checks["gemeente_zonder_datum"]["items"] == 2
    down = " ".join(checks["onbereikbaar"]["problems"])
    assert "HTTP 503" in down and "no items found" in down
    assert not any(
        checks[name]["ok"]
        for name in ("ap_menu", "ap_oude_opmaak", "gemeente_zonder_datum", "onbereikbaar")
    )


def test_each_source_is_read_once_without_its_articles(checked):
    _, _, requests = checked
    paths = [r.path + (f"?{r.query}" if r.query else "") for r in requests]
    assert "/actueel?page=1" not in paths  # one page of each listing
    assert not [p for p in paths if p.startswith("/artikel/") or p.startswith("/actueel/a")]
    assert paths.count("/feeds/dagblad.xml") == 1


def test_a_table_for_people(tmp_path):
    with CorpusServer(FIXTURES / "crawl") as server:
        registry = localize_registry(
            FIXTURES / "sources_live.yaml", server.base, tmp_path / "sources.yaml"
        )
        result = CliRunner().invoke(
            app,
            ["sources", "check", "--live", "--sources", str(registry), "--source", "rdi_nieuws"],
        )
    assert result.exit_code == 0, result.output
    assert "live check: 1 ok, 0 look wrong" in result.output and "rdi_nieuws" in result.output
