"""Label texts with the scan's taxonomy: a spaCy pipeline per language built from the taxonomy."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import spacy
from pydantic import BaseModel, Field
from spacy.matcher import PhraseMatcher

from gaimon.taxonomy import LIST_DIMENSIONS, Taxonomy, default_taxonomy


class ClassifyInput(BaseModel):
    id: str
    text: str
    title: str = ""
    lang: str | None = None

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


_DUTCH_HINTS = re.compile(r"\b(de|het|een|van|en|niet|voor|met|zijn|wordt)\b", re.I)
_ENGLISH_HINTS = re.compile(r"\b(the|a|of|and|not|for|with|is|are|be)\b", re.I)


def guess_lang(text: str) -> str:
    return "nl" if len(_DUTCH_HINTS.findall(text)) > len(_ENGLISH_HINTS.findall(text)) else "en"


class Classifier:
    """Rule-based labelling from taxonomy terms; one blank spaCy pipeline per language."""

    def __init__(self, taxonomy: Taxonomy | None = None):
        self.taxonomy = taxonomy or default_taxonomy()
        self.version = f"rules-{self.taxonomy.version}"
        self.nlp = {lang: spacy.blank(lang) for lang in ("nl", "en")}
        self.matchers = {lang: self._matcher(lang) for lang in self.nlp}

    def _matcher(self, lang: str) -> PhraseMatcher:
        nlp = self.nlp[lang]
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        matcher.add("relevance", list(nlp.tokenizer.pipe(self.taxonomy.relevance.terms.get(lang, []))))
        for dimension, nodes in self.taxonomy.dimensions.items():
            for node in nodes:
                terms = node.terms.get(lang, [])
                if terms:
                    matcher.add(f"{dimension}:{node.id}", list(nlp.tokenizer.pipe(terms)))
        return matcher

    def classify(self, item: ClassifyInput) -> Classification:
        lang = item.lang if item.lang in self.nlp else guess_lang(item.body)
        doc = self.nlp[lang].make_doc(item.body)
        hits: dict[str, list[Evidence]] = {}
        for match_id, start, end in self.matchers[lang](doc):
            label = self.nlp[lang].vocab.strings[match_id]
            span = doc[start:end]
            hits.setdefault(label, []).append(
                Evidence(label=label, text=span.text, start=span.start_char, end=span.end_char)
            )
        return self._decide(item.id, lang, hits)

    def _decide(self, doc_id: str, lang: str, hits: dict[str, list[Evidence]]) -> Classification:
        relevant = "relevance" in hits
        result = Classification(id=doc_id, lang=lang, relevant=relevant)
        if not relevant:
            return result
        for label, spans in hits.items():
            if label == "relevance":
                continue
            dimension, node_id = label.split(":", 1)
            score = min(1.0, 0.5 + 0.15 * len(spans))
            key = "kind" if dimension == "kinds" else dimension
            result.scores.setdefault(key, {})[node_id] = score
            if dimension in LIST_DIMENSIONS:
                getattr(result, dimension).append(node_id)
            result.evidence.extend(spans)
        for value in result.values:
            theme = self.taxonomy.theme_of(value)
            if theme not in result.themes:
                result.themes.append(theme)
                result.scores.setdefault("themes", {})[theme] = result.scores["values"][value]
        kinds = result.scores.get("kind", {})
        if kinds:
            result.kind = max(kinds, key=kinds.get)
        for dimension in LIST_DIMENSIONS:
            getattr(result, dimension).sort()
        return result

    def classify_many(self, items: Iterable[ClassifyInput]) -> Iterator[Classification]:
        for item in items:
            yield self.classify(item)
