"""The scan's taxonomy, loaded from taxonomy/taxonomy.yaml and checked against its schema.

The file is data that analysts edit: ids, labels, definitions, the scan section each node
comes from, and the lexicons the classifier matches. It is the one place the scan's ids are
written down (tests/test_taxonomy.py checks them against the scan); a file that is malformed
is refused here with a message naming the node.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gaimon.errors import GaimonError
from gaimon.home import REPO_ROOT

TAXONOMY_DIR = REPO_ROOT / "taxonomy"
TAXONOMY_FILE = TAXONOMY_DIR / "taxonomy.yaml"
LEMMAS_FILE = TAXONOMY_DIR / "lemmas.yaml"
# Dimensions with lists of labels, in the order the classifier reports them.
LIST_DIMENSIONS = ("themes", "values", "sectors", "roles", "policy_options", "legal_frameworks")
DIMENSIONS = (*LIST_DIMENSIONS, "kinds")
LANGS = ("nl", "en")
# The label "about AI at all": the relevance gate's decision, and an analyst's correction of it.
RELEVANT = "relevant:ai"

Lang = Literal["nl", "en"]


class TaxonomyError(GaimonError, ValueError):
    """The taxonomy file is malformed; the message names the file and the offending node."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Texts(Strict):
    """A text in both languages of the monitor."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)


# Token attributes whose values are words: a YAML boolean there is a quoting slip.
WORD_ATTRS = {"ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "SHAPE", "POS", "TAG", "DEP", "ENT_TYPE"}


class TokenPattern(Strict):
    """A spaCy Matcher pattern (a list of token dicts), e.g.
    [{"LEMMA": "boete"}, {"LIKE_NUM": true}]."""

    pattern: list[dict[str, Any]] = Field(min_length=1)
    weak: bool = False

    @field_validator("pattern")
    @classmethod
    def _words_are_text(cls, pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for n, token in enumerate(pattern, 1):
            for attr, value in token.items():
                if attr.upper() not in WORD_ATTRS:
                    continue
                if isinstance(value, dict):
                    words = [*value.get("IN", []), *value.get("NOT_IN", [])]
                else:
                    words = [value]
                odd = [w for w in words if not isinstance(w, str)]
                if odd:
                    raise ValueError(
                        f"token {n}: {attr} wants words, got {odd!r} (YAML reads an unquoted "
                        "on, off, yes or no as true or false: quote it)"
                    )
        return pattern


class Lexicon(Strict):
    """Words that earn a label, in one language.

    `terms` are clear evidence on their own; `weak` terms only count together with other
    evidence. Terms are matched on lemmas (so `hallucinatie` also finds `hallucinaties`);
    a term with `*` at its start or end matches words by their lower-cased form
    (`deepfake*` finds `deepfakevideo's`, `*chatbot` finds `zorgchatbot`, `virtuele vriend*`
    finds `virtuele vriendin`). `exact` terms are matched case-sensitively on the surface
    form (acronyms such as `AVG`). `ignore` lists phrases that contain a term but are no
    evidence: a hit inside one does not count (a regulator's name, *Autoriteit Persoonsgegevens*,
    is no privacy item).
    """

    terms: list[str] = Field(default_factory=list)
    weak: list[str] = Field(default_factory=list)
    exact: list[str] = Field(default_factory=list)
    patterns: list[TokenPattern] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)

    @field_validator("terms", "weak", "exact", "ignore")
    @classmethod
    def _well_formed(cls, terms: list[str]) -> list[str]:
        for term in terms:
            if not term.strip() or term != term.strip():
                raise ValueError(f"empty term or surrounding spaces: {term!r}")
            inner = term.strip("*")
            if "*" in inner or not inner or " *" in term or "* " in term:
                raise ValueError(f"`*` only at the start or end of a term: {term!r}")
        if len(set(terms)) != len(terms):
            dupes = sorted({t for t in terms if terms.count(t) > 1})
            raise ValueError(f"duplicate terms: {dupes}")
        return terms

    def is_empty(self) -> bool:
        return not (self.terms or self.weak or self.exact or self.patterns)


class Node(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Texts
    definition: Texts
    section: str = Field(
        min_length=1, description="Section of the scan the node comes from, e.g. 3.1"
    )
    theme: str | None = None
    digest_section: bool = Field(
        default=False, description="Kinds only: the digest lists items of this kind apart"
    )
    lexicon: dict[Lang, Lexicon] = Field(default_factory=dict)
    children: list[Node] = Field(default_factory=list)

    def walk(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """This node and its descendants with dotted paths (`reliability.hallucination`)."""
        path = f"{prefix}.{self.id}" if prefix else self.id
        yield path, self
        for child in self.children:
            yield from child.walk(path)


class Relevance(Strict):
    label: Texts
    definition: Texts
    lexicon: dict[Lang, Lexicon]


class Taxonomy(Strict):
    version: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*$")
    source: str
    relevance: Relevance
    dimensions: dict[str, list[Node]]

    @model_validator(mode="after")
    def _consistent(self) -> Taxonomy:
        if set(self.dimensions) != set(DIMENSIONS):
            raise ValueError(
                f"dimensions must be exactly {list(DIMENSIONS)}, got {list(self.dimensions)}"
            )
        for dimension, nodes in self.dimensions.items():
            paths = [path for node in nodes for path, _ in node.walk()]
            if len(paths) != len(set(paths)):
                raise ValueError(
                    f"{dimension}: duplicate ids {sorted({p for p in paths if paths.count(p) > 1})}"
                )
            for node in nodes:
                self._check_node(dimension, node)
                self._check_lexicons(dimension, node)
        for lang in LANGS:
            if self.relevance.lexicon.get(lang, Lexicon()).is_empty():
                raise ValueError(f"relevance: lexicon for {lang!r} is empty")
        return self

    def _check_node(self, dimension: str, node: Node) -> None:
        themes = self.ids("themes")
        if dimension == "values" and node.theme not in themes:
            raise ValueError(f"value {node.id}: theme must be one of {themes}, got {node.theme!r}")
        if dimension != "values" and node.theme is not None:
            raise ValueError(f"{dimension}:{node.id}: only values have a theme")
        nested = [n.id for _, n in node.walk() if n.digest_section and n is not node]
        if nested or (node.digest_section and dimension != "kinds"):
            raise ValueError(f"{dimension}:{node.id}: only kinds have a digest section")

    @staticmethod
    def _check_lexicons(dimension: str, node: Node) -> None:
        for lang in LANGS:
            lexicons = [n.lexicon.get(lang, Lexicon()) for _, n in node.walk()]
            if all(lex.is_empty() for lex in lexicons):
                raise ValueError(f"{dimension}:{node.id}: no lexicon terms for {lang!r}")

    def ids(self, dimension: str) -> list[str]:
        return [n.id for n in self.dimensions[dimension]]

    def digest_kinds(self) -> list[str]:
        """Kinds whose items the digest lists in a section of their own, in taxonomy order."""
        return [n.id for n in self.dimensions["kinds"] if n.digest_section]

    def node(self, dimension: str, node_id: str) -> Node:
        for node in self.dimensions[dimension]:
            if node.id == node_id:
                return node
        raise KeyError(f"{dimension}:{node_id}")

    def theme_of(self, value: str) -> str:
        theme = self.node("values", value).theme
        assert theme is not None  # checked on load
        return theme

    def value_themes(self) -> dict[str, str]:
        """Each value's theme."""
        return {v: self.theme_of(v) for v in self.ids("values")}

    def label(self, dimension: str, node_id: str, lang: str = "nl") -> str:
        dimension = "kinds" if dimension == "kind" else dimension
        try:
            return getattr(self.node(dimension, node_id).label, lang)
        except KeyError:
            return node_id

    def entries(self, lang: str) -> Iterator[LexiconEntry]:
        """Every lexicon term of one language, with the label it earns (`values:privacy`)."""
        yield from _entries(RELEVANT, RELEVANT.split(":")[1], self.relevance.lexicon.get(lang))
        for dimension, nodes in self.dimensions.items():
            name = output_dimension(dimension)
            for top in nodes:
                for path, node in top.walk():
                    yield from _entries(f"{name}:{top.id}", path, node.lexicon.get(lang))


