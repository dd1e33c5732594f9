"""Warehouse benchmark: generate a large synthetic warehouse, then time what analysts and the digest
ask of it, the refresh behind those answers, and loading staged documents.

    .venv/bin/python benchmarks/warehouse.py                       # 2M documents, ~10M signals
    .venv/bin/python benchmarks/warehouse.py --documents 200000    # a quick look
    .venv/bin/python benchmarks/warehouse.py --reuse               # keep the generated file

Targets (docs/detection.md, docs/analyst.md): each query below one second on two cores; loading
100,000 staged documents below 30 seconds; the file below 4 GB. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import yaml

from gaimon import warehouse
from gaimon.detect.alerts import DetectParams, refresh
from gaimon.detect.procedures import update_procedures
from gaimon.load.loader import load_staged
from gaimon.taxonomy import TAXONOMY_FILE

HERE = Path(__file__).resolve().parent
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "te",
    "vo",
    "da",
    "be",
    "ri",
    "ho",
    "pa",
    "gu",
    "zo",
    "fe",
    "wi",
    "en",
    "ar",
    "ol",
    "ing",
    "ter",
    "ver",
    "den",
    "stra",
    "plo",
    "ment",
    "ie",
    "oor",
    "ijk",
    "sch",
    "tion",
    "al",
    "ur",
    "op",
    "ee",
    "ui",
    "ge",
    "lijk",
    "heid",
]
END = datetime(2026, 11, 23)  # Monday after the last generated week
WEEKS = 104


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def generate(path: Path, documents: int) -> None:
    # Ids straight from the taxonomy file: the generator needs nothing else from it.
    dimensions = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))["dimensions"]

    def ids(dimension: str) -> list[str]:
        return [node["id"] for node in dimensions[dimension]]

    values = ids("values")
    params = {
        "n": documents,
        "start": END - timedelta(weeks=WEEKS),
        "seconds": WEEKS * 7 * 86400 - 3600,
        "values": values,
        "themes": [node["theme"] for node in dimensions["values"]],
        "sectors": ids("sectors"),
        "roles": ids("roles"),
        "policy": ids("policy_options"),
        "legal": ids("legal_frameworks"),
        "kinds": ids("kinds"),
        "syllables": SYLLABLES,
    }
    warehouse.init(path)
    with warehouse.open_warehouse(path) as con:
        warehouse.run_statements(
            con, (HERE / "warehouse_generate.sql").read_text(encoding="utf-8"), params
        )
        con.execute("CHECKPOINT")


def staged_batch(con: duckdb.DuckDBPyConnection, path: Path, count: int, tag: str) -> None:
    """Write `count` staged items in the crawler's JSONL format."""
    con.execute(f"""
        COPY (
            SELECT 'bench_load' AS source,
                   'https://load.example/{tag}/' || i AS url,
                   'https://load.example/{tag}/' || i AS canonical_url,
                   'Geladen bericht ' || i AS title,
                   repeat('tekst over kunstmatige intelligentie en toezicht ', 40 + i % 40) AS text,
                   strftime(TIMESTAMP '2026-11-16 08:00:00' + to_seconds(i % 86400),
                            '%Y-%m-%dT%H:%M:%SZ') AS published,
                   'nl' AS lang,
                   '2026-11-17T06:00:00Z' AS fetched_at,
                   sha256('{tag}' || i) AS content_hash,
                   NULL AS author,
                   CASE WHEN i % 50 = 0 THEN json_object('procedure', '2024/0001(COD)')
                        ELSE json_object() END AS identifiers
            FROM range({count}) t(i)
        ) TO '{path}' (FORMAT json)
    """)


def digest_queries() -> dict[str, str]:
    """The digest's read queries (its writes are left alone)."""
    found = {}
    for path in sorted((warehouse.SQL_ROOT / "queries").glob("digest_*.sql")):
        text = path.read_text(encoding="utf-8")
        code = re.sub(r"--[^\n]*", "", text).strip().upper()
        if code.startswith(("SELECT", "WITH")):
            found[path.stem] = text
    return found


