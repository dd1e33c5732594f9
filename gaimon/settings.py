"""Service settings (schedules, limits, retries, catch-up) from one YAML file.

The bundled gaimon/settings.yaml holds every default. An operator's file, found at
GAIMON_SETTINGS or else $GAIMON_HOME/settings.yaml, overrides only the keys it names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from gaimon.home import Home

DEFAULT_SETTINGS = Path(__file__).resolve().parent / "settings.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Schedules(_Strict):
    daily: str
    weekly: str

    @field_validator("daily", "weekly")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"a cron schedule has five fields, not {value!r}")
        return value


class TaskPolicy(_Strict):
    retries: int = Field(ge=0)
    backoff: float = Field(ge=0)
    timeout: float = Field(gt=0)
    batch: int = Field(default=2000, gt=0)

    def delays(self) -> list[float]:
        """Waits before each retry: backoff, then doubling (as Prefect's exponential_backoff)."""
        return [self.backoff * 2**n for n in range(self.retries)]


class Limits(_Strict):
    crawl: int = Field(gt=0)
    classify: int = Field(gt=0)
    # DuckDB allows one writing process per file: the writer lock holds it to one. The key
    # stays so that settings files written for earlier versions still load.
    warehouse: Literal[1] = 1


class Locks(_Strict):
    run_wait: float = Field(ge=0)


class CatchUp(_Strict):
    overlap_hours: float = Field(ge=0)
    max_weeks: int = Field(ge=0)
    grace_hours: float = Field(ge=0)


class DigestSettings(_Strict):
    langs: list[str]
    pdf: bool = True
    subscribers: Path | None = None


class Settings(_Strict):
    timezone: str
    schedules: Schedules
    registry: Path | None = None
    task_runner: Literal["local", "dask"] = "local"
    dask_address: str | None = None
    limits: Limits
    locks: Locks
    tasks: dict[Literal["crawl", "classify", "warehouse", "digest"], TaskPolicy]
    catch_up: CatchUp
    digest: DigestSettings
    path: Path = DEFAULT_SETTINGS

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name like Europe/Amsterdam"
            ) from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: settings must be a mapping of keys")
    for key in ("registry",):
        if data.get(key):
            data[key] = str((path.parent / data[key]).resolve())
    if isinstance(data.get("digest"), dict) and data["digest"].get("subscribers"):
        data["digest"]["subscribers"] = str((path.parent / data["digest"]["subscribers"]).resolve())
    return data


def settings_file(home: Home | None = None) -> Path | None:
    """The operator's settings file, if there is one."""
    chosen = os.environ.get("GAIMON_SETTINGS")
    if chosen:
        return Path(chosen)
    if home is not None and (home.root / "settings.yaml").is_file():
        return home.root / "settings.yaml"
    return None


def load_settings(path: str | os.PathLike[str] | None = None, home: Home | None = None) -> Settings:
    """Defaults from gaimon/settings.yaml, overridden by the operator's file."""
    data = _read(DEFAULT_SETTINGS)
    chosen = Path(path) if path else settings_file(home)
    if chosen is not None:
        if not chosen.is_file():
            raise FileNotFoundError(f"no settings file at {chosen}")
        data = _merge(data, _read(chosen))
    return Settings.model_validate({**data, "path": chosen or DEFAULT_SETTINGS})
