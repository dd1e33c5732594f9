"""Digest build time with and without one hostile item.

    python benchmarks/digest.py

Builds the test world's digest week (tests/digest_world.py: twelve weeks of background and a
planted burst) twice in temporary homes: as it is, and with a research item whose title has
100,000 characters and an enforcement action full of direction controls. Prints the seconds
the PDF of each takes (after one warm-up render, so WeasyPrint's start-up is not counted)
and the longest title the hostile digest shows. The two times should be alike: crawled text
is cut before it reaches any format (docs/digest.md, "Crawled text is untrusted").
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from digest_world import hostile_items, plant  # noqa: E402

from gaimon import warehouse  # noqa: E402
from gaimon.digest import build_digest, render  # noqa: E402
from gaimon.digest.archive import load_data  # noqa: E402
from gaimon.home import Home  # noqa: E402


def pdf_seconds(extra: list[dict] | None) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as root:
        home = Home(Path(root) / "home").ensure()
        warehouse.init(home.warehouse)
        week = plant(home, extra)
        report = build_digest(home, week, pdf=False)
        data = load_data(report.folder, "nl")
        started = time.perf_counter()
        render.render_pdf(data)
        seconds = time.perf_counter() - started
        longest = max(
            len(i.link.title)
            for s in [*data.sections, data.general]
            for kind in ("legislation", "enforcement", "research")
            for i in getattr(s, kind)
        )
        return seconds, longest


def main() -> None:
    pdf_seconds(None)  # warm-up: fonts and WeasyPrint's caches
    for name, extra in (("plain", None), ("hostile", hostile_items())):
        seconds, longest = pdf_seconds(extra)
        print(f"{name:8} PDF {seconds:5.1f} s  longest title shown {longest} characters")


if __name__ == "__main__":
    main()
