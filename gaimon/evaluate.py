"""Score the classifier against gold labels: precision, recall and F1 per label, and macro and
micro averages per dimension.

Each list dimension is scored as multi-label classification over all items (an item the
classifier wrongly finds irrelevant loses its labels, an irrelevant item wrongly let through
adds false ones); `kind` as single-label classification; relevance as the binary class
"about AI". Macro averages run over the labels that occur in the gold data or in the
predictions.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from gaimon.classify import Classification, Classifier, ClassifyInput
from gaimon.taxonomy import LIST_DIMENSIONS
from gaimon.train import GoldItem

DIMENSIONS = (*LIST_DIMENSIONS, "kind")


class Score(BaseModel):
    precision: float
    recall: float
    f1: float
    support: int
    tp: int = 0
    fp: int = 0
    fn: int = 0


class DimensionScore(BaseModel):
    labels: dict[str, Score]
    macro: Score
    micro: Score


class Evaluation(BaseModel):
    items: int
    model_version: str
    relevance: Score
    dimensions: dict[str, DimensionScore]

    def macro_f1(self) -> dict[str, float]:
        return {d: s.macro.f1 for d, s in self.dimensions.items()}


def score(tp: int, fp: int, fn: int) -> Score:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision=round(precision, 4), recall=round(recall, 4), f1=round(f1, 4),
                 support=tp + fn, tp=tp, fp=fp, fn=fn)


def _labels(item: GoldItem | Classification, dimension: str) -> set[str]:
    if dimension == "kind":
        return {item.kind} if item.kind else set()
    if isinstance(item, GoldItem) and not item.is_relevant:
        return set()
    return set(getattr(item, dimension))


def evaluate(gold: list[GoldItem], predicted: list[Classification], model_version: str = "") -> Evaluation:
    by_id = {p.id: p for p in predicted}
    pairs = [(g, by_id[g.id]) for g in gold]
    rel = [(g.is_relevant, p.relevant) for g, p in pairs]
    relevance = score(sum(g and p for g, p in rel), sum(p and not g for g, p in rel),
                      sum(g and not p for g, p in rel))
    dimensions = {}
    for dimension in DIMENSIONS:
        counts: dict[str, list[int]] = {}
        for g, p in pairs:
            truth, guess = _labels(g, dimension), _labels(p, dimension)
            for label in truth | guess:
                c = counts.setdefault(label, [0, 0, 0])
                c[0] += label in truth and label in guess
                c[1] += label in guess and label not in truth
                c[2] += label in truth and label not in guess
        labels = {label: score(*c) for label, c in sorted(counts.items())}
        n = len(labels) or 1
        macro_p = sum(s.precision for s in labels.values()) / n
        macro_r = sum(s.recall for s in labels.values()) / n
        macro = Score(precision=round(macro_p, 4), recall=round(macro_r, 4),
                      f1=round(sum(s.f1 for s in labels.values()) / n, 4),
                      support=sum(s.support for s in labels.values()))
        totals = [sum(c[i] for c in counts.values()) for i in range(3)]
        dimensions[dimension] = DimensionScore(labels=labels, macro=macro, micro=score(*totals))
    return Evaluation(items=len(pairs), model_version=model_version, relevance=relevance,
                      dimensions=dimensions)


def evaluate_classifier(classifier: Classifier, gold: Iterable[GoldItem]) -> Evaluation:
    gold = list(gold)
    inputs = [ClassifyInput(id=g.id, title=g.title, text=g.text, lang=g.lang) for g in gold]
    predicted = list(classifier.classify_many(inputs))
    return evaluate(gold, predicted, classifier.version)
