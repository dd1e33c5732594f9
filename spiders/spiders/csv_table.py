"""A register published as one CSV file (e.g. the Dutch government's algorithm register):
each row is an item.

The entry's `url` is the download. Options (columns are named by the file's header row):
  `id`        the column that identifies a row (required)
  `title`     the column with the item's title (required)
  `text`      columns whose values, labelled with the column, make the item's text
  `date`      the column with the row's publication date
  `author`    the column naming who published the row
  `link`      the row's public page, a template with `{id}` (default: the download's URL
              with `#id`)
  `extra`     columns kept as they are in the item's `extra`
  `keywords`  keep only rows whose title or text holds one of these words
  `delimiter` (default `,`)
A header without the `id` or `title` column means the file's layout changed: reported as an
error, nothing staged. Rows without id or title are reported one by one and skipped.
"""

from __future__ import annotations

import csv
import io

from spiders.content import ContentError, decode_body, looks_like_html
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded


class CsvTableSpider(RegistrySpider):
    name = "csv_table"
    kind = "csv_table"

    async def start(self):
        yield self.endpoint(self.source.url, self.parse_table)

    @guarded
    def parse_table(self, response):
        if self.not_modified(response):
            return
        if looks_like_html(response.body):
            raise ContentError("got an HTML page where a CSV file was expected")
        text = decode_body(response.body, self.charset(response)).lstrip("\ufeff")
        reader = csv.DictReader(io.StringIO(text), delimiter=self.options.get("delimiter", ","))
        id_col, title_col = self.options.get("id"), self.options.get("title")
        missing = [c for c in (id_col, title_col) if not c or c not in (reader.fieldnames or [])]
        if missing:
            raise ContentError(
                f"CSV header lacks the column(s) {missing}: the file's layout has changed"
            )
        keywords = [k.lower() for k in self.options.get("keywords", [])]
        for line, row in enumerate(reader, start=2):
            item = self.row_item(row, line, response)
            if item is None:
                continue
            haystack = f"{item.title}\n{item.text}".lower()
            if keywords and not any(k in haystack for k in keywords):
                continue
            if self.wanted(item.published):
                yield item
        self.remember(response)

    def row_item(self, row: dict, line: int, response) -> FetchedItem | None:
        def value(column: str | None) -> str:
            return (row.get(column) or "").strip() if column else ""

        ident, title = value(self.options["id"]), value(self.options["title"])
        if not ident or not title:
            self.record_error(
                response.url,
                f"row {line} without {self.options['id']} or {self.options['title']}: skipped",
            )
            return None
        parts = [
            f"{column}: {value(column)}" for column in self.options.get("text", []) if value(column)
        ]
        link = self.options.get("link") or f"{self.source.url}#{{id}}"
        return FetchedItem(
            url=link.format(id=ident),
            title=title,
            text="\n".join(parts),
            published=value(self.options.get("date")) or None,
            lang=self.source.lang,
            author=value(self.options.get("author")) or None,
            kind=self.options.get("item_kind"),
            identifiers={self.options.get("id_name", self.source.name): ident},
            extra={c: value(c) for c in self.options.get("extra", []) if value(c)},
        )
