"""Normalising what sources give: dates to UTC, canonical URLs, clean text, language,
identifiers, charsets and unsafe XML."""

from __future__ import annotations

import gzip

import pytest

from gaimon.crawl.normalize import (
    canonical_url,
    clean_text,
    detect_language,
    extract_identifiers,
    iso_utc,
    normal_lang,
    to_utc,
)
from spiders.content import ContentError, decode_body, gunzip_capped, parse_json, parse_xml
from spiders.middlewares import retry_after_seconds


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tue, 17 Nov 2026 09:30:00 +0100", "2026-11-17T08:30:00Z"),  # RFC 822, offset
        ("Mon, 16 Nov 2026 14:00:00 GMT", "2026-11-16T14:00:00Z"),
        ("Tue, 17 Nov 2026 10:30:00 CET", "2026-11-17T09:30:00Z"),  # zone names RFC 822 lacks
        ("Wed, 01 Jul 2026 10:30:00 CEST", "2026-07-01T08:30:00Z"),
        ("16 Nov 2026 08:00 EST", "2026-11-16T13:00:00Z"),
        ("Tue, 17 Nov 26 09:30:00 +0100", "2026-11-17T08:30:00Z"),  # two-digit year
        ("di, 17 mrt 2026 09:30:00 +0100", "2026-03-17T08:30:00Z"),  # Dutch day and month
        ("2026-03-02T00:00:00+01:00", "2026-03-01T23:00:00Z"),  # ISO 8601 (TK OData)
        ("2026-03-02T15:04:05.12+01:00", "2026-03-02T14:04:05.120000Z"),
        ("2026-11-17T09:30:00+0100", "2026-11-17T08:30:00Z"),
        ("2026-03-02T09:15:00Z", "2026-03-02T09:15:00Z"),
        ("2026-03-02", "2026-03-02T00:00:00Z"),  # a bare date is midnight UTC
        ("2026-03-02 10:00 CET", "2026-03-02T09:00:00Z"),
        ("17 november 2026", "2026-11-17T00:00:00Z"),
        ("17/11/2026", "2026-11-17T00:00:00Z"),  # OEIL's dd/mm/yyyy
    ],
)
def test_dates_become_utc(raw, expected):
    assert iso_utc(to_utc(raw)) == expected


def test_a_date_without_zone_is_read_in_the_source_time_zone():
    assert iso_utc(to_utc("2026-07-01 10:00", "Europe/Amsterdam")) == "2026-07-01T08:00:00Z"
    assert to_utc("not a date at all, really") is None


def test_an_impossible_or_unknown_rfc822_date_is_no_date():
    # A feed's typo must cost the item its date, not the crawl: no exception.
    assert to_utc("Mon, 30 Feb 2026 10:00:00 GMT") is None
    assert to_utc("Tue, 17 Nov 2026 10:30:00 XYZ") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTPS://Www.Politico.EU:443/article/x/?utm_source=RSS_Feed&utm_medium=RSS#top",
            "https://www.politico.eu/article/x/",
        ),
        ("http://example.nl/a?b=2&a=1&fbclid=xyz", "http://example.nl/a?a=1&b=2"),
        (
            "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024R1689",
            "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX%3A32024R1689",
        ),
        ("http://x.org/a?q=a%20b&flag&utm%5Fsource=x", "http://x.org/a?flag=&q=a+b"),
        # The path, host and port stay as staged before: document ids derive from them.
        ("http://user:pw@X.org.:80/a/../%7Eb/ünï", "http://x.org/a/../%7Eb/ünï"),
    ],
)
def test_canonical_urls_drop_tracking_and_fragments(raw, expected):
    assert canonical_url(raw) == expected


def test_clean_text_removes_markup_also_when_escaped():
    assert (
        clean_text("&lt;p&gt;Een &lt;b&gt;vet&lt;/b&gt; woord &amp;amp; meer&lt;/p&gt;")
        == "Een vet woord & meer"
    )
    assert clean_text("<p>Eén</p><script>x()</script><p>Twee&nbsp;regels</p>") == "Eén\nTwee regels"


def test_language_is_detected_and_normalised():
    assert (
        detect_language(
            "De toezichthouder waarschuwt gemeenten voor het gebruik van risicomodellen."
        )
        == "nl"
    )
    assert (
        detect_language("The regulator warns councils about the use of risk scoring models.")
        == "en"
    )
    assert detect_language("AI") is None
    assert [normal_lang(v) for v in ("nl-NL", "ENG", "dut", "fr_BE")] == ["nl", "en", "nl", "fr"]


def test_identifiers_from_urls_and_words():
    found = extract_identifiers(
        "https://www.tweedekamer.nl/kamerstukken/detail?id=2026Z19034&did=2026D44063",
        "Motie over Regulation (EU) 2024/1689",
        "procedure 2021/0106(COD); doi 10.5281/zenodo.1234567.",
    )
    assert found == {
        "tk_zaak": "2026Z19034",
        "tk_document": "2026D44063",
        "celex": "32024R1689",
        "procedure": "2021/0106(COD)",
        "doi": "10.5281/zenodo.1234567",
    }
    assert extract_identifiers(
        "https://ec.europa.eu/commission/presscorner/detail/en/ip_24_1234"
    ) == {"ec_press": "ip_24_1234"}
    assert extract_identifiers(
        "https://www.europarl.europa.eu/news/en/press-room/20250714IPR29629/x"
    ) == {"ep_press": "20250714IPR29629"}
    assert (
        extract_identifiers("https://eur-lex.europa.eu/eli/reg/2024/1689/oj")["eli"]
        == "eli/reg/2024/1689/oj"
    )


def test_charsets_wrong_or_missing_are_read_right():
    text = "Café coördinator één"
    assert decode_body(text.encode("cp1252"), "utf-8") == text  # header lies
    assert decode_body(text.encode("utf-8"), "iso-8859-1") == text  # mislabelled UTF-8
    assert decode_body(text.encode("cp1252")) == text  # nothing said at all
    assert decode_body(b"\xef\xbb\xbf" + text.encode("utf-8")) == text  # BOM


def test_xml_safety_and_recovery():
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><r>&b;</r>'
    with pytest.raises(ContentError, match="entity"):
        parse_xml(bomb)
    with pytest.raises(ContentError, match="HTML page"):
        parse_xml(b"<!DOCTYPE html><html><body>challenge</body></html>")
    broken = parse_xml(b"<urlset><url><loc>http://a/1</loc></url><url><loc>http://a/2</lo")
    assert broken.recovered and broken.root[0][0].text == "http://a/1"
    with pytest.raises(ContentError, match="malformed JSON"):
        parse_json(b'{"value": [1, 2')
    with pytest.raises(ContentError, match="size cap"):
        gunzip_capped(gzip.compress(b" " * 10_000), cap=1_000)


def test_retry_after_in_seconds_or_as_a_date():
    from datetime import UTC, datetime

    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Sat, 28 Nov 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("soon") is None
