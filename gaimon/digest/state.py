"""The digest's state in the warehouse: issues (draft, approved), dismissals and sends.

Every change is its own short transaction on a short-lived connection, so a crash leaves the
last committed state and other stages are not locked out for long.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from gaimon import warehouse


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Issue:
    week: str
    status: str
    built_at: datetime
    approved_at: datetime | None
    approved_by: str | None
    content_hash: str


@dataclass(frozen=True)
class Send:
    week: str
    address: str
    message_id: str
    status: str
    attempts: int
    error: str | None
    updated_at: datetime


class StateStore:
    """Digest state in the warehouse at `path`."""

    def __init__(self, path: Path):
        self.path = path

    @contextmanager
    def _con(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.open_warehouse(self.path, read_only=read_only) as con:
            yield con

    def issue(self, week: str) -> Issue | None:
        with self._con(read_only=True) as con:
            try:
                rows = warehouse.query(con, "queries/digest_issue", {"week": week})
            except duckdb.CatalogException:
                return None
        return Issue(**rows[0]) if rows else None

    def issues(self) -> list[Issue]:
        with self._con(read_only=True) as con:
            try:
                return [Issue(**r) for r in warehouse.query(con, "queries/digest_issues")]
            except duckdb.CatalogException:
                return []

    def save_draft(self, week: str, content_hash: str) -> None:
        with self._con() as con:
            con.execute(
                warehouse.sql("queries/digest_save_draft"),
                {"week": week, "built_at": now(), "content_hash": content_hash},
            )

    def approve(self, week: str, content_hash: str, by: str | None) -> bool:
        with self._con() as con:
            rows = con.execute(
                warehouse.sql("queries/digest_approve"),
                {
                    "week": week,
                    "content_hash": content_hash,
                    "approved_at": now(),
                    "approved_by": by,
                },
            ).fetchall()
        return bool(rows)

    def dismiss(
        self,
        week: str,
        doc_id: str,
        dimension: str,
        label: str,
        reason: str | None,
        analyst: str | None,
    ) -> None:
        with self._con() as con:
            con.execute(
                warehouse.sql("queries/digest_dismiss"),
                {
                    "week": week,
                    "doc_id": doc_id,
                    "dimension": dimension,
                    "label": label,
                    "reason": reason,
                    "analyst": analyst,
                    "dismissed_at": now(),
                },
            )

    def restore(self, doc_id: str, dimension: str, label: str) -> bool:
        with self._con() as con:
            rows = con.execute(
                warehouse.sql("queries/digest_restore"),
                {"doc_id": doc_id, "dimension": dimension, "label": label},
            ).fetchall()
        return bool(rows)

    def dismissals(self) -> list[dict]:
        with self._con(read_only=True) as con:
            try:
                return warehouse.query(con, "queries/digest_dismissals")
            except duckdb.CatalogException:
                return []

    def sends(self, week: str) -> dict[str, Send]:
        with self._con(read_only=True) as con:
            try:
                rows = warehouse.query(con, "queries/digest_sends", {"week": week})
            except duckdb.CatalogException:
                return {}
        return {r["address"]: Send(**r) for r in rows}

    def mark(
        self,
        week: str,
        address: str,
        message_id: str,
        status: str,
        attempts: int,
        error: str | None = None,
    ) -> None:
        with self._con() as con:
            con.execute(
                warehouse.sql("queries/digest_send_mark"),
                {
                    "week": week,
                    "address": address,
                    "message_id": message_id,
                    "status": status,
                    "attempts": attempts,
                    "error": error,
                    "updated_at": now(),
                },
            )
