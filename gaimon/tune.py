"""Fit how lexicon evidence and the model are combined (the coefficients in classifier.yaml).

The training split is cut into folds; a model trained on the other folds labels each fold, so
every training item gets model probabilities from a model that never saw it. On those held-out
predictions a logistic combination is fitted per dimension (see gaimon/decide.py), once with
the model and once for the lexicon alone, and a threshold is chosen per dimension that
maximises its macro F1. The dev split is not used: it stays for evaluation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy
import yaml

from gaimon.classify import Classifier
from gaimon.decide import (
    COMBINED,
    CONFIG_FILE,
    MAX_STRONG,
    MAX_WEAK,
    RELEVANT,
    ClassifierConfig,
    Features,
    Stack,
    logit,
    rule_features,
    with_themes,
)
from gaimon.nlp import TEXTCAT
from gaimon.taxonomy import LANGS, Taxonomy, load_lemmas, load_taxonomy
from gaimon.train import GoldItem, gold_cats, gold_files, label_set, read_gold, train_pipeline

FOLDS = 3
THRESHOLDS = [round(float(t), 2) for t in numpy.arange(0.05, 0.81, 0.05)]


@dataclass
class HeldOut:
    item: GoldItem
    feats: dict[str, Features]
    probs: dict[str, float]


def fold_of(item_id: str, folds: int = FOLDS) -> int:
    return int(hashlib.sha1(item_id.encode()).hexdigest(), 16) % folds


def held_out_predictions(items: list[GoldItem], taxonomy: Taxonomy, config: ClassifierConfig,
                         log: Callable[[str], None] = lambda _: None) -> list[HeldOut]:
    lemmas = load_lemmas()
    rows: list[HeldOut] = []
    for lang in LANGS:
        mine = [i for i in items if i.lang == lang]
        for fold in range(FOLDS):
            train = [i for i in mine if fold_of(i.id) != fold]
            test = [i for i in mine if fold_of(i.id) == fold]
            log(f"{lang} fold {fold + 1}/{FOLDS}: training on {len(train)}, predicting {len(test)}")
            nlp = train_pipeline(lang, train, taxonomy, lemmas[lang], config)
            clf = Classifier.from_pipelines({lang: nlp}, taxonomy, config, "tune")
            textcat = nlp.get_pipe(TEXTCAT)
            docs = list(nlp.pipe(i.body for i in test))
            scores = numpy.asarray(textcat.predict(docs))
            for item, doc, row in zip(test, docs, scores.tolist(), strict=True):
                feats = with_themes(rule_features(clf.hits(nlp, doc, item.body), len(item.title)),
                                    clf.theme_of)
                rows.append(HeldOut(item, feats, dict(zip(textcat.labels, row, strict=True))))
    return rows


SHARED = 5  # strong, weak, title, hits, model: the columns before the per-label offsets
OFFSET_L2 = 3.0
INTERACTION_L2 = 30.0


def _design(rows: list[tuple[Features, float]], keys: list[str], labels: list[str]) -> numpy.ndarray:
    """Columns: strong, weak, title, log hits, logit(p); then per label an indicator, and the
    label's own share of logit(p) and of the clear-term count."""
    n = len(labels)
    x = numpy.zeros((len(rows), SHARED + 3 * n))
    column = {label: SHARED + i for i, label in enumerate(labels)}
    for i, ((f, p), key) in enumerate(zip(rows, keys, strict=True)):
        strong, lp = min(f.strong, MAX_STRONG), logit(p)
        x[i, :SHARED] = [strong, min(f.weak, MAX_WEAK), f.title, numpy.log1p(f.hits), lp]
        x[i, column[key]] = 1.0
        x[i, column[key] + n] = lp
        x[i, column[key] + 2 * n] = strong
    return x


