"""Shared fixtures: a temporary home with a migrated warehouse, a fixture HTTP server, and one
Prefect test server for the whole session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# pytest-xdist workers inherit COLUMNS=80, and rich pins a console to the COLUMNS it sees when it
# is made: tests that read `gaimon` tables set their own width per invocation instead.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)
# Trained classifier models are cached for tests outside the user's ~/.cache (the cache key
# covers taxonomy, training data and classifier code, so a cached model is never stale).
os.environ.setdefault(
    "GAIMON_MODEL_CACHE", os.path.join(tempfile.gettempdir(), "gaimon-test-models")
)

from gaimon import warehouse  # noqa: E402
from gaimon.home import Home  # noqa: E402
from gaimon.ops.corpus_server import CorpusServer  # noqa: E402
from gaimon.registry import localize_registry  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = Home(tmp_path / "home").ensure()
    warehouse.init(h.warehouse)
    return h


@pytest.fixture
def con(home: Home):
    connection = warehouse.connect(home.warehouse)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def site():
    """The fixture website (feeds and articles) served on 127.0.0.1."""
    with CorpusServer(FIXTURES / "site") as server:
        yield server


@pytest.fixture
def registry(site, home: Home) -> Path:
    return localize_registry(FIXTURES / "sources.yaml", site.base, home.root / "sources.yaml")


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server for the session, on a fresh database: starting it takes
    from ten seconds to over a minute on a busy 2-core machine, so it gets what gaimon gives."""
    from prefect.testing.utilities import prefect_test_harness

    from gaimon.ops.orchestration import STARTUP_SECONDS

    with prefect_test_harness(server_startup_timeout=STARTUP_SECONDS):
        yield
