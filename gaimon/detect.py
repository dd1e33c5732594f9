"""Find emerging risks: sector and value pairs whose weekly stories rise above their baseline."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from gaimon import warehouse
from gaimon.home import Home


@dataclass(frozen=True)
class DetectParams:
    min_stories: int = 3
    ratio: float = 2.0
    baseline_weeks: int = 8


def detect(con: duckdb.DuckDBPyConnection, params: DetectParams | None = None) -> list[dict]:
    """Recompute `alerts` from the signals and return them, strongest first."""
    params = params or DetectParams()
    values = {"min_stories": params.min_stories, "ratio": params.ratio,
              "baseline_weeks": params.baseline_weeks}
    con.execute("BEGIN")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE detected AS " + warehouse.sql("queries/detect_alerts"), values)
        con.execute(warehouse.sql("queries/replace_alerts"))
        con.execute("DROP TABLE detected")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return warehouse.query(con, "queries/alerts")


def detect_home(home: Home, params: DetectParams | None = None) -> list[dict]:
    with warehouse.open_warehouse(home.warehouse) as con:
        return detect(con, params)
