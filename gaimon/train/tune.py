"""Fit how lexicon evidence and the model are combined (the coefficients in classifier.yaml).

The training split is cut into folds; a model trained on the other folds labels each fold, so
every training item gets model probabilities from a model that never saw it. On those held-out
predictions a logistic combination is fitted per dimension (see gaimon/classify/decide.py), once
with the model and once for the lexicon alone, and a threshold is chosen per dimension that
maximises its macro F1, one for leads and one for headlines. Labels a real item's source cannot
express are left out. The title rule is kept for a dimension only where a clear term in the
title is right at least TITLE_PRECISION of the time, on the project's items and on real text
alike. The dev splits are not used: they stay for evaluation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy
import yaml

from gaimon.classify.classifier import Classifier
from gaimon.classify.decide import (
    COMBINED,
    CONFIG_FILE,
    MAX_STRONG,
    MAX_WEAK,
    RELEVANT,
    ClassifierConfig,
    Features,
    Stack,
    is_headline,
    model_logit,
    rule_features,
)
from gaimon.classify.nlp import TEXTCAT
from gaimon.taxonomy import LANGS, Taxonomy, load_lemmas, load_taxonomy
from gaimon.train.registers import is_real, known
from gaimon.train.training import (
    HEADLINE_VIEW,
    GoldItem,
    gold_cats,
    label_set,
    train_pipeline,
    training_items,
)

FOLDS = 3
TITLE_PRECISION = 0.8
MIN_TITLE_ROWS = 5
MIN_SHORT_ROWS = 50  # fewer headlines than this reaching a dimension: no threshold of their own
THRESHOLDS = [round(float(t), 2) for t in numpy.arange(0.05, 0.81, 0.05)]


@dataclass
class HeldOut:
    item: GoldItem
    feats: dict[str, Features]
    probs: dict[str, float]

    @property
    def short(self) -> bool:
        return is_headline(self.item.text)


def fold_of(item_id: str, folds: int = FOLDS) -> int:
    """An item's fold; an item's headline view goes with the item."""
    base = item_id.removesuffix(HEADLINE_VIEW)
    return int(hashlib.sha1(base.encode()).hexdigest(), 16) % folds


def held_out_predictions(
    items: list[GoldItem],
    taxonomy: Taxonomy,
    config: ClassifierConfig,
    log: Callable[[str], None] = lambda _: None,
) -> list[HeldOut]:
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
                feats = rule_features(clf.hits(nlp, doc, item.body), len(item.title))
                rows.append(HeldOut(item, feats, dict(zip(textcat.labels, row, strict=True))))
    return rows


OWN_SHARE = 0.8
SHARED = 7  # strong, weak, title, hits, model, short, short x model: before the per-label offsets
MODEL_COLUMNS = (4, 6)
OFFSET_L2 = 3.0
INTERACTION_L2 = 30.0


Row = tuple[Features, float, bool]  # a label's lexicon features, model probability, headline


def _design(rows: list[Row], keys: list[str], labels: list[str]) -> numpy.ndarray:
    """Columns: strong, weak, title, log hits, logit(p), headline, headline x logit(p); then per
    label an indicator, and the label's own share of logit(p) and of the clear-term count."""
    n = len(labels)
    x = numpy.zeros((len(rows), SHARED + 3 * n))
    column = {label: SHARED + i for i, label in enumerate(labels)}
    for i, ((f, p, short), key) in enumerate(zip(rows, keys, strict=True)):
        strong, lp = min(f.strong, MAX_STRONG), model_logit(p, f)
        x[i, :SHARED] = [
            strong,
            min(f.weak, MAX_WEAK),
            f.title,
            numpy.log1p(f.hits),
            lp,
            short,
            short * lp,
        ]
        x[i, column[key]] = 1.0
        x[i, column[key] + n] = lp
        x[i, column[key] + 2 * n] = strong
    return x


def fit_logistic(
    x: numpy.ndarray,
    y: numpy.ndarray,
    penalty: numpy.ndarray,
    steps: int = 50,
    weight: numpy.ndarray | None = None,
) -> numpy.ndarray:
    """Weights (bias first) of an L2-regularised logistic regression, by Newton's method.
    `penalty` gives each column of x its own L2 strength; `weight` each row its weight."""
    weight = numpy.ones(len(x)) if weight is None else weight
    x = numpy.hstack([numpy.ones((len(x), 1)), x])
    w = numpy.zeros(x.shape[1])
    penalty = numpy.concatenate([[0.0], penalty])
    for _ in range(steps):
        p = 1.0 / (1.0 + numpy.exp(-numpy.clip(x @ w, -30, 30)))
        grad = x.T @ (weight * (p - y)) + penalty * w
        hess = (x * (weight * p * (1 - p))[:, None]).T @ x + numpy.diag(penalty + 1e-9)
        step = numpy.linalg.solve(hess, grad)
        w -= step
        if numpy.abs(step).max() < 1e-6:
            break
    return w


