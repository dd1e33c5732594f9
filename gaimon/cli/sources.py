"""Commands about the source registry: list its entries, check each source's health."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from gaimon.cli import HomeOpt, app, console, table

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
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="Only with --live: registry file (default: the production one). Without "
            "--live the sources are those the warehouse knows: the registry its last run loaded",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")] = False,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Fetch each source once now (needs the internet) instead of reading "
            "the recorded runs",
        ),
    ] = False,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only these sources")] = None,
    jobs: Annotated[int, typer.Option(help="With --live: sources fetched at the same time")] = 2,
) -> None:
    """Health of each source from its recorded runs, as `gaimon health` shows it.

    Every crawl of the flows and of `gaimon crawl` is recorded in the warehouse; the status
    (never, ok, degraded, failing) and the flags come from that record. Exits 2 when a source
    is flagged (also when there is no warehouse to read), else 0.

    With --live, each source is fetched and parsed once by its spider (nothing is stored) and
    the check reports items found, the newest date and what looks wrong; exits 1 when any
    source looks wrong.
    """
    if live:
        _check_live(sources, source, jobs, as_json)
        return
    if sources is not None:
        raise typer.BadParameter(
            "goes with --live; without it the sources are those of the warehouse "
            "(the registry its last run loaded)",
            param_hint="--sources",
        )
    from gaimon.cli.ops import show_health

    show_health(home, as_json=as_json, only=source)


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
