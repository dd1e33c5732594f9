"""Review of a draft: analysts list its signals and dismiss wrong ones.

A dismissal drops the signal from the draft (which is rebuilt at once) and from every later
digest, and is kept as a correction of the classifier's label for training and evaluation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb

from gaimon import warehouse
from gaimon.classify import correct, labels
from gaimon.digest import archive
from gaimon.digest.model import DigestData
from gaimon.digest.workflow import BuildReport, DigestError, build_digest, folder, store
from gaimon.home import Home
from gaimon.taxonomy import RELEVANT

log = logging.getLogger(__name__)
WHOLE = "*"
DIMENSIONS = ("values", "sectors", "kind", "policy_options", WHOLE)


@dataclass(frozen=True)
class Reviewable:
    """One signal the draft shows, as an analyst can dismiss it."""

    doc_id: str
    dimension: str
    label: str
    sector: str
    section: str
    title: str
    source: str

    @property
    def key(self) -> str:
        return f"{self.doc_id}:{self.dimension}:{self.label}"


def reviewables(data: DigestData) -> list[Reviewable]:
    """Every signal shown in the draft: the documents behind each risk and each listed item."""
    found: dict[str, Reviewable] = {}
    for section in [*data.sections, data.general]:
        for risk in section.risks:
            for link in [*(e.link for e in risk.evidence), *risk.links]:
                row = Reviewable(
                    link.doc_id,
                    "values",
                    risk.value,
                    section.sector,
                    "risk",
                    link.title,
                    link.source,
                )
                found.setdefault(row.key + section.sector, row)
        for kind in data.kinds:
            for item in getattr(section, kind):
                row = Reviewable(
                    item.link.doc_id,
                    "kind",
                    kind,
                    section.sector,
                    kind,
                    item.link.title,
                    item.link.source,
                )
                found.setdefault(row.key + section.sector, row)
    return list(found.values())


def draft_signals(home: Home, week: str, lang: str = "nl") -> list[Reviewable]:
    issue = store(home).issue(week)
    if issue is None:
        raise DigestError(f"{week} has no draft: run `gaimon digest build --week {week}` first")
    return reviewables(archive.load_data(folder(home, week), lang))


def parse_signal(text: str) -> tuple[str, str, str]:
    """DOC_ID, DOC_ID:DIMENSION:LABEL, as `gaimon review` lists them."""
    parts = text.split(":")
    if len(parts) == 1:
        return parts[0], WHOLE, WHOLE
    if len(parts) == 3 and all(parts):
        return parts[0], parts[1], parts[2]
    raise DigestError(f"a signal is DOC_ID or DOC_ID:DIMENSION:LABEL, not {text!r}")


def _check(home: Home, week: str, doc_id: str, dimension: str) -> None:
    issue = store(home).issue(week)
    if issue is None:
        raise DigestError(f"{week} has no draft: run `gaimon digest build --week {week}` first")
    if issue.status == "approved":
        raise DigestError(
            f"{week} is approved and frozen; `gaimon digest build --week {week} --force` "
            "turns it back into a draft"
        )
    if dimension not in DIMENSIONS:
        raise DigestError(f"dimension must be one of {', '.join(DIMENSIONS)}")
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        found = warehouse.query(con, "queries/document_exists", {"doc_id": doc_id})
    if not found:
        raise DigestError(f"no document {doc_id} in the warehouse")


def _label_key(dimension: str, label: str) -> str:
    return RELEVANT if (dimension, label) == (WHOLE, WHOLE) else f"{dimension}:{label}"


def record_correction(
    home: Home,
    doc_id: str,
    dimension: str,
    label: str,
    reason: str | None,
    analyst: str | None,
    action: str = "remove",
) -> bool:
    """Hand the correction to the classifier's labelled corrections (`gaimon label`), which
    rewrite the document's signals at once and feed training. A whole document dismissed is
    `relevant:ai` removed. False when the warehouse keeps no such corrections.
    """
    key = _label_key(dimension, label)
    try:
        with warehouse.open_warehouse(home.warehouse) as con:
            correct.record(
                con,
                doc_id,
                add=[key] if action == "add" else [],
                remove=[key] if action == "remove" else [],
                analyst=analyst,
                note=f"digest review: {reason}" if reason else "digest review",
            )
    except (labels.LabelError, duckdb.CatalogException) as exc:
        log.warning("correction %s of %s kept in digest_dismissals only: %s", key, doc_id, exc)
        return False
    return True


def dismiss(
    home: Home,
    week: str,
    signal: str,
    reason: str | None = None,
    analyst: str | None = None,
    pdf: bool = True,
) -> BuildReport:
    """Dismiss a signal of the draft of `week` and rebuild the draft without it."""
    doc_id, dimension, label = parse_signal(signal)
    _check(home, week, doc_id, dimension)
    store(home).dismiss(week, doc_id, dimension, label, reason, analyst)
    record_correction(home, doc_id, dimension, label, reason, analyst)
    return build_digest(home, week, pdf=pdf)


def restore(home: Home, week: str, signal: str, pdf: bool = True) -> BuildReport:
    """Undo a dismissal and rebuild the draft. The classifier's labels get the signal back as
    an analyst's label; a whole document comes back relevant and is classified again on the
    next classify run."""
    doc_id, dimension, label = parse_signal(signal)
    _check(home, week, doc_id, dimension)
    if not store(home).restore(doc_id, dimension, label):
        raise DigestError(f"{signal} was not dismissed")
    record_correction(home, doc_id, dimension, label, "dismissal undone", None, action="add")
    return build_digest(home, week, pdf=pdf)
