"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds; with `follow: true` each article page is read too."""

from __future__ import annotations

from calendar import timegm
from datetime import UTC, datetime

import feedparser
import scrapy
import trafilatura
from htmldate import find_date

from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider


def _entry_date(entry) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return datetime.fromtimestamp(timegm(parsed), UTC).isoformat()
    return entry.get("published") or entry.get("updated")


def _entry_text(entry) -> str:
    if entry.get("content"):
        html = entry["content"][0].get("value", "")
    else:
        html = entry.get("summary", "")
    return (trafilatura.extract(f"<html><body><p>{html}</p></body></html>") or "") if html else ""


class RssSpider(RegistrySpider):
    name = "rss"
    kind = "rss"

    async def start(self):
        yield scrapy.Request(self.source.url, callback=self.parse_feed, errback=self.failed)

    def parse_feed(self, response):
        feed = feedparser.parse(response.body)
        if feed.bozo and not feed.entries:
            self.logger.error("source %s: unreadable feed at %s: %s",
                              self.source.name, response.url, feed.get("bozo_exception"))
            self.crawler.stats.inc_value("gaimon/errors")
            return
        lang = self.source.lang or (feed.feed.get("language") or "")[:2] or None
        for entry in feed.entries:
            link = entry.get("link")
            if not link:
                self.logger.warning("source %s: entry without link skipped", self.source.name)
                continue
            item = FetchedItem(
                url=response.urljoin(link),
                title=(entry.get("title") or "").strip(),
                text=_entry_text(entry),
                published=_entry_date(entry),
                lang=lang,
                author=entry.get("author"),
            )
            if self.source.follow:
                yield response.follow(link, callback=self.parse_article, cb_kwargs={"item": item},
                                      errback=self.failed)
            else:
                yield item

    def parse_article(self, response, item: FetchedItem):
        html = response.text
        text = trafilatura.extract(html, url=response.url, favor_recall=True)
        if text:
            item.text = text
        if not item.published:
            item.published = find_date(html, extensive_search=False)
        yield item
