"""Normalises every item and writes it to the day's staged JSONL file for its source."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from gaimon.crawl.normalize import (
    canonical_url,
    clean_text,
    content_hash,
    detect_language,
    extract_identifiers,
    merge_identifiers,
    normal_lang,
    to_utc,
)
from gaimon.crawl.staging import StagedItem, staged_line, staged_path, validation_message
from gaimon.home import get_home
from spiders.items import FetchedItem

# Save the source's state every so many items, so a crash loses little memory.
SAVE_EVERY = 50
# Longer titles are cut here: real headlines stay far below, and a title of 100,000 characters
# makes every table, digest and PDF that shows it slow or unreadable.
MAX_TITLE = 500


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
        # What the day's file holds already (canonical URL -> content hash).
        self.staged_today: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        home_dir = crawler.settings.get("GAIMON_HOME")
        day = crawler.settings.get("GAIMON_DAY") or datetime.now(UTC).date().isoformat()
        return cls(crawler, get_home(home_dir).ensure().staging, day)

    def open_spider(self):
        spider = self.crawler.spider
        path = staged_path(self.staging_dir, self.day, spider.source.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            self.staged_today = _staged_hashes(path)
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

    def _drop(self, reason: str, message: str, warn: bool = False):
        self.crawler.stats.inc_value(f"gaimon/dropped/{reason}")
        # Dropping is routine (re-seen items), not a warning, unless the item is faulty.
        warn = warn or reason == "untitled"
        raise DropItem(message, log_level="WARNING" if warn else "DEBUG")

    def process_item(self, item: FetchedItem):
        spider = self.crawler.spider
        source = spider.source
        scheme = urlsplit(item.url.strip()).scheme.lower()
        if scheme not in ("http", "https"):
            self._drop(
                "not_web_url",
                f"source {source.name}: item {item.title[:80]!r} links to "
                f"{item.url[:80]!r}, not an http(s) page; not stored",
                warn=True,
            )
        canonical = canonical_url(item.url)
        if canonical in self.seen:
            self._drop("duplicate", f"source {source.name}: {item.url} already staged in this run")
        title = " ".join(clean_text(item.title).split())
        text = clean_text(item.text)
        if not title:
            self._drop("untitled", f"source {source.name}: item without title at {item.url}")
        extra = dict(item.extra)
        if len(title) > MAX_TITLE:
            extra["title_cut_from"] = len(title)
            self.crawler.stats.inc_value("gaimon/title_cut")
            spider.logger.warning(
                "source %s: title of %d characters cut to %d at %s",
                source.name,
                len(title),
                MAX_TITLE,
                item.url,
            )
            title = cut(title, MAX_TITLE)
        published = to_utc(item.published, source.options.get("timezone"))
        if spider.since and published and published < spider.since:
            self._drop("old", f"source {source.name}: {item.url} published before {spider.since}")
        digest = content_hash(title, text)
        state = spider.state
        if state.staged_hash(canonical) == digest:
            self._drop("unchanged", f"source {source.name}: {item.url} unchanged since staged")
        if self.staged_today.get(canonical) == digest:
            # Staged by a crawl of today that was killed before it saved the source's state.
            if item.complete:
                state.remember_item(canonical, digest)
            self._drop("unchanged", f"source {source.name}: {item.url} already staged today")
        lang = (
            normal_lang(item.lang)
            or normal_lang(source.lang)
            or detect_language(f"{title}\n{text}")
        )
        fields = {
            "source": source.name,
            "url": item.url,
            "canonical_url": canonical,
            "title": title,
            "text": text,
            "published": published,
            "lang": lang,
            "fetched_at": datetime.now(UTC),
            "content_hash": digest,
            "author": " ".join(clean_text(item.author).split()) or None if item.author else None,
            "identifiers": merge_identifiers(
                item.identifiers, extract_identifiers(item.url, title, text)
            ),
            "kind": item.kind,
            "extra": extra,
        }
        try:
            staged = StagedItem.model_validate(fields)
        except ValidationError as exc:
            # A spider's fault, not the page's: an error of the crawl, not a quiet drop.
            spider.record_error(item.url, f"item not staged: {validation_message(exc)}")
            self._drop("invalid", f"source {source.name}: invalid item at {item.url}")
        self.handle.write(staged_line(staged) + "\n")
        self.handle.flush()
        self.seen.add(canonical)
        self.count += 1
        self.crawler.stats.set_value("gaimon/staged", self.count)
        if item.complete:
            state.remember_item(canonical, digest)
        if self.count % SAVE_EVERY == 0:
            state.save()
        return item


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending at a word where one is near, with an ellipsis."""
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.8:
        head = head[:space]
    return head.rstrip() + "…"


def _staged_hashes(path) -> dict[str, str]:
    """Canonical URL -> content hash of each whole line of a staged file."""
    hashes = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                staged = json.loads(line)
                hashes[staged["canonical_url"]] = staged["content_hash"]
            except (ValueError, TypeError, KeyError):
                continue  # a line cut off by a killed crawl; the loader reports it
    return hashes


def _ends_mid_line(path) -> bool:
    with open(path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) != b"\n"
