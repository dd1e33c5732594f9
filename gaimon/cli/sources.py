"""Commands about the source registry: list its entries, check each source's health."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from gaimon.cli import HomeOpt, app, console, table
from gaimon.home import get_home

sources_app = typer.Typer(
    help="The source registry and the health of each source.", no_args_is_help=True
)
app.add_typer(sources_app, name="sources")

RegistryOpt = Annotated[
    Path | None, typer.Option("--sources", help="Registry file (default: the production one)")
]


@sources_app.command("list")
def list_sources(sources: RegistryOpt = None) -> None:
    """Every source in the registry: kind, language, endpoint and what it is for."""
    from gaimon.registry import load_registry

    rows = [
        {
            "name": s.name,
            "kind": s.kind,
            "lang": s.lang or "-",
            "url": s.url,
            "description": s.description,
        }
        for s in load_registry(sources).sources
    ]
    console.print(table(rows, title=f"{len(rows)} sources"))


@sources_app.command("check")
def check(
    home: HomeOpt = None,
    sources: RegistryOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Fetch each source once now (needs the internet) instead of reading "
            "the crawl records",
        ),
    ] = False,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="With --live: only these sources")
    ] = None,
    jobs: Annotated[int, typer.Option(help="With --live: sources fetched at the same time")] = 2,
) -> None:
    """Health of each source from its crawl records: last success, last error, items per run.

    Exits 1 when a source is failing (its last crawl staged nothing and reported errors).
    With --live, each source is fetched and parsed once by its spider (nothing is stored) and
    the check reports items found, the newest date and what looks wrong; exits 1 when any
    source looks wrong.
    """
    if live:
        _check_live(sources, source, jobs, as_json)
        return
    from gaimon.crawl.source_state import source_health
    from gaimon.registry import load_registry

    health = source_health(get_home(home), load_registry(sources))
    if as_json:
        console.print_json(json.dumps([asdict(h) for h in health]))
    else:
        rows = [
            {
                "source": h.source,
                "kind": h.kind,
                "status": h.status,
                "runs": h.runs,
                "last success": h.last_success or "-",
                "last error": _short(h.last_error),
                "items last run": h.items_last_run,
                "items/run": h.items_per_run,
                "errors last run": h.errors_last_run,
            }
            for h in health
        ]
        console.print(table(rows, title="source health"))
    raise typer.Exit(1 if any(h.status == "failing" for h in health) else 0)


def _check_live(sources: Path | None, names: list[str] | None, jobs: int, as_json: bool) -> None:
    from gaimon.crawl.live_check import check_live

    checks = check_live(sources, names, jobs=jobs)
    if as_json:
        console.print_json(json.dumps([c.as_dict() for c in checks]))
    else:
        rows = [
            {
                "source": c.source,
                "kind": c.kind,
                "items": c.items,
                "dated": c.dated,
                "newest": c.newest or "-",
                "looks wrong": "; ".join(c.problems) or "-",
            }
            for c in checks
        ]
        wrong = sum(not c.ok for c in checks)
        console.print(
            table(rows, title=f"live check: {len(checks) - wrong} ok, {wrong} look wrong")
        )
    raise typer.Exit(1 if any(not c.ok for c in checks) else 0)


def _short(text: str | None, width: int = 70) -> str:
    if not text:
        return "-"
    return text if len(text) <= width else text[: width - 1] + "…"
