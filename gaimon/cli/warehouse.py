"""Commands for analysts and detection on the warehouse."""

from __future__ import annotations

from gaimon.cli import HomeOpt, app, console, table
from gaimon.home import get_home


@app.command()
def detect(home: HomeOpt = None) -> None:
    """Recompute emerging-risk alerts from the signals."""
    from gaimon.detect import detect_home

    alerts = detect_home(get_home(home))
    console.print(table(alerts[:20], title=f"{len(alerts)} alert(s)"))