def bench_queries(
    con: duckdb.DuckDBPyConnection, week: str, first: str, year_ago: str, repeat: int
) -> list[tuple[str, float, float, int]]:
    month_ago = (END - timedelta(days=30)).date().isoformat()
    queries = {
        "v_emerging, one week": (
            "SELECT * FROM v_emerging WHERE week = $week ORDER BY score DESC",
            {"week": week},
        ),
        "v_sector_week, a year": (
            "SELECT * FROM v_sector_week WHERE week > $year_ago ORDER BY sector, value, week",
            {"year_ago": year_ago},
        ),
        "v_signals, one week": (
            "SELECT sector, label, count(*) FROM v_signals WHERE week = $week "
            "AND dimension = 'values' GROUP BY ALL",
            {"week": week},
        ),
        "signals_for_sector, 30 days": (
            "SELECT count(*) FROM signals_for_sector('healthcare', $since)",
            {"since": month_ago},
        ),
        "top_evidence_terms, 30 days": (
            "SELECT * FROM top_evidence_terms('privacy', $since)",
            {"since": month_ago},
        ),
        "procedure_items": ("SELECT * FROM procedure_items('2024/0001(COD)')", {}),
        "v_legislation": ("SELECT procedure_id, stage, news_count FROM v_legislation", {}),
        "alert_documents, one week": (
            "SELECT count(*) FROM alert_documents($week)",
            {"week": week},
        ),
    }
    ids = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT doc_id FROM v_signals WHERE week = $week LIMIT 50", {"week": week}
        ).fetchall()
    ]
    known = {"week": week, "first": first, "lang": "nl", "since": month_ago, "ids": ids}
    for name, text in digest_queries().items():
        wanted = set(re.findall(r"\$(\w+)", text))
        if wanted <= known.keys():
            queries[f"digest: {name}"] = (text, {k: known[k] for k in wanted})
        else:
            print(f"  (skipped {name}: parameters {sorted(wanted - known.keys())})")
    results = []
    for name, (text, params) in queries.items():
        times = []
        rows = 0
        for _ in range(repeat):
            seconds, result = timed(lambda t=text, p=params: con.execute(t, p).fetchall())
            times.append(seconds)
            rows = len(result)
        results.append((name, times[0], statistics.median(times), rows))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2_000_000)
    parser.add_argument(
        "--path", type=Path, default=Path(tempfile.gettempdir()) / "gaimon-bench.duckdb"
    )
    parser.add_argument("--reuse", action="store_true", help="keep an existing generated file")
    parser.add_argument(
        "--load", type=int, default=100_000, help="staged documents to load (0: skip)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    if not (args.reuse and args.path.exists()):
        args.path.unlink(missing_ok=True)
        seconds, _ = timed(lambda: generate(args.path, args.documents))
        print(f"generated {args.documents:,} documents in {seconds:.1f} s")
    with warehouse.open_warehouse(args.path) as con:
        con.execute(f"SET threads = {args.threads}")
        warehouse.migrate(con)
        docs, signals = con.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM signals)"
        ).fetchone()
        print(
            f"warehouse {args.path}: {docs:,} documents, {signals:,} signals, "
            f"{args.path.stat().st_size / 2**30:.2f} GB, {args.threads} threads"
        )

        seconds, procedures = timed(lambda: update_procedures(con))
        print(
            f"update_procedures: {seconds:.1f} s ({procedures} procedures; reads the text of "
            f"documents not read before)"
        )
        seconds, procedures = timed(lambda: update_procedures(con))
        print(f"update_procedures again: {seconds:.1f} s (nothing new to read)")
        seconds, report = timed(lambda: refresh(con, DetectParams(), None))
        print(
            f"detect refresh: {seconds:.1f} s ({report.weeks} weeks, {report.alerts} alerts, "
            f"{report.term_alerts} term alerts)"
        )
        con.execute("CHECKPOINT")

        week = con.execute("SELECT max(week) FROM week_totals").fetchone()[0]
        first = con.execute(
            "SELECT min(week) FROM (SELECT week FROM week_totals ORDER BY week DESC LIMIT 8)"
        ).fetchone()[0]
        year_ago = con.execute(
            "SELECT min(week) FROM (SELECT week FROM week_totals ORDER BY week DESC LIMIT 53)"
        ).fetchone()[0]
        print(f"queries (week {week}; first run / median of {args.repeat}):")
        for name, cold, median, rows in bench_queries(con, week, first, year_ago, args.repeat):
            flag = "" if median < 1.0 else "  OVER 1 s"
            print(f"  {name:<40} {cold:6.3f} s / {median:6.3f} s  {rows:>7} rows{flag}")

        if args.load:
            with tempfile.TemporaryDirectory() as tmp:
                tag = datetime.now().strftime("%Y%m%d%H%M%S")
                staged = Path(tmp) / "bench_load.jsonl"
                staged_batch(con, staged, args.load, tag)
                size = staged.stat().st_size / 2**20
                empty = Path(tmp) / "empty.duckdb"
                warehouse.init(empty)
                with warehouse.open_warehouse(empty) as fresh:
                    seconds, loaded = timed(lambda: load_staged(fresh, [staged]))
                print(
                    f"load {args.load:,} staged documents ({size:.0f} MB) into an empty warehouse: "
                    f"{seconds:.1f} s ({loaded.new:,} new)"
                )
                seconds, loaded = timed(lambda: load_staged(con, [staged]))
                print(
                    f"load {args.load:,} staged documents into this warehouse: {seconds:.1f} s "
                    f"({loaded.new:,} new)"
                )
                seconds, loaded = timed(lambda: load_staged(con, [staged]))
                print(
                    f"load the same batch again (no-op): {seconds:.1f} s ({loaded.unchanged:,} "
                    "unchanged)"
                )
                con.execute("DELETE FROM documents WHERE source = 'bench_load'")
        con.execute("CHECKPOINT")
    print(f"file size: {args.path.stat().st_size / 2**30:.2f} GB")


if __name__ == "__main__":
    main()
