"""ISO weeks as the digest names them: '2026-W47'."""

from __future__ import annotations

import re
from datetime import date, timedelta

from gaimon.errors import GaimonError

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class WeekError(GaimonError, ValueError):
    """A week the digest cannot be about: malformed, not yet begun, or before the data."""


def check_week(week: str) -> str:
    match = WEEK.match(week)
    if not match:
        raise WeekError(f"week must look like 2026-W47, not {week!r}")
    try:
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise WeekError(f"{week} is not a week of the ISO calendar") from exc
    return week


def monday(week: str) -> date:
    year, number = (int(part) for part in WEEK.match(check_week(week)).groups())
    return date.fromisocalendar(year, number, 1)


def week_of(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def check_span(week: str, today: date, first: date | None = None) -> str:
    """`week` if a digest of it can say something: it has begun by `today` and, when the day
    of the first stored document is given, it does not end before that day."""
    start = monday(week)
    current = week_of(today)
    if start > today:
        raise WeekError(
            f"{week} has not begun yet (this week is {current}); "
            "a digest is about a week that has begun"
        )
    if first is not None and start + timedelta(days=6) < first:
        raise WeekError(
            f"{week} is before the first document in the warehouse ({week_of(first)}), "
            f"so its digest would be empty; choose a week from {week_of(first)} to {current}"
        )
    return week


def week_days(week: str) -> tuple[date, date]:
    """First and last day (Monday, Sunday) of the week."""
    start = monday(week)
    try:
        return start, start + timedelta(days=6)
    except OverflowError as exc:
        raise WeekError(f"{week} ends after the last day the calendar can hold") from exc


def trailing_weeks(week: str, count: int = 12) -> list[str]:
    """The `count` weeks ending with `week`, oldest first."""
    start = monday(week)
    try:
        return [week_of(start - timedelta(weeks=back)) for back in range(count - 1, -1, -1)]
    except OverflowError as exc:
        raise WeekError(f"{week} has no {count} weeks before it in the calendar") from exc
