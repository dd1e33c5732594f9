"""The steps of gaimon's runs as plain functions over a home folder; flows/ wraps each in a task.

Only `crawl` and `classify_batch` may run elsewhere (threads, Dask workers): they read and
write files in the home. Every other step writes the warehouse and runs in the flow's own
process, one at a time, holding the home's writer lock (gaimon.ops.lock).

To rehearse a crash, `GAIMON_PAUSE_AT=<step>` (e.g. `store_batch`) makes a run stop for good
when it reaches that step, warehouse open and writer lock held, and say so in
`$GAIMON_HOME/run.lock`; then kill it.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from gaimon import warehouse
from gaimon.classify import fanout
from gaimon.crawl.run import CrawlError, crawl_source
from gaimon.detect.alerts import detect_report
from gaimon.home import Home
from gaimon.load.cluster import cluster_documents
from gaimon.load.loader import LoadReport, load_staged, sync_sources
from gaimon.ops import lock, runs, schedule
from gaimon.registry import Registry, Source
from gaimon.settings import Settings
from gaimon.train import training


@dataclass
class RunStart:
    run_id: str
    started_at: datetime


@dataclass
class Crawled:
    """What a crawl worker hands back: counts and timing; the items are in the staged file."""

    source: str
    started_at: datetime
    finished_at: datetime
    since: datetime | None
    ok: bool
    staged: int
    errors: int
    message: str = ""


PAUSE_AT = "GAIMON_PAUSE_AT"


@contextmanager
def writing(home: Home, step: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, open for one step that writes it, under the home's writer lock."""
    with lock.writer(home, step), warehouse.open_warehouse(home.warehouse) as con:
        if os.environ.get(PAUSE_AT) == step:
            lock.note(home, paused=True)
            threading.Event().wait()  # until the process is killed
        yield con


def open_run(
    home: Home,
    flow: str,
    params: dict[str, Any],
    task_runner: str = "local",
    registry: Registry | None = None,
    flow_run_id: str | None = None,
) -> RunStart:
    """Migrate the warehouse, write the registry's sources into `sources`, and record the run
    as running (runs killed earlier are marked as interrupted first)."""
    with (
        runs.noted_if_unwritable(home, flow, flow_run_id),
        writing(home.ensure(), "open_run") as con,
    ):
        warehouse.migrate(con)
        if registry is not None:
            sync_sources(con, registry)
        run_id = runs.start_run(con, flow, params, task_runner, flow_run_id)
        lock.note(home, run_id=run_id)
        return RunStart(run_id, runs.utcnow())


def remove_orphans(home: Home) -> list[str]:
    """Remove the work files (classification batches) of runs that are no longer running:
    a killed run leaves them behind, and the next run exports its own. Done under the writer
    lock, which a command classifying in its own work folder holds throughout."""
    with writing(home, "remove_orphans") as con:
        live = {r["run_id"] for r in warehouse.query(con, "queries/runs_open")}
        gone = []
        for folder in sorted(home.runs.glob("*")) if home.runs.is_dir() else []:
            if folder.is_dir() and folder.name not in live:
                shutil.rmtree(folder, ignore_errors=True)
                gone.append(folder.name)
    return gone


def load_pending(
    home: Home, run_id: str | None = None, source: str | None = None, day: str | None = None
) -> LoadReport:
    """Load the staged files (of one source or day, or all) not loaded yet or grown since, and
    record them in `staged_loads`, so that no later run loads them again. `run_id`: the run
    that loads them (None: a load from the command line)."""
    with writing(home, "load_pending") as con:
        return _load_pending(con, home, run_id, source, day)


def _load_pending(
    con: duckdb.DuckDBPyConnection,
    home: Home,
    run_id: str | None,
    source: str | None = None,
    day: str | None = None,
) -> LoadReport:
    files = runs.pending_files(con, home.staging, source)
    if day is not None:
        files = {p: size for p, size in files.items() if p.parent.name == day}
    report = load_staged(con, list(files), run_id)
    runs.mark_loaded(con, home.staging, files, run_id)
    return report


def load_leftovers(home: Home, run_id: str) -> dict[str, int]:
    """Load the staged files an earlier run left unloaded (it was killed, or its writer
    failed), recorded as loaded by this run."""
    with writing(home, "load_leftovers") as con:
        report = _load_pending(con, home, run_id)
    return {"files": report.files, "new": report.new, "changed": report.changed}


def crawl_windows(
    home: Home, sources: list[str], overlap: timedelta = timedelta(hours=24)
) -> dict[str, datetime | None]:
    """From when each source should be crawled: its last good crawl less `overlap` (None:
    from the start). Writes nothing; it reads under the writer lock, like the other steps."""
    with writing(home, "crawl_windows") as con:
        return runs.since(con, sources, overlap)


