"""The item a spider yields: what it read, as it read it. The staging pipeline normalises it
into gaimon.crawl.staging.StagedItem, the one model of a staged line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FetchedItem:
    url: str
    title: str
    text: str = ""
    published: str | None = None
    lang: str | None = None
    author: str | None = None
    identifiers: dict[str, Any] = field(default_factory=dict)
    # What sort of document: article, regulation, procedure, motion... (the source's own word)
    kind: str | None = None
    # Source-specific facts worth keeping (e.g. a procedure's events); staged, not loaded.
    extra: dict[str, Any] = field(default_factory=dict)
    # False when the article page could not be read and the feed's summary stands in: staged,
    # but not remembered as known, so the next run tries the page again.
    complete: bool = True
