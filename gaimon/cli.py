"""The gaimon command line: thin commands over the stages in this package."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gaimon.home import get_home

app = typer.Typer(help="gaimon: monitor the societal risks of generative AI, per sector.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)

HomeOpt = Annotated[Path | None, typer.Option("--home", envvar="GAIMON_HOME",
                                              help="Home folder (default ./var)")]


def _table(rows: list[dict], title: str | None = None) -> Table:
    table = Table(title=title)
    for column in (rows[0].keys() if rows else []):
        table.add_column(str(column))
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    return table


@app.command()
def init(home: HomeOpt = None) -> None:
    """Create or migrate the warehouse and the home folder."""
    from gaimon import warehouse

    h = get_home(home).ensure()
    applied = warehouse.init(h.warehouse)
    console.print(f"warehouse {h.warehouse}: {len(applied)} migration(s) applied")


@app.command()
def load(
    home: HomeOpt = None,
    day: Annotated[str | None, typer.Option(help="Only this staging day (YYYY-MM-DD)")] = None,
) -> None:
    """Load staged JSONL into the warehouse (same item twice = one row)."""
    from gaimon.load import load_day

    report = load_day(get_home(home).ensure(), day)
    for error in report.errors:
        err.print(f"[red]error[/red] {error}")
    console.print(f"{report.files} file(s), {report.items} item(s): {report.new} new, "
                  f"{report.changed} changed, {report.unchanged} unchanged, {len(report.errors)} error(s)")


@app.command()
def crawl(
    home: HomeOpt = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Registry file")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only these sources")] = None,
) -> None:
    """Crawl sources of a registry and load what they staged."""
    from gaimon.crawl import CrawlError, crawl_source
    from gaimon.load import load_day
    from gaimon.registry import load_registry

    h = get_home(home).ensure()
    registry = load_registry(sources)
    failed = 0
    for entry in registry.select(source):
        try:
            report = crawl_source(entry, h, sources)
            console.print(f"{entry.name}: {report.staged} staged, {report.errors} error(s)")
        except CrawlError as exc:
            failed += 1
            err.print(f"[red]error[/red] {exc}")
    loaded = load_day(h, None, registry)
    console.print(f"loaded: {loaded.new} new, {loaded.changed} changed, {loaded.unchanged} unchanged")
    raise typer.Exit(1 if failed else 0)


@app.command()
def classify(
    home: HomeOpt = None,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="Classify lines of this file instead")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output JSONL (default stdout)")] = None,
) -> None:
    """Label unclassified documents in the warehouse, or a JSONL file with --jsonl."""
    from gaimon.classify import Classifier, ClassifyInput

    if jsonl is None:
        from gaimon.signals import classify_home

        report = classify_home(get_home(home))
        console.print(f"{report.documents} document(s) classified, {report.relevant} relevant, "
                      f"{report.signals} signal(s), model {report.model_version}")
        return
    classifier = Classifier()
    sink = open(out, "w", encoding="utf-8") if out else sys.stdout
    try:
        with open(jsonl, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    item = ClassifyInput.model_validate_json(line)
                except ValueError as exc:
                    err.print(f"[red]error[/red] {jsonl}:{number}: {str(exc).splitlines()[0]}")
                    continue
                sink.write(classifier.classify(item).model_dump_json() + "\n")
    finally:
        if out:
            sink.close()


@app.command()
def detect(home: HomeOpt = None) -> None:
    """Recompute emerging-risk alerts from the signals."""
    from gaimon.detect import detect_home

    alerts = detect_home(get_home(home))
    console.print(_table(alerts[:20], title=f"{len(alerts)} alert(s)"))


@app.command()
def digest(
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W47 (default: latest)")] = None,
    lang: Annotated[str, typer.Option(help="nl or en")] = "nl",
    home: HomeOpt = None,
) -> None:
    """Write the weekly digest (HTML and Markdown) under $GAIMON_HOME/digests/."""
    from gaimon.digest import latest_week, write_digest

    h = get_home(home)
    week = week or latest_week(h)
    if week is None:
        err.print("no relevant documents in the warehouse yet")
        raise typer.Exit(1)
    for fmt, path in write_digest(h, week, lang).items():
        console.print(f"{fmt}: {path}")


@app.command()
def run(
    home: HomeOpt = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Registry file")] = None,
) -> None:
    """Run the daily flow (crawl, load, classify, detect) through Prefect."""
    from flows.daily import DailyParams, daily

    h = get_home(home).ensure()
    summary = daily(DailyParams(home=str(h.root), registry=str(sources) if sources else None))
    console.print_json(json.dumps(summary, default=str))


@app.command()
def demo(home: HomeOpt = None) -> None:
    """Crawl the bundled offline corpus on 127.0.0.1 and run the daily and weekly flows."""
    from gaimon.demo import run_demo

    result = run_demo(get_home(home).ensure())
    console.print(f"warehouse: {result.warehouse} ({result.documents} documents, "
                  f"{result.signals} signals)")
    for fmt, path in result.digest.items():
        console.print(f"digest {result.week} ({fmt}): {path}")


if __name__ == "__main__":
    app()
