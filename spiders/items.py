"""The item a spider yields: what it read, before staging adds hashes and canonical URLs."""

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
