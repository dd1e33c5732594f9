"""Label texts with the scan's taxonomy, and say which words earned each label.

One spaCy pipeline per language (see gaimon/nlp.py) finds lexicon terms; a trained text
classifier, when there is one, adds what the lexicon misses; gaimon/decide.py combines the two.
Without a trained model the classifier runs on the lexicon alone (`Classifier()`); the usual
entry point is `gaimon.train.load_classifier(home)`, which finds or trains the model.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from pathlib import Path

import numpy
from pydantic import BaseModel, Field
from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.tokens import Doc

from gaimon.decide import (
    RELEVANT,
    ClassifierConfig,
    Decision,
    Hit,
    decide,
    default_config,
    load_config,
    rule_features,
)
from gaimon.langid import guess_lang
from gaimon.lexicon import SPANS_KEY
from gaimon.nlp import TEXTCAT, build_pipeline, load_pipeline
from gaimon.taxonomy import (
    LANGS,
    LEMMAS_FILE,
    LIST_DIMENSIONS,
    TAXONOMY_FILE,
    Taxonomy,
    default_taxonomy,
    load_lemmas,
    load_taxonomy,
)
from gaimon.textcat import contributions

CHUNK = 512            # items per batch; the pipelines' memory is released after each
MODEL_EVIDENCE = 3     # words shown for a label the model gave without a lexicon term


class ClassifyInput(BaseModel):
    id: str
    text: str
    title: str = ""
    lang: str | None = None
    relevant: bool | None = Field(None, description="An analyst's decision; skips the relevance gate")

    @property
    def body(self) -> str:
        """The text that evidence offsets point into."""
        return f"{self.title}\n{self.text}"


class Evidence(BaseModel):
    label: str
    text: str
    start: int
    end: int


class Classification(BaseModel):
    id: str
    lang: str
    relevant: bool
    themes: list[str] = Field(default_factory=list)
    values: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    policy_options: list[str] = Field(default_factory=list)
    legal_frameworks: list[str] = Field(default_factory=list)
    kind: str = "debate"
    scores: dict[str, dict[str, float]] = Field(default_factory=dict)
    evidence: list[Evidence] = Field(default_factory=list)


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def rules_fingerprint() -> str:
    """What the lexicon-only classifier depends on: taxonomy, extra lemmas, combination rules."""
    from gaimon.decide import CONFIG_FILE

    return fingerprint(*(p.read_bytes() if p.exists() else b"" for p in (TAXONOMY_FILE, LEMMAS_FILE, CONFIG_FILE)))


class Classifier:
    """The taxonomy's lexicons, plus a trained model when `model_dir` is given.

    A model directory (written by gaimon.train) holds one spaCy pipeline per language, the
    taxonomy and combination rules it was trained with, and meta.json with its version.
    """

    def __init__(self, taxonomy: Taxonomy | None = None, model_dir: Path | str | None = None,
                 config: ClassifierConfig | None = None):
        self.model_dir = Path(model_dir) if model_dir else None
        if self.model_dir is None:
            self.taxonomy = taxonomy or default_taxonomy()
            self.config = config or default_config()
            lemmas = load_lemmas()
            self.nlp = {lang: build_pipeline(lang, self.taxonomy, lemmas[lang]) for lang in LANGS}
            self.version = f"rules-{self.taxonomy.version}+{rules_fingerprint()[:8]}"
            self.meta: dict = {"version": self.version}
        else:
            self.meta = json.loads((self.model_dir / "meta.json").read_text(encoding="utf-8"))
            self.version = self.meta["version"]
            self.taxonomy = taxonomy or load_taxonomy(self.model_dir / "taxonomy.yaml")
            self.config = config or load_config(self.model_dir / "classifier.yaml")
            self.nlp = {lang: load_pipeline(self.model_dir / lang) for lang in LANGS}
        self._setup()

    @classmethod
    def from_pipelines(cls, nlp: dict[str, Language], taxonomy: Taxonomy, config: ClassifierConfig,
                       version: str) -> Classifier:
        """A classifier over pipelines already in memory (as training makes them)."""
        self = cls.__new__(cls)
        self.model_dir, self.nlp, self.taxonomy, self.config = None, nlp, taxonomy, config
        self.version, self.meta = version, {"version": version}
        self._setup()
        return self

    def _setup(self) -> None:
        self.theme_of = {v: self.taxonomy.theme_of(v) for v in self.taxonomy.ids("values")}
        self.candidates = {d: self.taxonomy.ids(d) for d in LIST_DIMENSIONS if d != "themes"}
        self.candidates["kind"] = self.taxonomy.ids("kinds")

    @property
    def trained(self) -> bool:
        return all(TEXTCAT in nlp.pipe_names for nlp in self.nlp.values())

    def classify(self, item: ClassifyInput) -> Classification:
        return next(self.classify_many([item]))

    def classify_many(self, items: Iterable[ClassifyInput]) -> Iterator[Classification]:
        """Classify a stream in chunks; results come out in input order."""
        iterator = iter(items)
        while chunk := list(islice(iterator, CHUNK)):
            yield from self._classify_chunk(chunk)

    def _classify_chunk(self, chunk: list[ClassifyInput]) -> list[Classification]:
        langs = [item.lang if item.lang in self.nlp else guess_lang(item.body) for item in chunk]
        results: list[Classification | None] = [None] * len(chunk)
        with ExitStack() as stack:
            for nlp in self.nlp.values():
                stack.enter_context(nlp.memory_zone())
            for lang, nlp in self.nlp.items():
                positions = [i for i, lg in enumerate(langs) if lg == lang]
                if not positions:
                    continue
                docs = list(nlp.pipe((chunk[i].body for i in positions), batch_size=64))
                probs = self._predict(nlp, docs)
                for pos, doc, prob in zip(positions, docs, probs, strict=True):
                    results[pos] = self._result(chunk[pos], lang, nlp, doc, prob)
        for nlp in self.nlp.values():
            for _, pipe in nlp.pipeline:
                if hasattr(pipe, "clear_cache"):
                    pipe.clear_cache()
        return [r for r in results if r is not None]

    def _predict(self, nlp: Language, docs: list[Doc]) -> list[dict[str, float] | None]:
        """Model probabilities (None without a model); only docs with an AI term can pass the
        relevance gate, so only they are given to the model."""
        if TEXTCAT not in nlp.pipe_names:
            return [None] * len(docs)
        probs: list[dict[str, float] | None] = [{} for _ in docs]
        textcat = nlp.get_pipe(TEXTCAT)
        candidates = [i for i, doc in enumerate(docs)
                      if any(span.label_ == RELEVANT for span in doc.spans[SPANS_KEY])]
        if candidates:
            scores = numpy.asarray(textcat.predict([docs[i] for i in candidates]))
            labels = list(textcat.labels)
            for row, i in zip(scores.tolist(), candidates, strict=True):
                probs[i] = dict(zip(labels, row, strict=True))
        return probs

    def hits(self, doc: Doc) -> list[Hit]:
        return [Hit(s.label_, s.id_.split("|")[0], s.id_.endswith("|strong"), s.text.lower(),
                    s.start_char, s.end_char) for s in doc.spans[SPANS_KEY]]

    def _result(self, item: ClassifyInput, lang: str, nlp: Language, doc: Doc,
                probs: dict[str, float] | None) -> Classification:
        hits = self.hits(doc)
        decision = decide(rule_features(hits, len(item.title)), probs, self.config, self.candidates,
                          self.theme_of, item.relevant)
        result = Classification(id=item.id, lang=lang, relevant=decision.relevant,
                                kind=decision.kind, scores=_rounded(decision.scores),
                                **decision.labels)
        result.evidence = self._evidence(decision, hits, nlp, doc)
        return result

    def _evidence(self, decision: Decision, hits: list[Hit], nlp: Language, doc: Doc) -> list[Evidence]:
        given = {f"{d}:{i}" for d in LIST_DIMENSIONS for i in decision.labels[d]}
        given.add(f"kind:{decision.kind}")
        if decision.relevant:
            given.add(RELEVANT)
        evidence: dict[str, list[Evidence]] = {}
        for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
            spans = evidence.setdefault(hit.label, [])
            if hit.label not in given or len(spans) >= self.config.max_evidence:
                continue
            if spans and hit.start < spans[-1].end:  # overlaps the previous span of this label
                continue
            spans.append(Evidence(label=hit.label, text=doc.text[hit.start:hit.end],
                                  start=hit.start, end=hit.end))
        unexplained = [label for label in given if not evidence.get(label)]
        if unexplained and decision.relevant and TEXTCAT in nlp.pipe_names:
            for label, spans in self._model_evidence(nlp, doc, unexplained).items():
                evidence[label] = spans
        for value in decision.labels["values"]:
            theme = self.theme_of[value]
            evidence.setdefault(f"themes:{theme}", []).extend(
                Evidence(label=f"themes:{theme}", text=e.text, start=e.start, end=e.end)
                for e in evidence.get(f"values:{value}", []))
        return [e for label in sorted(evidence) for e in evidence[label] if label in given
                or label.startswith("themes:")]

    def _model_evidence(self, nlp: Language, doc: Doc, labels: list[str]) -> dict[str, list[Evidence]]:
        """The words that pushed the model towards labels no lexicon term explains."""
        textcat = nlp.get_pipe(TEXTCAT)
        keys, contrib = contributions(textcat.model, doc, self.config.training.ngram_size)
        if not len(keys):
            return {}
        first: dict[int, int] = {}
        for i, lemma in enumerate(doc.to_array(LEMMA).tolist()):
            first.setdefault(lemma, i)
        columns = {label: i for i, label in enumerate(textcat.labels)}
        found: dict[str, list[Evidence]] = {}
        for label in labels:
            if label not in columns:
                continue
            column = contrib[:, columns[label]]
            best = numpy.argsort(-column)[:MODEL_EVIDENCE]
            spans = []
            for k in best.tolist():
                if column[k] <= 0 or int(keys[k]) not in first:
                    continue
                token = doc[first[int(keys[k])]]
                spans.append(Evidence(label=label, text=token.text, start=token.idx,
                                      end=token.idx + len(token.text)))
            found[label] = sorted(spans, key=lambda e: e.start)
        return found


def _rounded(scores: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {d: {i: round(float(s), 4) for i, s in sorted(ids.items())} for d, ids in scores.items()}
