#!/usr/bin/env python3
"""Check the demo corpus against its ground truth (demo/expected/items.jsonl).

For every feed: the XML parses, feedparser reads it without a bozo error, with the
expected number of entries, and every entry has the expected link and date. For every
item: the article page exists, is well-formed enough for an HTML parser, carries the
title and publication date in its metadata, and its body has 120-400 words.

Needs feedparser (in the project's .venv): .venv/bin/python demo/check_corpus.py
"""

from __future__ import annotations

import calendar
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import feedparser

DEMO = Path(__file__).resolve().parent
CORPUS = DEMO / "corpus"
BASE = "http://127.0.0.1:8765"
EXPECTED_VERSION = {"rss20": "rss", "atom10": "atom", "rss10": "rdf"}


class ArticleText(HTMLParser):
    """Collects <title>, meta properties and the text of <p> elements inside <article>."""

    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.meta: dict[str, str] = {}
        self.body: list[str] = []
        self._in_title = self._in_article = self._in_p = False
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content", "")
        elif tag == "article":
            self._in_article = True
        elif tag == "p" and self._in_article:
            self._in_p = True
            self.body.append("")
        if tag not in ("meta", "link", "br", "img", "input"):
            self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open_tags and self.open_tags[-1] == tag:
            self.open_tags.pop()
        else:
            raise ValueError(f"unbalanced </{tag}>")
        if tag == "title":
            self._in_title = False
        elif tag == "article":
            self._in_article = False
        elif tag == "p":
            self._in_p = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._in_p and self._in_article:
            self.body[-1] += data


def entry_time(entry: feedparser.FeedParserDict) -> datetime:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def main() -> int:
    rows = [json.loads(line) for line in (DEMO / "expected" / "items.jsonl").open()]
    by_outlet: dict[str, list[dict]] = {}
    for row in rows:
        by_outlet.setdefault(row["outlet"], []).append(row)
    errors: list[str] = []

    for feed in sorted((CORPUS / "feeds").glob("*.xml")):
        raw = feed.read_bytes()
        ET.fromstring(raw)  # raises on malformed XML
        served = raw.replace(b"{base}", BASE.encode())
        parsed = feedparser.parse(served)
        key = feed.stem
        want = by_outlet.get(key, [])
        if parsed.bozo:
            errors.append(f"{key}: bozo {parsed.bozo_exception!r}")
        if len(parsed.entries) != len(want):
            errors.append(f"{key}: {len(parsed.entries)} entries, expected {len(want)}")
        expected = {r["url"].replace("{base}", BASE): r for r in want}
        for entry in parsed.entries:
            row = expected.get(entry.get("link", ""))
            if row is None:
                errors.append(f"{key}: unexpected link {entry.get('link')}")
                continue
            when = entry_time(entry).strftime("%Y-%m-%dT%H:%M:%SZ")
            if when != row["published"]:
                errors.append(f"{key}: {row['url']} dated {when}, expected {row['published']}")
        print(f"{key:15} {parsed.version:7} {len(parsed.entries):4} entries  bozo={parsed.bozo}")

    words = []
    for row in rows:
        page = CORPUS / "articles" / row["url"].rsplit("/", 1)[1]
        if not page.exists():
            errors.append(f"missing page {page.name}")
            continue
        parser = ArticleText()
        try:
            parser.feed(page.read_text(encoding="utf-8"))
            parser.close()
        except ValueError as exc:
            errors.append(f"{page.name}: {exc}")
            continue
        if not parser.title.startswith(row["title"]):
            errors.append(f"{page.name}: <title> {parser.title!r}")
        published = parser.meta.get("article:published_time", "")
        stamp = datetime.fromisoformat(published).astimezone(UTC)
        if stamp.strftime("%Y-%m-%dT%H:%M:%SZ") != row["published"]:
            errors.append(f"{page.name}: published_time {published}")
        n = sum(len(p.split()) for p in parser.body)
        words.append(n)
        if not 120 <= n <= 400:
            errors.append(f"{page.name}: {n} words in <article>")

    weeks = Counter(r["iso_week"] for r in rows)
    print(
        f"{len(rows)} items, {sum(r['relevant'] for r in rows)} about AI, "
        f"article bodies {min(words)}-{max(words)} words, weeks {min(weeks)}..{max(weeks)}"
    )
    for err in errors:
        print("ERROR", err)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
