"""The weekly run: write the digest for a week (by default the last complete ISO week)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prefect import flow, task
from pydantic import BaseModel

from gaimon.digest import write_digest
from gaimon.home import get_home


class WeeklyParams(BaseModel):
    home: str | None = None
    week: str | None = None
    lang: str = "nl"


def last_complete_week(today: datetime | None = None) -> str:
    year, week, _ = ((today or datetime.now(UTC)) - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


@task(tags=["digest"])
def digest(params: WeeklyParams, week: str) -> dict[str, str]:
    paths = write_digest(get_home(params.home), week, params.lang)
    return {fmt: str(path) for fmt, path in paths.items()}


@flow(name="weekly")
def weekly(params: WeeklyParams | None = None) -> dict[str, str]:
    params = params or WeeklyParams()
    return digest(params, params.week or last_complete_week())
