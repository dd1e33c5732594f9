"""XML sitemaps (sitemaps.org 0.9), sitemap indexes and Google News sitemaps.

Options: `url_pattern` (regex an article URL must match), `since` (entries older than this by
news:publication_date or lastmod are skipped), `urls` (more sitemaps), `fetch_articles`
(default true: a sitemap has no text, so each new article is fetched; false stages news
titles only), `max_depth` of nested indexes (default 3), `max_bytes`. The `url` may also be a
robots.txt, whose Sitemap: lines are read.
"""

from __future__ import annotations

import re

from spiders.content import ContentError, gunzip_capped, parse_xml
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Largest sitemap by the protocol: 50 MB uncompressed.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(node, name: str, ns: str | None = None) -> str | None:
    for child in node:
        if _local(child.tag) == name and (
            ns is None or child.tag.startswith(f"{{{ns}}}") or not child.tag.startswith("{")
        ):
            return (child.text or "").strip() or None
    return None


def _find(node, name: str):
    for child in node:
        if _local(child.tag) == name:
            return child
    return None


class SitemapSpider(RegistrySpider):
    name = "sitemap"
    kind = "sitemap"

    async def start(self):
        self.pattern = (
            re.compile(self.options["url_pattern"]) if self.options.get("url_pattern") else None
        )
        for url in [self.source.url, *self.options.get("urls", [])]:
            if url.rstrip("/").endswith("robots.txt"):
                yield self.endpoint(url, self.parse_robots)
            else:
                yield self.endpoint(url, self.parse_sitemap, cb_kwargs={"depth": 0})

    @guarded
    def parse_robots(self, response):
        if self.not_modified(response):
            return
        for line in response.text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                yield self.endpoint(
                    response.urljoin(value.strip()), self.parse_sitemap, cb_kwargs={"depth": 0}
                )
        self.remember(response)

    @guarded
    def parse_sitemap(self, response, depth: int):
        if self.not_modified(response):
            return
        body = gunzip_capped(response.body, MAX_SITEMAP_BYTES)
        parsed = parse_xml(body, self.charset(response))
        if parsed.recovered:
            self.record_error(response.url, parsed.error + " (entries before it kept)")
        kind = _local(parsed.root.tag)
        if kind == "sitemapindex":
            yield from self.parse_index(parsed.root, response, depth)
        elif kind == "urlset":
            for node in parsed.root:
                if _local(node.tag) == "url":
                    yield from self.parse_url(node, response)
        else:
            raise ContentError(f"not a sitemap: root element <{kind}>")
        if not parsed.recovered:
            self.remember(response)

    def parse_index(self, root, response, depth: int):
        if depth >= int(self.options.get("max_depth", 3)):
            self.record_error(response.url, "sitemap index nested too deep; not followed")
            return
        for node in root:
            if _local(node.tag) != "sitemap":
                continue
            loc = _child_text(node, "loc")
            if loc and self.wanted(_child_text(node, "lastmod")):
                yield self.endpoint(
                    response.urljoin(loc), self.parse_sitemap, cb_kwargs={"depth": depth + 1}
                )

    def parse_url(self, node, response):
        loc = _child_text(node, "loc")
        if not loc:
            return
        url = response.urljoin(loc)
        if self.pattern and not self.pattern.search(url):
            return
        news = _find(node, "news")
        title = published = lang = None
        keywords = None
        if news is not None and news.tag.startswith(f"{{{NEWS_NS}}}"):
            title = _child_text(news, "title")
            published = _child_text(news, "publication_date")
            keywords = _child_text(news, "keywords")
            publication = _find(news, "publication")
            if publication is not None:
                lang = _child_text(publication, "language")
        published = published or _child_text(node, "lastmod")
        if not self.wanted(published):
            return
        item = FetchedItem(
            url=url,
            title=title or "",
            published=published,
            lang=lang,
            kind="article",
            extra={"keywords": keywords} if keywords else {},
        )
        if self.options.get("fetch_articles", True) or not title:
            request = self.article_request(item)
            if request is not None:
                yield request
        else:
            yield item
