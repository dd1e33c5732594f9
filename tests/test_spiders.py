"""Every source kind crawls fixtures written in its real format, served on 127.0.0.1 by a
server that also misbehaves on purpose; each crawl is a real Scrapy run in its own process."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from gaimon.crawl.run import crawl_source, log_file
from gaimon.crawl.source_state import SourceState
from gaimon.ops import steps
from gaimon.ops.corpus_server import CorpusServer
from gaimon.registry import load_registry, localize_registry

FIXTURES = Path(__file__).parent / "fixtures"
DAY = "2026-11-28"


@pytest.fixture(scope="module")
def server():
    with CorpusServer(FIXTURES / "crawl") as running:
        yield running


@pytest.fixture
def sources(server, home) -> Path:
    return localize_registry(
        FIXTURES / "sources_crawl.yaml", server.base, home.root / "sources.yaml"
    )


def crawl(name, home, sources, server, **settings):
    server.take_log()
    report = crawl_source(
        load_registry(sources).get(name), home, sources, day=DAY, extra_settings=settings or None
    )
    items = (
        [json.loads(line) for line in report.staged_file.read_text().splitlines()]
        if report.staged_file.exists()
        else []
    )
    return report, {i["title"]: i for i in items if i["source"] == name}


def test_rss2_with_permalink_guid_named_zones_and_no_language(home, sources, server):
    report, items = crawl("dagblad", home, sources, server)
    assert report.ok and report.staged == 2  # the 2024 item is before the source's `since`
    fraud = items["Gemeenten gebruiken algoritme voor bijstandsfraude zonder toetsing"]
    assert fraud["url"].startswith(server.base + "/artikel/algoritme-bijstand.html?utm_source")
    assert fraud["canonical_url"] == server.base + "/artikel/algoritme-bijstand.html"
    assert fraud["published"] == "2026-11-17T09:30:00Z"  # 10:30 CET
    assert fraud["lang"] == "nl"  # detected: neither feed nor registry says
    assert fraud["author"] == "Joris Bakker"
    assert fraud["text"].startswith("Minstens twaalf gemeenten zetten een risicomodel in")
    assert "<" not in fraud["text"] and "&lt;" not in fraud["text"]
    visie = items["Kabinet presenteert visie op generatieve AI"]
    assert visie["published"] == "2026-11-16T13:00:00Z"  # 08:00 EST
    assert "track()" not in visie["text"]
    assert visie["identifiers"]["tk_zaak"] == "2026Z19034"


def test_rss1_rdf_with_dc_date_and_language(home, sources, server):
    report, items = crawl("observatory", home, sources, server)
    deepfakes = items["Deepfakes in the run-up to regional elections"]
    assert report.ok and len(items) == 2
    assert deepfakes["published"] == "2026-11-18T13:00:00Z"
    assert deepfakes["lang"] == "en"
    assert deepfakes["author"] == "M. Okafor"
    assert deepfakes["identifiers"]["doi"] == "10.5281/zenodo.1234567"
    assert (
        items["Welfare risk scoring returns under a new name"]["published"]
        == "2026-11-19T00:00:00Z"
    )


def test_atom_with_xml_base_relative_links_and_entry_language(home, sources, server):
    report, items = crawl("brief", home, sources, server)
    guidelines = items["Commission publishes guidelines on prohibited AI practices"]
    assert report.ok
    assert guidelines["url"] == server.base + "/brief/2026/11/prohibited-practices.html"
    assert guidelines["published"] == "2026-11-20T06:00:00Z"
    assert guidelines["author"] == "Lena Fischer"
    assert guidelines["identifiers"]["procedure"] == "2021/0106(COD)"
    assert guidelines["identifiers"]["celex"] == "32024R1689"  # "Regulation (EU) 2024/1689"
    french = items["Le Parlement adopte sa position sur la responsabilité de l'IA"]
    assert french["lang"] == "fr" and french["published"] == "2026-11-19T17:45:00Z"


def test_google_news_items_get_the_publishers_link(home, sources, server):
    report, items = crawl("googlenieuws", home, sources, server)
    assert report.ok and len(items) == 3
    # The title loses its " - Publisher" suffix; the address comes from the older token.
    toezicht = items["Kabinet wil strenger toezicht op generatieve AI"]
    assert toezicht["canonical_url"] == (
        "https://nos.nl/artikel/2546112-kabinet-wil-strenger-toezicht-op-generatieve-ai"
    )
    assert toezicht["identifiers"]["publisher"] == "https://nos.nl"
    assert toezicht["identifiers"]["google_news"].startswith(
        "https://news.google.com/rss/articles/"
    )
    # The description's own anchor, when it points at the publisher, wins.
    balie = items["Gemeenten zetten AI-chatbot in bij de balie"]
    assert (
        balie["canonical_url"]
        == "https://www.binnenlandsbestuur.nl/digitaal/gemeenten-ai-chatbot-balie"
    )
    # A newer, opaque token leaves the Google link, with the publisher beside it.
    huiswerk = items["Scholen zoeken houvast bij AI-huiswerk"]
    assert huiswerk["url"].startswith("https://news.google.com/rss/articles/CBMi")
    assert huiswerk["identifiers"]["publisher"] == "https://www.trouw.nl"


def test_sitemap_index_news_extension_pattern_and_since(home, sources, server):
    report, items = crawl("nieuwsbrief", home, sources, server)
    assert report.ok, report.message
    assert set(items) == {
        "Toezichthouder krijgt extra geld voor AI-toezicht",
        "Scholen worstelen met chatbot bij huiswerk",
        "Algoritmeregister telt duizend systemen",
    }
    toezicht = items["Toezichthouder krijgt extra geld voor AI-toezicht"]
    assert toezicht["published"] == "2026-11-20T08:15:00Z"
    assert toezicht["author"] == "Sanne Visser"
    assert "twaalf miljoen euro" in toezicht["text"] and "Cookiebeleid" not in toezicht["text"]
    assert toezicht["extra"]["keywords"] == "AI-verordening, toezicht, RDI"
    # A bare news date is refined by the page's own timestamp.
    assert (
        items["Scholen worstelen met chatbot bij huiswerk"]["published"] == "2026-11-19T06:30:00Z"
    )
    paths = {s.path for s in server.take_log()}
    assert "/sitemaps/archive-2023.xml" not in paths  # index entry older than `since`
    assert "/over-ons.html" not in paths and "/news/2025/03/oud-nieuws.html" not in paths


def test_html_list_with_selectors_pages_and_dutch_dates(home, sources, server):
    report, items = crawl("toezichthouder", home, sources, server)
    assert report.ok and len(items) == 3  # two listing pages
    scraping = items["Scraping van persoonsgegevens bijna altijd verboden"]
    assert scraping["published"] == "2026-11-19T23:00:00Z"  # 20 november, Amsterdam time
    assert "gerechtvaardigd belang" in scraping["text"] and "Postbus" not in scraping["text"]
    emotie = items["Emotieherkenning op de werkvloer onder de loep"]
    assert emotie["canonical_url"] == server.base + "/lijst/actueel/emotieherkenning.html"


def test_eurlex_sparql_by_concept_and_title_with_texts(home, sources, server):
    report, items = crawl("eurlex", home, sources, server)
    assert report.ok, report.message
    by_celex = {i["identifiers"]["celex"]: i for i in items.values()}
    assert set(by_celex) == {"32024R1689", "52021PC0206", "52026DC0450", "52026PC0701"}
    act = by_celex["32024R1689"]
    assert act["url"] == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024R1689"
    assert act["published"] == "2024-06-13T00:00:00Z" and act["lang"] == "en"
    assert act["kind"] in ("REG", "REG_IMPL")
    assert "Prohibited AI practices" in act["text"]  # from the HTML behind a 303
    assert "risk-based approach" in by_celex["52021PC0206"]["text"]  # from a PDF
    assert "\xa0" not in by_celex["52026DC0450"]["title"]
    queries = [unquote(s.query) for s in server.take_log() if s.path == "/sparql"]
    assert len(queries) == 3 and any("OFFSET 3" in q for q in queries)  # a full page, then more


def test_ep_api_procedures_events_documents_and_press(home, sources, server):
    report, items = crawl("europarl", home, sources, server)
    assert report.ok, report.message
    by_kind = {}
    for item in items.values():
        by_kind.setdefault(item["kind"], []).append(item)
    procedures = {i["identifiers"]["procedure"]: i for i in by_kind["procedure"]}
    # Watched procedures opened in earlier years, and this year's AI procedure from the list;
    # the fisheries procedure does not match.
    assert set(procedures) == {"2021/0106(COD)", "2025/0359(COD)", "2026/0042(COD)"}
    act = procedures["2021/0106(COD)"]
    assert act["title"] == "Artificial Intelligence Act"
    assert act["identifiers"]["ep_procedure"] == "2021-0106"
    assert act["published"] == "2024-07-12T00:00:00Z"  # the latest event
    lines = act["text"].splitlines()
    assert "2021-06-07: Committee referral announced in Parliament" in lines
    assert "2023-05-22: Committee report tabled for plenary - A-9-2023-0188" in lines
    # A decision record has no activity type: it is named by its outcome and the texts it decided.
    assert "2024-03-13: Decision by Parliament (adopted) - A-9-2023-0188, TA-9-2024-0138" in lines
    assert "2024-07-12: Final act published in Official Journal" in lines
    assert not any(line.rstrip().endswith(":") for line in lines)
    assert [e["stage"] for e in act["extra"]["events"]] == ["RDG1", "RDG1", "RDG1", "RDG1", "FIN"]
    # label, process_id and process_type given as lists.
    omnibus = procedures["2025/0359(COD)"]
    assert omnibus["identifiers"]["ep_procedure"] == "2025-0359"
    assert omnibus["title"].startswith("Digital omnibus on AI")
    assert "2026-11-26: Decision by Parliament (adopted) - A-10-2026-0190" in omnibus["text"]
    reports = {i["identifiers"]["ep_document"]: i for i in by_kind["report_plenary"]}
    assert set(reports) == {"A-10-2026-0123"}  # two pages read this run (max_pages: 2)
    assert "harmonised regime of civil liability" in reports["A-10-2026-0123"]["text"]  # its PDF
    press = by_kind["press_release"]
    assert [p["identifiers"]["ep_press"] for p in press] == ["20261112IPR31001"]
    assert press[0]["published"] == "2026-11-12T12:05:00Z"
    log = server.take_log()
    queries = [unquote(r.query) for r in log if r.path == "/api/v2/procedures"]
    assert any("year=2026" in q for q in queries) and any("year=2025" in q for q in queries)
    assert all("year=2024" not in q for q in queries)  # years follow the run's date
    details = [r for r in log if r.path.startswith("/api/v2/plenary-documents/")]
    assert details and all("language=en" in r.query for r in details)
    assert all(
        "work-type=REPORT_PLENARY" in unquote(r.query)
        for r in log
        if r.path == "/api/v2/plenary-documents"
    )

    # The next run goes on where this one stopped: the report beyond the first pages is read.
    report, items = crawl("europarl", home, sources, server)
    assert report.ok, report.message
    reports = {
        i["identifiers"]["ep_document"] for i in items.values() if i["kind"] == "report_plenary"
    }
    assert "A-10-2026-0300" in reports and report.staged == 1  # nothing else is new
    asked = {
        unquote(r.query).split("offset=")[1].split("&")[0]
        for r in server.take_log()
        if r.path == "/api/v2/plenary-documents" and "year=2026" in unquote(r.query)
    }
    assert asked == {"0", "2", "4"}  # the first pages (unchanged, 304) and on from the last stop


def test_sru_official_publications_paged_with_texts(home, sources, server):
    report, items = crawl("bekendmakingen", home, sources, server)
    assert report.ok, report.message
    by_id = {i["identifiers"]["koop"]: i for i in items.values()}
    assert set(by_id) == {"kst-36600-XV-12", "kst-36412-C", "kst-26643-1290"}  # two pages
    motie = by_id["kst-36600-XV-12"]
    assert motie["url"] == "https://zoek.officielebekendmakingen.nl/kst-36600-XV-12.html"
    assert motie["published"] == "2026-11-26T00:00:00Z" and motie["lang"] == "nl"
    assert motie["kind"] == "Kamerstuk" and motie["author"] == "Tweede Kamer der Staten-Generaal"
    assert "vooraf te toetsen op discriminatie" in motie["text"]  # its HTML manifestation
    eerste_kamer = by_id["kst-36412-C"]
    assert eerste_kamer["author"] == "Eerste Kamer der Staten-Generaal"
    assert "markttoezichthouders" in eerste_kamer["text"]  # no HTML: its PDF
    queries = [unquote(r.query) for r in server.take_log() if r.path == "/sru"]
    assert len(queries) == 2 and all("httpAccept=application/json" in q for q in queries)
    assert (
        'cql.textAndIndexes="algoritme"' in queries[0] and "dt.available>=2026-01-01" in queries[0]
    )
    assert "startRecord=3" in queries[1]  # the answer's nextRecordPosition


def test_csv_register_rows_become_items(home, sources, server):
    report, items = crawl("algoritmeregister", home, sources, server)
    assert report.ok, report.message
    assert set(items) == {"Risicomodel bijstandsfraude", "Chatbot Gemma"}  # 2023 is before `since`
    chatbot = items["Chatbot Gemma"]
    assert chatbot["url"] == "https://algoritmes.overheid.nl/nl/algoritme/77120934"
    assert chatbot["identifiers"]["algoritmeregister"] == "77120934"
    assert chatbot["author"] == "Gemeente Rivierdal" and chatbot["kind"] == "algorithm"
    assert "risks: Het taalmodel kan onjuiste antwoorden geven" in chatbot["text"]
    assert chatbot["published"].startswith("2026-11-25")
    assert chatbot["extra"]["publication_category"] == "Impactvolle algoritmes"
    assert "\ufeff" not in "".join(items["Risicomodel bijstandsfraude"]["extra"])  # the BOM

    # A file whose header lost the configured columns stages nothing and says why, in one line.
    report, items = crawl("register_nieuwe_kolommen", home, sources, server)
    log = log_file(home, DAY, "register_nieuwe_kolommen").read_text()
    assert not items and report.errors == 1
    assert "CSV header lacks the column(s) ['algorithm_id', 'name']" in log


def test_tk_odata_paging_zaak_and_document_with_pdf(home, sources, server):
    report, items = crawl("tweedekamer", home, sources, server)
    assert report.ok, report.message
    assert set(items) == {
        "Motie van het lid Van der Berg over een mensenrechtentoets voor generatieve AI bij de "
        "overheid",
        "Schriftelijke vragen over het gebruik van algoritmes bij de toeslagen",
        "Uitvoeringswet AI-verordening",  # from the page behind @odata.nextLink
        "Kabinetsvisie generatieve AI",
    }  # the deleted (Verwijderd) motion is left out
    motie = items[
        "Motie van het lid Van der Berg over een mensenrechtentoets voor generatieve AI bij de "
        "overheid"
    ]
    assert motie["kind"] == "Motie" and motie["identifiers"]["tk_zaak"] == "2026Z19034"
    assert motie["url"] == "https://www.tweedekamer.nl/kamerstukken/detail?id=2026Z19034"
    assert motie["published"] == "2026-11-04T23:00:00Z"
    brief = items["Kabinetsvisie generatieve AI"]
    assert brief["identifiers"]["tk_document"] == "2026D44063"
    assert brief["identifiers"]["tk_zaak"] == "2026Z19034"
    assert "verantwoorde inzet van generatieve AI" in brief["text"]  # from the PDF resource


def test_unchanged_recrawl_makes_only_conditional_requests_and_stores_nothing(
    home, sources, server
):
    names = ["dagblad", "nieuwsbrief", "tweedekamer"]
    for name in names:
        crawl(name, home, sources, server)
    first = steps.load_pending(home, day=DAY)
    for name in names:
        report, _ = crawl(name, home, sources, server)
        requests = server.take_log()
        assert report.staged == 0 and report.errors == 0
        assert requests and all(r.conditional and r.status == 304 for r in requests), requests
    second = steps.load_pending(home, day=DAY)
    assert first.new == 2 + 3 + 4
    assert (second.new, second.changed) == (0, 0)
    # The sitemap index said "not modified": its children were not asked for.
    assert report.requests == 1 + 2  # robots.txt and the two OData entity sets


def test_known_articles_are_not_fetched_again_when_the_feed_changes(home, sources, server):
    crawl("toezichthouder", home, sources, server)
    state = SourceState.load(home, "toezichthouder")
    state.validators.clear()  # as if the listing had changed
    state.dirty = True
    state.save()
    crawl("toezichthouder", home, sources, server)
    paths = [r.path for r in server.take_log()]
    assert "/lijst/actueel/scraping-verboden.html" not in paths
    assert "/lijst/index.html" in paths


def test_every_fault_is_logged_counted_and_stops_nothing(home, sources, server):
    # A short timeout for the slow page (3 s); one retry of each failure keeps the test quick.
    report, items = crawl("storingen", home, sources, server, DOWNLOAD_TIMEOUT=2, RETRY_TIMES=1)
    log = log_file(home, DAY, "storingen").read_text()
    base = server.base

    def logged(path: str, words: str) -> bool:
        return any(
            f"source storingen: {base}{path}" in line and words in line
            for line in log.splitlines()
            if "ERROR" in line
        )

    assert logged("/faults/onbereikbaar.xml", "HTTP 503")
    assert logged("/faults/kapot.html", "HTTP 500")
    assert logged("/faults/traag.html", "timed out after 2s")
    assert logged("/faults/reset.html", "connection lost or reset")
    assert logged("/faults/half.html", "truncated response")
    assert logged("/faults/lus.html", "redirect loop")
    assert logged("/faults/groot.html", "size cap")
    assert logged("/faults/kapot.xml", "malformed feed, 3 entries recovered")
    assert logged("/faults/pagina.xml", "HTML page where XML was expected")
    assert logged("/faults/bom.xml", "entity bomb")
    assert "verboden/feed.xml is forbidden by robots.txt" in log
    assert report.errors == 10 and not report.ok
    # 429 with Retry-After: waited, then read.
    assert "waiting 1.0s as Retry-After asks" in log
    assert "Bericht na het wachten" in items
    # Items around the faults are all staged; pages that failed fall back to the feed's text.
    assert (
        "Drie rechtbanken experimenteren" in items["Goed artikel over AI in de rechtspraak"]["text"]
    )
    assert (
        "voorspellende modellen" in items["Rapport over algoritmes in het sociaal domein"]["text"]
    )
    assert (
        items["Artikel op een kapotte server"]["text"]
        == "Samenvatting uit de feed: de server geeft een 500."
    )
    assert {"Eerste bericht voor de breuk", "Tweede bericht voor de breuk"} <= set(items)
    assert "coördinator" in items["Artikel met verkeerde tekenset"]["text"]
    assert "reïntegratiebureaus" in items["Artikel zonder tekenset"]["text"]
    assert "Caféeigenaar gebruikt camera’s met gezichtsherkenning" in items
    assert report.staged == 14
    # The last error, as the run record keeps it, names the URL (the source is its own column).
    assert report.message.startswith(base) and "storingen" not in report.message


def test_json_faults_keep_the_pages_read_before(home, sources, server):
    report, items = crawl("kapotte_api", home, sources, server)
    log = log_file(home, DAY, "kapotte_api").read_text()
    assert set(items) == {
        "Motie over algoritmes bij gemeenten",
        "Motie over een register voor AI-systemen",
    }
    assert "malformed JSON" in log and f"source kapotte_api: {server.base}/api-kapot/Zaak?" in log
    assert "HTML page where JSON was expected" in log
    assert report.errors == 2
