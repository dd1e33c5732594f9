"""What a crawler remembers about a source between runs.

Kept in files under $GAIMON_HOME/state/, not in the warehouse: crawls run in parallel child
processes while the warehouse has one writer. How each crawl went is not kept here: the
process that loads a crawl's staged file records it in the warehouse (`source_runs`), where
`gaimon health` judges it.

- `<source>.json`: HTTP validators (ETag, Last-Modified) per URL, the cached robots.txt, and the
  article URLs already staged with the hash of what was staged. Written by the spider, atomically,
  every so many items and at the end. A feed's new validators are written only at the end of a
  crawl that finished: a crawl killed half-way must not make the next one hear "304 Not
  Modified" for a feed whose items it never staged.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gaimon.home import Home


def state_dir(home: Home) -> Path:
    return home.root / "state"


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class SourceState:
    """One source's memory: validators per URL and the items already staged."""

    source: str
    path: Path
    validators: dict[str, dict[str, str]] = field(default_factory=dict)
    robots: dict[str, dict[str, str]] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False
    # Validators read in this crawl, kept apart until every item of their endpoint is staged.
    pending: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, home: Home, source: str) -> SourceState:
        path = state_dir(home) / f"{source}.json"
        state = cls(source=source, path=path)
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, OSError):
                data = {}  # a damaged state costs one full re-crawl, nothing more
            state.validators = data.get("validators", {})
            state.robots = data.get("robots", {})
            state.known = data.get("known", {})
            state.extra = data.get("extra", {})
        return state

    def save(self) -> None:
        if not self.dirty:
            return
        data = {
            "source": self.source,
            "saved_at": _now(),
            "validators": self.validators,
            "robots": self.robots,
            "known": self.known,
            "extra": self.extra,
        }
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, sort_keys=True))
        self.dirty = False

    # HTTP validators --------------------------------------------------------------------
    def conditional_headers(self, url: str) -> dict[str, str]:
        seen = self.validators.get(url, {})
        headers = {}
        if seen.get("etag"):
            headers["If-None-Match"] = seen["etag"]
        if seen.get("last_modified"):
            headers["If-Modified-Since"] = seen["last_modified"]
        return headers

    def remember_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Note an endpoint's validators; saved only after `commit_validators`."""
        entry = {k: v for k, v in (("etag", etag), ("last_modified", last_modified)) if v}
        if entry:
            self.pending[url] = entry

    def commit_validators(self) -> None:
        """Keep the validators noted in this crawl: call once all their items are staged."""
        for url, entry in self.pending.items():
            if self.validators.get(url) != entry:
                self.validators[url] = entry
                self.dirty = True
        self.pending.clear()

    # Items ------------------------------------------------------------------------------
    def is_known(self, canonical: str) -> bool:
        return canonical in self.known

    def staged_hash(self, canonical: str) -> str | None:
        return self.known.get(canonical)

    def remember_item(self, canonical: str, content_hash: str) -> None:
        if self.known.get(canonical) != content_hash:
            self.known[canonical] = content_hash
            self.dirty = True


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
