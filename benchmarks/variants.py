"""Compare variants of the text model side by side, per register.

    python benchmarks/variants.py                       # every variant in VARIANTS
    python benchmarks/variants.py --only subwords-0.5   # one of them
    python benchmarks/variants.py --dev                 # also score the dev splits

For each variant (a change to the `training` settings of taxonomy/classifier.yaml) the text
model labels each of 3 folds of the training data from the other two, as `gaimon train --tune`
does. The cross-validated figures are nested: the combination is fitted on the held-out
predictions of two folds and scores the third, so neither the model nor the thresholds saw the
items they are scored on. Choices are made on those figures (macro F1 per dimension over the
labels a register can express); `--dev` adds the dev splits, which only confirm. docs/s is the
whole classifier over the dev texts, one process.
"""

from __future__ import annotations

import argparse
import json
import time

from gaimon.classify.classifier import Classification, Classifier, ClassifyInput
from gaimon.classify.decide import decide, is_headline, load_config
from gaimon.taxonomy import LANGS, LIST_DIMENSIONS, load_lemmas, load_taxonomy
from gaimon.train.evaluate import evaluate
from gaimon.train.registers import REGISTERS
from gaimon.train.training import dev_files, read_gold, train_pipeline, training_items
from gaimon.train.tune import FOLDS, fit_combination, fold_of, held_out_predictions

VARIANTS: dict[str, dict] = {
    "lemmas": {},
    "5 epochs": {"epochs": 5},
    "L2 0.003": {"l2": 0.003},
    "L2 0.0003": {"l2": 0.0003},
    "lemma bigrams": {"ngram_size": 2},
    "lexicon features x2": {"lexicon": 2.0},
    "lemmas + char 4-5-grams x0.5": {"subwords": 0.5},
    "real texts weigh 0.5": {"real_weight": 0.5},
    "rare positives weigh more (balance 0.5)": {"balance": 0.5},
}


def cross_validated(rows, config) -> dict:
    """Per register, scores of each fold's held-out rows under a combination fitted on the
    other folds' rows."""
    taxonomy = load_taxonomy()
    candidates = {d: taxonomy.ids(d) for d in LIST_DIMENSIONS}
    candidates["kind"] = taxonomy.ids("kinds")
    theme_of = taxonomy.value_themes()
    predicted, scored = [], []
    for fold in range(FOLDS):
        fitted = fit_combination(config, [r for r in rows if fold_of(r.item.id) != fold], taxonomy)
        for r in rows:
            if fold_of(r.item.id) != fold:
                continue
            d = decide(
                r.feats, r.probs, fitted, candidates, theme_of, None, is_headline(r.item.text)
            )
            scored.append(r.item)
            predicted.append(
                Classification(
                    id=r.item.id,
                    lang=r.item.lang or "en",
                    relevant=d.relevant,
                    kind=d.kind,
                    scores=d.scores,
                    **d.labels,
                )
            )
    return evaluate(scored, predicted).registers


def summary(registers: dict) -> dict:
    return {
        name: {
            "themes": r.dimensions["themes"].macro.f1,
            "values": r.dimensions["values"].macro.f1,
            "sectors": r.dimensions["sectors"].macro.f1,
            "relevance_f1": r.relevance.f1,
            "passed": r.relevance.recall,
            "ece_values": r.calibration.get("values", 0.0),
        }
        for name, r in registers.items()
    }


def run(name: str, changes: dict, dev: bool) -> dict:
    config = load_config()
    config.training = config.training.model_copy(update=changes)
    taxonomy, lemmas = load_taxonomy(), load_lemmas()
    items = training_items()
    started = time.perf_counter()
    rows = held_out_predictions(items, taxonomy, config)
    out = {
        "variant": name,
        "changes": changes,
        "cv": summary(cross_validated(rows, config)),
        "cv_seconds": round(time.perf_counter() - started, 1),
    }
    if dev:
        fitted = fit_combination(config, rows, taxonomy)
        started = time.perf_counter()
        nlp = {
            lang: train_pipeline(
                lang, [i for i in items if i.lang == lang], taxonomy, lemmas[lang], fitted
            )
            for lang in LANGS
        }
        out["train_seconds"] = round(time.perf_counter() - started, 1)
        clf = Classifier.from_pipelines(nlp, taxonomy, fitted, name)
        gold = list(read_gold(dev_files()))
        inputs = [ClassifyInput(id=g.id, title=g.title, text=g.text, lang=g.lang) for g in gold]
        list(clf.classify_many(inputs[:100]))  # warm-up
        started = time.perf_counter()
        predicted = list(clf.classify_many(inputs))
        out["docs_per_s"] = round(len(inputs) / (time.perf_counter() - started), 1)
        out["dev"] = summary(evaluate(gold, predicted).registers)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="variant name (repeatable)")
    parser.add_argument(
        "--dev", action="store_true", help="also train on all and score the dev splits"
    )
    args = parser.parse_args()
    for name, changes in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        result = run(name, changes, args.dev)
        print(json.dumps(result), flush=True)
        for split in ("cv", "dev"):
            for register in REGISTERS:
                s = result.get(split, {}).get(register)
                if s:
                    print(
                        f"  {split:3} {register:24} themes {s['themes']:.3f} values "
                        f"{s['values']:.3f} "
                        f"sectors {s['sectors']:.3f} relevance {s['relevance_f1']:.3f} "
                        f"passed {s['passed']:.3f} ECE values {s['ece_values']:.3f}",
                        flush=True,
                    )
        if "docs_per_s" in result:
            print(
                f"  {result['docs_per_s']} docs/s, training {result['train_seconds']} s", flush=True
            )


if __name__ == "__main__":
    main()
