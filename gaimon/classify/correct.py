"""An analyst's correction of one document: recorded in `labels`, applied to its signals at once.

The corrections themselves (parsing, applying them to a classification) live in labels.py;
this module writes them and rewrites the document's signals through signals.py.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime

import duckdb

from gaimon import warehouse
from gaimon.classify.classifier import Classification, Evidence
from gaimon.classify.labels import Correction, LabelError, parse_label
from gaimon.classify.signals import store
from gaimon.taxonomy import LIST_DIMENSIONS, Taxonomy, default_taxonomy


def record(
    con: duckdb.DuckDBPyConnection,
    doc_id: str,
    add: list[str],
    remove: list[str],
    analyst: str | None = None,
    note: str | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[Correction]:
    """Store corrections of one document and apply them to its stored labels at once."""
    taxonomy = taxonomy or default_taxonomy()
    if not warehouse.query(con, "queries/document_exists", {"doc_id": doc_id}):
        raise LabelError(f"no document {doc_id!r} in the warehouse")
    parsed = [(parse_label(t, taxonomy), "add") for t in add] + [
        (parse_label(t, taxonomy), "remove") for t in remove
    ]
    kinds_added = [lb for (d, lb), a in parsed if d == "kind" and a == "add"]
    if len(kinds_added) > 1:
        raise LabelError("a document has one kind: add at most one kind:…")
    now = datetime.now(UTC).replace(tzinfo=None)
    analyst = analyst or _whoami()
    done = []
    with warehouse.transaction(con):
        for (dimension, label), action in parsed:
            if dimension == "kind" and action == "add":
                con.execute(
                    warehouse.sql("queries/labels_drop_other_kinds"),
                    {"doc_id": doc_id, "label": label},
                )
            con.execute(
                warehouse.sql("queries/labels_upsert"),
                {
                    "doc_id": doc_id,
                    "dimension": dimension,
                    "label": label,
                    "action": action,
                    "analyst": analyst,
                    "note": note,
                    "labelled_at": now,
                },
            )
            done.append(Correction(dimension, label, action))
    reapply(con, doc_id, taxonomy)
    return done


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


def stored_classification(
    con: duckdb.DuckDBPyConnection, doc_id: str
) -> tuple[Classification, str | None]:
    """A document's labels as stored in `signals`, and the model version that wrote them."""
    rows = warehouse.query(con, "queries/signals_of_document", {"doc_id": doc_id})
    if not rows:
        raise LabelError(f"no document {doc_id!r} in the warehouse")
    first = rows[0]
    result = Classification(
        id=doc_id,
        lang=first["lang"] or "en",
        relevant=bool(first["relevant"]),
        read_chars=first["read_chars"],
        closest_call=first["closest_call"],
        margin=first["margin"],
    )
    for row in rows:
        if row["dimension"] is None:
            continue
        dimension, label = row["dimension"], row["label"]
        if dimension == "kind":
            result.kind = label
        elif dimension in LIST_DIMENSIONS:
            getattr(result, dimension).append(label)
        result.scores.setdefault(dimension, {})[label] = row["score"]
        spans = json.loads(row["evidence"] or "[]")
        for span in spans:
            if {"text", "start", "end"} <= set(span):
                result.evidence.append(
                    Evidence(
                        label=f"{dimension}:{label}",
                        text=span["text"],
                        start=span["start"],
                        end=span["end"],
                    )
                )
    return result, first["model_version"]


def reapply(con: duckdb.DuckDBPyConnection, doc_id: str, taxonomy: Taxonomy | None = None) -> bool:
    """Rewrite a classified document's signals with its corrections; False if not classified yet.

    A document made relevant by a correction is also queued for classification again, so
    that the classifier's own labels for it are added to the analyst's.
    """
    taxonomy = taxonomy or default_taxonomy()
    result, version = stored_classification(con, doc_id)
    if version is None:
        return False
    was_relevant = result.relevant
    store(con, [result], version, theme_of=taxonomy.value_themes())
    [now] = warehouse.query(con, "queries/document_exists", {"doc_id": doc_id})
    if now["relevant"] and not was_relevant:
        con.execute(warehouse.sql("queries/document_requeue"), {"doc_id": doc_id})
    return True
