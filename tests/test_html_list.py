"""Listing pages without a feed, crawled over HTTP from fixtures that copy the real markup of
the Autoriteit Persoonsgegevens (Drupal 11) and of RDI (rijksoverheid.nl platform)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gaimon.crawl.run import crawl_source
from gaimon.ops.corpus_server import CorpusServer
from gaimon.registry import load_registry, localize_registry

FIXTURES = Path(__file__).parent / "fixtures"
DAY = "2026-06-25"


@pytest.fixture(scope="module")
def server():
    with CorpusServer(FIXTURES / "crawl") as running:
        yield running


@pytest.fixture
def sources(server, home) -> Path:
    return localize_registry(
        FIXTURES / "sources_crawl.yaml", server.base, home.root / "sources.yaml"
    )


def crawl(name, home, sources, server):
    server.take_log()
    report = crawl_source(load_registry(sources).get(name), home, sources, day=DAY)
    items = (
        [json.loads(line) for line in report.staged_file.read_text().splitlines()]
        if report.staged_file.exists()
        else []
    )
    return (
        report,
        {i["title"]: i for i in items},
        [s.path + ("?" + s.query if s.query else "") for s in server.take_log()],
    )


def test_ap_teasers_give_title_link_dutch_date_and_the_article_text(home, sources, server):
    report, items, fetched = crawl("ap_nieuws", home, sources, server)
    assert report.ok, report.message
    assert set(items) == {
        "AP waarschuwt voor AI-chatbots met gevoelige gegevens",
        "AP stelt procesbeschrijving voor verscherpt toezicht vast",
        "Rapportage Algoritmerisico's Nederland: zorgen over emotieherkenning",
    }
    chatbots = items["AP waarschuwt voor AI-chatbots met gevoelige gegevens"]
    assert (
        chatbots["url"]
        == server.base + "/actueel/ap-waarschuwt-voor-ai-chatbots-met-gevoelige-gegevens"
    )
    assert chatbots["published"] == "2026-06-23T22:00:00Z"  # "24 juni 2026", Amsterdam time
    assert "patiëntgegevens" in chatbots["text"]
    assert (
        items["Rapportage Algoritmerisico's Nederland: zorgen over emotieherkenning"]["published"]
        == "2026-05-26T22:00:00Z"
    )  # on the second listing page ("27 mei 2026")
    assert "/actueel?page=1" in fetched


def test_rdi_news_links_with_a_dated_meta_line(home, sources, server):
    report, items, _ = crawl("rdi_nieuws", home, sources, server)
    assert report.ok, report.message
    toezicht = items["RDI start toezicht op verboden AI-praktijken"]
    assert toezicht["published"] == "2026-06-23T22:00:00Z"  # "Nieuwsbericht | 24-06-2026"
    assert toezicht["canonical_url"].endswith(
        "/actueel/nieuws/2026/06/24/rdi-start-toezicht-op-verboden-ai-praktijken"
    )
    assert "emotieherkenning" in toezicht["text"]
    regels = items["Nieuwe regels voor hoog-risico AI-systemen: wat betekent dit voor fabrikanten?"]
    assert regels["published"] == "2026-06-10T22:00:00Z"


def test_breadcrumbs_menus_and_page_numbers_are_not_fetched_as_articles(home, sources, server):
    report, items, fetched = crawl("ap_menu", home, sources, server)
    article_pages = [p for p in fetched if p.startswith("/actueel/")]
    # Only the two real teasers were followed; "Home", "Thema's", "?page=1" ... were not.
    assert sorted(article_pages) == [
        "/actueel/ap-stelt-procesbeschrijving-voor-verscherpt-toezicht-vast",
        "/actueel/ap-waarschuwt-voor-ai-chatbots-met-gevoelige-gegevens",
    ]
    assert not any(p in ("/", "/themas", "/documenten", "/contact") for p in fetched)
    assert set(items) == {
        "AP waarschuwt voor AI-chatbots met gevoelige gegevens",
        "AP stelt procesbeschrijving voor verscherpt toezicht vast",
    }
    stats = json.loads((home.staging / DAY / "ap_menu.stats.json").read_text())
    assert stats["gaimon/navigation_skipped"] >= 3  # breadcrumb, pager items
