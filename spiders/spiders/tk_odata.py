"""Tweede Kamer open data (OData v4, gegevensmagazijn): `Zaak` and `Document` on AI subjects.

The entry's `url` is the service root (…/OData/v4/2.0). Options:
  `entities`  which entity sets (default [Zaak, Document])
  `keywords`  words searched in Titel and Onderwerp (case-insensitive `contains`)
  `since`     only entities changed (GewijzigdOp) since then; the crawl's own `since` is later
  `page_size` `$top` per page; by default the server pages itself with @odata.nextLink
  `follow`    fetch each Document's file (`Document(Id)/resource`, usually PDF) for its text
  `zaak_url`, `document_url` templates for the public page ({nummer}, {zaak}, {id})
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from spiders.content import ContentError, parse_json
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded

DEFAULT_KEYWORDS = [
    "kunstmatige intelligentie",
    "artificiële intelligentie",
    "algoritme",
    "generatieve ai",
    "ai-verordening",
    "chatbot",
    "chatgpt",
    "deepfake",
]
ZAAK_URL = "https://www.tweedekamer.nl/kamerstukken/detail?id={nummer}"
DOCUMENT_URL = "https://www.tweedekamer.nl/kamerstukken/detail?id={zaak}&did={nummer}"
SEARCHED_FIELDS = ("Titel", "Onderwerp")


def odata_string(value: str) -> str:
    """An OData string literal: single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def build_filter(keywords: list[str], since: str | None) -> str:
    words = " or ".join(
        f"contains(tolower({field}),{odata_string(word.lower())})"
        for word in keywords
        for field in SEARCHED_FIELDS
    )
    clauses = ["Verwijderd eq false", f"({words})"]
    if since:
        clauses.append(f"GewijzigdOp ge {since}")
    return " and ".join(clauses)


class TkOdataSpider(RegistrySpider):
    name = "tk_odata"
    kind = "tk_odata"

    def query_url(self, entity: str, skip: int = 0) -> str:
        since = self.since.strftime("%Y-%m-%dT%H:%M:%SZ") if self.since else None
        params = {
            "$filter": build_filter(self.options.get("keywords", DEFAULT_KEYWORDS), since),
            "$orderby": "GewijzigdOp desc",
        }
        if entity == "Document":
            params["$expand"] = "Zaak($select=Id,Nummer)"
        if self.options.get("page_size"):
            params["$top"] = str(self.options["page_size"])
            params["$skip"] = str(skip)
        return f"{self.source.url.rstrip('/')}/{entity}?{urlencode(params, quote_via=quote)}"

    async def start(self):
        for entity in self.options.get("entities", ["Zaak", "Document"]):
            yield self.endpoint(
                self.query_url(entity), self.parse_page, cb_kwargs={"entity": entity, "skip": 0}
            )

    @guarded
    def parse_page(self, response, entity: str, skip: int):
        if self.not_modified(response):
            return
        data = parse_json(response.body, self.charset(response))
        if not isinstance(data, dict) or "value" not in data:
            message = data.get("error", {}).get("message") if isinstance(data, dict) else None
            raise ContentError(f"not an OData collection{': ' + str(message) if message else ''}")
        rows = data["value"]
        for row in rows:
            if row.get("Verwijderd"):
                continue
            yield from (self.zaak(row) if entity == "Zaak" else self.document(row, response))
        self.remember(response)
        next_link = data.get("@odata.nextLink")
        if next_link:
            yield self.endpoint(
                response.urljoin(next_link),
                self.parse_page,
                cb_kwargs={"entity": entity, "skip": skip + len(rows)},
            )
        elif self.options.get("page_size") and len(rows) >= int(self.options["page_size"]):
            # With $top the service sends no nextLink: page on with $skip ourselves.
            yield self.endpoint(
                self.query_url(entity, skip + len(rows)),
                self.parse_page,
                cb_kwargs={"entity": entity, "skip": skip + len(rows)},
            )

    def zaak(self, row: dict):
        nummer = row.get("Nummer") or row.get("Id")
        title = row.get("Titel") or row.get("Onderwerp") or ""
        text = "\n".join(
            v for v in (row.get("Onderwerp"), row.get("Citeertitel")) if v and v != title
        )
        yield FetchedItem(
            url=self.options.get("zaak_url", ZAAK_URL).format(nummer=nummer, id=row.get("Id")),
            title=title,
            text=text,
            published=row.get("GestartOp") or row.get("Datum") or row.get("GewijzigdOp"),
            lang="nl",
            kind=row.get("Soort"),
            identifiers={
                "tk_zaak": nummer,
                "tk_id": row.get("Id"),
                "vergaderjaar": row.get("Vergaderjaar"),
            },
            extra={
                k: row.get(k)
                for k in ("Status", "Afgedaan", "Organisatie", "GewijzigdOp")
                if row.get(k) is not None
            },
        )

    def document(self, row: dict, response):
        nummer = row.get("DocumentNummer") or row.get("Id")
        zaken = [z.get("Nummer") for z in row.get("Zaak") or [] if z.get("Nummer")]
        url = self.options.get("document_url", DOCUMENT_URL).format(
            nummer=nummer, zaak=zaken[0] if zaken else nummer, id=row.get("Id")
        )
        title = row.get("Titel") or row.get("Onderwerp") or ""
        onderwerp = row.get("Onderwerp") if row.get("Onderwerp") != title else None
        identifiers = {
            "tk_document": nummer,
            "tk_id": row.get("Id"),
            "vergaderjaar": row.get("Vergaderjaar"),
        }
        if zaken:
            identifiers["tk_zaak"] = zaken[0] if len(zaken) == 1 else zaken
        item = FetchedItem(
            url=url,
            title=title,
            text=onderwerp or "",
            published=row.get("Datum") or row.get("DatumRegistratie") or row.get("GewijzigdOp"),
            lang="nl",
            kind=row.get("Soort"),
            identifiers=identifiers,
        )
        if self.source.follow and row.get("Id"):
            resource = f"{self.source.url.rstrip('/')}/Document({row['Id']})/resource"
            if self.known(item.url):
                return
            yield self._request(
                resource, self.parse_article, cb_kwargs={"item": item}, errback=self.article_failed
            )
        else:
            yield item
