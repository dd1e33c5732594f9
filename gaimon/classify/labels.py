"""Analysts' corrections of labels: recorded in the `labels` table, applied to every
classification of the document, and used as training data.

A correction adds or removes one label (`values:privacy`, `kind:enforcement`) or says whether
the document is about AI at all (`relevant:ai`). Values imply their theme, so adding a value
adds its theme and removing the last value of a theme removes the theme, unless the theme
itself was corrected. Adding any label makes the document relevant, unless `relevant:ai` was
removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb

from gaimon import warehouse
from gaimon.classify.classifier import Classification
from gaimon.errors import GaimonError
from gaimon.taxonomy import LIST_DIMENSIONS, RELEVANT, Taxonomy, default_taxonomy

RELEVANCE = tuple(RELEVANT.split(":", 1))


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
        raise LabelError(
            f"{text!r}: dimension must be one of "
            f"{', '.join((*LIST_DIMENSIONS, 'kind', 'relevant'))}"
        )
    ids = [n.id for n in known]
    if label not in ids:
        raise LabelError(f"{text!r}: {label!r} is not an id of {dimension} ({', '.join(ids)})")
    return dimension, label


def apply(
    result: Classification, corrections: list[Correction], theme_of: dict[str, str]
) -> tuple[Classification, set[str]]:
    """The classification with corrections applied, and the labels analysts added."""
    if not corrections:
        return result, set()
    out = result.model_copy(deep=True)
    adds = {c.key for c in corrections if c.action == "add"}
    removes = {c.key for c in corrections if c.action == "remove"}
    forced = {c.action for c in corrections if (c.dimension, c.label) == RELEVANCE}
    out.relevant = (
        ("add" in forced)
        if forced
        else (
            out.relevant
            or any(c.action == "add" and (c.dimension, c.label) != RELEVANCE for c in corrections)
        )
    )
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
    out.evidence = [e for e in out.evidence if e.label in given or e.label == RELEVANT]
    added = {k for k in adds if k in given}
    for key in added:
        dimension, label = key.split(":", 1)
        out.scores.setdefault(dimension, {})[label] = 1.0
    return out, added


def corrections_by_doc(
    con: duckdb.DuckDBPyConnection, query: str = "queries/labels_all", params: dict | None = None
) -> dict[str, list[Correction]]:
    found: dict[str, list[Correction]] = {}
    for row in warehouse.query(con, query, params):
        found.setdefault(row["doc_id"], []).append(
            Correction(row["dimension"], row["label"], row["action"])
        )
    return found


def least_sure(
    con: duckdb.DuckDBPyConnection, week: str | None = None, limit: int = 20
) -> list[dict]:
    """A week's documents (default: the latest classified week) whose closest call was nearest
    its threshold, not yet corrected: where an analyst's correction teaches the model most."""
    from gaimon.weeks import check_week

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
