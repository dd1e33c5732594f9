"""Settings, schedules in Amsterdam time, and which weekly digests are due or missed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from gaimon.home import Home
from gaimon.ops.schedule import (
    digest_due,
    last_complete_week,
    missed_weeks,
    next_runs,
    recent_weeks,
    weeks_between,
    weeks_to_digest,
)
from gaimon.settings import DEFAULT_SETTINGS, load_settings


@pytest.fixture
def settings():
    return load_settings(DEFAULT_SETTINGS)


def test_the_bundled_settings_run_daily_at_six_and_weekly_on_monday_at_seven(settings):
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.schedules.daily == "0 6 * * *" and settings.schedules.weekly == "0 7 * * 1"
    assert settings.limits.warehouse == 1
    assert settings.tasks["crawl"].delays() == [60, 120]


def test_an_operators_file_overrides_only_what_it_names(tmp_path, monkeypatch):
    monkeypatch.delenv("GAIMON_SETTINGS", raising=False)
    home = Home(tmp_path).ensure()
    (tmp_path / "subscribers.yaml").write_text("subscribers: []\n")
    (tmp_path / "settings.yaml").write_text(
        "schedules: {weekly: '0 8 * * 2'}\ntasks: {crawl: {retries: 5, backoff: 1, timeout: 60}}\n"
        "digest: {subscribers: subscribers.yaml}\n"
    )
    chosen = load_settings(home=home)
    assert chosen.path == tmp_path / "settings.yaml"
    assert chosen.schedules.weekly == "0 8 * * 2" and chosen.schedules.daily == "0 6 * * *"
    assert chosen.tasks["crawl"].retries == 5 and chosen.tasks["classify"].batch == 2000
    assert chosen.digest.subscribers == tmp_path / "subscribers.yaml"
    monkeypatch.setenv("GAIMON_SETTINGS", str(DEFAULT_SETTINGS))
    assert load_settings(home=home).schedules.weekly == "0 7 * * 1"


@pytest.mark.parametrize(
    "text",
    [
        "schedules: {daily: '6 * *'}\n",
        "timezone: Europe/Amstelveen\n",
        "task_runner: kubernetes\n",
        "limits: {warehouse: 0}\n",
        "retries: 3\n",
    ],
)
def test_a_wrong_setting_is_refused_with_its_name(tmp_path, text):
    (tmp_path / "settings.yaml").write_text(text)
    with pytest.raises((ValidationError, ValueError)):
        load_settings(tmp_path / "settings.yaml")


def test_six_in_the_morning_stays_six_in_amsterdam_across_daylight_saving(settings):
    # Friday 27 March 2026; summer time starts on Sunday 29 March at 02:00.
    runs = next_runs(
        settings.schedules.daily, settings.timezone, datetime(2026, 3, 27, 12, tzinfo=UTC), 3
    )
    assert [r.hour for r in runs] == [5, 4, 4]  # 06:00 CET, then 06:00 CEST, in UTC
    assert digest_due("2026-W13", settings) == datetime(2026, 3, 30, 5, tzinfo=UTC)


def test_weeks(settings):
    assert weeks_between("2026-W51", "2027-W02") == [
        "2026-W51",
        "2026-W52",
        "2026-W53",
        "2027-W01",
        "2027-W02",
    ]
    assert weeks_between("2026-W10", "2026-W09") == []
    sunday_night = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # already Monday in Amsterdam
    assert last_complete_week(sunday_night, settings.zone) == "2026-W48"
    assert recent_weeks(3, sunday_night, settings.zone) == ["2026-W46", "2026-W47", "2026-W48"]


MONDAY_0630 = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)  # before the weekly run of 07:00
TUESDAY = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("done", "first", "now", "missed"),
    [
        (["2026-W46"], None, MONDAY_0630, []),  # W47's digest is not due until 07:00
        (["2026-W46"], None, TUESDAY, ["2026-W47"]),  # the Monday run did not happen
        (["2026-W43"], None, TUESDAY, ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]),
        ([], "2026-W46", TUESDAY, ["2026-W46", "2026-W47"]),  # never digested: since the first run
        ([], None, TUESDAY, []),  # nothing ever ran
        (["2026-W20"], None, TUESDAY, [f"2026-W{n}" for n in range(40, 48)]),  # at most max_weeks
    ],
)
def test_missed_digests_are_weeks_whose_weekly_run_is_overdue(settings, done, first, now, missed):
    assert missed_weeks(done, first, now, settings) == missed


def test_a_weekly_run_builds_the_missed_weeks_and_the_last_complete_week(settings):
    assert weeks_to_digest(["2026-W44"], None, TUESDAY, settings) == [
        "2026-W45",
        "2026-W46",
        "2026-W47",
    ]
    assert weeks_to_digest(["2026-W47"], None, TUESDAY, settings) == ["2026-W47"]  # again: a re-run
    assert weeks_to_digest([], None, MONDAY_0630, settings) == ["2026-W47"]


def test_the_operations_guide_explains_every_setting():
    import yaml

    from gaimon.home import REPO_ROOT

    guide = (REPO_ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    data = yaml.safe_load(DEFAULT_SETTINGS.read_text(encoding="utf-8"))
    keys = [
        f"{k}.{sub}" if isinstance(v, dict) else k
        for k, v in data.items()
        for sub in (v if isinstance(v, dict) else [None])
    ]
    missing = [key for key in keys if f"`{key}`" not in guide]
    assert missing == []
