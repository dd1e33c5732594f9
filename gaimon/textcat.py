"""The model half of the classifier: a bag-of-lemmas text classifier, and what it looked at.

`gaimon.LemmaBOW.v1` is spaCy's bag-of-words idea (hashed n-grams into a sparse linear layer,
one logistic output per label) with two changes for this monitor: features are lemmas, not
surface forms, and their weights are length-normalised, so a 1,000-word article does not score
ten times higher than the 100-word items the model was trained on.

A linear model can say which words moved a label: `contributions()` gives, per label, each
word's share of the score, which the classifier reports as evidence for labels that no lexicon
term earned.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain
from thinc.types import Floats2d

# Typical training items have about this many distinct n-grams; features are scaled so that
# such an item has feature values near one.
FEATURE_SCALE = 16.0


@registry.layers("gaimon.lemma_ngrams.v1")
def lemma_ngrams(ngram_size: int) -> Model:
    return Model("lemma_ngrams", _ngrams_forward, attrs={"ngram_size": ngram_size})


def doc_features(doc: Doc, ngram_size: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Distinct n-gram keys of a doc's lemmas (punctuation left out) and their weights."""
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
    size = model.attrs["ngram_size"]
    feats = [doc_features(doc, size) for doc in docs]
    lengths = numpy.asarray([len(k) for k, _ in feats], dtype="int32")
    keys = numpy.concatenate([k for k, _ in feats]) if feats else numpy.zeros(0, dtype="uint64")
    values = numpy.concatenate([v for _, v in feats]) if feats else numpy.zeros(0, dtype="f")

    def backprop(dY):
        return []

    return (keys, values, lengths), backprop


@registry.architectures("gaimon.LemmaBOW.v1")
def lemma_bow(ngram_size: int = 2, length: int = 131072, nO: int | None = None) -> Model[list[Doc], Floats2d]:
    """Logistic regression per label over hashed, length-normalised lemma n-grams."""
    length = 2 ** (length - 1).bit_length()
    sparse = SparseLinear_v2(nO=nO, length=length)
    model = chain(lemma_ngrams(ngram_size), sparse, Logistic())
    model.set_ref("output_layer", sparse)
    model.attrs["multi_label"] = True
    return model


def contributions(model: Model, doc: Doc, ngram_size: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Per distinct lemma of the doc: its contribution to each label's logit.

    Returns (lemma keys, array keys x labels). Only unigrams are reported: they are the words
    an analyst can find in the text.
    """
    keys, values = doc_features(doc, ngram_size)
    arr = doc.to_array([LEMMA, IS_PUNCT, IS_SPACE])
    unigrams = numpy.isin(keys, arr[(arr[:, 1] == 0) & (arr[:, 2] == 0), 0])
    keys, values = keys[unigrams], values[unigrams]
    if not len(keys):
        return keys, numpy.zeros((0, 0), dtype="f")
    sparse = model.get_ref("output_layer")
    ones = numpy.ones(len(keys), dtype="int32")
    per_key = sparse.predict((keys, values, ones))
    return keys, numpy.asarray(per_key) - numpy.asarray(sparse.get_param("b"))
