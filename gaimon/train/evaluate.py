"""Score the classifier against gold labels: precision, recall and F1 per label, and macro and
micro averages per dimension.

Each list dimension is scored as multi-label classification over all items (an item the
classifier wrongly finds irrelevant loses its labels, an irrelevant item wrongly let through
adds false ones); `kind` as single-label classification; relevance as the binary class
"about AI". Macro averages run over the labels that occur in the gold data or in the
predictions (for real items: in the gold data).

Real items (taxonomy/train/real/) are labelled only partly: a label their source cannot
express counts neither way (see gaimon/train/registers.py), and AIAAIC's media and culture are one
label. Besides the totals, every register (NL and EN news leads, real headlines, real risk
descriptions; and, classified apart, the titles of the project's items about AI read alone,
per language) is scored on its own, and per dimension the expected calibration error says how
far the label scores are from the precision they promise: ECE = sum over ten score bins of
(share of scores in the bin) * |share of them that are right - mean score in the bin|.

A macro F1 over labels with a handful of gold items moves a lot when one item changes, so with
`intervals` each list dimension also gets a 90 % bootstrap interval of its macro F1: the items
are drawn again with replacement, a fixed number of times with a fixed seed, and the interval
holds the middle 90 % of the macro F1s of those draws.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy
from pydantic import BaseModel

from gaimon.classify.classifier import Classification, Classifier, ClassifyInput
from gaimon.taxonomy import LIST_DIMENSIONS
from gaimon.train.registers import (
    REGISTER_NAMES,
    REGISTERS,
    TITLE_REGISTERS,
    is_real,
    known,
    merged,
    register,
)
from gaimon.train.training import GoldItem, title_views

DIMENSIONS = (*LIST_DIMENSIONS, "kind")
BINS = 10
INTERVAL_DIMENSIONS = ("themes", "values", "sectors")
RESAMPLES = 500
INTERVAL_SEED = 20


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
    calibration: dict[str, float] = {}  # expected calibration error per list dimension
    # 90 % bootstrap interval of the macro F1 per dimension (low, high), when asked for.
    intervals: dict[str, tuple[float, float]] = {}
    registers: dict[str, Evaluation] = {}


Evaluation.model_rebuild()


def score(tp: int, fp: int, fn: int) -> Score:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        support=tp + fn,
        tp=tp,
        fp=fp,
        fn=fn,
    )


def _labels(item: GoldItem | Classification, dimension: str, gold: GoldItem) -> set[str]:
    if dimension == "kind":
        found = {item.kind} if item.kind else set()
    elif isinstance(item, GoldItem) and not item.is_relevant:
        found = set()
    else:
        found = set(getattr(item, dimension))
    found = merged(gold, dimension, found)
    return {label for label in found if not gold.is_relevant or known(gold, dimension, label)}


def evaluate(
    gold: list[GoldItem],
    predicted: list[Classification],
    model_version: str = "",
    by_register: bool = True,
    intervals: bool = False,
) -> Evaluation:
    by_id = {p.id: p for p in predicted}
    pairs = [(g, by_id[g.id]) for g in gold]
    rel = [(g.is_relevant, p.relevant) for g, p in pairs]
    relevance = score(
        sum(g and p for g, p in rel),
        sum(p and not g for g, p in rel),
        sum(g and not p for g, p in rel),
    )
    dimensions, sets = {}, {}
    for dimension in DIMENSIONS:
        counts: dict[str, list[int]] = {}
        sets[dimension] = [(_labels(g, dimension, g), _labels(p, dimension, g)) for g, p in pairs]
        for (g, _), (truth, guess) in zip(pairs, sets[dimension], strict=True):
            for label in truth | guess:
                c = counts.setdefault(label, [0, 0, 0, 0])
                c[0] += label in truth and label in guess
                c[1] += label in guess and label not in truth
                c[2] += label in truth and label not in guess
                c[3] += label in guess and label not in truth and not is_real(g)
        # A real source's labels are partial: a label it never gives is one it cannot express.
        labels = {
            label: score(*c[:3]) for label, c in sorted(counts.items()) if c[0] + c[2] or c[3]
        }
        n = len(labels) or 1
        macro_p = sum(s.precision for s in labels.values()) / n
        macro_r = sum(s.recall for s in labels.values()) / n
        macro = Score(
            precision=round(macro_p, 4),
            recall=round(macro_r, 4),
            f1=round(sum(s.f1 for s in labels.values()) / n, 4),
            support=sum(s.support for s in labels.values()),
        )
        totals = [sum(c[i] for label, c in counts.items() if label in labels) for i in range(3)]
        dimensions[dimension] = DimensionScore(labels=labels, macro=macro, micro=score(*totals))
    calibration = {d: calibration_error(pairs, d) for d in ("themes", "values", "sectors")}
    bounds = (
        {d: macro_interval(sets[d], list(dimensions[d].labels)) for d in INTERVAL_DIMENSIONS}
        if intervals
        else {}
    )
    registers = {}
    if by_register:
        for name in REGISTERS:
            mine = [g for g in gold if register(g) == name]
            if mine:
                registers[name] = evaluate(
                    mine, predicted, model_version, by_register=False, intervals=intervals
                )
    return Evaluation(
        items=len(pairs),
        model_version=model_version,
        relevance=relevance,
        dimensions=dimensions,
        calibration=calibration,
        intervals=bounds,
        registers=registers,
    )


def macro_interval(sets: list[tuple[set[str], set[str]]], labels: list[str]) -> tuple[float, float]:
    """90 % bootstrap interval of the macro F1 over `labels` (the labels scored on all items),
    from each item's (gold, guessed) labels; a draw leaves out a label none of its items gives
    or guesses."""
    if not sets or not labels:
        return (0.0, 0.0)
    column = {label: i for i, label in enumerate(labels)}
    counts = numpy.zeros((len(sets), len(labels), 3))  # per item and label: tp, fp, fn
    for row, (truth, guess) in enumerate(sets):
        for label in (truth | guess) & column.keys():
            counts[row, column[label]] = (
                label in truth and label in guess,
                label in guess and label not in truth,
                label in truth and label not in guess,
            )
    rng = numpy.random.default_rng(INTERVAL_SEED)
    draws = rng.multinomial(len(sets), [1 / len(sets)] * len(sets), size=RESAMPLES)
    tp, fp, fn = numpy.moveaxis(numpy.einsum("di,ilc->dlc", draws, counts), 2, 0)
    with numpy.errstate(divide="ignore", invalid="ignore"):
        f1 = numpy.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    scored = (tp + fp + fn) > 0
    macros = (f1 * scored).sum(axis=1) / numpy.maximum(scored.sum(axis=1), 1)
    low, high = numpy.quantile(macros, [0.05, 0.95])
    return (round(float(low), 4), round(float(high), 4))


def scored_labels(
    pairs: list[tuple[GoldItem, Classification]], dimension: str
) -> list[tuple[float, bool]]:
    """The score of every label a relevant item's source can express, and whether the label is
    right (AIAAIC's media and culture as one label, at the higher of their scores)."""
    out = []
    for g, p in pairs:
        if not (g.is_relevant and p.relevant):
            continue
        truth = _labels(g, dimension, g)
        scores: dict[str, float] = {}
        for node, s in p.scores.get(dimension, {}).items():
            for label in merged(g, dimension, {node}):
                if known(g, dimension, label):
                    scores[label] = max(scores.get(label, 0.0), s)
        out += [(s, label in truth) for label, s in scores.items()]
    return out


def calibration_error(pairs: list[tuple[GoldItem, Classification]], dimension: str) -> float:
    """Expected calibration error of the label scores of relevant items, over known labels."""
    bins = [[0, 0.0, 0] for _ in range(BINS)]  # count, sum of scores, right
    for s, right in scored_labels(pairs, dimension):
        b = bins[min(int(s * BINS), BINS - 1)]
        b[0], b[1], b[2] = b[0] + 1, b[1] + s, b[2] + right
    total = sum(b[0] for b in bins)
    if not total:
        return 0.0
    return round(sum(abs(b[2] - b[1]) for b in bins if b[0]) / total, 4)


def evaluate_classifier(classifier: Classifier, gold: Iterable[GoldItem]) -> Evaluation:
    """Scores on `gold`, and, as registers of their own, on the titles of its project items
    about AI read alone (the totals stay those of `gold`)."""
    gold = list(gold)
    views = title_views(gold)
    inputs = [ClassifyInput(id=g.id, title=g.title, text=g.text, lang=g.lang) for g in gold]
    predicted = list(classifier.classify_many(inputs))
    result = evaluate(gold, predicted, classifier.version, intervals=True)
    inputs = [ClassifyInput(id=g.id, title=g.title, text="", lang=g.lang) for g in views]
    alone = list(classifier.classify_many(inputs))
    for name, lang in zip(TITLE_REGISTERS, ("nl", "en"), strict=True):
        mine = [g for g in views if ("nl" if g.lang == "nl" else "en") == lang]
        if mine:
            result.registers[name] = evaluate(mine, alone, by_register=False, intervals=True)
    result.registers = {n: result.registers[n] for n in REGISTER_NAMES if n in result.registers}
    return result