def fit_logistic(x: numpy.ndarray, y: numpy.ndarray, penalty: numpy.ndarray, steps: int = 50) -> numpy.ndarray:
    """Weights (bias first) of an L2-regularised logistic regression, by Newton's method.
    `penalty` gives each column of x its own L2 strength."""
    x = numpy.hstack([numpy.ones((len(x), 1)), x])
    w = numpy.zeros(x.shape[1])
    penalty = numpy.concatenate([[0.0], penalty])
    for _ in range(steps):
        p = 1.0 / (1.0 + numpy.exp(-numpy.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + numpy.diag(penalty + 1e-9)
        step = numpy.linalg.solve(hess, grad)
        w -= step
        if numpy.abs(step).max() < 1e-6:
            break
    return w


def _stack(w: numpy.ndarray, labels: list[str], with_model: bool, threshold: float,
           title_rule: bool) -> Stack:
    n = len(labels)

    def per_label(start: int) -> dict[str, float]:
        found = {lb.split(":", 1)[1]: round(float(v), 3) for lb, v in zip(labels, w[start:start + n], strict=True)}
        return {k: v for k, v in found.items() if v}

    return Stack(bias=round(float(w[0]), 3), strong=round(float(w[1]), 3), weak=round(float(w[2]), 3),
                 title=round(float(w[3]), 3), hits=round(float(w[4]), 3),
                 model=round(float(w[5]), 3) if with_model else 0.0,
                 threshold=threshold, title_rule=title_rule, offsets=per_label(1 + SHARED),
                 model_offsets=per_label(1 + SHARED + n) if with_model else {},
                 strong_offsets=per_label(1 + SHARED + 2 * n))


def _macro_f1(table: dict[str, list[tuple[float, int]]], threshold: float) -> float:
    f1s = []
    for pairs in table.values():
        tp = sum(s >= threshold and y for s, y in pairs)
        fp = sum(s >= threshold and not y for s, y in pairs)
        fn = sum(s < threshold and y for s, y in pairs)
        if tp + fp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / len(f1s) if f1s else 0.0


def fit_dimension(dimension: str, labels: list[str], data: list[HeldOut], with_model: bool) -> Stack:
    """The combination of one dimension, fitted on the held-out rows that reach it."""
    if dimension == "relevant":
        reach = [r for r in data if RELEVANT in r.feats]
    elif dimension == "kind":
        reach = data
    else:
        reach = [r for r in data if r.item.is_relevant]
    rows, ys, keys = [], [], []
    for r in reach:
        truth = gold_cats(r.item, [RELEVANT, *labels])
        for label in labels:
            rows.append((r.feats.get(label, Features()), r.probs.get(label, 0.0)))
            ys.append(truth[label])
            keys.append(label)
    x, y = _design(rows, keys, labels), numpy.asarray(ys)
    n = len(labels)
    penalty = numpy.concatenate([numpy.full(SHARED, 1.0), numpy.full(n, OFFSET_L2),
                                 numpy.full(2 * n, INTERACTION_L2)])
    if not with_model:
        x[:, SHARED - 1] = 0.0
        x[:, SHARED + n: SHARED + 2 * n] = 0.0
        penalty[SHARED - 1] = 1e6
        penalty[SHARED + n: SHARED + 2 * n] = 1e6
    w = fit_logistic(x, y, penalty)
    probe = _stack(w, labels, with_model, 0.5, False)
    raw = [probe.score(p if with_model else None, f, key.split(":", 1)[1])
           for (f, p), key in zip(rows, keys, strict=True)]
    title_hits = [(y_, f.strong_title) for (f, _), y_ in zip(rows, ys, strict=True) if f.strong_title]
    title_rule = bool(title_hits) and sum(y_ for y_, _ in title_hits) / len(title_hits) >= 0.8
    final = [1.0 if title_rule and f.strong_title else s for (f, _), s in zip(rows, raw, strict=True)]
    table: dict[str, list[tuple[float, int]]] = {}
    for key, s, y_ in zip(keys, final, ys, strict=True):
        table.setdefault(key, []).append((s, int(y_)))
    if dimension == "relevant":
        best = max(THRESHOLDS, key=lambda t: _macro_f1(table, t))
    elif dimension == "kind":
        best = 0.5  # kind is the best-scoring label; its threshold is not used
    else:
        best = max(THRESHOLDS, key=lambda t: _macro_f1(table, t))
    return _stack(w, labels, with_model, best, title_rule)


def _scored(stack: Stack, dimension: str, labels: list[str], rows: list[HeldOut], with_model: bool
            ) -> list[dict[str, tuple[float, int]]]:
    """Per item and label of a dimension: the final score (title rule included) and the truth."""
    out = []
    for r in rows:
        truth = gold_cats(r.item, labels)
        row = {}
        for label in labels:
            f = r.feats.get(label, Features())
            node = label.split(":", 1)[1]
            score = 1.0 if stack.title_rule and f.strong_title else stack.score(
                r.probs.get(label, 0.0) if with_model else None, f, node)
            row[node] = (score, int(truth[label]))
        out.append(row)
    return out


def joint_thresholds(values: Stack, themes: Stack, data: list[HeldOut], labels: list[str],
                     theme_of: dict[str, str], with_model: bool) -> tuple[float, float]:
    """Thresholds of values and themes chosen together: a theme is given when its own score
    passes or one of its values is given, so the values' threshold moves the themes' F1 too."""
    reach = [r for r in data if r.item.is_relevant]
    value_rows = _scored(values, "values", [lb for lb in labels if lb.startswith("values:")], reach, with_model)
    theme_rows = _scored(themes, "themes", [lb for lb in labels if lb.startswith("themes:")], reach, with_model)

    def f1s(tv: float, tt: float) -> float:
        vtable: dict[str, list[tuple[float, int]]] = {}
        ttable: dict[str, list[tuple[float, int]]] = {}
        for vrow, trow in zip(value_rows, theme_rows, strict=True):
            implied = {theme_of[v] for v, (s, _) in vrow.items() if s >= tv}
            for v, pair in vrow.items():
                vtable.setdefault(v, []).append(pair)
            for t, (s, y) in trow.items():
                ttable.setdefault(t, []).append((1.0 if t in implied else s, y))
        return _macro_f1(vtable, tv) + _macro_f1(ttable, tt)

    return max(((tv, tt) for tv in THRESHOLDS for tt in THRESHOLDS), key=lambda pair: f1s(*pair))


def tune(config: ClassifierConfig, log: Callable[[str], None] = lambda _: None) -> ClassifierConfig:
    taxonomy = load_taxonomy()
    items = list(read_gold(gold_files("train")))
    data = held_out_predictions(items, taxonomy, config, log)
    labels = label_set(taxonomy)
    result = config.model_copy(deep=True)
    for dimension in COMBINED:
        mine = [RELEVANT] if dimension == "relevant" else [lb for lb in labels if lb.startswith(f"{dimension}:")]
        result.with_model[dimension] = fit_dimension(dimension, mine, data, True)
        result.rules_only[dimension] = fit_dimension(dimension, mine, data, False)
        log(f"{dimension}: with model {result.with_model[dimension]}")
    theme_of = {v: taxonomy.theme_of(v) for v in taxonomy.ids("values")}
    for table, with_model in ((result.with_model, True), (result.rules_only, False)):
        tv, tt = joint_thresholds(table["values"], table["themes"], data, labels, theme_of, with_model)
        table["values"].threshold, table["themes"].threshold = tv, tt
    log(f"thresholds with model: values {result.with_model['values'].threshold}, "
        f"themes {result.with_model['themes'].threshold}")
    return result


HEADER = """\
# How the classifier combines lexicon evidence with the trained model (see gaimon/decide.py and
# docs/classification.md). Per dimension: score = sigmoid(bias + model * logit(p)
# + strong * n_strong + weak * n_weak + title * in_title + hits * log(1 + n_hits)); a label is
# given when its score reaches `threshold` (kind: the best-scoring kind). `with_model` applies
# when a trained model exists, `rules_only` to the lexicon alone.
#
# The coefficients are fitted by `gaimon train --tune` on held-out predictions of the training
# split; edit `training` by hand.
"""


def write_config(config: ClassifierConfig, path=CONFIG_FILE) -> None:
    data = config.model_dump()
    text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")
