"""The weekly signal digest: gather a week's data from the warehouse, render it with Jinja."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from gaimon import warehouse
from gaimon.home import Home
from gaimon.taxonomy import Taxonomy, default_taxonomy

TEMPLATES = Path(__file__).resolve().parent / "templates"
WEEK = re.compile(r"^\d{4}-W\d{2}$")


@dataclass
class SectorSection:
    sector: str
    name: str
    values: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)


@dataclass
class DigestData:
    week: str
    lang: str
    sectors: list[SectorSection]


def check_week(week: str) -> str:
    if not WEEK.match(week):
        raise ValueError(f"week must look like 2026-W47, not {week!r}")
    return week


def gather(con: duckdb.DuckDBPyConnection, week: str, lang: str = "nl",
           taxonomy: Taxonomy | None = None) -> DigestData:
    taxonomy = taxonomy or default_taxonomy()
    check_week(week)

    def name(dim: str, node: str) -> str:
        return "Algemeen" if node == "general" and lang == "nl" else (
            "General" if node == "general" else taxonomy.label(dim, node, lang))

    sections: dict[str, SectorSection] = {}
    for row in warehouse.query(con, "queries/digest_sector_values", {"week": week}):
        section = sections.setdefault(row["sector"], SectorSection(row["sector"], name("sectors", row["sector"])))
        section.values.append({**row, "name": name("values", row["value"])})
    documents = defaultdict(list)
    for row in warehouse.query(con, "queries/digest_alert_documents", {"week": week}):
        documents[(row["sector"], row["value"])].append(row)
    for section in sections.values():
        for value in section.values:
            if value["status"] in ("new", "rising"):
                section.alerts.append({**value, "documents": documents[(section.sector, value["value"])][:5]})
    ordered = sorted(sections.values(), key=lambda s: (s.sector == "general", -len(s.alerts), s.sector))
    return DigestData(week=week, lang=lang, sectors=ordered)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = lambda s: re.sub(r"([\\`*_{}\[\]()<>#+!|])", r"\\\1", str(s))
    env.filters["safe_url"] = lambda u: u if str(u).startswith(("http://", "https://")) else "#"
    return env


def render(data: DigestData, out_dir: Path) -> dict[str, Path]:
    """Write digest.html and digest.md for the week into out_dir/<week>/."""
    folder = out_dir / data.week
    folder.mkdir(parents=True, exist_ok=True)
    env = _environment()
    paths = {}
    for fmt, template in (("html", "digest.html.j2"), ("md", "digest.md.j2")):
        path = folder / f"digest.{fmt}"
        path.write_text(env.get_template(template).render(d=data), encoding="utf-8")
        paths[fmt] = path
    return paths


def write_digest(home: Home, week: str, lang: str = "nl") -> dict[str, Path]:
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        data = gather(con, week, lang)
    return render(data, home.digests)


def latest_week(home: Home) -> str | None:
    """The last ISO week with relevant documents, for a digest when none is asked for."""
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        rows = warehouse.query(con, "queries/latest_week")
    return rows[0]["week"] if rows else None
