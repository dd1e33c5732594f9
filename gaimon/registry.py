"""The source registry: which feeds and APIs gaimon reads, as YAML data."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gaimon.errors import GaimonError

DEFAULT_REGISTRY = Path(__file__).resolve().parent / "sources.yaml"
SPIDERS_DIR = Path(__file__).resolve().parent.parent / "spiders" / "spiders"


class RegistryError(GaimonError, ValueError):
    """A registry file that cannot be used; the message names the file and the entry."""


def spider_kinds() -> set[str]:
    """The kinds there is a spider for: one module per kind in spiders/spiders/."""
    return {p.stem for p in SPIDERS_DIR.glob("*.py") if p.stem not in ("__init__", "base")}


def check_url(value: str) -> str:
    """An absolute http(s) URL with a host; anything else cannot be crawled."""
    try:
        parts = urlsplit(value.strip())
    except (AttributeError, ValueError):
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value.strip()


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

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        kinds = spider_kinds()
        if value not in kinds:
            raise ValueError(f"unknown kind {value!r} (one of: {', '.join(sorted(kinds))})")
        return value

    @model_validator(mode="after")
    def _more_urls(self) -> Source:
        urls = (self.model_extra or {}).get("urls")
        if urls is not None:
            if not isinstance(urls, list):
                raise ValueError("urls: must be a list of URLs")
            try:
                self.model_extra["urls"] = [check_url(u) for u in urls]
            except ValueError as exc:
                raise ValueError(f"urls: {exc}") from None
        return self

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Registry(BaseModel):
    sources: list[Source]

    def get(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise RegistryError(f"no source named {name!r} in the registry")

    def select(self, names: list[str] | None) -> list[Source]:
        return [self.get(n) for n in names] if names else list(self.sources)


def load_registry(path: str | Path | None = None) -> Registry:
    """The registry in `path` (default: the production one), checked entry by entry.

    Raises RegistryError, naming the file and the entry and field at fault, for a missing or
    unreadable file, bad YAML, a bad entry or duplicate names.
    """
    path = Path(path) if path else DEFAULT_REGISTRY
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError(f"registry {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"registry {path}: cannot be read: {exc}") from None
    return parse_registry(text, path)


def parse_registry(text: str, path: str | Path) -> Registry:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RegistryError(f"registry {path}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise RegistryError(f"registry {path}: expected a mapping with a `sources:` list")
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        raise RegistryError(f"registry {path}: {_describe(exc, data['sources'])}") from None
    names = [s.name for s in registry.sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RegistryError(f"registry {path}: duplicate source names: {', '.join(duplicates)}")
    return registry


def _describe(exc: ValidationError, entries: list) -> str:
    """Pydantic's errors as one line: entry number and name, field, and what is wrong."""
    parts = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        where = "sources"
        if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            index = loc[1]
            entry = entries[index] if index < len(entries) else None
            name = entry.get("name") if isinstance(entry, dict) else None
            where = f"source #{index + 1}" + (f" ({name!r})" if name else "")
            loc = loc[2:]
        field = ".".join(str(p) for p in loc)
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {field + ': ' if field else ''}{message}")
    return "; ".join(parts)


def localize_registry(template: Path, base: str, dest: Path) -> Path:
    """Copy a registry whose URLs start with `{base}`, pointed at a local server's address."""
    text = Path(template).read_text(encoding="utf-8").replace("{base}", base)
    parse_registry(text, template)  # fail here, not in a spider
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    return dest
