"""Crawl one source in its own process (Twisted's reactor cannot restart in one process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gaimon.home import REPO_ROOT, Home
from gaimon.registry import DEFAULT_REGISTRY, Source
from gaimon.staging import staged_path


@dataclass
class CrawlReport:
    source: str
    ok: bool
    staged: int
    errors: int
    staged_file: Path
    message: str = ""


class CrawlError(RuntimeError):
    """A crawl that failed as a whole; the message names the source."""


def crawl_source(
    source: Source,
    home: Home,
    registry: Path | None = None,
    day: str | None = None,
    timeout: float = 1800,
) -> CrawlReport:
    """Run `scrapy crawl KIND -a source=NAME` in a child process and report what it staged."""
    day = day or datetime.now(UTC).date().isoformat()
    stats_file = home.ensure().staging / day / f"{source.name}.stats.json"
    stats_file.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "scrapy", "crawl", source.kind,
        "-a", f"source={source.name}",
        "-a", f"registry={Path(registry or DEFAULT_REGISTRY).resolve()}",
        "-s", f"GAIMON_HOME={home.root}",
        "-s", f"GAIMON_DAY={day}",
        "-s", f"STATS_DUMP_FILE={stats_file}",
        "-s", "LOG_LEVEL=WARNING",
    ]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    try:
        done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise CrawlError(f"source {source.name}: crawl timed out after {timeout:.0f}s") from exc
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    errors = int(stats.get("gaimon/errors", 0)) + int(stats.get("log_count/ERROR", 0))
    report = CrawlReport(
        source=source.name,
        ok=done.returncode == 0 and errors == 0,
        staged=int(stats.get("gaimon/staged", 0)),
        errors=errors,
        staged_file=staged_path(home.staging, day, source.name),
        message=_last_error(done.stderr),
    )
    if done.returncode != 0:
        raise CrawlError(f"source {source.name}: crawl exited {done.returncode}: {report.message}")
    return report


def _last_error(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if "ERROR" in ln or "Error" in ln]
    return lines[-1].strip() if lines else ""