@dataclass(frozen=True)
class LexiconEntry:
    label: str  # what the hit is evidence for: `values:reliability`, `relevant:ai`
    node: str  # the node that lists the term: `reliability.hallucination`
    strong: bool  # clear evidence on its own, or only together with other evidence
    match: str  # lemma | exact | affix | wildphrase | pattern
    pattern: Any  # the term, or a token pattern
    ignore: bool = False  # no evidence: hits inside it are dropped


def output_dimension(dimension: str) -> str:
    """Name of a dimension in classifier output and signals: `kinds` is reported as `kind`."""
    return "kind" if dimension == "kinds" else dimension


def _entries(label: str, node: str, lexicon: Lexicon | None) -> Iterator[LexiconEntry]:
    if lexicon is None:
        return
    for strong, ignore, terms in (
        (True, False, lexicon.terms),
        (False, False, lexicon.weak),
        (False, True, lexicon.ignore),
    ):
        for term in terms:
            if "*" not in term:
                yield LexiconEntry(label, node, strong, "lemma", term, ignore)
            elif " " not in term:
                yield LexiconEntry(label, node, strong, "affix", term, ignore)
            else:
                yield LexiconEntry(label, node, strong, "wildphrase", term, ignore)
    for term in lexicon.exact:
        yield LexiconEntry(label, node, True, "exact", term)
    for pattern in lexicon.patterns:
        phrases = _expand(pattern.pattern)
        if phrases is None:
            yield LexiconEntry(label, node, not pattern.weak, "pattern", pattern.pattern)
        else:
            match, words = phrases
            for phrase in words:
                yield LexiconEntry(label, node, not pattern.weak, match, phrase)


