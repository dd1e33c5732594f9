"""Emerging-risk detection on planted series: what must alert does, what must not does not."""

from __future__ import annotations

import math
import random

import pytest
from warehouse_data import Builder, Story, weeks_back

from gaimon import warehouse
from gaimon.detect.alerts import DetectParams, detect, detect_report

SECTORS = ["healthcare", "education", "media"]
VALUES = ["privacy", "reliability", "employment", "ownership"]
LAST = "2026-W47"
WEEKS = weeks_back(LAST, 16)
SOURCES = ["nos", "nu", "rtl", "fd", "trouw"]


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: enough for the small means of these series."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def background(
    builder: Builder,
    seed: int,
    mean: float = 6.0,
    surge_week: str | None = None,
    surge: float = 1.0,
) -> None:
    """Every sector and value with Poisson stories each week; `surge_week` multiplies them all."""
    rng = random.Random(seed)
    for week in WEEKS:
        factor = surge if week == surge_week else 1.0
        for sector in SECTORS:
            for value in VALUES:
                for _ in range(poisson(rng, mean * factor)):
                    builder.add(
                        Story(
                            week,
                            [value],
                            [sector],
                            title="Nieuws over algoritmes",
                            sources=[rng.choice(SOURCES)],
                            day=rng.randrange(7),
                        )
                    )


def build(con, *fills) -> None:
    builder = Builder()
    for fill in fills:
        fill(builder)
    builder.write(con)


def statuses(con, week: str = LAST) -> dict[tuple[str, str], str]:
    rows = con.execute(
        "SELECT sector, value, status FROM v_emerging WHERE week = ?", [week]
    ).fetchall()
    return {(s, v): status for s, v, status in rows}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_quiet_series_raises_no_alert(con, seed):
    build(con, lambda b: background(b, seed))
    assert detect(con) == []
    assert (
        con.execute("SELECT count(*) FROM v_emerging WHERE status <> 'steady'").fetchone()[0] == 0
    )


def test_a_planted_burst_is_found_with_its_documents(con):
    planted: list[str] = []

    def burst(builder: Builder) -> None:
        for i in range(20):
            planted.extend(
                builder.add(
                    Story(
                        LAST,
                        ["privacy"],
                        ["healthcare"],
                        title=f"Lek bij ziekenhuis {i}",
                        sources=[SOURCES[i % len(SOURCES)]],
                    )
                )
            )

    build(con, lambda b: background(b, 1), burst)
    alerts = detect(con)
    assert [(a["week"], a["sector"], a["value"], a["status"]) for a in alerts] == [
        (LAST, "healthcare", "privacy", "rising")
    ]
    stored = con.execute("SELECT doc_ids, stories, baseline, p_value, score FROM alerts").fetchone()
    doc_ids, stories, baseline, p_value, score = stored
    assert set(planted) <= set(doc_ids)
    assert stories == len(doc_ids)  # one document per story here
    assert (
        stories > 2 * baseline and p_value < 1e-3 and score == pytest.approx(-math.log10(p_value))
    )


def test_a_surge_of_all_ai_news_is_not_an_alert(con):
    build(con, lambda b: background(b, 2, surge_week=LAST, surge=3.0))
    assert detect(con) == []
    totals = dict(con.execute("SELECT week, stories FROM week_totals").fetchall())
    assert totals[LAST] > 2 * totals[WEEKS[-2]]  # the surge is there, and still no alert


def test_a_value_never_seen_before_is_new(con):
    def burst(builder: Builder) -> None:
        for i in range(6):
            builder.add(
                Story(
                    LAST,
                    ["social"],
                    ["education"],
                    title=f"Leerlingen en chatbotvrienden {i}",
                    sources=[SOURCES[i % 3]],
                )
            )

    build(con, lambda b: background(b, 3), burst)
    detect(con)
    assert statuses(con)[("education", "social")] == "new"


def test_minimum_support_holds_back_a_significant_but_small_count(con):
    def three(builder: Builder) -> None:
        for i in range(3):
            builder.add(
                Story(LAST, ["cultural"], ["media"], title=f"Kunst {i}", sources=SOURCES[i : i + 1])
            )

    build(con, lambda b: background(b, 1), three)
    assert detect(con, DetectParams(min_stories=4)) == []
    [alert] = detect(con)  # default minimum support: three stories
    assert (alert["sector"], alert["value"], alert["status"]) == ("media", "cultural", "new")


