"""When things are due: the next runs of a schedule, and which weekly digests were missed.

Cron times are read in the settings' time zone with Prefect's own schedule code, so what
`gaimon serve --list` prints is what the Prefect scheduler will do (daylight saving included).
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gaimon.settings import Settings

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_of(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def monday(week: str) -> date:
    match = WEEK.match(week)
    if not match:
        raise ValueError(f"week must look like 2026-W47, not {week!r}")
    return date.fromisocalendar(int(match[1]), int(match[2]), 1)


def weeks_between(first: str, last: str) -> list[str]:
    """ISO weeks from first to last, both included; empty when first is after last."""
    start, end = monday(first), monday(last)
    return [week_of(start + timedelta(weeks=n)) for n in range((end - start).days // 7 + 1)]


def next_week(week: str) -> str:
    return week_of(monday(week) + timedelta(weeks=1))


def last_complete_week(now: datetime, zone: ZoneInfo) -> str:
    """The week before the one that `now` falls in, in the given zone."""
    return week_of(now.astimezone(zone).date() - timedelta(weeks=1))


def recent_weeks(count: int, now: datetime, zone: ZoneInfo) -> list[str]:
    """The last `count` complete weeks, oldest first."""
    last = monday(last_complete_week(now, zone))
    return [week_of(last - timedelta(weeks=n)) for n in range(count - 1, -1, -1)]


def next_runs(cron: str, timezone: str, after: datetime, count: int = 1) -> list[datetime]:
    """The next `count` times the cron schedule fires at or after `after`, in UTC."""
    from prefect.server.schemas.schedules import CronSchedule

    schedule = CronSchedule(cron=cron, timezone=timezone)

    def compute():
        return asyncio.run(schedule.get_dates(n=count, start=after.astimezone(UTC)))

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        dates = compute()
    else:  # called from async code: asyncio.run needs a thread of its own
        with ThreadPoolExecutor(1) as pool:
            dates = pool.submit(compute).result()
    return [datetime.fromtimestamp(d.timestamp(), UTC) for d in dates]


def digest_due(week: str, settings: Settings) -> datetime:
    """When the weekly schedule builds the digest of `week`: its first run after the week ends."""
    end = datetime.combine(monday(week) + timedelta(weeks=1), time(), settings.zone)
    return next_runs(settings.schedules.weekly, settings.timezone, end)[0]


def missed_weeks(
    done: list[str], first_week: str | None, now: datetime, settings: Settings
) -> list[str]:
    """Weeks whose scheduled digest should have been built by now (plus a grace time) but
    has not been: after the last digested week, or from the first week gaimon ran."""
    start = next_week(max(done)) if done else first_week
    if start is None:
        return []
    grace = timedelta(hours=settings.catch_up.grace_hours)
    last = last_complete_week(now, settings.zone)
    due = [w for w in weeks_between(start, last) if digest_due(w, settings) + grace <= now]
    return due[-settings.catch_up.max_weeks :] if settings.catch_up.max_weeks else []


def weeks_to_digest(
    done: list[str], first_week: str | None, now: datetime, settings: Settings
) -> list[str]:
    """What a weekly run builds: any missed weeks, then the last complete week (again, if it
    was built before: a re-run rebuilds it)."""
    target = last_complete_week(now, settings.zone)
    missed = [w for w in missed_weeks(done, first_week, now, settings) if w < target]
    return missed + [target]
