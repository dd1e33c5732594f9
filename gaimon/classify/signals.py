"""Turn classifications of stored documents into `signals` rows.

Every row keeps the model version, score and evidence that produced it. Analysts' corrections
(the `labels` table, see gaimon/classify/labels.py) are applied to each classification before it is
written, so labelling again never undoes them; rows an analyst added have origin `analyst`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from gaimon import warehouse
from gaimon.classify.classifier import Classification
from gaimon.classify.labels import apply, corrections_by_doc
from gaimon.taxonomy import LIST_DIMENSIONS, default_taxonomy


def signal_rows(
    result: Classification,
    model_version: str,
    now: str,
    added: set[str] | frozenset[str] = frozenset(),
) -> Iterator[dict]:
    """One row per label; kind is a dimension of its own with a single label."""
    labels = [(d, label) for d in LIST_DIMENSIONS for label in getattr(result, d)]
    labels.append(("kind", result.kind))
    for dimension, label in labels:
        key = f"{dimension}:{label}"
        evidence = [e.model_dump(exclude={"label"}) for e in result.evidence if e.label == key]
        yield {
            "doc_id": result.id,
            "dimension": dimension,
            "label": label,
            "score": result.scores.get(dimension, {}).get(label, 1.0),
            "model_version": model_version,
            "evidence": evidence,  # a JSON array in the row, not a string holding one
            "classified_at": now,
            "origin": "analyst" if key in added else "model",
        }


def _write_jsonl(rows: list[dict]) -> Path:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return Path(fh.name)


def store(
    con: duckdb.DuckDBPyConnection,
    results: list[Classification],
    version: str,
    theme_of: dict[str, str] | None = None,
) -> int:
    """Write classifications (with their documents' corrections applied) as signals."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat()
    corrections = corrections_by_doc(
        con, "queries/labels_for_ids", {"ids": [r.id for r in results]}
    )
    if corrections:
        theme_of = theme_of or default_taxonomy().value_themes()
    final = []
    for result in results:
        corrected, added = apply(result, corrections.get(result.id, []), theme_of or {})
        final.append((corrected, added))
    classified = [
        {
            "doc_id": r.id,
            "relevant": r.relevant,
            "lang": r.lang,
            "model_version": version,
            "read_chars": r.read_chars,
            "closest_call": r.closest_call,
            "margin": r.margin,
        }
        for r, _ in final
    ]
    rows = [row for r, added in final if r.relevant for row in signal_rows(r, version, now, added)]
    files = [_write_jsonl(classified), _write_jsonl(rows)]
    try:
        with warehouse.transaction(con):
            con.execute(warehouse.sql("queries/create_classified"), [str(files[0])])
            con.execute(warehouse.sql("queries/create_new_signals"), [str(files[1])])
            con.execute(warehouse.sql("queries/replace_signals"))
            con.execute(warehouse.sql("queries/signals_drop_temp"))
    finally:
        for f in files:
            f.unlink(missing_ok=True)
    return len(rows)
