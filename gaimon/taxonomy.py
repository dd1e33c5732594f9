"""The scan's taxonomy, loaded from taxonomy/taxonomy.yaml and checked against its schema."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, model_validator

from gaimon.home import REPO_ROOT

TAXONOMY_FILE = REPO_ROOT / "taxonomy" / "taxonomy.yaml"
# Dimensions with lists of labels, in the order the classifier reports them.
LIST_DIMENSIONS = ("themes", "values", "sectors", "roles", "policy_options", "legal_frameworks")
LANGS = ("nl", "en")


class Node(BaseModel):
    id: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$")
    label: dict[str, str]
    definition: dict[str, str] = Field(default_factory=dict)
    section: str | None = None
    theme: str | None = None
    terms: dict[str, list[str]] = Field(default_factory=dict)
    children: list[Node] = Field(default_factory=list)

    @model_validator(mode="after")
    def _both_languages(self) -> Node:
        missing = [lang for lang in LANGS if lang not in self.label]
        if missing:
            raise ValueError(f"node {self.id}: label missing in {missing}")
        return self


class Relevance(BaseModel):
    terms: dict[str, list[str]]


class Taxonomy(BaseModel):
    version: str
    relevance: Relevance
    dimensions: dict[str, list[Node]]

    @model_validator(mode="after")
    def _consistent(self) -> Taxonomy:
        expected = set(LIST_DIMENSIONS) | {"kinds"}
        if set(self.dimensions) != expected:
            raise ValueError(f"dimensions must be exactly {sorted(expected)}")
        themes = self.ids("themes")
        for value in self.dimensions["values"]:
            if value.theme not in themes:
                raise ValueError(f"value {value.id}: theme {value.theme!r} is not a theme")
        for dim, nodes in self.dimensions.items():
            ids = [n.id for n in nodes]
            if len(ids) != len(set(ids)):
                raise ValueError(f"dimension {dim}: duplicate ids")
        return self

    def ids(self, dimension: str) -> list[str]:
        return [n.id for n in self.dimensions[dimension]]

    def theme_of(self, value: str) -> str:
        return next(n.theme for n in self.dimensions["values"] if n.id == value)

    def label(self, dimension: str, node_id: str, lang: str = "nl") -> str:
        for node in self.dimensions[dimension]:
            if node.id == node_id:
                return node.label[lang]
        return node_id


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    with open(path or TAXONOMY_FILE, encoding="utf-8") as fh:
        return Taxonomy.model_validate(yaml.safe_load(fh))


@cache
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()
