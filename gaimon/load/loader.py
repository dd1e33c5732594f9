"""Load staged JSONL into the warehouse's `documents`, idempotently."""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from gaimon import warehouse
from gaimon.crawl.normalize import document_id
from gaimon.crawl.staging import StagedItem, StagingError, read_staged
from gaimon.registry import Registry

log = logging.getLogger(__name__)


@dataclass
class LoadReport:
    files: int = 0
    items: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _row(item: StagedItem) -> dict:
    def naive(value):
        return value.replace(tzinfo=None).isoformat() if value else None

    return {
        "doc_id": document_id(item.canonical_url),
        "canonical_url": item.canonical_url,
        "source": item.source,
        "url": item.url,
        "title": item.title,
        "text": item.text,
        "published_at": naive(item.published),
        "lang": item.lang,
        "author": item.author,
        "identifiers": item.identifiers,
        "content_hash": item.content_hash,
        "fetched_at": naive(item.fetched_at),
        "kind": item.kind,
        "extra": item.extra or None,
    }


def collect(paths: list[Path], report: LoadReport) -> dict[str, dict]:
    """Valid rows by doc_id; of two versions of one item the last fetched wins."""
    rows: dict[str, dict] = {}
    for path in paths:
        report.files += 1
        for entry in read_staged(path):
            if isinstance(entry, StagingError):
                log.error("skipped staged item: %s", entry)
                report.errors.append(str(entry))
                continue
            report.items += 1
            row = _row(entry)
            kept = rows.get(row["doc_id"])
            if kept is None or row["fetched_at"] >= kept["fetched_at"]:
                rows[row["doc_id"]] = row
    return rows


def unchanged_ids(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> set[str]:
    """Doc ids of rows already stored with the same content hash: they need no further work."""
    found = con.execute(
        warehouse.sql("queries/stored_unchanged"),
        {"ids": [r["doc_id"] for r in rows], "hashes": [r["content_hash"] for r in rows]},
    )
    return {doc_id for (doc_id,) in found.fetchall()}


def load_rows(
    con: duckdb.DuckDBPyConnection, rows: list[dict], report: LoadReport, run_id: str | None = None
) -> None:
    """Upsert validated rows in one transaction; DuckDB reads them back from a JSONL batch."""
    if not rows:
        return
    same = unchanged_ids(con, rows)
    report.unchanged += len(same)
    rows = [r for r in rows if r["doc_id"] not in same]
    if not rows:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        batch = Path(fh.name)
    try:
        with warehouse.transaction(con):
            con.execute(warehouse.sql("queries/create_staged"), [str(batch)])
            counts = warehouse.query(con, "queries/staged_changes")[0]
            warehouse.run_script(con, "queries/upsert_documents", {"run_id": run_id})
            con.execute(warehouse.sql("queries/load_drop_staged"))
    finally:
        batch.unlink(missing_ok=True)
    report.new += counts["new"]
    report.changed += counts["changed"]
    report.unchanged += counts["unchanged"]


def load_staged(
    con: duckdb.DuckDBPyConnection, paths: list[Path], run_id: str | None = None
) -> LoadReport:
    """Load staged files: new items inserted, changed ones updated, the same ones untouched.

    `run_id` (runs.run_id) is recorded on the documents the load inserts or changes.
    """
    report = LoadReport()
    rows = collect(paths, report)
    load_rows(con, list(rows.values()), report, run_id)
    return report


def sync_sources(con: duckdb.DuckDBPyConnection, registry: Registry) -> None:
    for s in registry.sources:
        con.execute(
            warehouse.sql("queries/upsert_sources"),
            [s.name, s.kind, s.url, s.lang, s.tags, s.description],
        )