def test_syndicated_copies_count_as_one_story(con):
    def copies(builder: Builder) -> None:
        for _ in range(2):  # two stories, each syndicated by five outlets
            builder.add(Story(LAST, ["cultural"], ["media"], title="Kunst", sources=SOURCES))

    build(con, lambda b: background(b, 1), copies)
    detect(con)
    stories, documents, sources = con.execute(
        "SELECT stories, documents, sources FROM v_sector_week WHERE sector = 'media' AND value = "
        "'cultural'"
        " AND week = ?",
        [LAST],
    ).fetchone()
    assert (stories, documents, sources) == (2, 10, 5)
    assert statuses(con)[("media", "cultural")] == "steady"


def test_a_collapse_is_falling(con):
    build(con, lambda b: background(b, 4, mean=12.0))
    con.execute(
        "DELETE FROM signals WHERE doc_id IN (SELECT doc_id FROM v_signals WHERE week = ? "
        "AND sector = 'media' AND dimension = 'values' AND label = 'privacy')",
        [LAST],
    )
    detect(con)
    assert statuses(con)[("media", "privacy")] == "falling"
    assert not con.execute("SELECT count(*) FROM alerts WHERE status = 'falling'").fetchone()[0]


def test_without_eight_weeks_of_history_nothing_is_tested(con):
    builder = Builder()
    for week in WEEKS[-5:]:
        for i in range(4):
            builder.add(Story(week, ["privacy"], ["healthcare"], title=f"Nieuws {i}"))
    for i in range(30):
        builder.add(Story(LAST, ["reliability"], ["media"], title=f"Hallucinaties {i}"))
    builder.write(con)
    assert detect(con) == []
    assert con.execute("SELECT bool_or(tested) FROM v_emerging").fetchone()[0] is False


def test_the_baseline_is_at_least_eight_weeks():
    with pytest.raises(ValueError):
        DetectParams(baseline_weeks=6)
    assert DetectParams(baseline_weeks=12).baseline_weeks == 12


def test_empty_weeks_count_as_zero_in_the_baseline(con):
    """A week without any AI news is in the grid, so it cannot hide in the baseline."""
    builder = Builder()
    for week in WEEKS[:10] + WEEKS[11:]:  # no news at all in WEEKS[10]
        for i in range(5):
            builder.add(Story(week, ["privacy"], ["healthcare"], title=f"n {i}"))
            builder.add(Story(week, ["employment"], ["labour"], title=f"m {i}"))
    builder.write(con)
    detect(con)
    weeks = [
        w for (w,) in con.execute("SELECT week FROM week_totals ORDER BY week_start").fetchall()
    ]
    assert weeks == WEEKS
    row = con.execute(
        "SELECT stories, week_stories, tested FROM v_emerging WHERE week = ? "
        "AND sector = 'healthcare' AND value = 'privacy'",
        [WEEKS[10]],
    ).fetchone()
    assert row == (0, 0, False)


def test_new_terms_that_suddenly_co_occur_with_a_value_are_reported(con):
    def burst(builder: Builder) -> None:
        for i in range(4):
            builder.add(
                Story(
                    LAST,
                    ["privacy"],
                    ["healthcare", "public_sector"],
                    title=f"Stemkloon misleidt bellers {i}",
                    sources=[SOURCES[i % 3]],
                    evidence={"privacy": ["stemkloon"]},
                )
            )

    build(con, lambda b: background(b, 1), burst)
    report = detect_report(con)
    assert report.term_alerts >= 1
    row = con.execute(
        "SELECT stories, sources, sectors, term_baseline_stories, len(doc_ids) "
        "FROM term_alerts WHERE week = ? AND value = 'privacy' AND term = 'stemkloon'",
        [LAST],
    ).fetchone()
    assert row == (4, 3, ["healthcare", "public_sector"], 0, 4)
    common = con.execute(
        "SELECT count(*) FROM term_alerts WHERE term IN ('nieuws', 'algoritmes')"
    ).fetchone()[0]
    assert common == 0  # words the value's stories always had are not new


