"""Crawl speed on the offline demo corpus, and the cost of a re-crawl when nothing changed.

Serves demo/corpus on 127.0.0.1 with gaimon.ops.corpus_server.CorpusServer, crawls every source
of demo/sources.yaml into a fresh home (each source in its own Scrapy process, `--jobs` at a
time), then crawls them all again. Prints pages per second for the first crawl (responses
received / wall time, also per source) and the requests the unchanged re-crawl made.

    .venv/bin/python benchmarks/crawl.py [--jobs 2] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gaimon import warehouse  # noqa: E402
from gaimon.crawl.run import CrawlError, crawl_many  # noqa: E402
from gaimon.home import Home  # noqa: E402
from gaimon.ops import steps  # noqa: E402
from gaimon.ops.corpus_server import CorpusServer  # noqa: E402
from gaimon.registry import load_registry, localize_registry  # noqa: E402

DAY = "2026-11-30"


def run(home: Home, registry: Path, jobs: int) -> tuple[float, dict]:
    sources = load_registry(registry).sources
    started = time.perf_counter()
    reports = crawl_many(sources, home, registry, day=DAY, jobs=jobs)
    return time.perf_counter() - started, reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="sources crawled at the same time")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark home folder")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gaimon-bench-crawl-"))
    home = Home(root / "home").ensure()
    warehouse.init(home.warehouse)
    with CorpusServer(REPO / "demo" / "corpus") as server:
        registry = localize_registry(
            REPO / "demo" / "sources.yaml", server.base, root / "sources.yaml"
        )
        seconds, first = run(home, registry, args.jobs)
        served_first = server.take_log()
        loaded = steps.load_pending(home, day=DAY)
        again_seconds, second = run(home, registry, args.jobs)
        served_again = server.take_log()
    failed = {n: str(r) for n, r in {**first, **second}.items() if isinstance(r, CrawlError)}
    ok = [r for r in first.values() if not isinstance(r, CrawlError)]
    responses = sum(r.responses for r in ok)
    print(f"sources: {len(first)}, jobs: {args.jobs}")
    print(
        f"first crawl: {responses} pages in {seconds:.1f}s = {responses / seconds:.1f} pages/s "
        f"({len(served_first)} requests served, {sum(r.staged for r in ok)} items staged, "
        f"{loaded.new} documents loaded)"
    )
    per_source = sorted((r.responses / r.seconds, r.source, r.responses) for r in ok if r.seconds)
    if per_source:
        slowest, fastest = per_source[0], per_source[-1]
        print(
            f"  per source: {slowest[0]:.1f} pages/s ({slowest[1]}) to {fastest[0]:.1f} pages/s "
            f"({fastest[1]}), each including its process start-up"
        )
    again_ok = [r for r in second.values() if not isinstance(r, CrawlError)]
    conditional = sum(1 for s in served_again if s.conditional)
    not_modified = sum(1 for s in served_again if s.status == 304)
    print(
        f"unchanged re-crawl: {len(served_again)} requests in {again_seconds:.1f}s "
        f"({conditional} conditional, {not_modified} answered 304 Not Modified), "
        f"{sum(r.staged for r in again_ok)} items staged"
    )
    robots = sum(1 for s in served_again if s.path == "/robots.txt")
    print(
        f"  of which robots.txt: {robots} (one per source process), feeds and pages: "
        f"{len(served_again) - robots}"
    )
    if failed:
        print(f"failed sources: {failed}")
    if args.keep:
        print(f"home kept at {home.root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
