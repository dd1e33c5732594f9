"""Label texts with the scan's taxonomy, and say which words earned each label.

One spaCy pipeline per language (see gaimon/classify/nlp.py) finds lexicon terms; a trained text
classifier, when there is one, adds what the lexicon misses; gaimon/classify/decide.py combines
the two.
Without a trained model the classifier runs on the lexicon alone (`Classifier()`); the usual
entry point is `gaimon.train.training.load_or_train_classifier(home)`, which finds or trains
the model.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from pathlib import Path

import numpy
from pydantic import (
    BaseModel,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from gaimon.classify.decide import (
    RELEVANT,
    ClassifierConfig,
    Decision,
    Hit,
    decide,
    default_config,
    is_headline,
    load_config,
    relevance,
    rule_features,
)
from gaimon.classify.langid import guess_lang
from gaimon.classify.nlp import EXPLAINER, TEXTCAT, build_pipeline, load_pipeline
from gaimon.errors import GaimonError
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

CHUNK = 512  # items per batch; the pipelines' memory is released after each
MODEL_EVIDENCE = 3  # words shown for a label the model gave without a lexicon term
# Characters of title + newline + text that are read per item. A longer text (a parliamentary
# PDF, a feed that inlines a whole report) is cut at a word boundary before this: its first
# 15,000 words or so say what it is about, and spaCy refuses texts of a million characters.
MAX_CHARS = 100_000


class ClassifyError(GaimonError, RuntimeError):
    """One item could not be classified; the message names it. The other items go on."""


class ClassifyInput(BaseModel):
    id: str
    text: str = ""
    title: str = ""
    lang: str | None = None
    relevant: bool | None = Field(
        None, description="An analyst's decision; skips the relevance gate"
    )

    @field_validator("id", mode="before")
    @classmethod
    def _numbered(cls, value: object) -> object:
        # Exports often number their items: 17 names an item as well as "17" does.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("title", "text", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object) -> object:
        # Exports write a missing title (a risk description) or text (a headline) as null.
        return "" if value is None else value

    @property
    def body(self) -> str:
        """The text that evidence offsets point into."""
        return f"{self.title}\n{self.text}"

    @property
    def read(self) -> str:
        """The part of the body the classifier reads: all of it, or its first MAX_CHARS."""
        return cut(self.body)


def cut(body: str, limit: int | None = None) -> str:
    """`body` if it is short enough, else its start up to the last space before `limit`."""
    limit = MAX_CHARS if limit is None else limit
    if len(body) <= limit:
        return body
    space = body.rfind(" ", limit - 1000, limit)
    return body[: space if space > 0 else limit]


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
    # Only in the output of an item that was too long to read whole: how many characters of
    # title + newline + text were classified.
    read_chars: int | None = None
    # Not part of the output contract: the relevance gate's score and the AI terms it saw, and
    # the decision the classifier was least sure of (`values:privacy`, or `relevant:ai` for the
    # gate) with its score minus the threshold it had to reach.
    relevance: float = Field(0.0, exclude=True)
    relevance_evidence: list[Evidence] = Field(default_factory=list, exclude=True)
    closest_call: str | None = Field(None, exclude=True)
    margin: float | None = Field(None, exclude=True)

    @model_serializer(mode="wrap")
    def _drop_unset_cut(self, handler: SerializerFunctionWrapHandler) -> dict:
        data = handler(self)
        if data.get("read_chars", 0) is None:
            del data["read_chars"]
        return data


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


# The code that decides what a label is: a change to it is a new classifier version.
_PACKAGE = Path(__file__).resolve().parent.parent
CODE_FILES = [
    _PACKAGE / name
    for name in (
        "classify/classifier.py",
        "classify/decide.py",
        "classify/lexicon.py",
        "classify/nlp.py",
        "classify/textcat.py",
        "train/registers.py",
        "train/training.py",
        "taxonomy.py",
    )
]


def rules_fingerprint() -> str:
    """What the lexicon-only classifier depends on: taxonomy, extra lemmas, combination rules,
    code."""
    from gaimon.classify.decide import CONFIG_FILE

    files = [TAXONOMY_FILE, LEMMAS_FILE, CONFIG_FILE, *CODE_FILES]
    return fingerprint(*(p.read_bytes() if p.exists() else b"" for p in files))


class Classifier:
    """The taxonomy's lexicons, plus a trained model when `model_dir` is given.

    A model directory (written by gaimon.train.training) holds one spaCy pipeline per language, the
    taxonomy and combination rules it was trained with, and meta.json with its version.
    """

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        model_dir: Path | str | None = None,
        config: ClassifierConfig | None = None,
    ):
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
    def from_pipelines(
        cls, nlp: dict[str, Language], taxonomy: Taxonomy, config: ClassifierConfig, version: str
    ) -> Classifier:
        """A classifier over pipelines already in memory (as training makes them)."""
        self = cls.__new__(cls)
        self.model_dir, self.nlp, self.taxonomy, self.config = None, nlp, taxonomy, config
        self.version, self.meta = version, {"version": version}
        self._setup()
        return self

    def _setup(self) -> None:
        self.theme_of = self.taxonomy.value_themes()
        self.candidates = {d: self.taxonomy.ids(d) for d in LIST_DIMENSIONS}
        self.candidates["kind"] = self.taxonomy.ids("kinds")

    @property
    def trained(self) -> bool:
        return all(TEXTCAT in nlp.pipe_names for nlp in self.nlp.values())

    def classify(self, item: ClassifyInput) -> Classification:
        return next(self.classify_many([item]))

    def classify_many(
        self,
        items: Iterable[ClassifyInput],
        on_error: Callable[[ClassifyError], None] | None = None,
    ) -> Iterator[Classification]:
        """Classify a stream in chunks; results come out in input order.

        An item that cannot be classified never takes the others down: it is left out and
        reported to `on_error` (without one, its ClassifyError is raised after the items
        before it have been yielded).
        """
        iterator = iter(items)
        while chunk := list(islice(iterator, CHUNK)):
            for result in self._classify_chunk(chunk):
                if isinstance(result, ClassifyError):
                    if on_error is None:
                        raise result
                    on_error(result)
                else:
                    yield result

    def _classify_chunk(self, chunk: list[ClassifyInput]) -> list[Classification | ClassifyError]:
        langs = [_lang(item) or guess_lang(item.body[:MAX_CHARS]) for item in chunk]
        results: list[Classification | ClassifyError | None] = [None] * len(chunk)
        for pos, item in enumerate(chunk):
            # Read in another language's pipeline, a text gets labels it does not earn: stored
            # as not relevant, without labels, under its own language.
            if other := unread_lang(item.lang):
                results[pos], langs[pos] = (
                    Classification(id=item.id, lang=other, relevant=False),
                    None,
                )
                log.info(
                    "document %s: language %r is not one the classifier reads (%s); "
                    "stored without signals",
                    item.id,
                    other,
                    ", ".join(LANGS),
                )
        with ExitStack() as stack:
            for nlp in self.nlp.values():
                stack.enter_context(nlp.memory_zone())
            for lang, nlp in self.nlp.items():
                positions = [i for i, lg in enumerate(langs) if lg == lang]
                if not positions:
                    continue
                docs = self._docs(nlp, [chunk[i] for i in positions])
                good = [
                    (pos, doc)
                    for pos, doc in zip(positions, docs, strict=True)
                    if isinstance(doc, Doc)
                ]
                for pos, doc in zip(positions, docs, strict=True):
                    if not isinstance(doc, Doc):
                        results[pos] = doc
                probs = self._predict(nlp, [doc for _, doc in good])
                for (pos, doc), prob in zip(good, probs, strict=True):
                    results[pos] = self._safe_result(chunk[pos], lang, nlp, doc, prob)
            for nlp in self.nlp.values():
                # Lemmas cached during the zone may name strings the zone has just freed.
                nlp.get_pipe("gaimon_lemmatizer").clear_cache()
        return [r for r in results if r is not None]

    @staticmethod
    def _docs(nlp: Language, items: list[ClassifyInput]) -> list[Doc | ClassifyError]:
        """The items through the pipeline; if the batch fails, each item on its own, so that
        only the item at fault is lost."""
        texts = [item.read for item in items]
        try:
            return list(nlp.pipe(texts, batch_size=64))
        except Exception:  # which item failed is found out below
            pass
        docs: list[Doc | ClassifyError] = []
        for item, text in zip(items, texts, strict=True):
            try:
                docs.append(nlp(text))
            except Exception as exc:  # reported with the item's id
                docs.append(_failure(item, exc))
        return docs

    def _safe_result(
        self,
        item: ClassifyInput,
        lang: str,
        nlp: Language,
        doc: Doc,
        probs: dict[str, float] | None,
    ) -> Classification | ClassifyError:
        try:
            body = item.read
            result = self._result(item, lang, nlp, doc, self.hits(nlp, doc, body), probs)
        except Exception as exc:  # reported with the item's id
            return _failure(item, exc)
        if len(body) < len(item.body):
            result.read_chars = len(body)
        return result

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
        explainer = nlp.get_pipe(EXPLAINER) if EXPLAINER in nlp.pipe_names else None
        found = []
        for label, node, strong, start, end in raw:
            first, last = offsets[start][0], offsets[end - 1][0] + offsets[end - 1][1]
            novel = explainer is not None and not all(
                explainer.knows(t.lemma_) for t in doc[start:end]
            )
            found.append(Hit(label, node, strong, body[first:last].lower(), first, last, novel))
        return found

    def _result(
        self,
        item: ClassifyInput,
        lang: str,
        nlp: Language,
        doc: Doc,
        hits: list[Hit],
        probs: dict[str, float] | None,
    ) -> Classification:
        feats, short = rule_features(hits, len(item.title)), is_headline(item.text)
        decision = decide(
            feats, probs, self.config, self.candidates, self.theme_of, item.relevant, short
        )
        result = Classification(
            id=item.id,
            lang=lang,
            relevant=decision.relevant,
            kind=decision.kind,
            scores=_rounded(decision.scores),
            relevance=round(decision.relevance, 4),
            **decision.labels,
        )
        closest = self._closest_call(decision, feats, probs, short, item.relevant is None)
        if closest is not None:
            result.closest_call, result.margin = closest[0], round(closest[1], 4)
        evidence = self._evidence(decision, hits, nlp, doc, item.body)
        result.evidence = [e for e in evidence if e.label != RELEVANT]
        result.relevance_evidence = [e for e in evidence if e.label == RELEVANT]
        return result

    def _closest_call(
        self,
        decision: Decision,
        feats: dict,
        probs: dict[str, float] | None,
        short: bool,
        gated: bool,
    ) -> tuple[str, float] | None:
        """The decision nearest its threshold: the relevance gate (unless an analyst decided
        it) and, for a relevant item, every label of the list dimensions except themes (they
        follow from values). Returns the label and its score minus the threshold."""
        has_model = probs is not None
        calls: list[tuple[str, float]] = []
        if gated:
            _, cut = relevance(feats, probs, self.config.stack("relevant", has_model), short)
            calls.append((RELEVANT, decision.relevance - cut))
        if decision.relevant:
            for dimension in LIST_DIMENSIONS:
                if dimension == "themes":
                    continue
                stack = self.config.stack(dimension, has_model)
                calls += [
                    (f"{dimension}:{label}", score - stack.cut(short, label))
                    for label, score in decision.scores.get(dimension, {}).items()
                ]
        return min(calls, key=lambda call: abs(call[1])) if calls else None

    def _evidence(
        self, decision: Decision, hits: list[Hit], nlp: Language, doc: Doc, body: str
    ) -> list[Evidence]:
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
            spans.append(
                Evidence(
                    label=hit.label, text=body[hit.start : hit.end], start=hit.start, end=hit.end
                )
            )
        # A theme's evidence is its values' (below): the text model has no theme labels.
        unexplained = [
            label for label in given if not evidence.get(label) and not label.startswith("themes:")
        ]
        if unexplained and decision.relevant and EXPLAINER in nlp.pipe_names:
            for label, positions in (
                nlp.get_pipe(EXPLAINER).explain(doc, unexplained, MODEL_EVIDENCE).items()
            ):
                evidence[label] = [
                    Evidence(
                        label=label,
                        text=doc[p].text,
                        start=doc[p].idx,
                        end=doc[p].idx + len(doc[p]),
                    )
                    for p in positions
                ]
        for value in decision.labels["values"]:
            theme = f"themes:{self.theme_of[value]}"
            have = {(e.start, e.end) for e in evidence.get(theme, [])}
            for e in evidence.get(f"values:{value}", []):
                if (e.start, e.end) not in have:
                    have.add((e.start, e.end))
                    evidence.setdefault(theme, []).append(
                        Evidence(label=theme, text=e.text, start=e.start, end=e.end)
                    )
        return [
            e for label in sorted(evidence) for e in sorted(evidence[label], key=lambda e: e.start)
        ]


def _failure(item: ClassifyInput, exc: Exception) -> ClassifyError:
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return ClassifyError(
        f"item {item.id!r} ({len(item.body):,} characters) could not be "
        f"classified: {type(exc).__name__}: {reason}"
    )


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
