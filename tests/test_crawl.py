"""Real Scrapy crawls of fixture feeds served on 127.0.0.1, each in its own process."""

import json

from gaimon.crawl import crawl_source
from gaimon.load import load_day
from gaimon.registry import load_registry


def staged_items(report):
    return [json.loads(line) for line in report.staged_file.read_text().splitlines()]


def test_rss_with_follow_stages_articles_with_clean_url_utc_date_and_text(home, registry):
    report = crawl_source(load_registry(registry).get("zorgnieuws"), home, registry, day="2026-11-28")
    items = {i["title"]: i for i in staged_items(report)}
    assert report.ok and report.staged == 2
    chatbot = items["Huisartsen waarschuwen voor chatbot die verkeerd medisch advies geeft"]
    assert chatbot["canonical_url"].endswith("/artikel/chatbot-advies.html")
    assert "utm_source" not in chatbot["canonical_url"]
    assert chatbot["published"] == "2026-11-17T08:30:00Z"
    assert "Landelijke Huisartsen Vereniging" in chatbot["text"]  # from the article page
    assert "Privacyverklaring" not in chatbot["text"]  # boilerplate left out
    assert chatbot["lang"] == "nl"
    assert len(chatbot["content_hash"]) == 64


def test_atom_feed_without_follow_uses_the_summary(home, registry):
    report = crawl_source(load_registry(registry).get("techpolicy"), home, registry, day="2026-11-28")
    items = {i["title"]: i for i in staged_items(report)}
    probe = items["Regulator opens GDPR probe into chatbot training on personal data"]
    assert probe["published"] == "2026-11-18T06:15:00Z"
    assert "personal data scraped without consent" in probe["text"]
    assert probe["author"] == "Sam Patel"


def test_recrawl_of_the_same_day_stores_nothing_new(home, registry):
    source = load_registry(registry).get("techpolicy")
    crawl_source(source, home, registry, day="2026-11-28")
    first = load_day(home, "2026-11-28")
    crawl_source(source, home, registry, day="2026-11-28")
    second = load_day(home, "2026-11-28")
    assert first.new == 2
    assert (second.new, second.changed) == (0, 0)