def crawl(
    source: Source,
    home: Home,
    registry: Path | None,
    day: str,
    since: datetime | None,
    timeout: float,
) -> Crawled:
    """Crawl one source into the day's staged file; raise when it stored nothing and failed."""
    started = runs.utcnow()
    report = crawl_source(source, home, registry, day, since=since, timeout=timeout)
    if not report.ok and report.staged == 0:
        raise CrawlError(
            f"source {source.name}: nothing staged, {report.errors} error(s): {report.message}"
        )
    return Crawled(
        source.name,
        started,
        runs.utcnow(),
        since,
        report.ok,
        report.staged,
        report.errors,
        report.message,
    )


def load_source(home: Home, run_id: str, crawled: Crawled) -> runs.SourceRun:
    """Load every staged file of the source not loaded yet, and record the source's run."""
    with writing(home, "load_source") as con:
        report = _load_pending(con, home, run_id, crawled.source)
        record = runs.SourceRun(
            source=crawled.source,
            started_at=crawled.started_at,
            finished_at=runs.utcnow(),
            status="ok" if crawled.ok else "partial",
            since=crawled.since,
            staged=crawled.staged,
            errors=crawled.errors + len(report.errors),
            new=report.new,
            changed=report.changed,
            unchanged=report.unchanged,
            message=crawled.message or "; ".join(report.errors[-1:]),
        )
        runs.record_source(con, run_id, record)
    return record


def fail_source(
    home: Home, run_id: str, source: str, started_at: datetime, since: datetime | None, message: str
) -> runs.SourceRun:
    record = runs.SourceRun(
        source=source,
        started_at=started_at,
        finished_at=runs.utcnow(),
        status="failed",
        since=since,
        message=message[:2000],
    )
    with writing(home, "fail_source") as con:
        runs.record_source(con, run_id, record)
    return record


def cluster_stories(home: Home) -> int:
    """Give syndicated copies of one story one cluster_id, over the recent window; how many
    changed."""
    with writing(home, "cluster_stories") as con:
        return cluster_documents(con)


def export_batches(
    home: Home, run_id: str, size: int, everything: bool = False, model: fanout.Model | None = None
) -> tuple[fanout.Model, list[Path]]:
    """Pick the model (training it if none fits), unless given one, and write the documents
    awaiting it as batch files in the run's work folder."""
    model = model or training.load_or_train_model(home)
    with writing(home, "export_batches") as con:
        return model, fanout.export(
            con, model.version, fanout.work_dir(home, run_id), size, everything
        )


def classify_batch(batch: Path, model: fanout.Model) -> fanout.BatchResult:
    return fanout.classify_file(batch, model)


def store_batch(home: Home, result: fanout.BatchResult, model: fanout.Model) -> dict[str, int]:
    with writing(home, "store_batch") as con:
        signals = fanout.store_file(con, result, model)
    result.results.unlink(missing_ok=True)
    result.results.with_name(result.results.name.replace(".out.jsonl", ".jsonl")).unlink(
        missing_ok=True
    )
    return {
        "documents": result.documents,
        "relevant": result.relevant,
        "signals": signals,
        "cut": result.cut,
        "failed": len(result.errors),
    }


@dataclass
class Classified:
    """What classifying in one process did (`classify_here`)."""

    model_version: str
    batches: int = 0
    documents: int = 0
    relevant: int = 0
    signals: int = 0
    cut: int = 0  # documents classified on their start only
    errors: list[str] = field(default_factory=list)  # one line per document that failed


def classify_here(
    home: Home, size: int, everything: bool = False, model: fanout.Model | None = None
) -> Classified:
    """The flows' classification steps one after the other in this process: export the
    documents awaiting the model (all with `everything`) as batch files, classify each, store
    each. A document that fails is left for the next run. The writer lock is held throughout,
    so that no run starting meanwhile takes the work folder for an orphan's."""
    work = f"here-{uuid.uuid4().hex}"
    with lock.writer(home, "classify_here"):
        return _classify_here(home, work, size, everything, model)


def _classify_here(
    home: Home, work: str, size: int, everything: bool, model: fanout.Model | None
) -> Classified:
    try:
        model, batches = export_batches(home, work, size, everything, model)
        done = Classified(model.version, len(batches))
        for batch in batches:
            result = classify_batch(batch, model)
            done.errors += [e.removeprefix(f"{batch.name}: ") for e in result.errors]
            stored = store_batch(home, result, model)
            done.documents += stored["documents"]
            done.relevant += stored["relevant"]
            done.signals += stored["signals"]
            done.cut += stored["cut"]
    finally:
        shutil.rmtree(fanout.work_dir(home, work).parent, ignore_errors=True)
    return done


