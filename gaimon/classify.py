"""Label texts with the scan's taxonomy, and say which words earned each label.

One spaCy pipeline per language (see gaimon/nlp.py) finds lexicon terms; a trained text
classifier, when there is one, adds what the lexicon misses; gaimon/decide.py combines the two.
Without a trained model the classifier runs on the lexicon alone (`Classifier()`); the usual
entry point is `gaimon.train.load_classifier(home)`, which finds or trains the model.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from pathlib import Path

import numpy
from pydantic import BaseModel, Field
from spacy.attrs import IDX, LENGTH
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
from gaimon.nlp import EXPLAINER, TEXTCAT, build_pipeline, load_pipeline
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

log = logging.getLogger(__name__)

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
    # Not part of the output contract: the relevance gate's score and the AI terms it saw.
    relevance: float = Field(0.0, exclude=True)
    relevance_evidence: list[Evidence] = Field(default_factory=list, exclude=True)


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


# The code that decides what a label is: a change to it is a new classifier version.
CODE_FILES = [Path(__file__).with_name(name) for name in
              ("classify.py", "decide.py", "lexicon.py", "nlp.py", "taxonomy.py", "textcat.py", "train.py")]


def rules_fingerprint() -> str:
    """What the lexicon-only classifier depends on: taxonomy, extra lemmas, combination rules, code."""
    from gaimon.decide import CONFIG_FILE

    files = [TAXONOMY_FILE, LEMMAS_FILE, CONFIG_FILE, *CODE_FILES]
    return fingerprint(*(p.read_bytes() if p.exists() else b"" for p in files))


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
        self.candidates = {d: self.taxonomy.ids(d) for d in LIST_DIMENSIONS}
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
        langs = [_lang(item) or guess_lang(item.body) for item in chunk]
        results: list[Classification | None] = [None] * len(chunk)
        for pos, item in enumerate(chunk):
            # Read in another language's pipeline, a text gets labels it does not earn: stored
            # as not relevant, without labels, under its own language.
            if other := unread_lang(item.lang):
                results[pos], langs[pos] = Classification(id=item.id, lang=other, relevant=False), None
                log.info("document %s: language %r is not one the classifier reads (%s); "
                         "stored without signals", item.id, other, ", ".join(LANGS))
        with ExitStack() as stack:
            for nlp in self.nlp.values():
                stack.enter_context(nlp.memory_zone())
            for lang, nlp in self.nlp.items():
                positions = [i for i, lg in enumerate(langs) if lg == lang]
                if not positions:
                    continue
                bodies = [chunk[i].body for i in positions]
                docs = list(nlp.pipe(bodies, batch_size=64))
                hits = [self.hits(nlp, doc, body) for doc, body in zip(docs, bodies, strict=True)]
                probs = self._predict(nlp, docs)
                for pos, doc, found, prob in zip(positions, docs, hits, probs, strict=True):
                    results[pos] = self._result(chunk[pos], lang, nlp, doc, found, prob)
            for nlp in self.nlp.values():
                # Lemmas cached during the zone may name strings the zone has just freed.
                nlp.get_pipe("gaimon_lemmatizer").clear_cache()
        return [r for r in results if r is not None]

    def _predict(self, nlp: Language, docs: list[Doc]) -> list[dict[str, float] | None]:
        """Model probabilities per doc (None without a model). Every doc gets them, also those
        the relevance gate will stop (no AI term): their kind still comes from the model, and the
        bag-of-words model costs a tenth of the tokenizer."""
        if TEXTCAT not in nlp.pipe_names:
            return [None] * len(docs)
        textcat = nlp.get_pipe(TEXTCAT)
        scores = numpy.asarray(textcat.predict(docs)).tolist()
        labels = list(textcat.labels)
        return [dict(zip(labels, row, strict=True)) for row in scores]

    @staticmethod
    def hits(nlp: Language, doc: Doc, body: str | None = None) -> list[Hit]:
        """The lexicon hits of a processed doc, with character offsets into its text."""
        raw = nlp.get_pipe("gaimon_lexicon").hits(doc)
        if not raw:
            return []
        body = doc.text if body is None else body
        offsets = doc.to_array([IDX, LENGTH]).tolist()
        found = []
        for label, node, strong, start, end in raw:
            first, last = offsets[start][0], offsets[end - 1][0] + offsets[end - 1][1]
            found.append(Hit(label, node, strong, body[first:last].lower(), first, last))
        return found

    def _result(self, item: ClassifyInput, lang: str, nlp: Language, doc: Doc, hits: list[Hit],
                probs: dict[str, float] | None) -> Classification:
        decision = decide(rule_features(hits, len(item.title)), probs, self.config, self.candidates,
                          self.theme_of, item.relevant)
        result = Classification(id=item.id, lang=lang, relevant=decision.relevant,
                                kind=decision.kind, scores=_rounded(decision.scores),
                                relevance=round(decision.relevance, 4), **decision.labels)
        evidence = self._evidence(decision, hits, nlp, doc, item.body)
        result.evidence = [e for e in evidence if e.label != RELEVANT]
        result.relevance_evidence = [e for e in evidence if e.label == RELEVANT]
        return result

    def _evidence(self, decision: Decision, hits: list[Hit], nlp: Language, doc: Doc,
                  body: str) -> list[Evidence]:
        given = {f"{d}:{i}" for d in LIST_DIMENSIONS for i in decision.labels[d]}
        given.add(f"kind:{decision.kind}")
        if decision.relevant:
            given.add(RELEVANT)
        evidence: dict[str, list[Evidence]] = {}
        for hit in hits:  # in text order
            if hit.label not in given:
                continue
            spans = evidence.setdefault(hit.label, [])
            if len(spans) >= self.config.max_evidence or (spans and hit.start < spans[-1].end):
                continue  # enough shown, or overlapping the previous span of this label
            spans.append(Evidence(label=hit.label, text=body[hit.start:hit.end], start=hit.start, end=hit.end))
        unexplained = [label for label in given if not evidence.get(label)]
        if unexplained and decision.relevant and EXPLAINER in nlp.pipe_names:
            for label, positions in nlp.get_pipe(EXPLAINER).explain(doc, unexplained, MODEL_EVIDENCE).items():
                evidence[label] = [Evidence(label=label, text=doc[p].text, start=doc[p].idx,
                                            end=doc[p].idx + len(doc[p])) for p in positions]
        for value in decision.labels["values"]:
            theme = f"themes:{self.theme_of[value]}"
            have = {(e.start, e.end) for e in evidence.get(theme, [])}
            for e in evidence.get(f"values:{value}", []):
                if (e.start, e.end) not in have:
                    have.add((e.start, e.end))
                    evidence.setdefault(theme, []).append(
                        Evidence(label=theme, text=e.text, start=e.start, end=e.end))
        return [e for label in sorted(evidence) for e in sorted(evidence[label], key=lambda e: e.start)]


def _lang(item: ClassifyInput) -> str | None:
    """The item's own language if it is one the classifier has (`nl-NL` counts as `nl`)."""
    lang = (item.lang or "")[:2].lower()
    return lang if lang in LANGS else None


def unread_lang(lang: str | None) -> str | None:
    """A declared language the classifier has no pipeline for (`de`, `fr-BE`), else None."""
    code = (lang or "").strip()[:2].lower()
    return code if len(code) == 2 and code.isalpha() and code not in LANGS else None


def _rounded(scores: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {d: {i: round(float(s), 4) for i, s in sorted(ids.items())} for d, ids in scores.items()}
