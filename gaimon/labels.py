"""Analysts' corrections of labels: recorded in the `labels` table, applied to every
classification of the document, and used as training data.

A correction adds or removes one label (`values:privacy`, `kind:enforcement`) or says whether
the document is about AI at all (`relevant:ai`). Values imply their theme, so adding a value
adds its theme and removing the last value of a theme removes the theme, unless the theme
itself was corrected. Adding any label makes the document relevant, unless `relevant:ai` was
removed.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import duckdb

from gaimon import warehouse
from gaimon.classify import Classification, Evidence
from gaimon.errors import GaimonError
from gaimon.home import Home
from gaimon.langid import guess_lang
from gaimon.taxonomy import LIST_DIMENSIONS, Taxonomy, default_taxonomy

RELEVANCE = ("relevant", "ai")


class LabelError(GaimonError, ValueError):
    """A label that is not in the taxonomy, or a document that is not in the warehouse."""


@dataclass(frozen=True)
class Correction:
    dimension: str
    label: str
    action: Literal["add", "remove"]

    @property
    def key(self) -> str:
        return f"{self.dimension}:{self.label}"


def parse_label(text: str, taxonomy: Taxonomy | None = None) -> tuple[str, str]:
    """`values:privacy` -> ("values", "privacy"); `kinds:` is accepted for `kind:`."""
    taxonomy = taxonomy or default_taxonomy()
    dimension, _, label = text.strip().partition(":")
    dimension = "kind" if dimension == "kinds" else dimension
    if dimension == "relevant":
        return RELEVANCE
    known = taxonomy.dimensions.get("kinds" if dimension == "kind" else dimension)
    if known is None or dimension not in (*LIST_DIMENSIONS, "kind"):
        raise LabelError(f"{text!r}: dimension must be one of {', '.join((*LIST_DIMENSIONS, 'kind', 'relevant'))}")
    ids = [n.id for n in known]
    if label not in ids:
        raise LabelError(f"{text!r}: {label!r} is not an id of {dimension} ({', '.join(ids)})")
    return dimension, label


def apply(result: Classification, corrections: list[Correction], theme_of: dict[str, str]
          ) -> tuple[Classification, set[str]]:
    """The classification with corrections applied, and the labels analysts added."""
    if not corrections:
        return result, set()
    out = result.model_copy(deep=True)
    adds = {c.key for c in corrections if c.action == "add"}
    removes = {c.key for c in corrections if c.action == "remove"}
    forced = {c.action for c in corrections if (c.dimension, c.label) == RELEVANCE}
    out.relevant = ("add" in forced) if forced else (out.relevant or any(
        c.action == "add" and (c.dimension, c.label) != RELEVANCE for c in corrections))
    if not out.relevant:
        for dimension in LIST_DIMENSIONS:
            setattr(out, dimension, [])
        out.evidence = []
    else:
        for dimension in LIST_DIMENSIONS:
            if dimension == "themes":
                continue
            have = set(getattr(out, dimension))
            have |= {k.split(":", 1)[1] for k in adds if k.startswith(f"{dimension}:")}
            have -= {k.split(":", 1)[1] for k in removes if k.startswith(f"{dimension}:")}
            setattr(out, dimension, sorted(have))
        themes = {theme_of[v] for v in out.values}
        themes |= {k.split(":", 1)[1] for k in adds if k.startswith("themes:")}
        themes -= {k.split(":", 1)[1] for k in removes if k.startswith("themes:")}
        out.themes = sorted(themes)
    kinds = [k.split(":", 1)[1] for k in adds if k.startswith("kind:")]
    if kinds:
        out.kind = kinds[-1]
    elif f"kind:{out.kind}" in removes:
        ranked = sorted(out.scores.get("kind", {}).items(), key=lambda kv: -kv[1])
        out.kind = next((k for k, _ in ranked if f"kind:{k}" not in removes), out.kind)
    given = {f"{d}:{i}" for d in LIST_DIMENSIONS for i in getattr(out, d)} | {f"kind:{out.kind}"}
    out.evidence = [e for e in out.evidence if e.label in given or e.label == "relevant:ai"]
    added = {k for k in adds if k in given}
    for key in added:
        dimension, label = key.split(":", 1)
        out.scores.setdefault(dimension, {})[label] = 1.0
    return out, added


def corrections_by_doc(con: duckdb.DuckDBPyConnection, query: str = "queries/labels_all",
                       params: dict | None = None) -> dict[str, list[Correction]]:
    found: dict[str, list[Correction]] = {}
    for row in warehouse.query(con, query, params):
        found.setdefault(row["doc_id"], []).append(Correction(row["dimension"], row["label"], row["action"]))
    return found


def record(con: duckdb.DuckDBPyConnection, doc_id: str, add: list[str], remove: list[str],
           analyst: str | None = None, note: str | None = None,
           taxonomy: Taxonomy | None = None) -> list[Correction]:
    """Store corrections of one document and apply them to its stored labels at once."""
    taxonomy = taxonomy or default_taxonomy()
    if not con.execute("SELECT 1 FROM documents WHERE doc_id = ?", [doc_id]).fetchone():
        raise LabelError(f"no document {doc_id!r} in the warehouse")
    parsed = [(parse_label(t, taxonomy), "add") for t in add] + [(parse_label(t, taxonomy), "remove") for t in remove]
    kinds_added = [lb for (d, lb), a in parsed if d == "kind" and a == "add"]
    if len(kinds_added) > 1:
        raise LabelError("a document has one kind: add at most one kind:…")
    now = datetime.now(UTC).replace(tzinfo=None)
    analyst = analyst or _whoami()
    done = []
    with warehouse.transaction(con):
        for (dimension, label), action in parsed:
            if dimension == "kind" and action == "add":
                con.execute(warehouse.sql("queries/labels_drop_other_kinds"), {"doc_id": doc_id, "label": label})
            con.execute(warehouse.sql("queries/labels_upsert"), {
                "doc_id": doc_id, "dimension": dimension, "label": label, "action": action,
                "analyst": analyst, "note": note, "labelled_at": now})
            done.append(Correction(dimension, label, action))
    reapply(con, doc_id, taxonomy)
    return done


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


def stored_classification(con: duckdb.DuckDBPyConnection, doc_id: str) -> tuple[Classification, str | None]:
    """A document's labels as stored in `signals`, and the model version that wrote them."""
    rows = warehouse.query(con, "queries/signals_of_document", {"doc_id": doc_id})
    if not rows:
        raise LabelError(f"no document {doc_id!r} in the warehouse")
    first = rows[0]
    result = Classification(id=doc_id, lang=first["lang"] or "en", relevant=bool(first["relevant"]),
                            read_chars=first["read_chars"], closest_call=first["closest_call"],
                            margin=first["margin"])
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
        if isinstance(spans, str):  # written as a string holding JSON before migration 0011
            spans = json.loads(spans)
        for span in spans:
            if {"text", "start", "end"} <= set(span):
                result.evidence.append(Evidence(label=f"{dimension}:{label}", text=span["text"],
                                                start=span["start"], end=span["end"]))
    return result, first["model_version"]


