"""From lexicon hits and model probabilities to labels: the rules of combination.

Per label the classifier knows how many clear (`terms`) and weak lexicon terms it found, whether
one stood in the title, and, with a trained model, the model's probability. A small logistic
function per dimension turns these into one score:

    score = sigmoid(bias + model * logit(p) + strong * min(n_strong, 3) + weak * min(n_weak, 5)
                    + title * in_title + hits * log(1 + n_hits) + offset[label]
                    + headline * (short + short_model * logit(p)))

and the label is given when the score reaches the dimension's threshold. `headline` is 1 for an
item that is a headline and little more (fewer than HEADLINE_WORDS words of text): a headline
says less than a lead, so it has its own model weight and its own threshold. A clear term
the model never saw in training cannot be vetoed by it: for a label whose clear terms are all
new to the model, logit(p) counts only when it is positive. Where it holds on real text, a
clear term in the title always earns its label (`title_rule`). Themes are not scored on their
own: a theme groups values, so it is given exactly when one of its values is; its score is the
chance that at least one of its values holds.

The relevance gate lets an item with an AI term of the lexicon pass at `threshold`; an item
without one passes on the model alone when its score reaches the stricter `threshold_no_term`.
The coefficients are fitted on held-out predictions of the training data (`gaimon train
--tune`, see gaimon/train/tune.py) and live in taxonomy/classifier.yaml, one set for the lexicon
with the model and one for the lexicon alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field

from gaimon.taxonomy import LIST_DIMENSIONS, RELEVANT, TAXONOMY_DIR

CONFIG_FILE = TAXONOMY_DIR / "classifier.yaml"
# Dimensions with a combination of their own: relevance, the list dimensions but themes, kind.
# Themes follow from their values and have no combination of their own.
SCORED = tuple(d for d in LIST_DIMENSIONS if d != "themes")
COMBINED = ("relevant", *SCORED, "kind")
MAX_STRONG, MAX_WEAK = 3, 5
# An item with fewer words of text than this (besides its title) is judged as a headline.
HEADLINE_WORDS = 20


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Stack(Strict):
    """Coefficients of one dimension's combination (see the module docstring)."""

    bias: float = -2.0
    model: float = 0.0
    strong: float = 2.5
    weak: float = 0.8
    title: float = 1.0
    hits: float = 0.0
    threshold: float = Field(0.5, gt=0, lt=1)
    title_rule: bool = True  # a clear term in the title earns the label whatever the score
    # Labels whose clear terms in a title were too often wrong for the rule (see tune.py).
    title_rule_off: list[str] = Field(default_factory=list)
    offsets: dict[str, float] = Field(default_factory=dict)  # per label id, added to the bias
    # Per label id, added to `model` and `strong`: how far this label's model and clear terms
    # are more (or less) trustworthy than the dimension's on average.
    model_offsets: dict[str, float] = Field(default_factory=dict)
    strong_offsets: dict[str, float] = Field(default_factory=dict)
    short: float = 0.0  # added to the bias for a headline
    short_model: float = 0.0  # added to `model` for a headline
    threshold_short: float | None = Field(None, gt=0, lt=1)  # a headline's threshold
    threshold_no_term: float | None = Field(None, gt=0, lt=1)  # relevance without an AI term
    # Per label id, added to the threshold: a rare label is best given at a lower score.
    threshold_offsets: dict[str, float] = Field(default_factory=dict)

    def score(
        self, p: float | None, feats: Features, label: str = "", short: bool = False
    ) -> float:
        strong = self.strong + self.strong_offsets.get(label, 0.0)
        z = (
            self.bias
            + self.offsets.get(label, 0.0)
            + strong * min(feats.strong, MAX_STRONG)
            + self.weak * min(feats.weak, MAX_WEAK)
            + self.title * feats.title
            + self.hits * math.log1p(feats.hits)
            + self.short * short
        )
        if p is not None:
            z += (
                self.model + self.model_offsets.get(label, 0.0) + self.short_model * short
            ) * model_logit(p, feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def titled(self, label: str) -> bool:
        """Whether a clear term of this label in the title earns it outright."""
        return self.title_rule and label not in self.title_rule_off

    def ruled(
        self, p: float | None, feats: Features, label: str = "", short: bool = False
    ) -> float:
        """The label's score with the title rule: 1.0 for a clear term in the title where the
        rule holds for the label, else `score`."""
        return (
            1.0 if feats.strong_title and self.titled(label) else self.score(p, feats, label, short)
        )

    def cut(self, short: bool, label: str = "") -> float:
        base = (
            self.threshold_short if short and self.threshold_short is not None else self.threshold
        )
        return base + self.threshold_offsets.get(label, 0.0)


class Training(Strict):
    ngram_size: int = Field(1, ge=1, le=3)
    length: int = Field(32768, gt=0)
    lexicon: float = Field(1.0, ge=0)  # weight of lexicon-node features in the text model (0: none)
    subwords: float = Field(0.0, ge=0)  # weight of lemmas' character n-grams (0: none)
    epochs: int = Field(10, gt=0)
    learn_rate: float = Field(0.01, gt=0)
    l2: float = Field(0.0, ge=0)  # L2 penalty on the text model's weights
    batch_size: int = Field(32, gt=0)
    balance: float = Field(0.0, ge=0, le=1)  # weight of a rare label's positives, see textcat.fit
    real_weight: float = Field(
        1.0, gt=0, le=1
    )  # weight of a real text (taxonomy/train/real) in the loss
    seed: int = 7


class ClassifierConfig(Strict):
    with_model: dict[str, Stack]
    rules_only: dict[str, Stack]
    default_kind: str = "debate"
    max_evidence: int = Field(5, gt=0)
    training: Training = Training()

    def stack(self, dimension: str, has_model: bool) -> Stack:
        table = self.with_model if has_model else self.rules_only
        return table.get(dimension) or Stack()


def load_config(path: Path | str | None = None) -> ClassifierConfig:
    with open(path or CONFIG_FILE, encoding="utf-8") as fh:
        return ClassifierConfig.model_validate(yaml.safe_load(fh))


@cache
def default_config() -> ClassifierConfig:
    return load_config()


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def model_logit(p: float, feats: Features) -> float:
    """logit(p), but not below zero for a label whose clear terms are all new to the model."""
    lp = logit(p)
    return max(lp, 0.0) if feats.strong and feats.novel >= feats.strong else lp


def is_headline(text: str) -> bool:
    return len(text.split()) < HEADLINE_WORDS


class Hit(NamedTuple):
    """A lexicon hit: `label` is what it is evidence for; offsets into title + newline + text."""

    label: str
    node: str
    strong: bool
    term: str
    start: int
    end: int
    novel: bool = False  # a word of the term never occurred in the model's training data


@dataclass
class Features:
    strong: int = 0  # distinct clear terms
    weak: int = 0  # distinct weak terms
    title: int = 0  # a hit in the title
    hits: int = 0  # all hits
    strong_title: int = 0
    novel: int = 0  # distinct clear terms new to the model


def rule_features(hits: list[Hit], title_end: int) -> dict[str, Features]:
    feats: dict[str, Features] = {}
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        f = feats.setdefault(hit.label, Features())
        f.hits += 1
        in_title = hit.start < title_end
        f.title = f.title or int(in_title)
        f.strong_title = f.strong_title or int(in_title and hit.strong)
        if (hit.label, hit.term) in seen:
            continue
        seen.add((hit.label, hit.term))
        if hit.strong:
            f.strong += 1
            f.novel += hit.novel
        else:
            f.weak += 1
    return feats


def implied_themes(
    values: list[str], value_scores: dict[str, float], theme_of: dict[str, str]
) -> tuple[list[str], dict[str, float]]:
    """The themes of the given values, and per theme the chance that at least one of its values
    holds, taking its values' scores as independent (better calibrated than their maximum)."""
    scores: dict[str, float] = {}
    for value, score in value_scores.items():
        theme = theme_of[value]
        scores[theme] = 1.0 - (1.0 - scores.get(theme, 0.0)) * (1.0 - score)
    return sorted({theme_of[v] for v in values}), scores


@dataclass
class Decision:
    relevant: bool
    relevance: float  # the gate's score
    labels: dict[str, list[str]]  # dimension -> ids, list dimensions only
    kind: str
    scores: dict[str, dict[str, float]]  # dimension -> id -> score


def label_scores(
    feats: dict[str, Features],
    probs: dict[str, float] | None,
    config: ClassifierConfig,
    candidates: dict[str, list[str]],
    short: bool = False,
) -> dict[str, dict[str, float]]:
    """Score of every candidate label (`candidates`: dimension -> ids)."""
    has_model = probs is not None
    scores: dict[str, dict[str, float]] = {}
    empty = Features()
    for dimension, ids in candidates.items():
        stack = config.stack(dimension, has_model)
        row = scores.setdefault(dimension, {})
        for node in ids:
            key = f"{dimension}:{node}"
            f = feats.get(key, empty)
            p = probs.get(key, 0.0) if probs is not None else None
            row[node] = stack.ruled(p, f, node, short)
    return scores


def relevance(
    feats: dict[str, Features], probs: dict[str, float] | None, stack: Stack, short: bool = False
) -> tuple[float, float]:
    """The gate's score and the threshold it must reach: with an AI term, the lexicon and
    model together (a clear AI term in the title passes outright where the title rule holds,
    as the fit of the threshold assumes); without one, the model alone against its stricter
    threshold."""
    p = probs.get(RELEVANT, 0.0) if probs is not None else None
    if RELEVANT in feats:
        return stack.ruled(p, feats[RELEVANT], "ai", short), stack.threshold
    if p is None or stack.threshold_no_term is None:
        return 0.0, stack.threshold
    return stack.score(p, Features(), "ai", short), stack.threshold_no_term


def decide(
    feats: dict[str, Features],
    probs: dict[str, float] | None,
    config: ClassifierConfig,
    candidates: dict[str, list[str]],
    theme_of: dict[str, str],
    relevant: bool | None = None,
    short: bool = False,
) -> Decision:
    """Labels from lexicon features and model probabilities (None without a model); `short`:
    the item is a headline (see is_headline).

    `relevant` given (an analyst's decision) replaces the relevance gate. Without a model, an
    item without any AI term never passes the gate.
    """
    has_model = probs is not None
    gate, cut = relevance(feats, probs, config.stack("relevant", has_model), short)
    if relevant is None:
        relevant = gate >= cut
    kind_scores = label_scores(feats, probs, config, {"kind": candidates["kind"]}, short)["kind"]
    kind = (
        max(kind_scores, key=lambda k: kind_scores[k])
        if any(kind_scores.values())
        else config.default_kind
    )
    scores: dict[str, dict[str, float]] = {"kind": kind_scores}
    labels: dict[str, list[str]] = {d: [] for d in LIST_DIMENSIONS}
    if not relevant:
        return Decision(relevant=False, relevance=gate, labels=labels, kind=kind, scores=scores)
    listed = {d: ids for d, ids in candidates.items() if d in SCORED}
    scores.update(label_scores(feats, probs, config, listed, short))
    for dimension in listed:
        stack = config.stack(dimension, has_model)
        labels[dimension] = sorted(
            i for i, s in scores[dimension].items() if s >= stack.cut(short, i)
        )
    labels["themes"], scores["themes"] = implied_themes(
        labels["values"], scores["values"], theme_of
    )
    return Decision(relevant=True, relevance=gate, labels=labels, kind=kind, scores=scores)
