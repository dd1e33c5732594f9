"""ISO weeks as the digest names them: '2026-W47'."""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def check_week(week: str) -> str:
    match = WEEK.match(week)
    if not match:
        raise ValueError(f"week must look like 2026-W47, not {week!r}")
    try:
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise ValueError(f"{week} is not a week of the ISO calendar") from exc
    return week


def monday(week: str) -> date:
    year, number = (int(part) for part in WEEK.match(check_week(week)).groups())
    return date.fromisocalendar(year, number, 1)


def week_of(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def week_days(week: str) -> tuple[date, date]:
    """First and last day (Monday, Sunday) of the week."""
    start = monday(week)
    return start, start + timedelta(days=6)


def trailing_weeks(week: str, count: int = 12) -> list[str]:
    """The `count` weeks ending with `week`, oldest first."""
    start = monday(week)
    return [week_of(start - timedelta(weeks=back)) for back in range(count - 1, -1, -1)]
