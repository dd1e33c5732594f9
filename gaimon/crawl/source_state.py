"""What a crawler remembers about a source between runs, and how healthy each source is.

Kept in files under $GAIMON_HOME/state/, not in the warehouse: crawls run in parallel child
processes while the warehouse has one writer.

- `<source>.json`: HTTP validators (ETag, Last-Modified) per URL, the cached robots.txt, and the
  article URLs already staged with the hash of what was staged. Written by the spider, atomically,
  every so many items and at the end. A feed's new validators are written only at the end of a
  crawl that finished: a crawl killed half-way must not make the next one hear "304 Not
  Modified" for a feed whose items it never staged.
- `<source>.runs.jsonl`: one line per crawl (when, ok, items, errors, requests, last error).
  Appended by the parent process, so a crawl that dies still leaves its line.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gaimon.home import Home
from gaimon.registry import Registry

# Runs kept per source; older lines are dropped when the file is rewritten.
RUNS_KEPT = 200


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


@dataclass
class RunRecord:
    """One crawl of one source, as `gaimon sources check` shows it."""

    source: str
    started_at: str
    finished_at: str
    ok: bool
    staged: int
    errors: int
    requests: int
    responses: int
    not_modified: int
    last_error: str = ""


def runs_path(home: Home, source: str) -> Path:
    return state_dir(home) / f"{source}.runs.jsonl"


def record_run(home: Home, run: RunRecord) -> None:
    path = runs_path(home, run.source)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(run), ensure_ascii=False) + "\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) > RUNS_KEPT:
        write_atomic(path, "\n".join(lines[-RUNS_KEPT:]) + "\n")


def read_runs(home: Home, source: str) -> list[RunRecord]:
    path = runs_path(home, source)
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(RunRecord(**json.loads(line)))
        except (json.JSONDecodeError, TypeError):
            continue
    return runs


@dataclass
class SourceHealth:
    source: str
    kind: str
    status: str  # ok | failing | degraded | never
    runs: int
    last_run: str | None
    last_success: str | None
    last_error: str | None
    last_error_at: str | None
    items_last_run: int
    items_per_run: float
    errors_last_run: int
    requests_last_run: int


def source_health(
    home: Home, registry: Registry | None = None, recent: int = 10
) -> list[SourceHealth]:
    """Health of each source in the registry (or of every source that ever ran)."""
    if registry is not None:
        names = [(s.name, s.kind) for s in registry.sources]
    else:
        folder = state_dir(home)
        names = (
            sorted((p.name.removesuffix(".runs.jsonl"), "?") for p in folder.glob("*.runs.jsonl"))
            if folder.exists()
            else []
        )
    return [_health(name, kind, read_runs(home, name), recent) for name, kind in names]


def _health(name: str, kind: str, runs: list[RunRecord], recent: int) -> SourceHealth:
    if not runs:
        return SourceHealth(name, kind, "never", 0, None, None, None, None, 0, 0.0, 0, 0)
    last = runs[-1]
    successes = [r for r in runs if r.ok]
    failures = [r for r in runs if r.errors or not r.ok]
    window = runs[-recent:]
    if last.ok and not last.errors:
        status = "ok"
    elif last.staged or last.not_modified:
        status = "degraded"
    else:
        status = "failing"
    return SourceHealth(
        source=name,
        kind=kind,
        status=status,
        runs=len(runs),
        last_run=last.finished_at,
        last_success=successes[-1].finished_at if successes else None,
        last_error=failures[-1].last_error if failures else None,
        last_error_at=failures[-1].finished_at if failures else None,
        items_last_run=last.staged,
        items_per_run=round(sum(r.staged for r in window) / len(window), 1),
        errors_last_run=last.errors,
        requests_last_run=last.requests,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
