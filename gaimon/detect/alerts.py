"""Find emerging risks: per sector and public value, weeks with more stories than the trailing
baseline predicts, and terms that suddenly co-occur with a value. The method and its
parameters are described in docs/detection.md; the SQL lives in warehouse/queries/detect_*.sql.

`detect` also refreshes the weekly aggregates that v_sector_week and v_emerging read, and the
procedures derived from documents, so one call brings every derived table up to date.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass

import duckdb

from gaimon import warehouse
from gaimon.detect.procedures import update_procedures

MIN_BASELINE_WEEKS = 8


@dataclass(frozen=True)
class DetectParams:
    baseline_weeks: int = 8  # trailing weeks the expected share is estimated from
    min_stories: int = 3  # minimum support: fewer stories than this never alert
    alpha: float = 0.001  # tail probability below which a count is surprising
    min_ratio: float = 1.5  # effect size: stories at least this times the expected count
    term_weeks: int = 4  # recent weeks in which new terms are looked for
    term_min_stories: int = 3  # stories a new term needs with the value in its week
    term_min_sources: int = 2  # distinct sources, so one outlet's wording is not a trend
    term_limit: int = 10  # new terms kept per week and value

    def __post_init__(self) -> None:
        if self.baseline_weeks < MIN_BASELINE_WEEKS:
            raise ValueError(f"baseline_weeks must be at least {MIN_BASELINE_WEEKS}")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must lie between 0 and 1")
        if self.min_stories < 1 or self.term_min_stories < 1 or self.term_weeks < 1:
            raise ValueError("minimum support and term_weeks must be at least 1")

    def method(self) -> str:
        return (
            f"negative-binomial tail, {self.baseline_weeks}-week baseline, alpha {self.alpha}, "
            f"at least {self.min_stories} stories and {self.min_ratio}x expected"
        )


@dataclass(frozen=True)
class DetectReport:
    weeks: int
    alerts: int
    term_alerts: int
    procedures: int
    seconds: float


def stopwords() -> list[str]:
    """Function words of the languages gaimon reads; they are never new terms."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.nl.stop_words import STOP_WORDS as NL

    return sorted(NL | EN)


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> None:
    warehouse.run_script(con, f"queries/{name}", params)


def refresh(
    con: duckdb.DuckDBPyConnection, params: DetectParams, run_id: str | None
) -> DetectReport:
    """Recompute aggregates, scores, alerts and term alerts in one transaction."""
    started = time.perf_counter()
    p = asdict(params)
    with warehouse.transaction(con):
        warehouse.stamp_weeks(con)
        _run(con, "detect_facts")
        _run(con, "detect_week_totals")
        _run(con, "detect_sector_week")
        _run(
            con,
            "detect_emerging",
            {k: p[k] for k in ("baseline_weeks", "min_stories", "alpha", "min_ratio")},
        )
        _run(con, "detect_alerts", {"method": params.method(), "run_id": run_id})
        con.execute(warehouse.sql("queries/detect_stopwords"), {"words": stopwords()})
        _run(
            con,
            "detect_term_weeks",
            {"baseline_weeks": params.baseline_weeks, "term_weeks": params.term_weeks},
        )
        con.execute(
            warehouse.sql("queries/detect_terms"),
            {
                "baseline_weeks": params.baseline_weeks,
                "min_stories": params.term_min_stories,
                "min_sources": params.term_min_sources,
                "limit": params.term_limit,
                "run_id": run_id,
            },
        )
        _run(con, "detect_replace_terms")
        [counts] = warehouse.query(con, "queries/detect_counts")
        weeks, alerts, terms = counts["weeks"], counts["alerts"], counts["term_alerts"]
        seconds = time.perf_counter() - started
        con.execute(
            warehouse.sql("queries/detect_record"),
            {"run_id": run_id, "params": json.dumps(p), **counts, "seconds": seconds},
        )
        con.execute(warehouse.sql("queries/detect_drop_temp"))
    return DetectReport(
        weeks=weeks, alerts=alerts, term_alerts=terms, procedures=0, seconds=seconds
    )


def detect_report(
    con: duckdb.DuckDBPyConnection, params: DetectParams | None = None, run_id: str | None = None
) -> DetectReport:
    """Derive procedures, then refresh aggregates and alerts; counts of what was written."""
    procedures = update_procedures(con)
    report = refresh(con, params or DetectParams(), run_id)
    return DetectReport(report.weeks, report.alerts, report.term_alerts, procedures, report.seconds)


def detect(
    con: duckdb.DuckDBPyConnection, params: DetectParams | None = None, run_id: str | None = None
) -> list[dict]:
    """Recompute `alerts` (and everything derived) from the signals; alerts, newest week first."""
    detect_report(con, params, run_id)
    return warehouse.query(con, "queries/alerts")
