"""Writes every item to the day's staged JSONL file for its source."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

from gaimon.home import get_home
from gaimon.normalize import canonical_url, content_hash, iso_utc, to_utc
from gaimon.staging import staged_path


class StagingPipeline:
    """One line per item, flushed as it comes, so a crash keeps what was already read."""

    def __init__(self, crawler, staging_dir, day: str):
        self.crawler = crawler
        self.staging_dir = staging_dir
        self.day = day
        self.handle = None
        self.count = 0

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

    def close_spider(self):
        if self.handle:
            self.handle.close()
        self.crawler.stats.set_value("gaimon/staged", self.count)

    def process_item(self, item):
        spider = self.crawler.spider
        data = asdict(item)
        now = datetime.now(UTC)
        staged = {
            "source": spider.source.name,
            "url": data["url"],
            "canonical_url": canonical_url(data["url"]),
            "title": data["title"],
            "text": data["text"],
            "published": iso_utc(to_utc(data["published"])),
            "lang": data["lang"] or spider.source.lang,
            "fetched_at": iso_utc(now),
            "content_hash": content_hash(data["title"], data["text"]),
            "author": data["author"],
            "identifiers": data["identifiers"],
        }
        self.handle.write(json.dumps(staged, ensure_ascii=False) + "\n")
        self.handle.flush()
        self.count += 1
        return item
