"""Commands of the weekly digest."""

from __future__ import annotations

from typing import Annotated

import typer

from gaimon.cli import HomeOpt, app, console, err
from gaimon.home import get_home


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


