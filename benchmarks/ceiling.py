"""How far better thresholds alone could take the classifier: an upper bound on labelled items.

    python benchmarks/ceiling.py [GOLD.jsonl ...] [--home DIR]

For each register and for all items together, per dimension (themes, values, sectors): the
macro F1 of the labels the classifier gives, and the macro F1 it would reach if every label had
the best possible cut on its score, chosen on the very items it is scored on. No threshold
rule fitted elsewhere can beat that cut on these scores, so when the bound stays under a target,
the target needs a model that ranks the items better, not a better fit of the combination. The
counting follows `gaimon eval`: real items count only the labels their source can express,
AIAAIC's media and culture are one label (its score the higher of the two), and the macro runs
over the labels each register's gold data gives. A theme's score is the classifier's, the
chance that at least one of its values holds. Default: the real dev split.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gaimon.classify.classifier import Classification, ClassifyInput
from gaimon.home import Home
from gaimon.train.registers import REGISTER_NAMES, known, merged, register
from gaimon.train.training import GoldItem, load_or_train_classifier, read_gold, real_files

DIMENSIONS = ("themes", "values", "sectors")


@dataclass(frozen=True)
class Row:
    """One label of one item: whether it is true, given, and its score."""

    label: str
    gold: bool
    given: bool
    score: float


def f1(gold: Sequence[bool], given: Sequence[bool]) -> float:
    tp = sum(g and p for g, p in zip(gold, given, strict=True))
    wrong = sum(g != p for g, p in zip(gold, given, strict=True))
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def best_cut(rows: list[Row]) -> float:
    """The best F1 of any cut on the score: each distinct score in turn as the threshold."""
    gold = [r.gold for r in rows]
    return max(f1(gold, [r.score >= cut for r in rows]) for cut in {r.score for r in rows})


def rows_of(item: GoldItem, out: Classification, dimension: str) -> list[Row]:
    scores = out.scores.get(dimension, {}) if out.relevant else {}
    gold, given = set(getattr(item, dimension)), set(getattr(out, dimension))
    nodes = {n for n in scores} | gold | given
    kept = [n for n in nodes if known(item, dimension, n)]
    by_label: dict[str, Row] = {}
    for node in kept:
        (label,) = merged(item, dimension, {node})
        row = Row(label, node in gold, node in given, scores.get(node, 0.0))
        seen = by_label.get(label)
        if seen:
            row = Row(
                label, seen.gold or row.gold, seen.given or row.given, max(seen.score, row.score)
            )
        by_label[label] = row
    return list(by_label.values())


def macro(rows: list[Row]) -> tuple[float, float, int]:
    """Macro F1 as given and at the best cut per label, over the labels with gold items."""
    labels = sorted({r.label for r in rows if r.gold})
    now = [
        f1([r.gold for r in rows if r.label == lab], [r.given for r in rows if r.label == lab])
        for lab in labels
    ]
    best = [best_cut([r for r in rows if r.label == lab]) for lab in labels]
    n = len(labels)
    return (sum(now) / n, sum(best) / n, n) if n else (0.0, 0.0, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold JSONL (default: real dev split)")
    parser.add_argument("--home", type=Path, default=Path("var"))
    args = parser.parse_args()
    items = list(read_gold(args.gold or real_files("dev")))
    classifier = load_or_train_classifier(Home(args.home))
    outs = list(
        classifier.classify_many(
            [ClassifyInput(id=i.id, title=i.title, text=i.text, lang=i.lang) for i in items]
        )
    )
    groups: dict[str, list[tuple[GoldItem, Classification]]] = {}
    for item, out in zip(items, outs, strict=True):
        groups.setdefault(REGISTER_NAMES[register(item)], []).append((item, out))
    groups["all"] = list(zip(items, outs, strict=True))
    heads = "  ".join(f"{d + ' now / best cut':>24}" for d in DIMENSIONS)
    print(f"{'register':32} {'items':>5}  {heads}")
    for name, pairs in groups.items():
        cells = []
        for dimension in DIMENSIONS:
            rows = [r for item, out in pairs for r in rows_of(item, out, dimension)]
            now, best, n = macro(rows)
            cells.append(f"{now:.3f} / {best:.3f} ({n:2} labels)")
        print(f"{name:32} {len(pairs):5}  " + "  ".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
