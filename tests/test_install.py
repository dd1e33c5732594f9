"""The installed versions are the locked ones, and the lock holds what extraction needs."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pins() -> dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[normal(name)] = version.strip()
    return found


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_declared_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    names = {normal(re.split(r"[<>=\[;! ]", d, maxsplit=1)[0]) for d in declared}
    assert names - set(pins()) == set()
    assert "gaimon" not in pins()


def test_lxml_html_clean_is_locked_and_jusText_can_import_it():
    assert "lxml-html-clean" in pins()
    import justext  # imports lxml.html.clean, which lxml 5.2 moved to its own package
    import lxml.html.clean  # noqa: F401

    paragraphs = justext.justext(
        b"<html><body><p>" + b"Een zin over toezicht op algoritmes. " * 8 + b"</p></body></html>",
        justext.get_stoplist("Dutch"),
    )
    assert any(not p.is_boilerplate for p in paragraphs)


def test_the_environment_runs_the_locked_versions():
    locked = pins()
    for name in (
        "lxml",
        "lxml-html-clean",
        "trafilatura",
        "justext",
        "scrapy",
        "feedparser",
        "defusedxml",
        "pydantic",
        "spacy",
        "duckdb",
    ):
        assert metadata.version(name) == locked[name], name
