"""The digest of the bundled offline corpus: crawled, loaded, classified and scored by the real
stages, it names the corpus's planted emerging risk in the right sector."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from flows.demo import DEMO_DIR
from gaimon import warehouse
from gaimon.crawl.run import crawl_many
from gaimon.digest import build_digest
from gaimon.digest.archive import load_data
from gaimon.home import Home
from gaimon.ops import steps
from gaimon.ops.corpus_server import CorpusServer
from gaimon.registry import load_registry, localize_registry

pytestmark = pytest.mark.slow


def planted() -> tuple[str, str, str]:
    """Week, sector and value of the burst the corpus plants, from its ground truth."""
    rows = [
        json.loads(line)
        for line in (DEMO_DIR / "expected" / "items.jsonl").read_text().splitlines()
    ]
    burst = [r for r in rows if r["planted"]]
    weeks = {r["iso_week"] for r in burst}
    sectors = {s for r in burst for s in r["sectors"]}
    values = {v for r in burst for v in r["values"]}
    assert len(weeks) == len(sectors) == len(values) == 1, (weeks, sectors, values)
    return weeks.pop(), sectors.pop(), values.pop()


def test_the_demo_digest_names_the_planted_risk(tmp_path):
    week, sector, value = planted()
    home = Home(tmp_path / "home").ensure()
    warehouse.init(home.warehouse)
    with CorpusServer(DEMO_DIR / "corpus") as server:
        registry = localize_registry(
            DEMO_DIR / "sources.yaml", server.base, home.root / "sources.yaml"
        )
        reports = crawl_many(load_registry(registry).sources, home, registry)
    assert all(not isinstance(r, Exception) for r in reports), reports
    steps.load_pending(home)
    steps.cluster_stories(home)
    steps.classify_here(home, 2000)
    steps.detect_alerts(home)

    report = build_digest(home, week)
    assert f"{sector}/{value}" in report.risks
    data = load_data(report.folder, "nl")
    section = next(s for s in data.sections if s.sector == sector)
    risk = next(r for r in section.risks if r.value == value)
    assert risk.stories >= 3 and risk.sources >= 2 and risk.links and risk.evidence
    pdf = " ".join(page.extract_text() for page in PdfReader(report.paths["nl"]["pdf"]).pages)
    assert section.name in pdf and risk.name in pdf