def detect_alerts(home: Home, run_id: str | None = None) -> dict[str, Any]:
    """Recompute weekly aggregates and alerts for every week; what was written."""
    with writing(home, "detect_alerts") as con:
        report = detect_report(con, run_id=run_id)
    return {
        "weeks": report.weeks,
        "alerts": report.alerts,
        "term_alerts": report.term_alerts,
        "procedures": report.procedures,
    }


def digest_week(
    home: Home, run_id: str, week: str, langs: list[str], pdf: bool = True, force: bool = False
) -> dict[str, Any]:
    """Build the draft digest of a week (all languages) and record that this run built it.
    An approved digest stays as approved (rebuilding it is an analyst's decision: `force`)."""
    from gaimon.digest import build_digest
    from gaimon.digest.workflow import store

    with lock.writer(home, "digest_week"):  # the digest's state is kept in the warehouse
        issue = store(home).issue(week)
        if issue is not None and issue.status == "approved" and not force:
            outcome: dict[str, Any] = {"status": "approved", "kept": True}
        else:
            report = build_digest(home, week, tuple(langs), force=force, pdf=pdf)
            outcome = {
                "status": report.status,
                "risks": len(report.risks),
                "paths": {
                    lang: {fmt: str(p) for fmt, p in paths.items()}
                    for lang, paths in report.paths.items()
                },
            }
        with writing(home, "digest_week") as con:
            runs.record_week(con, run_id, week, "digest", ",".join(langs), outcome["status"])
    return outcome


def unsent_weeks(home: Home, weeks: list[str]) -> list[str]:
    """Approved digests among `weeks` that went to nobody yet, or whose sending broke off."""
    from gaimon.digest.workflow import store

    state = store(home)
    approved = {i.week for i in state.issues() if i.status == "approved"}
    pending = []
    for week in weeks:
        sends = state.sends(week) if week in approved else None
        if sends is not None and (not sends or any(s.status != "sent" for s in sends.values())):
            pending.append(week)
    return pending


def send_week(home: Home, run_id: str, week: str, subscribers: Path) -> dict[str, Any]:
    """Send a week's approved digest to every subscriber who has not had it; raise (so the
    task retries, and no one gets it twice) when some copies failed."""
    from gaimon.digest.mail import SmtpSettings
    from gaimon.digest.send import send_digest

    with lock.writer(home, "send_week"):  # who got which digest is kept in the warehouse
        report = send_digest(home, week, subscribers, SmtpSettings.from_env())
        counts = {
            "sent": len(report.sent),
            "skipped": len(report.skipped),
            "failed": len(report.failed),
            "unknown": len(report.unknown),
        }
        with writing(home, "send_week") as con:
            runs.record_week(con, run_id, week, "sent", "", json.dumps(counts))
    if not report.ok:
        raise RuntimeError(
            f"digest {week}: {counts['failed']} failed, {counts['unknown']} unknown: "
            f"{report.failed or report.unknown}"
        )
    return counts


def digest_plan(
    home: Home, settings: Settings, now: datetime | None = None, missed_only: bool = False
) -> list[str]:
    """Weeks a weekly run should build (missed ones and the last complete week), or with
    `missed_only` just the weeks whose scheduled digest was missed (for the daily catch-up)."""
    now = now or datetime.now(UTC)
    with warehouse.open_warehouse(home.warehouse) as con:
        done = runs.weeks_done(con, "digest")
        first = runs.first_run_at(con)
    first_week = schedule.week_of(first.date()) if first else None
    if missed_only:
        return schedule.missed_weeks(done, first_week, now, settings)
    return schedule.weeks_to_digest(done, first_week, now, settings)


def finish(
    home: Home, run_id: str, status: str, message: str = "", summary: dict[str, Any] | None = None
) -> None:
    with (
        runs.noted_if_unwritable(home, "", run_id=run_id, status=status, message=message),
        writing(home, "finish") as con,
    ):
        runs.finish_run(con, run_id, status, message, summary)


def summarize(records: list[runs.SourceRun]) -> dict[str, Any]:
    """Per-source outcome of a run, as the run's summary and the flow's return value show it."""
    return {
        r.source: {
            k: v
            for k, v in asdict(r).items()
            if k in ("status", "staged", "errors", "new", "changed", "unchanged", "message")
        }
        for r in records
    }
