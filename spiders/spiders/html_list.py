"""A listing page without a feed, read with the selectors the registry entry gives.

Options (CSS, or XPath when a selector starts with `/`, `./` or `(`):
  `items`   each item on the listing (required)
  `link`    the item's link, relative to the item (default: first `a` with an href)
  `title`   the item's title (default: the link's text)
  `date`    the item's date: text, or an attribute such as `time::attr(datetime)`
  `summary` a teaser text
  `next`    link to the next listing page; `max_pages` (default 1) bounds how many are read
  `date_format` strptime format for dates no parser reads (e.g. "%d-%m-%Y")
  `follow`  fetch each article for its main text (recommended; default false)
"""

from __future__ import annotations

from datetime import datetime

from parsel import Selector

from spiders.content import ContentError, decode_body
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded


def is_xpath(selector: str) -> bool:
    return selector.lstrip().startswith(("/", "./", "(", "..")) or selector.startswith("string(")


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
        items = page.xpath(self.options["items"]) if is_xpath(self.options["items"]) \
            else page.css(self.options["items"])
        if not items:
            raise ContentError(f"listing selector {self.options['items']!r} matched nothing; "
                               "the page layout may have changed")
        for node in items:
            yield from self.parse_item(node, response)
        self.remember(response)
        next_links = select(page, self.options.get("next"))
        if next_links and page_no < int(self.options.get("max_pages", 1)):
            yield self.endpoint(response.urljoin(next_links[0]), self.parse_listing,
                                cb_kwargs={"page_no": page_no + 1})

    def parse_item(self, node: Selector, response):
        links = select(node, self.options.get("link") or "a::attr(href)")
        if not links:
            self.logger.warning("source %s: listing item without link on %s", self.source.name,
                                response.url)
            return
        link_text = select(node, "a")
        titles = select(node, self.options.get("title")) or link_text
        dates = select(node, self.options.get("date"))
        published = self.parse_date(dates[0]) if dates else None
        if not self.wanted(published):
            return
        item = FetchedItem(
            url=response.urljoin(links[0]),
            title=titles[0] if titles else "",
            text="\n".join(select(node, self.options.get("summary"))),
            published=published,
            kind="article",
        )
        yield from self.deliver(item)

    def parse_date(self, value: str) -> str:
        fmt = self.options.get("date_format")
        if fmt:
            try:
                return datetime.strptime(value.strip(), fmt).isoformat()
            except ValueError:
                pass
        return value
