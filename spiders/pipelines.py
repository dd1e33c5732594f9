"""Normalises every item and writes it to the day's staged JSONL file for its source."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from scrapy.exceptions import DropItem

from gaimon.home import get_home
from gaimon.normalize import (
    canonical_url,
    clean_text,
    content_hash,
    detect_language,
    extract_identifiers,
    iso_utc,
    merge_identifiers,
    normal_lang,
    to_utc,
)
from gaimon.staging import staged_path
from spiders.items import FetchedItem

# Save the source's state every so many items, so a crash loses little memory.
SAVE_EVERY = 50


class StagingPipeline:
    """One line per item, flushed as it comes, so a crash keeps what was already read.

    Items are normalised here (canonical URL, UTC date, clean text, language, identifiers);
    an item staged before with the same content is not staged again.
    """

    def __init__(self, crawler, staging_dir, day: str):
        self.crawler = crawler
        self.staging_dir = staging_dir
        self.day = day
        self.handle = None
        self.count = 0
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        home_dir = crawler.settings.get("GAIMON_HOME")
        day = crawler.settings.get("GAIMON_DAY") or datetime.now(UTC).date().isoformat()
        return cls(crawler, get_home(home_dir).ensure().staging, day)

    def open_spider(self):
        spider = self.crawler.spider
        path = staged_path(self.staging_dir, self.day, spider.source.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "a", encoding="utf-8")
        if _ends_mid_line(path):
            # A crawl killed mid-write left half a line: end it, so that only that
            # item is lost (reported by the loader) and not also the first new one.
            self.handle.write("\n")

    def close_spider(self):
        if self.handle:
            self.handle.close()
        self.crawler.stats.set_value("gaimon/staged", self.count)
        self.crawler.spider.state.save()

    def _drop(self, reason: str, message: str):
        self.crawler.stats.inc_value(f"gaimon/dropped/{reason}")
        # Dropping is routine (re-seen items), not a warning.
        raise DropItem(message, log_level="DEBUG" if reason != "untitled" else "WARNING")

    def process_item(self, item: FetchedItem):
        spider = self.crawler.spider
        source = spider.source
        canonical = canonical_url(item.url)
        if canonical in self.seen:
            self._drop("duplicate", f"source {source.name}: {item.url} already staged in this run")
        title = " ".join(clean_text(item.title).split())
        text = clean_text(item.text)
        if not title:
            self._drop("untitled", f"source {source.name}: item without title at {item.url}")
        published = to_utc(item.published, source.options.get("timezone"))
        if spider.since and published and published < spider.since:
            self._drop("old", f"source {source.name}: {item.url} published before {spider.since}")
        digest = content_hash(title, text)
        state = spider.state
        if state.staged_hash(canonical) == digest:
            self._drop("unchanged", f"source {source.name}: {item.url} unchanged since staged")
        lang = (normal_lang(item.lang) or normal_lang(source.lang)
                or detect_language(f"{title}\n{text}"))
        staged = {
            "source": source.name,
            "url": item.url,
            "canonical_url": canonical,
            "title": title,
            "text": text,
            "published": iso_utc(published),
            "lang": lang,
            "fetched_at": iso_utc(datetime.now(UTC)),
            "content_hash": digest,
            "author": " ".join(item.author.split()) if item.author else None,
            "identifiers": merge_identifiers(item.identifiers,
                                             extract_identifiers(item.url, title, text)),
            "kind": item.kind,
            "extra": item.extra,
        }
        self.handle.write(json.dumps(staged, ensure_ascii=False, default=str) + "\n")
        self.handle.flush()
        self.seen.add(canonical)
        self.count += 1
        self.crawler.stats.set_value("gaimon/staged", self.count)
        if item.complete:
            state.remember_item(canonical, digest)
        if self.count % SAVE_EVERY == 0:
            state.save()
        return item


def _ends_mid_line(path) -> bool:
    with open(path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) != b"\n"
