"""Staged items: what a crawl hands to the warehouse, one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from gaimon.crawl.normalize import iso_utc, to_utc


class StagedItem(BaseModel):
    """One staged line: built and validated by the crawl before it is written, and validated
    again by the loader when read (a file may be old or edited by hand)."""

    source: str
    url: str
    canonical_url: str
    title: str
    text: str = ""
    published: datetime | None = None
    lang: str | None = None
    fetched_at: datetime
    content_hash: str
    author: str | None = None
    identifiers: dict[str, Any] = Field(default_factory=dict)
    kind: str | None = None  # the source's word for the document: article, regulation, motion...
    extra: dict[str, Any] = Field(default_factory=dict)  # source-specific facts, e.g. events

    @field_validator("published", "fetched_at", mode="before")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return to_utc(value) if isinstance(value, str | datetime) else value


def staged_line(item: StagedItem) -> str:
    """The item as one JSON line: dates as ISO 8601 UTC with a Z, other values that JSON lacks
    as their text, keys in field order, so lines read the same as those staged before."""
    fields = item.model_dump()
    fields["published"] = iso_utc(item.published)
    fields["fetched_at"] = iso_utc(item.fetched_at)
    return json.dumps(fields, ensure_ascii=False, default=str)


def validation_message(exc: ValidationError) -> str:
    """Each faulty field with what is wrong with it, on one line."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'item'}: {error['msg']}"
        for error in exc.errors()
    )


@dataclass(frozen=True)
class StagingError:
    """A staged line that could not be read, named by file and line so it can be found."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def staged_path(staging: Path, day: str, source: str) -> Path:
    return staging / day / f"{source}.jsonl"


def staged_files(staging: Path, day: str | None = None) -> list[Path]:
    pattern = f"{day}/*.jsonl" if day else "*/*.jsonl"
    return sorted(staging.glob(pattern))


def read_staged(path: Path) -> Iterator[StagedItem | StagingError]:
    """Items of one staged file; bad lines come out as errors, the rest go on."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield StagedItem.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError) as exc:
                first = str(exc).splitlines()[0]
                yield StagingError(path, number, f"source {path.stem}: {first}")
