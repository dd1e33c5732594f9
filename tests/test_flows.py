"""Real flow runs on a real (temporary) Prefect server."""

import pytest

from flows.daily import DailyParams, daily
from flows.weekly import WeeklyParams, last_complete_week, weekly
from gaimon import warehouse

pytestmark = pytest.mark.slow


def test_daily_then_weekly_flow_fill_the_warehouse_and_write_a_digest(prefect_server, home, registry):
    params = DailyParams(home=str(home.root), registry=str(registry), day="2026-11-28")
    summary = daily(params)
    assert summary["failed"] == {}
    assert set(summary["crawled"]) == {"zorgnieuws", "techpolicy"}
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        relevant = con.execute("SELECT count(*) FROM documents WHERE relevant").fetchone()[0]
        sectors = {r[0] for r in con.execute(
            "SELECT label FROM signals WHERE dimension = 'sectors'").fetchall()}
    assert documents == 4
    assert relevant == 2  # the children's ward and the football derby are not about AI
    assert "healthcare" in sectors

    paths = weekly(WeeklyParams(home=str(home.root), week="2026-W47"))
    html = open(paths["html"], encoding="utf-8").read()
    assert "Zorg" in html and "Betrouwbaarheid" in html

    again = daily(params)
    assert again["load"]["new"] == 0 and again["load"]["changed"] == 0


def test_a_broken_source_fails_alone(prefect_server, home, registry):
    text = registry.read_text().replace("/feeds/techpolicy.atom", "/feeds/missing.atom")
    registry.write_text(text)
    summary = daily(DailyParams(home=str(home.root), registry=str(registry), day="2026-11-28"))
    assert "zorgnieuws" in summary["crawled"]
    assert "techpolicy" in summary["failed"] and "missing.atom" in summary["failed"]["techpolicy"]
    assert summary["load"]["new"] == 2


def test_last_complete_week_is_the_week_before():
    from datetime import datetime

    assert last_complete_week(datetime(2026, 11, 28)) == "2026-W47"
    assert last_complete_week(datetime(2026, 1, 5)) == "2026-W01"
