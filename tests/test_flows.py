"""Real flow runs on a real (temporary) Prefect server, crawling the fixture site."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FIXTURES
from flows_world import contents, gaimon, kill, quick, rows, wait_for_pause

from flows.daily import DailyParams, daily
from gaimon import warehouse
from gaimon.home import Home
from gaimon.ops import lock, runs, steps
from gaimon.ops.schedule import week_of
from gaimon.registry import localize_registry
from gaimon.settings import load_settings

pytestmark = pytest.mark.slow

DAY = "2026-11-28"


def test_daily_run_records_itself_and_crawls_each_source_since_its_last_good_crawl(
    prefect_server, home, registry
):
    quick(home)
    # An earlier run: zorgnieuws last crawled well on 18 November, techpolicy never did.
    # The week three weeks back has its digest; the weeks after it were missed.
    earlier = datetime.now(UTC).replace(tzinfo=None) - timedelta(weeks=3)
    with warehouse.open_warehouse(home.warehouse) as con:
        old = runs.start_run(con, "daily")
        con.execute("UPDATE runs SET started_at = ? WHERE run_id = ?", [earlier, old])
        runs.finish_run(con, old, "completed")
        runs.record_source(
            con,
            old,
            runs.SourceRun(
                "zorgnieuws",
                datetime(2026, 11, 18, 6),
                datetime(2026, 11, 18, 6, 1),
                "ok",
                staged=2,
                new=2,
            ),
        )
        runs.record_week(con, old, week_of(earlier.date()), "digest", "nl")

    state = daily(
        DailyParams(home=str(home.root), registry=str(registry), day=DAY), return_state=True
    )

    assert state.is_completed() and state.name == "Completed"
    summary = state.result()
    (run,) = rows(home, "SELECT * FROM runs WHERE flow = 'daily' AND run_id <> ?", [old])
    assert run["status"] == "completed" and run["finished_at"] is not None
    assert run["flow_run_id"] == str(state.state_details.flow_run_id)
    by_source = {
        r["source"]: r
        for r in rows(home, "SELECT * FROM source_runs WHERE run_id = ?", [run["run_id"]])
    }
    # zorgnieuws: asked for items since 17 November 06:00 (a day of overlap), so the item of
    # 16 November is not fetched again; techpolicy: everything it offers.
    assert by_source["zorgnieuws"]["since"] == datetime(2026, 11, 17, 6)
    assert by_source["zorgnieuws"]["staged"] == 1 and by_source["zorgnieuws"]["new"] == 1
    assert by_source["techpolicy"]["since"] is None and by_source["techpolicy"]["new"] == 2
    titles = {r["title"] for r in rows(home, "SELECT title FROM documents")}
    assert "Ziekenhuis opent nieuwe vleugel voor kinderzorg" not in titles
    assert (
        rows(home, "SELECT count(*) AS n FROM documents WHERE run_id = ?", [run["run_id"]])[0]["n"]
        == 3
    )
    assert summary["classify"]["documents"] == 3 and summary["classify"]["batches"] == 2

    # The weekly run that should have come after the digested week did not: caught up now.
    two_weeks_back = week_of((earlier + timedelta(weeks=1)).date())
    assert two_weeks_back in summary["caught_up_weeks"]
    digested = {r["week"] for r in rows(home, "SELECT week FROM run_weeks WHERE step = 'digest'")}
    assert set(summary["caught_up_weeks"]) <= digested
    assert (home.digests / two_weeks_back).is_dir()
    assert (
        rows(home, "SELECT count(*) AS n FROM runs WHERE flow = 'weekly' AND status = 'completed'")[
            0
        ]["n"]
        == 1
    )

    assert steps.digest_plan(home, load_settings(home=home), missed_only=True) == []  # not twice


def test_a_broken_source_fails_alone_and_the_run_completes_with_errors(
    prefect_server, home, registry
):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    quick(home)
    registry.write_text(
        registry.read_text().replace("/feeds/techpolicy.atom", "/feeds/missing.atom")
    )

    state = daily(
        DailyParams(home=str(home.root), registry=str(registry), day=DAY), return_state=True
    )

    assert state.is_completed() and state.name == "Completed with errors"
    assert "1 of 2 source(s) failed: techpolicy" in state.message
    summary = state.result()
    assert summary["sources"]["zorgnieuws"]["new"] == 2
    assert summary["sources"]["techpolicy"]["status"] == "failed"
    assert "missing.atom" in summary["sources"]["techpolicy"]["message"]
    (run,) = rows(home, "SELECT status, message FROM runs WHERE flow = 'daily'")
    assert run["status"] == "completed_with_errors" and "techpolicy" in run["message"]
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(state.state_details.flow_run_id)
        task_runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])
            )
        )
    assert flow_run.state.name == "Completed with errors"
    crawls = {t.name: t.state.type.value for t in task_runs if t.name.startswith("crawl-")}
    assert crawls == {"crawl-zorgnieuws": "COMPLETED", "crawl-techpolicy": "FAILED"}
    retried = [t for t in task_runs if t.name == "crawl-techpolicy"][0]
    assert retried.run_count == 2  # one retry, as the settings say


@pytest.fixture(scope="module")
def clean(prefect_server, site, tmp_path_factory) -> dict[str, list[tuple]]:
    """What one run stores on a fresh home, undisturbed: the yardstick for runs that were killed."""
    from prefect.settings import PREFECT_API_URL

    home = quick(Home(tmp_path_factory.mktemp("clean") / "home").ensure())
    registry = localize_registry(FIXTURES / "sources.yaml", site.base, home.root / "sources.yaml")
    run = gaimon(home, "run", "--sources", str(registry), api_url=PREFECT_API_URL.value())
    output, errors = run.communicate(timeout=600)
    assert run.returncode == 0, errors
    return contents(home)


@pytest.mark.parametrize("moment", ["load_source", "store_batch"])
def test_a_run_killed_midway_and_run_again_stores_each_item_exactly_once(
    prefect_server, home, registry, clean, moment
):
    from prefect.settings import PREFECT_API_URL

    quick(home)
    first = gaimon(
        home,
        "run",
        "--sources",
        str(registry),
        api_url=PREFECT_API_URL.value(),
        GAIMON_PAUSE_AT=moment,
    )
    held = wait_for_pause(home, first, moment)
    assert held.pid == first.pid and held.flow == "daily" and held.run_id
    batches = sorted(home.runs.glob("*/classify/*.jsonl"))
    kill(first)  # the machine goes down, at that very step

    # The next run starts at once (it would give up at once if the killed run's lock were
    # still held: the quick settings wait 0 s for another run), and ends as a clean run does.
    second = gaimon(home, "run", "--sources", str(registry), api_url=PREFECT_API_URL.value())
    output, errors = second.communicate(timeout=600)
    assert second.returncode == 0, errors
    assert contents(home) == clean
    runs_ = rows(home, "SELECT run_id, status FROM runs ORDER BY started_at")
    assert [(r["run_id"], r["status"]) for r in runs_][0] == (held.run_id, "interrupted")
    assert [r["status"] for r in runs_] == ["interrupted", "completed"]
    urls = [r["canonical_url"] for r in rows(home, "SELECT canonical_url FROM documents")]
    assert len(urls) == len(set(urls)) == 4
    if moment == "store_batch":  # the killed run left batch files
        assert batches and all(b.is_relative_to(home.runs / held.run_id) for b in batches)
    assert list(home.runs.iterdir()) == []  # the next run removed them, and its own when done
    assert lock.holder(home) is None


STAGED = [
    {
        "source": "zorgnieuws",
        "url": "https://zorg.example/chatbot",
        "canonical_url": "https://zorg.example/chatbot",
        "title": "Huisartsen waarschuwen voor chatbot die verkeerd medisch advies geeft",
        "text": "Patiënten die ChatGPT om raad vragen over medicijnen krijgen soms fout advies. De "
        "generatieve AI gaat hallucineren over doseringen, zeggen huisartsen.",
        "published": "2026-11-17T08:30:00Z",
        "lang": "nl",
        "fetched_at": "2026-11-28T05:00:00Z",
        "content_hash": "a1",
    },
    {
        "source": "zorgnieuws",
        "url": "https://zorg.example/vleugel",
        "canonical_url": "https://zorg.example/vleugel",
        "title": "Ziekenhuis opent nieuwe vleugel voor kinderzorg",
        "text": "Het ziekenhuis in Zwolle heeft een nieuwe vleugel geopend met veertig bedden voor "
        "kinderen.",
        "published": "2026-11-16T14:00:00Z",
        "lang": "nl",
        "fetched_at": "2026-11-28T05:00:00Z",
        "content_hash": "b2",
    },
]


def test_backfill_rebuilds_a_range_of_weeks_and_reclassify_labels_everything_again(
    prefect_server, home, con
):
    from flows.backfill import BackfillParams, backfill
    from flows.reclassify import ReclassifyParams, reclassify
    from gaimon.load.loader import load_staged

    quick(home)
    staged = home.staging / DAY / "zorgnieuws.jsonl"
    staged.parent.mkdir(parents=True)
    staged.write_text("".join(json.dumps(item) + "\n" for item in STAGED), encoding="utf-8")
    load_staged(con, [staged])
    con.close()

    again = reclassify(ReclassifyParams(home=str(home.root)))
    assert again["classify"]["documents"] == 2 and again["classify"]["errors"] == []
    assert (
        rows(home, "SELECT count(*) AS n FROM documents WHERE model_version IS NOT NULL")[0]["n"]
        == 2
    )

    built = backfill(BackfillParams(home=str(home.root), first="2026-W46", last="2026-W48"))
    assert sorted(built["built"]) == ["2026-W46", "2026-W47", "2026-W48"]
    assert built["sent"] == {} and built["awaiting_approval"] == [
        "2026-W46",
        "2026-W47",
        "2026-W48",
    ]
    assert (home.digests / "2026-W47" / "digest.html").is_file()
    flows = [
        (r["flow"], r["status"])
        for r in rows(home, "SELECT flow, status FROM runs ORDER BY started_at")
    ]
    assert flows == [("reclassify", "completed"), ("backfill", "completed")]
    weeks = rows(
        home,
        "SELECT week FROM run_weeks JOIN runs USING (run_id) WHERE flow = 'backfill' ORDER BY week",
    )
    assert [w["week"] for w in weeks] == ["2026-W46", "2026-W47", "2026-W48"]
