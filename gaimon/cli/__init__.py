"""The gaimon command line: thin commands over the stages of the library.

Commands live in one module per area and register themselves on `app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="gaimon: monitor the societal risks of generative AI, per sector.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
# Messages on stderr stay one line each, whatever the terminal width: they are grepped and logged.
err = Console(stderr=True, soft_wrap=True)

HomeOpt = Annotated[
    Path | None, typer.Option("--home", envvar="GAIMON_HOME", help="Home folder (default ./var)")
]


def table(rows: list[dict], title: str | None = None) -> Table:
    """Rows of dicts as a rich table."""
    result = Table(title=title)
    for column in rows[0].keys() if rows else []:
        result.add_column(str(column))
    for row in rows:
        result.add_row(*(str(v) for v in row.values()))
    return result


def main() -> None:
    """Entry point: gaimon's own errors print as one line (exit 2), not as a traceback."""
    from gaimon.errors import GaimonError

    try:
        app()
    except GaimonError as exc:
        err.print(f"gaimon: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(2) from None


# Registration by import: each module adds its commands to `app`.
from gaimon.cli import classify, digest, ops, pipeline, sources, warehouse  # noqa: E402,F401
