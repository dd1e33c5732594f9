"""Classifier speed and memory, beside spaCy's tokenizer on the same texts.

    python benchmarks/classify.py                 # throughput: 1 and 2 processes
    python benchmarks/classify.py --memory 100000 # peak memory streaming that many documents

Texts of 300 to 1,000 words are built from the labelled items in taxonomy/train (Dutch and
English, half each, language left for the classifier to detect), each with a few words of its
own so that the vocabulary keeps growing as it would on real news. The classifier is the one
`gaimon classify` uses (trained model, trained first if needed, in a temporary home unless
--home is given). Prints documents and words per second for the tokenizer alone and for the
whole classifier, and the ratio between them.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import spacy

from gaimon.classify.classifier import ClassifyInput
from gaimon.home import Home
from gaimon.taxonomy import LANGS
from gaimon.train.training import GOLD_DIR, ensure_model, load_or_train_classifier


def _pieces() -> dict[str, list[dict]]:
    return {
        lang: [
            json.loads(line)
            for path in sorted((GOLD_DIR / lang).glob("*.jsonl"))
            for line in path.open(encoding="utf-8")
            if line.strip()
        ]
        for lang in LANGS
    }


def documents(count: int, seed: int = 1) -> Iterator[ClassifyInput]:
    """`count` articles of 300-1,000 words, alternating Dutch and English, made on the fly."""
    pieces, rng = _pieces(), random.Random(seed)
    for n in range(count):
        pool = pieces[LANGS[n % 2]]
        target, parts, words = rng.randint(300, 1000), [], 0
        while words < target:
            text = rng.choice(pool)["text"]
            parts.append(text)
            words += len(text.split())
        # Words of its own (names, numbers), as real articles have.
        parts.append(f"Ref {n:07d}-{rng.randrange(10**6):06d} Van{rng.randrange(10**5):05d}berg.")
        yield ClassifyInput(id=str(n), title=rng.choice(pool)["title"], text=" ".join(parts))


def _tokenize(items: list[ClassifyInput]) -> None:
    nlps = {lang: spacy.blank(lang) for lang in LANGS}
    for n, item in enumerate(items):
        nlps[LANGS[n % 2]].make_doc(item.body)


_loaded: dict[str, object] = {}


def _classify(args: tuple[str, list[ClassifyInput]]) -> None:
    home, items = args
    if home not in _loaded:  # loading is not part of the measurement
        _loaded[home] = load_or_train_classifier(Home(Path(home)))
    for _ in _loaded[home].classify_many(items):
        pass


def _timed(func, warm: list, chunks: list, processes: int) -> float:
    """Seconds for `chunks`, after a warm-up on other texts (lazy loading and the caches of a
    long run, but no cached copy of the very texts measured)."""
    if processes == 1:
        func(warm[0])
        started = time.perf_counter()
        func(chunks[0])
        return time.perf_counter() - started
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(func, warm)  # warm-up in every worker
        started = time.perf_counter()
        pool.map(func, chunks)
        return time.perf_counter() - started


def throughput(home: Path, count: int) -> None:
    items, warm = list(documents(count)), list(documents(200, seed=9))
    words = sum(len(i.body.split()) for i in items)
    print(f"{count} documents, {words} words ({words // count} per document on average)")
    for processes in (1, 2):
        split = [items[i::processes] for i in range(processes)]
        warm_split = [warm[i::processes] for i in range(processes)]
        token_time = _timed(_tokenize, warm_split, split, processes)
        classify_time = _timed(
            _classify,
            [(str(home), part) for part in warm_split],
            [(str(home), part) for part in split],
            processes,
        )
        for name, seconds in (("tokenizer alone", token_time), ("classifier", classify_time)):
            print(
                f"  {processes} process(es), {name:15}: {count / seconds:8.1f} docs/s "
                f"{words / seconds:10.0f} words/s"
            )
        print(
            f"  {processes} process(es), classifier / tokenizer: {classify_time / token_time:.2f}x"
        )


def memory(home: Path, count: int) -> None:
    classifier = load_or_train_classifier(Home(home))
    started, seen, relevant = time.perf_counter(), 0, 0
    for result in classifier.classify_many(documents(count, seed=2)):
        seen += 1
        relevant += result.relevant
        if seen % 10000 == 0:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"  {seen} documents, peak memory {peak:.0f} MB, "
                f"{seen / (time.perf_counter() - started):.0f} docs/s"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{seen} documents classified as a stream ({relevant} relevant): peak memory {peak:.0f} MB"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents for the throughput run")
    parser.add_argument(
        "--memory", type=int, default=0, help="stream this many documents, report peak memory"
    )
    parser.add_argument(
        "--home", type=Path, help="home with a trained model (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        ensure_model(Home(home).ensure(), lambda: [], lambda m: print(m, file=sys.stderr))
        if args.memory:
            memory(home, args.memory)
        else:
            throughput(home, args.docs)


if __name__ == "__main__":
    main()
