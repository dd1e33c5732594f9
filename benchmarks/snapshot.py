"""Snapshot benchmark: what publishing the analysts' copy costs at the end of a run, on the
synthetic warehouse of benchmarks/warehouse.py, against the other way to make such a copy.

    .venv/bin/python benchmarks/snapshot.py                     # 2M documents (~2.8 GB)
    .venv/bin/python benchmarks/snapshot.py --documents 200000  # a quick look
    .venv/bin/python benchmarks/snapshot.py --reuse             # reuse warehouse.py's file

- publish_snapshot: CHECKPOINT, copy the file, stamp the copy, rename it into place (gaimon's way);
- ATTACH + COPY FROM DATABASE: DuckDB rewrites every table into a new file.

Target (docs/analyst.md): a small part of a daily run, which takes minutes. Figures are
printed, not asserted. Measured on 2 shared, busy cores, ext4, 2M documents (2.63 GB):
publish_snapshot 12.5 s and 23.5 s; ATTACH + COPY FROM DATABASE 210.5 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from gaimon import warehouse
from gaimon.home import Home
from gaimon.ops import snapshot

sys.path.insert(0, str(Path(__file__).resolve().parent))
from warehouse import generate  # noqa: E402  (benchmarks/warehouse.py)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2_000_000)
    parser.add_argument(
        "--path", type=Path, default=Path(tempfile.gettempdir()) / "gaimon-bench.duckdb"
    )
    parser.add_argument("--reuse", action="store_true", help="keep an existing generated file")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    if not (args.reuse and args.path.exists()):
        args.path.unlink(missing_ok=True)
        started = time.perf_counter()
        generate(args.path, args.documents)
        print(f"generated {args.documents:,} documents in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory(dir=args.path.parent) as tmp:
        home = Home(Path(tmp))
        home.warehouse.hardlink_to(args.path)  # the same file, in a home of its own
        print(f"warehouse {args.path}: {args.path.stat().st_size / 2**30:.2f} GB")
        for n in range(args.repeat):
            done = snapshot.publish_snapshot(home, "benchmark")
            print(
                f"publish_snapshot #{n + 1}: {done.seconds:.1f} s ({done.bytes / 2**30:.2f} GB "
                "copy)"
            )
        other = Path(tmp) / "attached.duckdb"
        started = time.perf_counter()
        with warehouse.open_warehouse(home.warehouse) as con:
            name = con.execute("SELECT current_database()").fetchone()[0]
            con.execute(f"ATTACH '{other}' AS copy")
            con.execute(f"COPY FROM DATABASE {name} TO copy")
            con.execute("DETACH copy")
        print(
            f"ATTACH + COPY FROM DATABASE: {time.perf_counter() - started:.1f} s "
            f"({other.stat().st_size / 2**30:.2f} GB)"
        )


if __name__ == "__main__":
    main()
