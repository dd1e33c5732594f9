"""The model half of the classifier: a bag-of-lemmas text classifier, and what it looked at.

`gaimon.LemmaLogistic.v1` is spaCy's bag-of-words idea (hashed n-grams into a linear layer,
one logistic output per label) with three changes for this monitor: features are lemmas, not
surface forms; their weights are length-normalised, so a 1,000-word article does not score
ten times higher than the 100-word items the model was trained on; and with `subwords` > 0
each lemma also gives its character n-grams (hashed), so a word never seen in training still
shares features with the words it is made of or spelled like: Dutch compounds
(`gezichtsherkenning`), US and UK spellings (`behavior`), derived forms (`overreliance`).

It is trained by `fit`, not by spaCy's update loop: the real texts are labelled only partly,
and a label an item's source cannot express must weigh nothing in the loss; L2 on the weights
keeps the probabilities away from 0 and 1, so that the combination in gaimon/classify/decide.py can
turn them into calibrated scores.

A linear model can say which words move a label. After training, `gaimon_explainer` keeps,
per label, the words of the training data with the largest weights; for a label that no
lexicon term earned, the classifier shows the doc's words that weigh most for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy
import srsly
from scipy.sparse import csr_matrix
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab
from thinc.api import Model
from thinc.types import Floats2d

from gaimon.classify.lexicon import USER_DATA_KEY

# Typical training items have about this many distinct n-grams; features are scaled so that
# such an item has feature values near one.
FEATURE_SCALE = 16.0
# Character n-grams of lemmas: sizes, and the shortest lemma that gets them.
SUBWORD_SIZES = (4, 5)
SUBWORD_MIN_LENGTH = 5
# A cache larger than this is dropped rather than grown: it only saves recomputation.
MAX_SUBWORD_CACHE = 200_000
_subword_cache: dict[int, numpy.ndarray] = {}


def doc_features(
    doc: Doc, ngram_size: int, lexicon: float = 0.0, subwords: float = 0.0
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Distinct n-gram keys of a doc's lemmas (punctuation left out) and their weights; with
    `subwords`, also the lemmas' character n-grams, together weighted `subwords` times the
    lemmas; with `lexicon`, also one key per lexicon node that matched, weighted
    `lexicon` * log(1 + hits)."""
    keys, values = _ngram_features(doc, ngram_size)
    if subwords and len(keys):
        sub = _subword_keys(doc)
        if len(sub):
            sub, counts = numpy.unique(sub, return_counts=True)
            weights = numpy.log1p(counts).astype("f")
            weights *= subwords * FEATURE_SCALE / max(float(numpy.linalg.norm(weights)), 1e-6)
            keys, values = numpy.concatenate([keys, sub]), numpy.concatenate([values, weights])
    hits = doc.user_data.get(USER_DATA_KEY) if lexicon else None
    if hits:
        lex_keys, counts = numpy.unique(
            numpy.asarray([h[0] for h in hits], dtype="uint64"), return_counts=True
        )
        keys = numpy.concatenate([keys, lex_keys])
        values = numpy.concatenate([values, (lexicon * numpy.log1p(counts)).astype("f")])
    return keys, values


def _ngram_features(doc: Doc, ngram_size: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    arr = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE])
    lemmas = arr[(arr[:, 1] == 0) & (arr[:, 2] == 0), 0]
    grams = [lemmas]
    for n in range(2, ngram_size + 1):
        if len(lemmas) >= n:
            stacked = numpy.stack([lemmas[i : len(lemmas) - n + 1 + i] for i in range(n)])
            # Order-sensitive mix of the n hashes: a key distinct from its unigrams.
            mixed = stacked[0].copy()
            for row in stacked[1:]:
                mixed = mixed * numpy.uint64(1099511628211) ^ row
            grams.append(mixed)
    keys = numpy.concatenate(grams).astype("uint64")
    if not len(keys):
        return keys, numpy.zeros(0, dtype="f")
    keys, counts = numpy.unique(keys, return_counts=True)
    values = numpy.log1p(counts).astype("f")
    values *= FEATURE_SCALE / max(float(numpy.linalg.norm(values)), 1e-6)
    return keys, values


