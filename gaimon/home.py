"""Where gaimon keeps its state: one home folder, set by GAIMON_HOME (default ./var)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "gaimon.duckdb"

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    @property
    def digests(self) -> Path:
        return self.root / "digests"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def runs(self) -> Path:
        """Work files of runs (classification batches), one folder per run id."""
        return self.root / "runs"

    def ensure(self) -> Home:
        for folder in (self.root, self.staging, self.digests, self.models):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def get_home(root: str | os.PathLike[str] | None = None) -> Home:
    """The home folder: an explicit path, else $GAIMON_HOME, else ./var."""
    chosen = root or os.environ.get("GAIMON_HOME") or "var"
    return Home(Path(chosen).resolve())
