"""`gaimon sources check --live`: read each source once, as the crawl would, and say what
looks wrong, before a daily run finds out.

Each source is crawled by its real spider in a child process, into a throwaway home (nothing
is staged, remembered or loaded where the daily run keeps its data), with article pages not
followed and one page of each listing. What it found is then judged: items, dates, errors, and
listing selectors that match navigation.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from gaimon.crawl.run import CrawlError, CrawlReport, crawl_many
from gaimon.home import Home
from gaimon.registry import DEFAULT_REGISTRY, load_registry

# One request for the endpoint, not one per article or page.
ONCE = {"follow": False, "max_pages": 1, "fetch_articles": False}


@dataclass
class LiveCheck:
    source: str
    kind: str
    items: int = 0
    dated: int = 0
    newest: str | None = None
    requests: int = 0
    errors: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def check_live(
    registry: Path | str | None = None,
    names: Iterable[str] | None = None,
    jobs: int = 2,
    timeout: float = 300,
) -> list[LiveCheck]:
    """Crawl each chosen source once and judge what came back, in registry order."""
    chosen = load_registry(registry).select(list(names) if names else None)
    day = datetime.now(UTC).date().isoformat()
    with tempfile.TemporaryDirectory(prefix="gaimon-live-") as scratch:
        home = Home(Path(scratch) / "home").ensure()
        once = _once_registry(Path(registry or DEFAULT_REGISTRY), Path(scratch) / "sources.yaml")
        sources = load_registry(once).select([s.name for s in chosen])
        reports = crawl_many(
            sources,
            home,
            once,
            day=day,
            jobs=jobs,
            extra_settings={"CLOSESPIDER_TIMEOUT": int(timeout)},
        )
        return [judge(s.name, s.kind, reports[s.name], home, day) for s in sources]


def _once_registry(registry: Path, dest: Path) -> Path:
    """The registry with every source set to read its endpoint once."""
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    for entry in data["sources"]:
        entry.update(ONCE)
    dest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def judge(
    name: str, kind: str, report: CrawlReport | CrawlError, home: Home, day: str
) -> LiveCheck:
    """What one source gave, and what looks wrong with it."""
    check = LiveCheck(source=name, kind=kind)
    if isinstance(report, CrawlError):
        check.problems.append(f"crawl failed: {report}")
        return check
    stats = _stats(home, day, name)
    items = _staged(report.staged_file)
    dates = sorted(i["published"] for i in items if i.get("published"))
    check.items, check.dated = len(items), len(dates)
    check.newest = dates[-1] if dates else None
    check.requests, check.errors = report.requests, report.errors
    if report.errors:
        check.problems.append(f"{report.errors} error(s), last: {report.message}")
    if not items:
        check.problems.append("no items found")
    elif not dates:
        check.problems.append("no item has a date")
    navigation = int(stats.get("gaimon/navigation_skipped", 0))
    if navigation:
        matched = int(stats.get("gaimon/listing_matched", 0))
        check.problems.append(
            f"selectors match navigation: {navigation} of {matched} matched "
            "items are breadcrumbs, menus, pagination or links elsewhere"
        )
    refused = int(stats.get("gaimon/dropped/not_web_url", 0))
    if refused:
        check.problems.append(f"{refused} item(s) link to no web page (javascript:, data:...)")
    return check


def _stats(home: Home, day: str, name: str) -> dict:
    try:
        return json.loads((home.staging / day / f"{name}.stats.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def _staged(path: Path) -> list[dict]:
    if not path.exists():
        return []
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return items