def _stack(
    w: numpy.ndarray,
    labels: list[str],
    with_model: bool,
    threshold: float,
    title_rule: bool,
    threshold_short: float | None = None,
) -> Stack:
    n = len(labels)

    def per_label(start: int) -> dict[str, float]:
        found = {
            lb.split(":", 1)[1]: round(float(v), 3)
            for lb, v in zip(labels, w[start : start + n], strict=True)
        }
        return {k: v for k, v in found.items() if v}

    return Stack(
        bias=round(float(w[0]), 3),
        strong=round(float(w[1]), 3),
        weak=round(float(w[2]), 3),
        title=round(float(w[3]), 3),
        hits=round(float(w[4]), 3),
        model=round(float(w[5]), 3) if with_model else 0.0,
        short=round(float(w[6]), 3),
        short_model=round(float(w[7]), 3) if with_model else 0.0,
        threshold=threshold,
        threshold_short=threshold_short,
        title_rule=title_rule,
        offsets=per_label(1 + SHARED),
        model_offsets=per_label(1 + SHARED + n) if with_model else {},
        strong_offsets=per_label(1 + SHARED + 2 * n),
    )


def _macro_f1(
    table: dict[str, list[tuple[float, int]]], threshold: float, real: bool = False
) -> float:
    """Macro F1 as `gaimon eval` counts it. On real texts a label enters only where the source
    gives it to some item: one it never gives may be one it cannot express, and counting its
    false positives as an F1 of 0 made the choice of threshold jump with a single such label."""
    f1s = []
    for pairs in table.values():
        tp = sum(s >= threshold and y for s, y in pairs)
        fp = sum(s >= threshold and not y for s, y in pairs)
        fn = sum(s < threshold and y for s, y in pairs)
        if (tp + fn) if real else (tp + fp + fn):
            f1s.append(2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / len(f1s) if f1s else 0.0


def fit_dimension(
    dimension: str, labels: list[str], data: list[HeldOut], with_model: bool
) -> Stack:
    """The combination of one dimension, fitted on the held-out rows that reach it."""
    reach = data if dimension in ("relevant", "kind") else [r for r in data if r.item.is_relevant]
    rows: list[Row] = []
    ys, keys, real = [], [], []
    for r in reach:
        truth = gold_cats(r.item, [RELEVANT, *labels])
        for label in labels:
            if label not in truth:
                continue  # the item's source cannot say
            rows.append((r.feats.get(label, Features()), r.probs.get(label, 0.0), r.short))
            ys.append(truth[label])
            keys.append(label)
            real.append(is_real(r.item))
    x, y = _design(rows, keys, labels), numpy.asarray(ys)
    n = len(labels)
    penalty = numpy.concatenate(
        [numpy.full(SHARED, 1.0), numpy.full(n, OFFSET_L2), numpy.full(2 * n, INTERACTION_L2)]
    )
    if not with_model:
        for col in (*MODEL_COLUMNS, *range(SHARED + n, SHARED + 2 * n)):
            x[:, col] = 0.0
            penalty[col] = 1e6
    w = fit_logistic(x, y, penalty, weight=_balanced(real))
    title_rule = _title_rule_holds(rows, ys, real)
    listed = title_rule and dimension not in ("relevant", "kind")
    off = _title_rule_fails(rows, ys, real, keys) if listed else []
    probe = _stack(w, labels, with_model, 0.5, title_rule)
    probe.title_rule_off = [key.split(":", 1)[1] for key in off]
    final = [
        probe.ruled(p if with_model else None, f, key.split(":", 1)[1], short)
        for (f, p, short), key in zip(rows, keys, strict=True)
    ]
    if dimension == "kind":
        return _stack(w, labels, with_model, 0.5, title_rule)  # kind: the best-scoring label
    if dimension == "relevant":
        # With an AI term and without one: two thresholds, chosen together for the F1 of all.
        term = [RELEVANT in r.feats for r in reach]
        pairs = list(zip(final, ys, term, strict=True))
        best = max(
            ((a, b) for a in THRESHOLDS for b in NO_TERM_THRESHOLDS),
            key=lambda ab: _f1([(s >= (ab[0] if t else ab[1]), y_) for s, y_, t in pairs]),
        )
        stack = _stack(w, labels, with_model, best[0], title_rule)
        if with_model:
            stack.threshold_no_term = best[1]
        return stack
    long_best, short_best = _thresholds(keys, final, ys, [short for _, _, short in rows], real)
    stack = _stack(w, labels, with_model, long_best, title_rule, short_best)
    stack.title_rule_off = sorted(probe.title_rule_off)
    return stack


NO_TERM_THRESHOLDS = [round(float(t), 2) for t in numpy.arange(0.3, 0.96, 0.05)]


def _f1(decisions: list[tuple[bool, float]]) -> float:
    tp = sum(d and y for d, y in decisions)
    fp = sum(d and not y for d, y in decisions)
    fn = sum(not d and y for d, y in decisions)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _title_rule_holds(rows: list[Row], ys: list[float], real: list[bool]) -> bool:
    """A clear term in the title is right often enough, on the project's items and on real text
    (each judged where it has at least ten such rows)."""
    verdicts = [
        precision >= TITLE_PRECISION
        for precision, n in _title_precision(rows, ys, real, [""] * len(rows)).values()
        if n >= 10
    ]
    return bool(verdicts) and all(verdicts)


def _title_rule_fails(
    rows: list[Row], ys: list[float], real: list[bool], keys: list[str]
) -> list[str]:
    """Labels whose clear terms in a title are right less than TITLE_PRECISION of the time on
    the project's items or on real text (each judged where the label has at least
    MIN_TITLE_ROWS such rows): "AI art" in a headline about a generator's explicit images, or a
    companion app in one about a data leak, is no sign of the value the term stands for."""
    return sorted(
        {
            key
            for (key, _), (precision, n) in _title_precision(rows, ys, real, keys).items()
            if n >= MIN_TITLE_ROWS and precision < TITLE_PRECISION
        }
    )


def _title_precision(
    rows: list[Row], ys: list[float], real: list[bool], keys: list[str]
) -> dict[tuple[str, bool], tuple[float, int]]:
    """Per key and group (real text or not): how often a clear term in the title was right,
    and over how many rows."""
    hits: dict[tuple[str, bool], list[float]] = {}
    for (f, _, _), y, r, key in zip(rows, ys, real, keys, strict=True):
        if f.strong_title:
            hits.setdefault((key, r), []).append(y)
    return {group: (sum(ys_) / len(ys_), len(ys_)) for group, ys_ in hits.items()}


def _balanced(real: list[bool]) -> numpy.ndarray:
    """Row weights that give the project's items OWN_SHARE of the say and the real texts the
    rest (the real texts outnumber the others, and their label rates differ)."""
    real_ = numpy.asarray(real, dtype=bool)
    n_real, n_own = real_.sum(), (~real_).sum()
    if not n_real or not n_own:
        return numpy.ones(len(real_))
    return numpy.where(real_, (1 - OWN_SHARE) * len(real_) / n_real, OWN_SHARE * len(real_) / n_own)


def _thresholds(
    keys: list[str], scores: list[float], ys: list[float], short: list[bool], real: list[bool]
) -> tuple[float, float | None]:
    """Thresholds that maximise macro F1 on leads and, where there are enough, on headlines
    (the mean of the macro F1 of the project's items and of the real texts)."""
    out = []
    for want in (False, True):
        tables: dict[bool, dict[str, list[tuple[float, int]]]] = {False: {}, True: {}}
        for key, s, y_, sh, r in zip(keys, scores, ys, short, real, strict=True):
            if sh == want:
                tables[r].setdefault(key, []).append((s, int(y_)))
        filled = {r: t for r, t in tables.items() if t}
        rows = max((len(v) for t in filled.values() for v in t.values()), default=0)
        enough = filled and (not want or rows >= MIN_SHORT_ROWS)
        out.append(
            max(
                THRESHOLDS,
                key=lambda t: sum(_macro_f1(x, t, r) for r, x in filled.items()) / len(filled),
            )
            if enough
            else None
        )
    return out[0] if out[0] is not None else 0.5, out[1]


def _scored(
    stack: Stack, labels: list[str], rows: list[HeldOut], with_model: bool
) -> list[dict[str, tuple[float, int]]]:
    """Per item and known label of a dimension: final score (title rule included) and truth."""
    out = []
    for r in rows:
        truth = gold_cats(r.item, labels)
        row = {}
        for label in labels:
            if label not in truth:
                continue
            f = r.feats.get(label, Features())
            p = r.probs.get(label, 0.0) if with_model else None
            node = label.split(":", 1)[1]
            row[node] = (stack.ruled(p, f, node, r.short), int(truth[label]))
        out.append(row)
    return out


def value_threshold(
    values: Stack,
    data: list[HeldOut],
    labels: list[str],
    theme_of: dict[str, str],
    with_model: bool,
    short: bool = False,
) -> float:
    """The values' threshold that maximises the macro F1 of values and of the themes they
    imply (a theme is given when one of its values is)."""
    reach = [r for r in data if r.item.is_relevant and r.short == short]
    themes = sorted(set(theme_of.values()))
    value_rows = _scored(
        values, [lb for lb in labels if lb.startswith("values:")], reach, with_model
    )
    # A real item's source may leave a theme unknown (see registers.known).
    theme_truth = [
        {t: int(t in r.item.themes) for t in themes if known(r.item, "themes", t)} for r in reach
    ]
    groups = {
        real: group
        for real in (False, True)
        if (group := [i for i, r in enumerate(reach) if is_real(r.item) == real])
    }

    def f1s(tv: float) -> float:
        total = 0.0
        for real, group in groups.items():
            vtable: dict[str, list[tuple[float, int]]] = {}
            ttable: dict[str, list[tuple[float, int]]] = {}
            for i in group:
                for v, pair in value_rows[i].items():
                    vtable.setdefault(v, []).append(pair)
                implied = {theme_of[v] for v, (s, _) in value_rows[i].items() if s >= tv}
                for t, truth in theme_truth[i].items():
                    ttable.setdefault(t, []).append((float(t in implied), truth))
            total += _macro_f1(vtable, tv, real) + _macro_f1(ttable, 0.5, real)
        return total / len(groups)

    return max(THRESHOLDS, key=f1s)


def tune(config: ClassifierConfig, log: Callable[[str], None] = lambda _: None) -> ClassifierConfig:
    taxonomy = load_taxonomy()
    items = training_items()
    data = held_out_predictions(items, taxonomy, config, log)
    return fit_combination(config, data, taxonomy, log)


def fit_combination(
    config: ClassifierConfig,
    data: list[HeldOut],
    taxonomy: Taxonomy,
    log: Callable[[str], None] = lambda _: None,
) -> ClassifierConfig:
    labels = label_set(taxonomy)
    result = config.model_copy(deep=True)
    for dimension in COMBINED:
        mine = (
            [RELEVANT]
            if dimension == "relevant"
            else [lb for lb in labels if lb.startswith(f"{dimension}:")]
        )
        result.with_model[dimension] = fit_dimension(dimension, mine, data, True)
        result.rules_only[dimension] = fit_dimension(dimension, mine, data, False)
        log(f"{dimension}: with model {result.with_model[dimension]}")
    theme_of = taxonomy.value_themes()
    for table, with_model in ((result.with_model, True), (result.rules_only, False)):
        table.pop("themes", None)
        table["values"].threshold = value_threshold(
            table["values"], data, labels, theme_of, with_model
        )
        if table["values"].threshold_short is not None:
            table["values"].threshold_short = value_threshold(
                table["values"], data, labels, theme_of, with_model, True
            )
        for dimension in ("values", "sectors"):
            mine = [lb for lb in labels if lb.startswith(f"{dimension}:")]
            table[dimension].threshold_offsets = label_thresholds(
                table[dimension], mine, data, with_model
            )
    log(f"thresholds with model: values {result.with_model['values'].threshold}")
    return result


OFFSET_STEPS = [-0.2, -0.15, -0.1, -0.05, 0.05, 0.1]
MIN_POSITIVES = 10
MIN_GAIN = 0.02


def label_thresholds(
    stack: Stack, labels: list[str], data: list[HeldOut], with_model: bool
) -> dict[str, float]:
    """Per label, a shift of the dimension's threshold where it raises that label's held-out F1
    clearly (by MIN_GAIN), for labels with at least MIN_POSITIVES positives."""
    reach = [r for r in data if r.item.is_relevant]
    rows = _scored(stack, labels, reach, with_model)
    out = {}
    for label in labels:
        node = label.split(":", 1)[1]
        cuts = [
            (stack.cut(r.short), row[node])
            for r, row in zip(reach, rows, strict=True)
            if node in row
        ]
        if sum(y for _, (_, y) in cuts) < MIN_POSITIVES:
            continue

        def f1(shift: float) -> float:
            return _f1([(s >= c + shift, y) for c, (s, y) in cuts])  # noqa: B023

        best = max(OFFSET_STEPS, key=f1)
        if f1(best) >= f1(0.0) + MIN_GAIN:
            out[node] = best
    return out


HEADER = """\
# How the classifier combines lexicon evidence with the trained model (see
# gaimon/classify/decide.py and docs/classification.md).
# Per dimension: score = sigmoid(bias + model * logit(p)
# + strong * n_strong + weak * n_weak + title * in_title + hits * log(1 + n_hits)
# + headline * (short + short_model * logit(p))); a label is given when its score reaches
# `threshold` (a headline: `threshold_short`; kind: the best-scoring kind; relevance without an
# AI term: `threshold_no_term`). `with_model` applies when a trained model exists, `rules_only`
# to the lexicon alone.
#
# The coefficients are fitted by `gaimon train --tune` on held-out predictions of the training
# split; edit `training` by hand.
"""


def write_config(config: ClassifierConfig, path=CONFIG_FILE) -> None:
    data = config.model_dump()
    text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")
