"""A source in a language the classifier does not read (`lang: de` in the registry): its items
are crawled and stored, but not labelled by a pipeline made for another language."""

from __future__ import annotations

from pathlib import Path

import pytest
from classifier_world import classify_with

from gaimon import warehouse
from gaimon.classify.classifier import Classifier
from gaimon.crawl.run import crawl_source
from gaimon.ops import steps
from gaimon.ops.corpus_server import CorpusServer
from gaimon.registry import load_registry, localize_registry
from gaimon.taxonomy import LANGS

FIXTURES = Path(__file__).parent / "fixtures"
DAY = "2026-11-28"


@pytest.fixture(scope="module")
def server():
    with CorpusServer(FIXTURES / "crawl") as running:
        yield running


def test_items_in_an_unread_language_are_stored_without_signals(home, server):
    sources = localize_registry(FIXTURES / "sources_crawl.yaml", server.base, home.root / "s.yaml")
    registry = load_registry(sources)
    assert registry.get("netzpolitik").lang not in LANGS
    for name in ("netzpolitik", "observatory"):
        assert crawl_source(registry.get(name), home, sources, day=DAY).ok
    steps.load_pending(home, day=DAY)
    classifier = Classifier()
    report = classify_with(home, classifier)
    with warehouse.open_warehouse(home.warehouse) as con:
        rows = con.execute("""
            SELECT source, lang, relevant, model_version,
                   (SELECT count(*) FROM signals s WHERE s.doc_id = d.doc_id) AS signals
            FROM documents d ORDER BY source, title""").fetchall()
    assert report.documents == 4
    german = [r for r in rows if r[0] == "netzpolitik"]
    assert len(german) == 2
    # Stored, marked as read by this model version (not asked again), not relevant, no labels.
    assert all(
        r[1] == "de" and r[2] is False and r[3] == classifier.version and r[4] == 0 for r in german
    ), german
    # The English source in the same run is labelled as before.
    english = [r for r in rows if r[0] == "observatory"]
    assert english and all(r[1] == "en" and r[3] == classifier.version for r in english)
    assert any(r[2] and r[4] > 0 for r in english)