def reapply(con: duckdb.DuckDBPyConnection, doc_id: str, taxonomy: Taxonomy | None = None) -> bool:
    """Rewrite a classified document's signals with its corrections; False if not classified yet.

    A document made relevant by a correction is also queued for classification again, so
    that the classifier's own labels for it are added to the analyst's.
    """
    from gaimon.signals import store

    taxonomy = taxonomy or default_taxonomy()
    result, version = stored_classification(con, doc_id)
    if version is None:
        return False
    was_relevant = result.relevant
    store(con, [result], version, theme_of={v: taxonomy.theme_of(v) for v in taxonomy.ids("values")})
    now_relevant = con.execute("SELECT relevant FROM documents WHERE doc_id = ?", [doc_id]).fetchone()[0]
    if now_relevant and not was_relevant:
        con.execute("UPDATE documents SET model_version = NULL WHERE doc_id = ?", [doc_id])
    return True


def least_sure(con: duckdb.DuckDBPyConnection, week: str | None = None, limit: int = 20) -> list[dict]:
    """A week's documents (default: the latest classified week) whose closest call was nearest
    its threshold, not yet corrected: where an analyst's correction teaches the model most."""
    from gaimon.digest.weeks import check_week

    if week is not None:
        try:
            check_week(week)
        except ValueError as exc:
            raise LabelError(str(exc)) from exc
    if limit < 1:
        raise LabelError(f"--limit must be at least 1, not {limit}")
    return warehouse.query(con, "queries/labels_uncertain", {"week": week, "limit": limit})


def forced_relevance(corrections: list[Correction]) -> bool | None:
    """What corrections say about relevance: True, False, or None (the classifier decides)."""
    for c in reversed(corrections):
        if (c.dimension, c.label) == RELEVANCE:
            return c.action == "add"
    if any(c.action == "add" for c in corrections):
        return True
    return None


def corrections_for_training(home: Home, con: duckdb.DuckDBPyConnection | None = None,
                             log: Callable[[str], None] = lambda _: None) -> list:
    """Corrected documents as gold items: their stored labels, which reflect the corrections.

    Reads the warehouse if it can; a warehouse that is missing or locked by a writer gives none
    (and says so through `log`).
    """
    from gaimon.train import GoldItem

    if con is None:
        if not home.warehouse.exists():
            return []
        try:
            with warehouse.open_warehouse(home.warehouse, read_only=True) as ro:
                return corrections_for_training(home, ro, log)
        except duckdb.Error as exc:
            log(f"analysts' corrections not read, the warehouse is not available: {exc}")
            return []
    try:
        rows = warehouse.query(con, "queries/labels_training")
    except duckdb.CatalogException:
        return []
    items = []
    for row in rows:
        gold = {d: [] for d in LIST_DIMENSIONS}
        kind = None
        for key in row["labels"] or []:
            dimension, label = key.split(":", 1)
            if dimension == "kind":
                kind = label
            elif dimension in gold:
                gold[dimension].append(label)
        title, text = row["title"] or "", row["text"] or ""
        lang = row["lang"] if row["lang"] in ("nl", "en") else guess_lang(f"{title}\n{text}")
        items.append(GoldItem(id=f"label:{row['doc_id']}", title=title, text=text, lang=lang,
                              relevant=bool(row["relevant"]), kind=kind, **gold))
    return items
