"""The end-to-end demo on the bundled offline corpus (what `make demo` runs).

The corpus is served on a fixed port: document ids come from URLs, so a second demo on the
same home must see the same URLs to find the same documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gaimon.errors import GaimonError
from gaimon.home import REPO_ROOT, Home
from gaimon.ops.corpus_server import CorpusServer
from gaimon.registry import localize_registry

DEMO_DIR = REPO_ROOT / "demo"
DEMO_PORT = 8739


@dataclass
class DemoResult:
    warehouse: Path
    digest: dict[str, Path]
    week: str
    documents: int
    signals: int
    run_status: str


def run_demo(home: Home, port: int = DEMO_PORT) -> DemoResult:
    # Imported here so that `gaimon --help` does not pay for Prefect's start-up.
    from flows.daily import DailyParams, daily
    from flows.weekly import WeeklyParams, weekly
    from gaimon import warehouse
    from gaimon.digest import latest_week

    warehouse.init(home.ensure().warehouse)
    with CorpusServer(DEMO_DIR / "corpus", port=port) as server:
        registry = localize_registry(
            DEMO_DIR / "sources.yaml", server.base, home.root / "demo-sources.yaml"
        )
        state = daily(
            DailyParams(home=str(home.root), registry=str(registry), catch_up=False),
            return_state=True,
        )
    week = latest_week(home)
    if week is None:
        raise GaimonError(
            "the demo crawl stored no relevant documents: see `gaimon runs` and `gaimon health`"
        )
    built = weekly(WeeklyParams(home=str(home.root), weeks=[week], send=False))
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        [counts] = warehouse.query(con, "queries/warehouse_counts")
    documents, signals = counts["documents"], counts["signals"]
    paths = {
        f"{lang} {fmt}": Path(path)
        for lang, formats in built["built"][week]["paths"].items()
        for fmt, path in formats.items()
    }
    return DemoResult(home.warehouse, paths, week, documents, signals, state.name)
