"""Content that is read without error but must not be stored as it comes: a consent notice in
place of an article, entity declarations hidden by UTF-16 or a long comment, script and data
links, a title of 100,000 characters, bidirectional control characters. Real crawls of a
hostile feed served on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gaimon.crawl.run import crawl_source, log_file
from gaimon.ops import steps
from gaimon.ops.corpus_server import CorpusServer
from gaimon.registry import load_registry, localize_registry

FIXTURES = Path(__file__).parent / "fixtures"
DAY = "2026-11-20"
LONG_TITLE = "Gemeenteraad " + "debatteert lang over gezichtsherkenning " * 2600  # ~100,000 chars
BOMB = """<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol9 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<rss version="2.0"><channel><title>Bom</title>
<item><title>&lol9;</title><link>{base}/artikel/bom.html</link><description>&lol9;</description></item>
</channel></rss>
"""
REGISTRY = """sources:
  - name: stadskrant
    kind: rss
    url: "{base}/feed.xml"
    lang: nl
    follow: true
  - name: bom_utf16
    kind: rss
    url: "{base}/bom-utf16.xml"
  - name: bom_commentaar
    kind: rss
    url: "{base}/bom-commentaar.xml"
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(FIXTURES / "hostile", root, dirs_exist_ok=True)
    feed = (root / "feed.xml").read_text()
    (root / "feed.xml").write_text(
        feed.replace(
            "<!-- LONG_TITLE_ITEM -->",
            f"""<item>
      <title>{LONG_TITLE}</title>
      <link>{{base}}/artikel/lang.html</link>
      <description>Een bericht met een titel van honderdduizend tekens.</description>
      <pubDate>Fri, 20 Nov 2026 13:00:00 +0100</pubDate>
    </item>""",
        )
    )
    # UTF-16: the bytes of "<!ENTITY" are interleaved with zeros.
    (root / "bom-utf16.xml").write_bytes(
        ('<?xml version="1.0" encoding="UTF-16"?>\n' + BOMB).encode("utf-16")
    )
    # 110 kB of comment before the declarations.
    (root / "bom-commentaar.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!--' + "x" * 110_000 + "-->\n" + BOMB
    )
    with CorpusServer(root) as server:
        yield server


@pytest.fixture
def sources(site, home, tmp_path) -> Path:
    template = tmp_path / "hostile.yaml"
    template.write_text(REGISTRY)
    return localize_registry(template, site.base, home.root / "sources.yaml")


def staged(report) -> list[dict]:
    if not report.staged_file.exists():
        return []
    return [json.loads(line) for line in report.staged_file.read_text().splitlines()]


def test_hostile_items_are_refused_cut_or_cleaned_and_the_rest_stored(home, sources, site):
    report = crawl_source(load_registry(sources).get("stadskrant"), home, sources, day=DAY)
    items = {i["url"].removeprefix(site.base): i for i in staged(report)}
    log = log_file(home, DAY, "stadskrant").read_text()

    # The consent notice did not replace the article: the feed's summary stands, and why.
    chatbot = items["/artikel/chatbot-gemeente.html"]
    assert chatbot["text"] == (
        "Samenvatting uit de feed: de gemeente beantwoordt vragen over de "
        "bijstand voortaan met een chatbot."
    )
    assert "partners" not in chatbot["text"]
    assert chatbot["extra"]["page_refused"].startswith("consent notice instead of the article")
    assert "consent notice instead of the article" in log and "chatbot-gemeente.html" in log
    # A real article page next to it is read as before.
    assert "risicomodel" in items["/artikel/toezicht-algoritmes.html"]["text"]

    # Script and data links are not documents.
    assert not [u for u in items if not u.startswith("/")]
    assert "javascript:alert" in log and "not an http(s) page" in log
    assert "Klik hier voor het laatste nieuws" not in {i["title"] for i in items.values()}

    # The 100,000-character title is cut, and the cut recorded.
    long = items["/artikel/lang.html"]
    assert len(long["title"]) <= 500 and long["title"].startswith("Gemeenteraad debatteert")
    assert long["extra"]["title_cut_from"] >= 100_000

    # No bidirectional controls in title or text.
    stemhulp = items["/artikel/stemhulp.html"]
    controls = "\u202e\u202c\u2067\u2069\u200f\u061c\u200e\u202a\u202b\u202d\u2066\u2068"
    assert not any(c in stemhulp["title"] + stemhulp["text"] for c in controls)
    assert stemhulp["title"] == "Stemhulp met AI nessim ne neppil getest door de gemeente"

    assert report.staged == 4


@pytest.mark.parametrize("name", ["bom_utf16", "bom_commentaar"])
def test_entity_declarations_are_refused_whatever_the_encoding_or_padding(name, home, sources):
    report = crawl_source(load_registry(sources).get(name), home, sources, day=DAY)
    assert staged(report) == []
    assert report.errors == 1 and "entity bomb" in report.message
    assert steps.load_pending(home, day=DAY).new == 0


def test_an_article_about_cookie_walls_is_not_taken_for_one():
    from spiders.consent import consent_wall

    article = (
        "Websites mogen bezoekers niet dwingen om tracking cookies te accepteren. Een cookiewall "
        "waarbij je alleen verder kunt na een klik op 'Alles accepteren' is niet toegestaan, "
        "zegt de toezichthouder. Organisaties moeten het even makkelijk maken om toestemming te "
        "weigeren als om die te geven, bijvoorbeeld met een knop 'Voorkeuren beheren' naast "
        "de knop om alles te accepteren. Wie cookies voor gepersonaliseerde advertenties "
        "weigert, moet de website gewoon kunnen lezen. Ook moet een bezoeker zijn toestemming "
        "intrekken zonder dat de website daarna onbruikbaar wordt."
    )
    # Four markers of a notice (buttons, preferences, ads, withdrawal), but not its legal wording.
    assert consent_wall(article, "Cookiemuren verboden, zegt privacywaakhond") is None
    notice = (FIXTURES / "hostile" / "consent.html").read_text()
    from spiders.extract import extract_article

    text = extract_article(notice.encode(), "https://example.org/", "text/html").text
    assert consent_wall(text, "Gemeente zet chatbot in voor vragen over bijstand")