MAX_EXPANSION = 500


def _expand(pattern: list[dict[str, Any]]) -> tuple[str, list[str]] | None:
    """A token pattern made only of words and word lists as plain phrases, if it is one.

    spaCy's Matcher tests `IN` and `REGEX` per token in Python; phrases go to the much faster
    PhraseMatcher. Patterns on LEMMA or LOWER become lemma phrases, on ORTH exact phrases.
    """
    choices: list[list[str]] = []
    attrs = set()
    for token in pattern:
        if len(token) != 1:
            return None
        ((attr, value),) = token.items()
        attr = attr.upper()
        if attr not in ("LEMMA", "LOWER", "ORTH"):
            return None
        if isinstance(value, str):
            choices.append([value])
        elif (
            isinstance(value, dict)
            and set(value) == {"IN"}
            and all(isinstance(v, str) for v in value["IN"])
        ):
            choices.append(list(value["IN"]))
        else:
            return None
        attrs.add("exact" if attr == "ORTH" else "lemma")
    if len(attrs) != 1 or math.prod(len(c) for c in choices) > MAX_EXPANSION:
        return None
    return attrs.pop(), [" ".join(words) for words in itertools.product(*choices)]


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        lines.append(f"  {where or '(top)'}: {error['msg']}")
    return "\n".join(lines)


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Read and check a taxonomy file; raise TaxonomyError saying what is wrong and where."""
    path = Path(path or TAXONOMY_FILE)
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return Taxonomy.model_validate(data)
    except ValidationError as exc:
        raise TaxonomyError(f"{path}: not a valid taxonomy:\n{_describe(exc)}") from exc


def load_lemmas(path: Path | str | None = None) -> dict[str, dict[str, str]]:
    """Extra word forms per language that spaCy's lookup tables lack (`ziekenhuizen:
    ziekenhuis`)."""
    path = Path(path or LEMMAS_FILE)
    if not path.exists():
        return {lang: {} for lang in LANGS}
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    tables = {
        lang: {str(k).lower(): str(v).lower() for k, v in (data.get(lang) or {}).items()}
        for lang in LANGS
    }
    return tables


def load_separable(path: Path | str | None = None) -> dict[str, dict[str, str]]:
    """Per language, verbs whose particle splits off, with the particle (`nadenken: na`)."""
    path = Path(path or LEMMAS_FILE)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    table = (data or {}).get("separable") or {}
    return {
        lang: {str(k).lower(): str(v).lower() for k, v in (table.get(lang) or {}).items()}
        for lang in LANGS
    }


@cache
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()