def _subword_keys(doc: Doc) -> numpy.ndarray:
    """Character n-gram keys of the doc's distinct lemmas (each lemma's once)."""
    arr = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE])
    lemmas = numpy.unique(arr[(arr[:, 1] == 0) & (arr[:, 2] == 0), 0]).tolist()
    cache, strings, parts = _subword_cache, doc.vocab.strings, []
    if len(cache) > MAX_SUBWORD_CACHE:
        cache.clear()
    for key in lemmas:
        found = cache.get(key)
        if found is None:
            found = cache[key] = subword_keys(strings[key])
        parts.append(found)
    return numpy.concatenate(parts) if parts else numpy.zeros(0, dtype="uint64")


def subword_keys(word: str) -> numpy.ndarray:
    """Hashed character n-grams of a word, marked off from whole-word keys; none for short words
    and numbers."""
    if len(word) < SUBWORD_MIN_LENGTH or not word.isalpha():
        return numpy.zeros(0, dtype="uint64")
    marked = f"<{word}>"
    grams = {marked[i : i + n] for n in SUBWORD_SIZES for i in range(len(marked) - n + 1)}
    return numpy.asarray([hash_string("#" + g) for g in sorted(grams)], dtype="uint64")


@registry.architectures("gaimon.LemmaLogistic.v1")
def lemma_logistic(
    ngram_size: int = 1,
    length: int = 65536,
    lexicon: float = 0.0,
    subwords: float = 0.0,
    nO: int | None = None,
) -> Model[list[Doc], Floats2d]:
    """Logistic regression per label over hashed, length-normalised lemma n-grams (with
    `subwords` > 0 also their character n-grams; with `lexicon` > 0, the lexicon nodes that
    matched). Weights are a dense (`length` x labels) table indexed by the low bits of a
    feature's hash; `fit` trains them."""
    length = 2 ** (length - 1).bit_length()
    return Model(
        "lemma_logistic",
        _logistic_forward,
        init=_logistic_init,
        dims={"nO": nO, "nI": length},
        params={"W": None, "b": None},
        attrs={
            "ngram_size": ngram_size,
            "lexicon": lexicon,
            "subwords": subwords,
            "multi_label": True,
        },
    )


def _logistic_init(model: Model, X=None, Y=None) -> Model:
    if Y is not None and model.get_dim("nO") is None:
        model.set_dim("nO", Y.shape[1])
    shape = (model.get_dim("nI"), model.get_dim("nO"))
    model.set_param("W", numpy.zeros(shape, dtype="f"))
    model.set_param("b", numpy.zeros(shape[1], dtype="f"))
    return model


def feature_matrix(model: Model, docs: list[Doc]) -> csr_matrix:
    """One row per doc: its features' weights in the columns their hashes point to."""
    attrs, width = model.attrs, model.get_dim("nI")
    feats = [
        doc_features(doc, attrs["ngram_size"], attrs["lexicon"], attrs["subwords"]) for doc in docs
    ]
    indptr = numpy.zeros(len(docs) + 1, dtype="int64")
    indptr[1:] = numpy.cumsum([len(k) for k, _ in feats])
    keys = numpy.concatenate([k for k, _ in feats]) if feats else numpy.zeros(0, dtype="uint64")
    values = numpy.concatenate([v for _, v in feats]) if feats else numpy.zeros(0, dtype="f")
    columns = (keys & numpy.uint64(width - 1)).astype("int64")
    matrix = csr_matrix((values, columns, indptr), shape=(len(docs), width))
    matrix.sum_duplicates()
    return matrix


