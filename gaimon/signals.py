"""Turn classifications of stored documents into `signals` rows."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from gaimon import warehouse
from gaimon.classify import Classification, Classifier, ClassifyInput
from gaimon.home import Home
from gaimon.taxonomy import LIST_DIMENSIONS

BATCH = 2000


@dataclass
class ClassifyReport:
    documents: int = 0
    relevant: int = 0
    signals: int = 0
    model_version: str = ""


def signal_rows(result: Classification, model_version: str, now: str) -> Iterator[dict]:
    """One row per label; kind is a dimension of its own with a single label."""
    labels = [(d, label) for d in LIST_DIMENSIONS for label in getattr(result, d)]
    labels.append(("kind", result.kind))
    for dimension, label in labels:
        key = f"{'kinds' if dimension == 'kind' else dimension}:{label}"
        evidence = [e.model_dump(exclude={"label"}) for e in result.evidence if e.label == key]
        yield {
            "doc_id": result.id,
            "dimension": dimension,
            "label": label,
            "score": result.scores.get(dimension, {}).get(label, 1.0),
            "model_version": model_version,
            "evidence": json.dumps(evidence, ensure_ascii=False),
            "classified_at": now,
        }


def _write_jsonl(rows: list[dict]) -> Path:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return Path(fh.name)


def store(con: duckdb.DuckDBPyConnection, results: list[Classification], version: str) -> int:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat()
    classified = [{"doc_id": r.id, "relevant": r.relevant, "lang": r.lang, "model_version": version}
                  for r in results]
    rows = [row for r in results if r.relevant for row in signal_rows(r, version, now)]
    files = [_write_jsonl(classified), _write_jsonl(rows)]
    try:
        con.execute("BEGIN")
        con.execute(warehouse.sql("queries/create_classified"), [str(files[0])])
        con.execute(warehouse.sql("queries/create_new_signals"), [str(files[1])])
        con.execute(warehouse.sql("queries/replace_signals"))
        con.execute("DROP TABLE classified; DROP TABLE new_signals")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for f in files:
            f.unlink(missing_ok=True)
    return len(rows)


def classify_documents(con: duckdb.DuckDBPyConnection, classifier: Classifier) -> ClassifyReport:
    """Label every document not yet labelled by this classifier version."""
    report = ClassifyReport(model_version=classifier.version)
    cursor = con.execute(warehouse.sql("queries/documents_to_classify"),
                         {"model_version": classifier.version})
    pending = cursor.fetchall()
    for start in range(0, len(pending), BATCH):
        batch = [ClassifyInput(id=d, title=t or "", text=x or "", lang=lang)
                 for d, t, x, lang in pending[start:start + BATCH]]
        results = list(classifier.classify_many(batch))
        report.documents += len(results)
        report.relevant += sum(r.relevant for r in results)
        report.signals += store(con, results, classifier.version)
    return report


def classify_home(home: Home, classifier: Classifier | None = None) -> ClassifyReport:
    with warehouse.open_warehouse(home.warehouse) as con:
        return classify_documents(con, classifier or Classifier())
