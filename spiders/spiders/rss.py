"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds; with `follow: true` each article page is read too.

Options: `urls` (more feeds of the same source), `follow`, `since`, `timezone` (for dates
written without a zone), `max_bytes`.

Google News items link to news.google.com redirect tokens, never to the article: the
publisher's own link is taken from the item's description, else from the token itself where
it still carries the address, so that copies of one article are recognised and the canonical
URL is the publisher's; the publisher (`<source url=...>`) is kept as an identifier.
"""

from __future__ import annotations

import base64
import binascii
from calendar import timegm
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser
from parsel import Selector

from spiders.content import ContentError, xml_utf8
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded

# Bozo exceptions that mean "read, with a remark", not "broken".
BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def entry_date(entry) -> str | None:
    """The entry's own date string (zone names and offsets intact), else feedparser's reading."""
    for key in ("published", "updated", "created", "dc_date", "issued", "modified"):
        if entry.get(key):
            return entry[key]
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if entry.get(key):
            return datetime.fromtimestamp(timegm(entry[key]), UTC).isoformat()
    return None


def entry_link(entry) -> str | None:
    """The entry's link: `link`, an Atom alternate, else a guid that is a permalink."""
    if entry.get("link"):
        return entry["link"]
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    guid = entry.get("id") or ""
    if entry.get("guidislink") or guid.startswith(("http://", "https://")):
        return guid or None
    return None


def entry_text(entry) -> str:
    if entry.get("content"):
        return "\n".join(part.get("value", "") for part in entry["content"])
    return entry.get("summary", "") or entry.get("description", "")


def entry_author(entry) -> str | None:
    if entry.get("author"):
        return entry["author"]
    names = [a.get("name") for a in entry.get("authors", []) if a.get("name")]
    return ", ".join(names) or None


def is_google_news(url: str) -> bool:
    return urlsplit(url).hostname in ("news.google.com", "news.google.nl")


def google_token_url(link: str) -> str | None:
    """The article address inside an older Google News token (`articles/CBMi...`): base64 of a
    small protobuf message, field 4 holding the URL. Newer tokens hold only an opaque id."""
    token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    at = data.find(b"\x22")  # field 4, length-delimited
    if at < 0:
        return None
    length, shift, pos = 0, 0, at + 1
    while pos < len(data):  # a varint
        length |= (data[pos] & 0x7F) << shift
        shift += 7
        pos += 1
        if not data[pos - 1] & 0x80:
            break
    raw = data[pos : pos + length]
    if len(raw) != length or not raw.startswith((b"http://", b"https://")):
        return None
    return raw.decode("utf-8", "replace")


def publisher_link(entry, link: str) -> str | None:
    """The publisher's address of a Google News item: the description's anchor when it is not
    a Google link itself, else what an older token carries; None when neither does."""
    for href in Selector(text=entry_text(entry) or "<p/>").css("a::attr(href)").getall():
        if href.startswith(("http://", "https://")) and not is_google_news(href):
            return href
    return google_token_url(link)


def entry_lang(entry, feed_lang: str | None) -> str | None:
    for detail in ("title_detail", "summary_detail"):
        if entry.get(detail, {}).get("language"):
            return entry[detail]["language"]
    for part in entry.get("content", []):
        if part.get("language"):
            return part["language"]
    return feed_lang


class RssSpider(RegistrySpider):
    name = "rss"
    kind = "rss"

    async def start(self):
        for url in [self.source.url, *self.options.get("urls", [])]:
            yield self.endpoint(url, self.parse_feed)

    @guarded
    def parse_feed(self, response):
        if self.not_modified(response):
            return
        body = xml_utf8(response.body, self.charset(response))
        feed = feedparser.parse(
            body,
            response_headers={
                "content-type": "application/xml; charset=utf-8",
                # Relative links without xml:base resolve against the feed's own address.
                "content-location": response.url,
            },
        )
        problem = feed.get("bozo_exception") if feed.bozo else None
        if problem is not None and not isinstance(problem, BENIGN):
            if not feed.entries:
                raise ContentError(f"not a readable feed: {problem}")
            self.record_error(
                response.url, f"malformed feed, {len(feed.entries)} entries recovered: {problem}"
            )
        elif not feed.version and not feed.entries:
            raise ContentError("not an RSS or Atom feed")
        feed_lang = feed.feed.get("language") or feed.feed.get("title_detail", {}).get("language")
        for entry in feed.entries:
            yield from self.parse_entry(entry, feed_lang, response)
        if problem is None or isinstance(problem, BENIGN):
            self.remember(response)

    def parse_entry(self, entry, feed_lang, response):
        link = entry_link(entry)
        if not link:
            self.logger.warning(
                "source %s: entry without link in %s skipped", self.source.name, response.url
            )
            return
        published = entry_date(entry)
        if not self.wanted(published):
            return
        guid = entry.get("id") or ""
        identifiers = {"guid": guid} if guid and guid != link else {}
        title = entry.get("title") or ""
        link = response.urljoin(link)
        if is_google_news(link):
            link, title = self.google_news(entry, link, title, identifiers)
        item = FetchedItem(
            url=link,
            title=title,
            text=entry_text(entry),
            published=published,
            lang=entry_lang(entry, feed_lang),
            author=entry_author(entry),
            identifiers=identifiers,
            kind="article",
        )
        yield from self.deliver(item)

    def google_news(self, entry, link: str, title: str, identifiers: dict) -> tuple[str, str]:
        """The publisher's link and the title without its " - Publisher" suffix."""
        identifiers["google_news"] = link
        source = entry.get("source") or {}
        if source.get("href"):
            identifiers["publisher"] = source["href"]
        if source.get("title") and title.endswith(" - " + source["title"]):
            title = title[: -len(source["title"]) - 3]
        found = publisher_link(entry, link)
        if not found:
            self.logger.info(
                "source %s: no publisher link for Google News item %r", self.source.name, title
            )
        return found or link, title