def _sigmoid(z: numpy.ndarray) -> numpy.ndarray:
    return 1.0 / (1.0 + numpy.exp(-numpy.clip(z, -30, 30)))


def _logistic_forward(model: Model, docs: list[Doc], is_train: bool):
    X = feature_matrix(model, docs)
    W, b = model.get_param("W"), model.get_param("b")
    Y = _sigmoid(numpy.asarray(X @ W) + b).astype("f")

    def backprop(dY: Floats2d) -> list:
        # dY is the loss's gradient for the logits (spaCy's textcat passes scores - truth).
        model.inc_grad("W", numpy.asarray(X.T @ dY, dtype="f"))
        model.inc_grad("b", dY.sum(axis=0))
        return []

    return Y, backprop


MAX_BALANCE = 10.0


@dataclass
class Fit:
    epochs: int
    learn_rate: float
    l2: float
    batch_size: int
    seed: int
    balance: float = (
        0.0  # positives of a label weigh (negatives / positives) ** balance, at most MAX_BALANCE
    )


def fit(
    model: Model,
    docs: list[Doc],
    truth: numpy.ndarray,
    known: numpy.ndarray,
    cfg: Fit,
    log: Callable[[str], None] = lambda _: None,
) -> None:
    # `known` may hold weights between 0 and 1 as well: an item that counts less.
    """Train the weights by minibatch Adam on the cross-entropy of the known labels only
    (`known` is 0 where an item's source cannot say), with L2 on the weights; with `balance`,
    the few positives of a rare label weigh more.

    Adam is lazy: a step touches only the rows of the features in its batch, so an epoch costs
    in proportion to the features that occur, not to the size of the table.
    """
    X = feature_matrix(model, docs)
    positives = (truth * (known > 0)).sum(axis=0)
    ratio = (((known > 0).sum(axis=0) - positives) / numpy.maximum(positives, 1.0)) ** cfg.balance
    weight_pos = numpy.clip(ratio, 1.0, MAX_BALANCE).astype("f")
    # Weights and Adam's two moments side by side: one gather and one scatter per step.
    state = numpy.zeros((X.shape[1], 3, truth.shape[1]), dtype="f")
    state[:, 0] = model.get_param("W")
    b = model.get_param("b").copy()
    mb, vb = numpy.zeros_like(b), numpy.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    rng = numpy.random.default_rng(cfg.seed)
    step = 0
    for epoch in range(cfg.epochs):
        order, loss = rng.permutation(X.shape[0]), 0.0
        for start in range(0, len(order), cfg.batch_size):
            idx = order[start : start + cfg.batch_size]
            batch = X[idx]
            rows = numpy.unique(batch.indices)
            local = csr_matrix(
                (batch.data, numpy.searchsorted(rows, batch.indices), batch.indptr),
                shape=(len(idx), len(rows)),
            )
            part = state[rows]
            w, m, v = part[:, 0], part[:, 1], part[:, 2]
            p = _sigmoid(numpy.asarray(local @ w) + b)
            y, k = truth[idx], known[idx]
            loss -= float((k * (y * numpy.log(p + 1e-9) + (1 - y) * numpy.log(1 - p + 1e-9))).sum())
            grad = (p - y) * k * (1 + (weight_pos - 1) * y) / len(idx)
            g_w = numpy.asarray(local.T @ grad) + cfg.l2 * w
            g_b = grad.sum(axis=0)
            step += 1
            rate = cfg.learn_rate * math.sqrt(1 - beta2**step) / (1 - beta1**step)
            m *= beta1
            m += (1 - beta1) * g_w
            v *= beta2
            v += (1 - beta2) * g_w**2
            w -= rate * m / (numpy.sqrt(v) + eps)
            state[rows] = part
            mb = beta1 * mb + (1 - beta1) * g_b
            vb = beta2 * vb + (1 - beta2) * g_b**2
            b -= rate * mb / (numpy.sqrt(vb) + eps)
        log(f"epoch {epoch + 1}/{cfg.epochs}: loss {loss / max(known.sum(), 1):.4f}")
    model.set_param("W", numpy.ascontiguousarray(state[:, 0]))
    model.set_param("b", b.astype("f"))


