"""Where the digest's items come from: source health, jurisdictions and procedure stages.

Source health and legislative procedures are kept by other stages (`source_health` in
gaimon.detect.health, the views v_source_health and v_legislation). The digest uses them when the
warehouse has them and otherwise falls back on what `documents` and `sources` say.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

import duckdb

from gaimon import warehouse
from gaimon.detect.health import source_health
from gaimon.digest.model import SourceRow

log = logging.getLogger(__name__)


def _as_dict(row: Any) -> dict[str, Any]:
    if isinstance(row, dict):
        return row
    if dataclasses.is_dataclass(row):
        return dataclasses.asdict(row)
    if hasattr(row, "model_dump"):
        return row.model_dump()
    return dict(row)


def _health_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]] | None:
    # The operator section is a courtesy: a failure here must not stop the digest.
    try:
        return [_as_dict(r) for r in source_health(con)]
    except duckdb.Error as exc:
        log.warning("source health unavailable, using document counts: %s", exc)
    return None


def _status(row: dict[str, Any], seen: dict[str, Any]) -> tuple[str, str | None]:
    """A short status and an explanation, from health flags when there are any."""
    if "flags" in row:
        flags = list(row.get("flags") or [])
        notes = row.get("notes") or ([row["last_message"]] if row.get("last_message") else [])
        return (", ".join(flags) or "ok"), (
            "; ".join(str(n) for n in notes) if flags and notes else None
        )
    status = row.get("status") or ("ok" if seen.get("documents") else "quiet")
    message = row.get("message") or row.get("last_error")
    return str(status), (str(message) if message else None)


def _source_row(row: dict[str, Any], counts: dict[str, dict]) -> SourceRow:
    name = str(row.get("source") or row.get("name"))
    seen = counts.get(name, {})
    status, message = _status(row, seen)
    return SourceRow(
        source=name,
        kind=row.get("kind") or seen.get("kind"),
        documents=int(seen.get("documents") or 0),
        relevant=int(seen.get("relevant") or 0),
        last_fetched_at=row.get("last_run_at")
        or row.get("last_fetched_at")
        or seen.get("last_fetched_at"),
        last_published_at=seen.get("last_published_at"),
        status=status,
        message=message,
    )


def source_rows(con: duckdb.DuckDBPyConnection, week: str) -> list[SourceRow]:
    """Per source: documents in the week, last delivery and health status."""
    counts = {
        r["source"]: r for r in warehouse.query(con, "queries/digest_source_health", {"week": week})
    }
    health = _health_rows(con)
    rows = health if health is not None else list(counts.values())
    result = [_source_row(r, counts) for r in rows]
    return sorted(result, key=lambda r: (r.status == "ok", r.status == "quiet", r.source))


def _has_table(con: duckdb.DuckDBPyConnection, *names: str) -> bool:
    found = con.execute(warehouse.sql("queries/tables_present"), [list(names)]).fetchone()
    return bool(found and found[0] == len(names))


def procedure_steps(con: duckdb.DuckDBPyConnection, week: str) -> list[dict[str, Any]]:
    """Steps of EU and Dutch procedures reported in the week, with their stage; none when the
    warehouse keeps no procedures."""
    if not _has_table(con, "procedures", "procedure_events"):
        return []
    try:
        rows = warehouse.query(con, "queries/digest_procedure_steps", {"week": week})
    except duckdb.Error as exc:
        log.warning("procedure steps unavailable: %s", exc)
        return []
    for row in rows:
        row["jurisdiction"] = _jurisdiction_name(row.get("jurisdiction"))
    return rows


def _jurisdiction_name(value: Any) -> str | None:
    if not value:
        return None
    text = str(value).lower()
    if text in ("eu", "ep", "council", "commission", "eur-lex", "eurlex"):
        return "EU"
    if text in ("nl", "tk", "ek", "rijksoverheid", "tweede kamer", "eerste kamer"):
        return "NL"
    return str(value)[:12]


def _identifiers(row: dict[str, Any]) -> dict[str, Any]:
    raw = row.get("identifiers")
    try:
        found = json.loads(raw) if isinstance(raw, str) else (raw or {})
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def jurisdiction(row: dict[str, Any]) -> str | None:
    """EU or NL: from the source's registry tags, else from the identifiers the item carries."""
    tags = {str(t).lower() for t in (row.get("source_tags") or [])}
    if "eu" in tags:
        return "EU"
    if "nl" in tags:
        return "NL"
    ids = _identifiers(row)
    if "celex" in ids or "procedure" in ids:
        return "EU"
    if "tk_zaak" in ids or "kamerstuk" in ids:
        return "NL"
    return None


def regulator(row: dict[str, Any]) -> str | None:
    """Who acted, when the item comes from the regulator itself (its registry tags say
    so); news about enforcement names the regulator in its own words."""
    tags = {str(t).lower() for t in (row.get("source_tags") or [])}
    if tags & {"regulator", "enforcement"}:
        return row.get("author") or row.get("source_description") or row.get("source")
    return None


def procedure_ref(row: dict[str, Any]) -> str | None:
    ids = _identifiers(row)
    for key in ("procedure", "celex", "tk_zaak", "kamerstuk"):
        if ids.get(key):
            return str(ids[key])
    return None
