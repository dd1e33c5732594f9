"""From lexicon hits and model probabilities to labels: the rules of combination.

Per label the classifier knows how many clear (`terms`) and weak lexicon terms it found, whether
one stood in the title, and, with a trained model, the model's probability. A small logistic
function per dimension turns these into one score:

    score = sigmoid(bias + model * logit(p) + strong * min(n_strong, 3) + weak * min(n_weak, 5)
                    + title * in_title + hits * log(1 + n_hits) + offset[label])

and the label is given when the score reaches the dimension's threshold. A clear term in the
title always earns its label. A theme counts the evidence of its values as its own, and values
imply their theme: a theme is given when its own score passes or one of its values is given. The coefficients are fitted on held-out predictions of the
training data (`gaimon train --tune`, see gaimon/tune.py) and live in taxonomy/classifier.yaml,
one set for the lexicon with the model and one for the lexicon alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field

from gaimon.taxonomy import LIST_DIMENSIONS, TAXONOMY_DIR

CONFIG_FILE = TAXONOMY_DIR / "classifier.yaml"
RELEVANT = "relevant:ai"
# Dimensions with a combination of their own: relevance, the list dimensions, kind.
COMBINED = ("relevant", *LIST_DIMENSIONS, "kind")
MAX_STRONG, MAX_WEAK = 3, 5


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
    offsets: dict[str, float] = Field(default_factory=dict)  # per label id, added to the bias
    # Per label id, added to `model` and `strong`: how far this label's model and clear terms
    # are more (or less) trustworthy than the dimension's on average.
    model_offsets: dict[str, float] = Field(default_factory=dict)
    strong_offsets: dict[str, float] = Field(default_factory=dict)

    def score(self, p: float | None, feats: Features, label: str = "") -> float:
        strong = self.strong + self.strong_offsets.get(label, 0.0)
        z = (self.bias + self.offsets.get(label, 0.0) + strong * min(feats.strong, MAX_STRONG)
             + self.weak * min(feats.weak, MAX_WEAK) + self.title * feats.title
             + self.hits * math.log1p(feats.hits))
        if p is not None:
            z += (self.model + self.model_offsets.get(label, 0.0)) * logit(p)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class Training(Strict):
    ngram_size: int = Field(1, ge=1, le=3)
    length: int = Field(32768, gt=0)
    lexicon: float = Field(1.0, ge=0)  # weight of lexicon-node features in the text model (0: none)
    epochs: int = Field(10, gt=0)
    dropout: float = Field(0.1, ge=0, lt=1)
    learn_rate: float = Field(0.002, gt=0)
    l2: float = Field(0.0, ge=0)  # weight decay of the text model
    batch_start: int = Field(16, gt=0)
    batch_stop: int = Field(64, gt=0)
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


class Hit(NamedTuple):
    """A lexicon hit: `label` is what it is evidence for, offsets are into title + newline + text."""

    label: str
    node: str
    strong: bool
    term: str
    start: int
    end: int


@dataclass
class Features:
    strong: int = 0   # distinct clear terms
    weak: int = 0     # distinct weak terms
    title: int = 0    # a hit in the title
    hits: int = 0     # all hits
    strong_title: int = 0


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
        else:
            f.weak += 1
    return feats


def with_themes(feats: dict[str, Features], theme_of: dict[str, str]) -> dict[str, Features]:
    """Add to each theme the evidence of its values (a theme's own terms are few and general)."""
    out = dict(feats)
    for key, f in feats.items():
        if not key.startswith("values:"):
            continue
        theme = f"themes:{theme_of[key.split(':', 1)[1]]}"
        t = out.get(theme)
        t = Features() if t is None else Features(t.strong, t.weak, t.title, t.hits, t.strong_title)
        t.strong, t.weak, t.hits = t.strong + f.strong, t.weak + f.weak, t.hits + f.hits
        t.title, t.strong_title = max(t.title, f.title), max(t.strong_title, f.strong_title)
        out[theme] = t
    return out


@dataclass
class Decision:
    relevant: bool
    relevance: float                      # the gate's score
    labels: dict[str, list[str]]          # dimension -> ids, list dimensions only
    kind: str
    scores: dict[str, dict[str, float]]   # dimension -> id -> score


def label_scores(feats: dict[str, Features], probs: dict[str, float] | None,
                 config: ClassifierConfig, candidates: dict[str, list[str]]) -> dict[str, dict[str, float]]:
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
            row[node] = 1.0 if f.strong_title and stack.title_rule else stack.score(p, f, node)
    return scores


def decide(feats: dict[str, Features], probs: dict[str, float] | None, config: ClassifierConfig,
           candidates: dict[str, list[str]], theme_of: dict[str, str],
           relevant: bool | None = None) -> Decision:
    """Labels from lexicon features and model probabilities (None without a model).

    `relevant` given (an analyst's decision) replaces the relevance gate. An item without any
    AI term never passes the gate.
    """
    has_model = probs is not None
    gate = 0.0
    if RELEVANT in feats:
        gate = config.stack("relevant", has_model).score(probs.get(RELEVANT, 0.0) if has_model else None,
                                                        feats[RELEVANT], "ai")
    if relevant is None:
        relevant = gate >= config.stack("relevant", has_model).threshold
    kind_scores = label_scores(feats, probs, config, {"kind": candidates["kind"]})["kind"]
    kind = max(kind_scores, key=lambda k: kind_scores[k]) if any(kind_scores.values()) else config.default_kind
    scores: dict[str, dict[str, float]] = {"kind": kind_scores}
    labels: dict[str, list[str]] = {d: [] for d in LIST_DIMENSIONS}
    if not relevant:
        return Decision(relevant=False, relevance=gate, labels=labels, kind=kind, scores=scores)
    listed = {d: ids for d, ids in candidates.items() if d in LIST_DIMENSIONS}
    scores.update(label_scores(with_themes(feats, theme_of), probs, config, listed))
    for dimension in listed:
        cut = config.stack(dimension, has_model).threshold
        labels[dimension] = sorted(i for i, s in scores[dimension].items() if s >= cut)
    # Values imply their theme: a theme scores at least as high as its given values.
    for value in labels["values"]:
        theme = theme_of[value]
        scores["themes"][theme] = max(scores["themes"].get(theme, 0.0), scores["values"][value])
    labels["themes"] = sorted(set(labels["themes"]) | {theme_of[v] for v in labels["values"]})
    return Decision(relevant=True, relevance=gate, labels=labels, kind=kind, scores=scores)
