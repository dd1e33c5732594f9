"""Crawl one source in its own process (Twisted's reactor cannot restart in one process)."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gaimon.crawl.normalize import iso_utc
from gaimon.crawl.staging import staged_path
from gaimon.errors import GaimonError
from gaimon.home import REPO_ROOT, Home
from gaimon.registry import DEFAULT_REGISTRY, Source


@dataclass
class CrawlReport:
    source: str
    ok: bool
    staged: int
    errors: int
    staged_file: Path
    message: str = ""
    requests: int = 0
    responses: int = 0
    not_modified: int = 0
    seconds: float = 0.0


class CrawlError(GaimonError, RuntimeError):
    """A crawl that failed as a whole; the message names the source."""


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_settings(source: Source) -> dict[str, Any]:
    """No politeness delay toward our own server on 127.0.0.1 (demo corpus, tests)."""
    from spiders.settings import LOOPBACK_SETTINGS

    urls = [source.url, *source.options.get("urls", [])]
    return dict(LOOPBACK_SETTINGS) if all(is_loopback(u) for u in urls) else {}


def crawl_source(
    source: Source,
    home: Home,
    registry: Path | str | None = None,
    day: str | None = None,
    since: datetime | None = None,
    timeout: float = 1800,
    extra_settings: dict[str, Any] | None = None,
) -> CrawlReport:
    """Run `scrapy crawl KIND -a source=NAME` in a child process and report what it staged.

    `since` asks for items published since then, as far as the source allows. Nothing is
    recorded here: the caller that loads the staged file records the run in the warehouse
    (`source_runs`), from this report or from the CrawlError.
    """
    day = day or datetime.now(UTC).date().isoformat()
    stats_file = stats_path(home, day, source.name)
    stats_file.parent.mkdir(parents=True, exist_ok=True)
    stats_file.unlink(missing_ok=True)
    command, env = crawl_command(source, home, registry, day, since, extra_settings)
    started = datetime.now(UTC)
    try:
        done = subprocess.run(
            command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise CrawlError(f"source {source.name}: crawl timed out after {timeout:.0f}s") from exc
    log_file(home, day, source.name).write_text(done.stderr, encoding="utf-8")
    stats = _read_stats(stats_file)
    errors = _errors(stats)
    message = str(stats.get("gaimon/last_error") or _last_error(done.stderr))
    report = CrawlReport(
        source=source.name,
        ok=done.returncode == 0 and errors == 0 and bool(stats),
        staged=int(stats.get("gaimon/staged", 0)),
        errors=errors,
        staged_file=staged_path(home.staging, day, source.name),
        message=message,
        requests=int(stats.get("downloader/request_count", 0)),
        responses=int(stats.get("response_received_count", 0)),
        not_modified=int(stats.get("gaimon/not_modified", 0)),
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )
    if done.returncode != 0 or not stats:
        message = message or f"crawl exited {done.returncode}"
        raise CrawlError(f"source {source.name}: crawl exited {done.returncode}: {message}")
    return report


def stats_path(home: Home, day: str, source: str) -> Path:
    return home.ensure().staging / day / f"{source}.stats.json"


def crawl_command(
    source: Source,
    home: Home,
    registry: Path | str | None,
    day: str,
    since: datetime | None = None,
    extra_settings: dict[str, Any] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The `scrapy crawl` command line (run from REPO_ROOT) and environment for one source."""
    settings = {
        "GAIMON_HOME": home.root,
        "GAIMON_DAY": day,
        "STATS_DUMP_FILE": stats_path(home, day, source.name),
        "LOG_LEVEL": "WARNING",
        **loopback_settings(source),
        **(extra_settings or {}),
    }
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        source.kind,
        "-a",
        f"source={source.name}",
        "-a",
        f"registry={Path(registry or DEFAULT_REGISTRY).resolve()}",
    ]
    if since is not None:
        command += ["-a", f"since={iso_utc(since)}"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return command, {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}


def crawl_many(
    sources: Iterable[Source],
    home: Home,
    registry: Path | str | None = None,
    day: str | None = None,
    since: datetime | None = None,
    jobs: int = 2,
    extra_settings: dict[str, Any] | None = None,
) -> dict[str, CrawlReport | CrawlError]:
    """Crawl several sources, `jobs` child processes at a time; one failing stops no other."""

    def one(source: Source) -> CrawlReport | CrawlError:
        try:
            return crawl_source(source, home, registry, day, since, extra_settings=extra_settings)
        except CrawlError as exc:
            return exc

    chosen = list(sources)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return dict(zip([s.name for s in chosen], pool.map(one, chosen), strict=True))


def log_file(home: Home, day: str, source: str) -> Path:
    """The crawl's own log (warnings and errors, each naming source and URL)."""
    path = home.root / "logs" / day / f"{source}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _errors(stats: dict) -> int:
    """Errors the spider reported, plus any other ERROR lines (an unexpected failure), less
    Scrapy's own "gave up retrying" lines for requests the spider reported already."""
    reported = int(stats.get("gaimon/errors", 0))
    other = int(stats.get("log_count/ERROR", 0)) - reported - int(stats.get("retry/max_reached", 0))
    return reported + max(0, other)


def _read_stats(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def _last_error(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if "ERROR" in ln or "Error" in ln]
    return lines[-1].strip() if lines else ""
