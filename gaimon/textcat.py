"""The model half of the classifier: a bag-of-lemmas text classifier, and what it looked at.

`gaimon.LemmaBOW.v1` is spaCy's bag-of-words idea (hashed n-grams into a sparse linear layer,
one logistic output per label) with two changes for this monitor: features are lemmas, not
surface forms, and their weights are length-normalised, so a 1,000-word article does not score
ten times higher than the 100-word items the model was trained on.

A linear model can say which words move a label. After training, `gaimon_explainer` keeps,
per label, the words of the training data with the largest weights; for a label that no
lexicon term earned, the classifier shows the doc's words that weigh most for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy
import srsly
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from spacy.vocab import Vocab
from thinc.api import Logistic, Model, SparseLinear_v2, chain
from thinc.types import Floats2d

from gaimon.lexicon import USER_DATA_KEY

# Typical training items have about this many distinct n-grams; features are scaled so that
# such an item has feature values near one.
FEATURE_SCALE = 16.0


@registry.layers("gaimon.lemma_ngrams.v1")
def lemma_ngrams(ngram_size: int, lexicon: float = 0.0) -> Model:
    return Model("lemma_ngrams", _ngrams_forward, attrs={"ngram_size": ngram_size, "lexicon": lexicon})


def doc_features(doc: Doc, ngram_size: int, lexicon: float = 0.0) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Distinct n-gram keys of a doc's lemmas (punctuation left out) and their weights; with
    `lexicon`, also one key per lexicon node that matched, weighted `lexicon` * log(1 + hits)."""
    keys, values = _ngram_features(doc, ngram_size)
    hits = doc.user_data.get(USER_DATA_KEY) if lexicon else None
    if hits:
        lex_keys, counts = numpy.unique(numpy.asarray([h[0] for h in hits], dtype="uint64"), return_counts=True)
        keys = numpy.concatenate([keys, lex_keys])
        values = numpy.concatenate([values, (lexicon * numpy.log1p(counts)).astype("f")])
    return keys, values


def _ngram_features(doc: Doc, ngram_size: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    arr = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE])
    lemmas = arr[(arr[:, 1] == 0) & (arr[:, 2] == 0), 0]
    grams = [lemmas]
    for n in range(2, ngram_size + 1):
        if len(lemmas) >= n:
            stacked = numpy.stack([lemmas[i: len(lemmas) - n + 1 + i] for i in range(n)])
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


def _ngrams_forward(model: Model, docs: list[Doc], is_train: bool):
    size, lexicon = model.attrs["ngram_size"], model.attrs["lexicon"]
    feats = [doc_features(doc, size, lexicon) for doc in docs]
    lengths = numpy.asarray([len(k) for k, _ in feats], dtype="int32")
    keys = numpy.concatenate([k for k, _ in feats]) if feats else numpy.zeros(0, dtype="uint64")
    values = numpy.concatenate([v for _, v in feats]) if feats else numpy.zeros(0, dtype="f")

    def backprop(dY):
        return []

    return (keys, values, lengths), backprop


@registry.architectures("gaimon.LemmaBOW.v1")
def lemma_bow(ngram_size: int = 2, length: int = 131072, lexicon: float = 0.0,
              nO: int | None = None) -> Model[list[Doc], Floats2d]:
    """Logistic regression per label over hashed, length-normalised lemma n-grams (and, with
    `lexicon` > 0, the lexicon nodes that matched)."""
    length = 2 ** (length - 1).bit_length()
    sparse = SparseLinear_v2(nO=nO, length=length)
    model = chain(lemma_ngrams(ngram_size, lexicon), sparse, Logistic())
    model.set_ref("output_layer", sparse)
    model.attrs["multi_label"] = True
    return model


def unigram_weights(model: Model, keys: numpy.ndarray) -> numpy.ndarray:
    """Weight of each lemma key for each label (keys x labels), the bias left out."""
    sparse = model.get_ref("output_layer")
    ones = numpy.ones(len(keys), dtype="int32")
    per_key = sparse.predict((keys.astype("uint64"), numpy.ones(len(keys), dtype="f"), ones))
    return numpy.asarray(per_key) - numpy.asarray(sparse.get_param("b"))


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

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def fit(self, model: Model, labels: list[str], docs: Iterable[Doc]) -> None:
        """Keep each label's most heavily weighted lemmas among those seen in `docs`."""
        seen: set[int] = set()
        for doc in docs:
            arr = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE])
            seen.update(arr[(arr[:, 1] == 0) & (arr[:, 2] == 0), 0].tolist())
        keys = numpy.asarray(sorted(k for k in seen if self._telling(k)), dtype="uint64")
        weights = unigram_weights(model, keys) if len(keys) else numpy.zeros((0, len(labels)))
        self.words = {}
        for column, label in enumerate(labels):
            order = numpy.argsort(-weights[:, column])[: self.TOP]
            self.words[label] = [(self.vocab.strings[int(keys[i])], round(float(weights[i, column]), 4))
                                 for i in order.tolist() if weights[i, column] > 0]
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

    def explain(self, doc: Doc, labels: Iterable[str], n: int = 3) -> dict[str, list[int]]:
        """Per label, token positions of the doc's `n` most heavily weighted distinct lemmas."""
        wanted = set(labels)
        best: dict[str, dict[int, tuple[float, int]]] = {label: {} for label in wanted}
        index = self._index
        for position, lemma in enumerate(doc.to_array(LEMMA).tolist()):
            for label, weight in index.get(lemma, ()):
                if label in wanted and lemma not in best[label]:
                    best[label][lemma] = (weight, position)
        return {label: sorted(pos for _, pos in sorted(found.values(), reverse=True)[:n])
                for label, found in best.items() if found}

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "words.json", self.words)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> Explainer:
        self.words = {label: [(w, float(x)) for w, x in words]
                      for label, words in srsly.read_json(Path(path) / "words.json").items()}
        self._build()
        return self