def unigram_weights(model: Model, keys: numpy.ndarray) -> numpy.ndarray:
    """Weight of each lemma key for each label (keys x labels), the bias left out."""
    W = model.get_param("W")
    return numpy.asarray(W[(keys.astype("uint64") & numpy.uint64(W.shape[0] - 1)).astype("int64")])


@Language.factory("gaimon_explainer")
def make_explainer(nlp: Language, name: str) -> Explainer:
    return Explainer(nlp.vocab, name)


class Explainer:
    """The words the text model weighs most per label; passes docs through unchanged."""

    TOP = 300

    def __init__(self, vocab: Vocab, name: str = "gaimon_explainer"):
        self.vocab, self.name = vocab, name
        self.words: dict[str, list[tuple[str, float]]] = {}
        self._index: dict[int, list[tuple[str, float]]] = {}
        # Lemmas of the training data: a lexicon term made of other words is new to the model.
        self.seen: set[str] = set()

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def fit(self, model: Model, labels: list[str], docs: Iterable[Doc]) -> None:
        """Keep each label's most heavily weighted lemmas among those seen in `docs`."""
        seen: set[int] = set()
        for doc in docs:
            arr = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE])
            seen.update(arr[(arr[:, 1] == 0) & (arr[:, 2] == 0), 0].tolist())
        self.seen = {self.vocab.strings[k] for k in seen}
        keys = numpy.asarray(sorted(k for k in seen if self._telling(k)), dtype="uint64")
        weights = unigram_weights(model, keys) if len(keys) else numpy.zeros((0, len(labels)))
        self.words = {}
        for column, label in enumerate(labels):
            order = numpy.argsort(-weights[:, column])[: self.TOP]
            self.words[label] = [
                (self.vocab.strings[int(keys[i])], round(float(weights[i, column]), 4))
                for i in order.tolist()
                if weights[i, column] > 0
            ]
        self._build()

    def _telling(self, key: int) -> bool:
        """A word an analyst would accept as a reason: not a function word, number or fragment."""
        word = self.vocab.strings[key]
        return len(word) > 2 and any(c.isalpha() for c in word) and not self.vocab[word].is_stop

    def _build(self) -> None:
        self._index = {}
        for label, words in self.words.items():
            for word, weight in words:
                self._index.setdefault(self.vocab.strings.add(word), []).append((label, weight))

    def knows(self, lemma: str) -> bool:
        """Whether the lemma occurred in the training data (always, when that is not recorded)."""
        return not self.seen or lemma in self.seen

    def explain(self, doc: Doc, labels: Iterable[str], n: int = 3) -> dict[str, list[int]]:
        """Per label, token positions of the doc's `n` most heavily weighted distinct lemmas."""
        wanted = set(labels)
        best: dict[str, dict[int, tuple[float, int]]] = {label: {} for label in wanted}
        index = self._index
        for position, lemma in enumerate(doc.to_array(LEMMA).tolist()):
            for label, weight in index.get(lemma, ()):
                if label in wanted and lemma not in best[label]:
                    best[label][lemma] = (weight, position)
        return {
            label: sorted(pos for _, pos in sorted(found.values(), reverse=True)[:n])
            for label, found in best.items()
            if found
        }

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "words.json", self.words)
        srsly.write_json(path / "seen.json", sorted(self.seen))

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> Explainer:
        self.words = {
            label: [(w, float(x)) for w, x in words]
            for label, words in srsly.read_json(Path(path) / "words.json").items()
        }
        seen = Path(path) / "seen.json"
        self.seen = set(srsly.read_json(seen)) if seen.exists() else set()
        self._build()
        return self
