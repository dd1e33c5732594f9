"""Syndicated copies of one story share a cluster_id; different stories do not."""

from __future__ import annotations

import json
from pathlib import Path

from gaimon.crawl.run import crawl_many
from gaimon.load.cluster import ClusterDoc, assign_clusters, cluster_documents
from gaimon.ops import steps
from gaimon.ops.corpus_server import CorpusServer
from gaimon.registry import load_registry, localize_registry

FIXTURES = Path(__file__).parent / "fixtures"
WIRE = (
    "Het kabinet trekt volgend jaar veertig miljoen euro uit voor toezicht op algoritmes bij de "
    "overheid. Dat staat in de begroting die de minister dinsdag naar de Tweede Kamer stuurde. "
    "Het geld gaat naar twee toezichthouders die moeten controleren of gemeenten en "
    "uitkeringsinstanties hun risicomodellen laten toetsen op discriminatie. Aanleiding is een "
    "reeks onderzoeken waaruit bleek dat fraudemodellen vaker mensen met een migratieachtergrond "
    "selecteerden."
)


def copies() -> list[ClusterDoc]:
    """The same wire story in five papers: new titles, datelines, bylines, an extra line."""
    edits = [
        ("Kabinet trekt 40 miljoen uit voor algoritmetoezicht", "GRONINGEN - " + WIRE),
        ("Veertig miljoen voor toezicht op algoritmes", WIRE + " Lees ook: het register."),
        ("Extra geld voor toezicht", "(ANP) " + WIRE),
        ("Algoritmes: kabinet maakt geld vrij", WIRE.replace("dinsdag", "gisteren")),
        (
            "Toezicht op overheidsalgoritmes krijgt 40 miljoen",
            WIRE + " Ook in Zwolle gebruikt de gemeente zo'n model, meldt de redactie.",
        ),
    ]
    return [ClusterDoc(f"paper{i}", title, text) for i, (title, text) in enumerate(edits)]


OTHER = ClusterDoc(
    "other",
    "Maasbrug drie weken dicht",
    "In Maastricht is de brug over de Maas drie weken dicht voor onderhoud. Fietsers "
    "worden omgeleid via de stadsbrug, het autoverkeer moet een omweg van zeven "
    "kilometer maken. Ondernemers vrezen minder klanten in de decembermaand.",
)


def test_five_copies_of_a_wire_story_form_one_cluster_named_after_the_first():
    clusters = assign_clusters([*copies(), OTHER])
    assert {clusters[f"paper{i}"] for i in range(5)} == {"paper0"}
    assert clusters["other"] == "other"


def test_a_cluster_keeps_its_id_when_a_late_copy_arrives():
    docs = copies()
    for doc in docs[:4]:
        doc.cluster_id = "story-42"
    clusters = assign_clusters(docs)
    assert clusters["paper4"] == "story-42"


def test_same_topic_different_story_is_not_a_copy():
    other_budget = ClusterDoc(
        "budget",
        "Kabinet trekt geld uit voor cybersecurity",
        "Het kabinet trekt volgend jaar twintig miljoen euro uit voor de digitale weerbaarheid van "
        "waterschappen. Dat staat in de begroting. Waterschappen moeten hun systemen laten testen "
        "door ethische hackers en melden elk incident binnen een dag bij het nationale centrum.",
    )
    clusters = assign_clusters([*copies()[:2], other_budget])
    assert clusters["budget"] == "budget" and clusters["paper1"] == "paper0"


def test_syndicated_copies_crawled_from_three_papers_share_a_cluster(home, tmp_path):
    with CorpusServer(FIXTURES / "crawl") as server:
        registry_file = localize_registry(
            FIXTURES / "sources_crawl.yaml", server.base, tmp_path / "sources.yaml"
        )
        registry = load_registry(registry_file)
        names = ["regio_noord", "regio_zuid", "regio_west"]
        reports = crawl_many(registry.select(names), home, registry_file, day="2026-11-28", jobs=3)
    assert all(r.staged == 2 for r in reports.values()), reports
    steps.load_pending(home, day="2026-11-28")
    steps.cluster_stories(home)
    from gaimon import warehouse

    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        rows = con.execute("SELECT source, title, cluster_id FROM documents").fetchall()
    clusters = {title: cluster for _, title, cluster in rows}
    wire = {
        clusters["Kabinet trekt 40 miljoen uit voor toezicht op algoritmes"],
        clusters["Veertig miljoen voor toezicht op overheidsalgoritmes"],
        clusters["Kabinet: extra geld voor algoritmetoezicht"],
    }
    assert len(wire) == 1 and None not in wire
    local = {
        clusters["Parkeren in Groningen wordt duurder"],
        clusters["Maasbrug drie weken dicht"],
        clusters["Extra zand voor de duinen"],
    }
    assert len(local) == 3 and not local & wire


def test_cluster_documents_is_idempotent(con):
    staged = [{"doc_id": d.doc_id, "title": d.title, "text": d.text} for d in copies()]
    for row in staged:
        con.execute(
            "INSERT INTO documents (doc_id, canonical_url, source, url, title, text, content_hash,"
            " fetched_at, first_seen_at, updated_at) VALUES (?, ?, 'wire', ?, ?, ?, 'h',"
            " now(), now(), now())",
            [
                row["doc_id"],
                f"https://x/{row['doc_id']}",
                f"https://x/{row['doc_id']}",
                row["title"],
                row["text"],
            ],
        )
    assert cluster_documents(con) == 5
    assert cluster_documents(con) == 0
    ids = {r[0] for r in con.execute("SELECT DISTINCT cluster_id FROM documents").fetchall()}
    assert len(ids) == 1, json.dumps(sorted(ids))