def test_a_term_from_one_source_only_is_not_reported(con):
    def burst(builder: Builder) -> None:
        for i in range(5):
            builder.add(
                Story(
                    LAST, ["privacy"], ["healthcare"], title=f"Huismerkwoord {i}", sources=["nos"]
                )
            )

    build(con, lambda b: background(b, 1), burst)
    detect(con)
    assert (
        con.execute("SELECT count(*) FROM term_alerts WHERE term = 'huismerkwoord'").fetchone()[0]
        == 0
    )


def test_detection_is_recorded_and_repeatable(con):
    build(con, lambda b: background(b, 1))
    first = detect(con)
    second = detect(con, run_id="run-2")
    assert first == second
    rows = con.execute(
        "SELECT run_id, params->>'baseline_weeks', weeks FROM detections ORDER BY detected_at"
    ).fetchall()
    assert rows == [(None, "8", len(WEEKS)), ("run-2", "8", len(WEEKS))]


def _nb_reference(x: int, mu: float, phi: float, upper: bool) -> float:
    def log_pmf(k: int) -> float:
        if phi <= 1.000001:
            return k * math.log(mu) - mu - math.lgamma(k + 1)
        r = mu / (phi - 1)
        return (
            math.lgamma(k + r)
            - math.lgamma(r)
            - math.lgamma(k + 1)
            - r * math.log(phi)
            + k * math.log((phi - 1) / phi)
        )

    lower = math.fsum(math.exp(log_pmf(k)) for k in range(0, x + (0 if upper else 1)))
    if upper:
        tail = math.fsum(math.exp(log_pmf(k)) for k in range(x, x + 20000))
        return tail if x > mu else 1 - lower
    return lower


@pytest.mark.parametrize(
    ("x", "mu", "phi"),
    [
        (10, 3.0, 1.0),
        (3, 0.06, 1.0),
        (50, 20.0, 2.5),
        (5, 20.0, 2.5),
        (400, 300.0, 3.0),
        (0, 2.0, 1.0),
        (4, 0.5, 10.0),
        (12, 12.0, 1.0),
    ],
)
def test_tail_probabilities_match_a_direct_sum(con, x, mu, phi):
    upper, lower = con.execute(
        "SELECT nb_upper_tail(?, ?, ?), nb_lower_tail(?, ?, ?)", [x, mu, phi, x, mu, phi]
    ).fetchone()
    assert upper == pytest.approx(_nb_reference(x, mu, phi, upper=True), rel=1e-6, abs=1e-12)
    assert lower == pytest.approx(_nb_reference(x, mu, phi, upper=False), rel=1e-6, abs=1e-12)


def test_digest_contract_columns(con):
    build(con, lambda b: background(b, 1))
    detect(con)
    columns = [r[0] for r in con.execute("DESCRIBE v_emerging").fetchall()]
    assert columns[:8] == [
        "sector",
        "value",
        "week",
        "stories",
        "sources",
        "baseline",
        "score",
        "status",
    ]
    alert_columns = {r[0] for r in con.execute("DESCRIBE alerts").fetchall()}
    assert {
        "week",
        "sector",
        "value",
        "stories",
        "baseline",
        "score",
        "status",
        "doc_ids",
    } <= alert_columns
    assert warehouse.query(con, "queries/alerts") == []


def test_the_detect_command_reports_alerts_and_refuses_a_short_baseline(home):
    from typer.testing import CliRunner

    from gaimon.cli import app

    def burst(builder: Builder) -> None:
        for i in range(20):
            builder.add(
                Story(LAST, ["privacy"], ["healthcare"], title=f"Lek {i}", sources=[SOURCES[i % 5]])
            )

    with warehouse.open_warehouse(home.warehouse) as con:
        build(con, lambda b: background(b, 1), burst)
    runner = CliRunner()
    result = runner.invoke(app, ["detect", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert "1 alert(s)" in result.output and "healthcare" in result.output
    refused = runner.invoke(app, ["detect", "--baseline-weeks", "4", "--home", str(home.root)])
    assert refused.exit_code == 2 and "at least 8" in refused.output


def test_detection_on_an_empty_warehouse_finds_nothing(con):
    report = detect_report(con)
    assert (report.weeks, report.alerts, report.term_alerts, report.procedures) == (0, 0, 0, 0)
    assert con.execute("SELECT count(*) FROM v_emerging").fetchone()[0] == 0
