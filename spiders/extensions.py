"""Writes the crawl's stats as JSON, so the parent process can count what happened."""

from __future__ import annotations

import json
from datetime import datetime

from scrapy import signals


class StatsDump:
    def __init__(self, path: str):
        self.path = path

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.settings.get("STATS_DUMP_FILE"))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        ext.crawler = crawler
        return ext

    def spider_closed(self, spider, reason):
        if not self.path:
            return
        stats = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        with open(self.path, "w", encoding="utf-8") as fh:
            json.dump(
                stats, fh, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v)
            )
