"""A listing page without a feed, read with the selectors the registry entry gives.

Options (CSS, or XPath when a selector starts with `/`, `./` or `(`):
  `items`   each item on the listing (required)
  `link`    the item's link, relative to the item (default: first `a` with an href)
  `title`   the item's title (default: the link's text)
  `date`    the item's date: text ("24 juni 2026", "Nieuwsbericht | 24-06-2026"), or an
            attribute such as `time::attr(datetime)`; read in the source's language
  `summary` a teaser text
  `next`    link to the next listing page; `max_pages` (default 1) bounds how many are read
  `date_format` strptime format for dates no parser reads (e.g. "%d-%m-%Y")
  `follow`  fetch each article for its main text (recommended; default false)
  `offsite` accept links to other sites (default false)

A matched item that sits in navigation (nav, header, footer, breadcrumbs, pagination, menus),
or whose link is not an http(s) page of the listing's own site, is skipped and counted
(`gaimon/navigation_skipped`): a selector such as `main li:has(a)` also matches breadcrumbs and
page numbers, which would otherwise be fetched as articles.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from spiders.content import ContentError, decode_body
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded


def is_xpath(selector: str) -> bool:
    return selector.lstrip().startswith(("/", "./", "(", "..")) or selector.startswith("string(")


# Where links are navigation, not news: landmarks, and the class names sites give them.
_NAV_WORDS = ("breadcrumb", "kruimelpad", "pager", "pagination", "paginering", "menu", "skip-link")
_CLASS_AND_ID = (
    "translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
    "'abcdefghijklmnopqrstuvwxyz')"
)
NAVIGATION = (
    "ancestor-or-self::*[not(self::html or self::body) and (self::nav or self::header "
    "or self::footer or @role='navigation' or @role='banner' or @role='contentinfo' or "
    + " or ".join(f"contains({_CLASS_AND_ID}, '{word}')" for word in _NAV_WORDS)
    + ")]"
)
# Query parameters that page or sort a listing; with the listing's own path they are not news.
PAGING_KEYS = {"page", "pagina", "p", "pg", "offset", "start", "from", "sort", "order", "limit"}
# A date inside other words: "Nieuwsbericht | 24-06-2026", "Gepubliceerd op 3 juni 2026".
DATE_IN_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[-./]\d{1,2}[-./]\d{4}(?:\s*\|?\s*\d{1,2}[:.]\d{2})?"
    r"|\d{1,2}\.?\s+[^\W\d_]{3,}\.?\s+\d{4}(?:,?\s+\d{1,2}[:.]\d{2})?"
)


def same_site(url: str, other: str) -> bool:
    """Same host, a `www.` apart or not."""

    def host(u: str) -> str:
        return (urlsplit(u).netloc or "").lower().removeprefix("www.")

    return host(url) == host(other)


def select(node: Selector, selector: str | None) -> list[str]:
    if not selector:
        return []
    found = node.xpath(selector) if is_xpath(selector) else node.css(selector)
    values = []
    for match in found:
        if isinstance(match.root, str):
            values.append(match.root)
        else:
            values.append(" ".join(match.xpath("string()").get("").split()))
    return [v.strip() for v in values if v and v.strip()]


class HtmlListSpider(RegistrySpider):
    name = "html_list"
    kind = "html_list"

    async def start(self):
        if not self.options.get("items"):
            raise ValueError(f"source {self.source.name}: html_list needs an `items` selector")
        yield self.endpoint(self.source.url, self.parse_listing, cb_kwargs={"page_no": 1})

    @guarded
    def parse_listing(self, response, page_no: int):
        if self.not_modified(response):
            return
        text = decode_body(response.body, self.charset(response), html=True)
        page = Selector(text=text, base_url=response.url)
        items = (
            page.xpath(self.options["items"])
            if is_xpath(self.options["items"])
            else page.css(self.options["items"])
        )
        if not items:
            raise ContentError(
                f"listing selector {self.options['items']!r} matched nothing; "
                "the page layout may have changed"
            )
        self.crawler.stats.inc_value("gaimon/listing_matched", len(items))
        for node in items:
            yield from self.parse_item(node, response)
        self.remember(response)
        next_links = select(page, self.options.get("next"))
        if next_links and page_no < int(self.options.get("max_pages", 1)):
            yield self.endpoint(
                response.urljoin(next_links[0]),
                self.parse_listing,
                cb_kwargs={"page_no": page_no + 1},
            )

    def parse_item(self, node: Selector, response):
        links = select(node, self.options.get("link") or "a::attr(href)")
        if not links:
            self.logger.warning(
                "source %s: listing item without link on %s", self.source.name, response.url
            )
            return
        url = response.urljoin(links[0])
        why = self.not_an_article(node, url, response)
        if why:
            self.crawler.stats.inc_value("gaimon/navigation_skipped")
            self.logger.info(
                "source %s: skipped %s on %s: %s", self.source.name, url, response.url, why
            )
            return
        link_text = select(node, "a")
        titles = select(node, self.options.get("title")) or link_text
        dates = select(node, self.options.get("date"))
        published = self.parse_date(dates[0]) if dates else None
        if not self.wanted(published):
            return
        item = FetchedItem(
            url=url,
            title=titles[0] if titles else "",
            text="\n".join(select(node, self.options.get("summary"))),
            published=published,
            kind="article",
        )
        yield from self.deliver(item)

    def not_an_article(self, node: Selector, url: str, response) -> str | None:
        """Why a matched item is navigation rather than news, or None."""
        if node.xpath(NAVIGATION):
            return "inside navigation (nav, breadcrumbs, pagination or menu)"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"not a web page link ({parts.scheme}:)"
        if not self.options.get("offsite") and not same_site(url, response.url):
            return "link to another site"
        if parts.path in ("", "/"):
            return "link to the home page"
        if parts.path.rstrip("/") == urlsplit(response.url).path.rstrip("/"):
            keys = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
            if not keys or keys & PAGING_KEYS:
                return "link to the listing itself or another of its pages"
        return None

    def parse_date(self, value: str) -> str | None:
        """The date as ISO text (no zone unless the page gives one), else the text as it is."""
        text = " ".join(value.split())
        fmt = self.options.get("date_format")
        if fmt:
            try:
                return datetime.strptime(text, fmt).isoformat()
            except ValueError:
                pass
        found = DATE_IN_TEXT.search(text)
        candidate = found.group(0).replace("|", " ") if found else text
        parsed = read_date(candidate, self.source.lang)
        return parsed.isoformat() if parsed else text


def read_date(text: str, lang: str | None) -> datetime | None:
    """A date as people write it, in the source's language first."""
    import dateparser

    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    languages = [lang, "en"] if lang and lang != "en" else None
    return dateparser.parse(
        text, languages=languages, settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}
    )
