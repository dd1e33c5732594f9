"""Where a labelled item comes from, and which of its labels are known.

The project's own items (taxonomy/train/<lang>/) are labelled on every dimension. The real
items under taxonomy/train/real/ come from datasets that can express only part of the
taxonomy (see taxonomy/train/real/README.md): a label such a source cannot express is unknown,
neither positive nor negative, in training (left out of the loss) and in evaluation (left out
of the counts).
"""

from __future__ import annotations

from typing import Protocol

from gaimon.taxonomy import default_taxonomy

MIT = "mit_ai_risk_repository_v3"
AIAAIC = "aiaaic"
# The registers of gold items. The titles alone are the project's items about AI read as
# headlines (see evaluate.evaluate_classifier); they are scored apart.
REGISTERS = ("nl_news", "en_news", "real_headlines", "real_risk_descriptions")
TITLE_REGISTERS = ("nl_titles", "en_titles")
# All registers, in the order `gaimon eval` prints them.
REGISTER_NAMES = {
    "nl_news": "NL news leads",
    "en_news": "EN news leads",
    "nl_titles": "NL titles alone",
    "en_titles": "EN titles alone",
    "real_headlines": "real headlines (AIAAIC)",
    "real_risk_descriptions": "real risk descriptions (MIT)",
}
# AIAAIC files media and the arts under one sector: scored as one label.
MERGED = {AIAAIC: {"sectors": {"media": "media+culture", "culture": "media+culture"}}}
# AIAAIC's own sectors that say nothing about ours.
VAGUE_SECTORS = {"Multiple", ""}
UNEXPRESSED = {"roles", "policy_options", "legal_frameworks", "kind"}


class Labelled(Protocol):
    lang: str | None
    source_dataset: str | None
    themes: list[str]
    values: list[str]
    sectors: list[str]
    weak_values: list[str]
    weak_sectors: list[str]
    orig_labels: dict


def register(item: Labelled) -> str:
    if item.source_dataset == AIAAIC:
        return "real_headlines"
    if item.source_dataset == MIT:
        return "real_risk_descriptions"
    return "nl_news" if item.lang == "nl" else "en_news"


def is_real(item: Labelled) -> bool:
    return item.source_dataset is not None


def known(item: Labelled, dimension: str, node: str) -> bool:
    """Whether the item's source says anything, yes or no, about label `node` of `dimension`
    (`kind` for kinds, `relevant` for relevance)."""
    if not is_real(item) or dimension == "relevant":
        return True
    if dimension in UNEXPRESSED:
        return False
    if dimension == "values":
        return bool(item.values) and node not in item.weak_values
    if dimension == "themes":
        # A weak value may hold: its theme is then unknown unless another value gives it.
        weak = {default_taxonomy().theme_of(v) for v in item.weak_values}
        return bool(item.values) and (node in item.themes or node not in weak)
    if dimension == "sectors":
        if node in item.weak_sectors:
            return False
        if item.source_dataset == MIT:
            return node == "cybersecurity"
        if node in ("cybersecurity", "labour"):
            return False
        if item.sectors:
            return True
        named = [s for s in item.orig_labels.get("sector") or [] if s not in VAGUE_SECTORS]
        return bool(named)
    return True


def merged(item: Labelled, dimension: str, labels: set[str]) -> set[str]:
    """Labels as they are scored for this item's source (AIAAIC: media and culture as one)."""
    table = MERGED.get(item.source_dataset or "", {}).get(dimension)
    return {table.get(label, label) for label in labels} if table else labels
