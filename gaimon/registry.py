"""The source registry: which feeds and APIs gaimon reads, as YAML data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

DEFAULT_REGISTRY = Path(__file__).resolve().parent / "sources.yaml"


class Source(BaseModel):
    """One registry entry. Options of a kind (selectors, queries...) sit beside the core keys."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: str
    url: str
    lang: str | None = None
    follow: bool = False
    tags: list[str] = Field(default_factory=list)
    description: str = ""

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Registry(BaseModel):
    sources: list[Source]

    def get(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(f"no source named {name!r} in the registry")

    def select(self, names: list[str] | None) -> list[Source]:
        return [self.get(n) for n in names] if names else list(self.sources)


def load_registry(path: str | Path | None = None) -> Registry:
    path = Path(path) if path else DEFAULT_REGISTRY
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    registry = Registry.model_validate(data)
    names = [s.name for s in registry.sources]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"{path}: duplicate source names {sorted(duplicates)}")
    return registry


def localize_registry(template: Path, base: str, dest: Path) -> Path:
    """Copy a registry whose URLs start with `{base}`, pointed at a local server's address."""
    text = Path(template).read_text(encoding="utf-8").replace("{base}", base)
    Registry.model_validate(yaml.safe_load(text))  # fail here, not in a spider
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest
