"""Source health for operators: which sources fail, went quiet, or deliver unusual volumes.

Every crawl, of the flows and of `gaimon crawl`, is recorded in `source_runs` by the one
warehouse writer. The judgement lives in warehouse/views/v_source_health.sql; this module reads
it for `gaimon health`, `gaimon sources check` and the operator section of the weekly digest.
"""

from __future__ import annotations

from typing import Any

import duckdb

from gaimon import warehouse
from gaimon.errors import GaimonError

# What each flag means, for people (the digest translates these itself).
FLAG_TEXT = {
    "failing": "failed its last {failures_in_a_row} runs",
    "zero": "its last crawl found no items",
    "low": "its last crawl found {last_volume} items, far fewer than its usual {mean_volume:.0f}",
    "high": "its last crawl found {last_volume} items, far more than its usual {mean_volume:.0f}",
}


class HealthOutdated(GaimonError, RuntimeError):
    """The warehouse's health view is older than this gaimon: views are re-created on migrate."""


def source_health(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every source with its status, run history summary and flags, flagged sources first."""
    rows = warehouse.query(con, "queries/source_health")
    if rows and "status" not in rows[0]:
        # A warehouse (or snapshot) not migrated since an upgrade still has the old view.
        raise HealthOutdated(
            "the warehouse's source health view predates this version of gaimon: "
            "`gaimon init` or the next run brings it up to date"
        )
    for row in rows:
        row["flags"] = list(row["flags"] or [])
        row["notes"] = [FLAG_TEXT[flag].format(**row) for flag in row["flags"]]
    return rows
