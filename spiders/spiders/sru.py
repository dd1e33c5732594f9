"""Official Dutch publications through KOOP's SRU 2.0 service (repository.overheid.nl/sru):
Staatsblad, Staatscourant, Kamerstukken of both chambers, found with a CQL query.

The entry's `url` is the service (https://repository.overheid.nl/sru). Options:
  `filter`     CQL that selects the publications, e.g.
               `c.product-area==officielepublicaties and w.publicatienaam==Staatsblad`
  `keywords`   words any of which a publication must contain (`cql.textAndIndexes`)
  `since`      only publications made available since then (`dt.available>=`)
  `page_size`  `maximumRecords` per page (default 50), `max_pages` (default 10)
  `follow`     fetch each publication's HTML (else PDF) manifestation for its text
Answers are asked as JSON (`httpAccept=application/json`): `searchRetrieveResponse` with
`numberOfRecords`, `records.record` (an object, not a list, when there is one) and
`nextRecordPosition` while there are more. A record's metadata sits in
`recordData.gzd.originalData.meta` (`owmskern`, `owmsmantel`, `tpmeta`), its addresses in
`recordData.gzd.enrichedData` (`preferredUrl`, `itemUrl` per manifestation). Elements with
attributes come as objects whose text is under `$`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from spiders.content import ContentError, parse_json
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded

# Newest first, so that a capped run reads the latest publications.
SORT = "sortBy dt.available/sort.descending"
MANIFESTATIONS = ("html", "pdf")


def text_of(value) -> str:
    """An element's text: a string, `{"$": text, attribute: ...}`, or the first of a list."""
    while isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("$", "")
    return str(value if value is not None else "").strip()


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def cql_string(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_query(filter_: str, keywords: list[str], since: str | None) -> str:
    clauses = [f"({filter_})"] if filter_ else []
    if keywords:
        clauses.append(
            "(" + " or ".join(f"cql.textAndIndexes={cql_string(w)}" for w in keywords) + ")"
        )
    if since:
        clauses.append(f"dt.available>={since}")
    if not clauses:
        raise ValueError("an sru source needs a `filter` or `keywords`")
    return " and ".join(clauses) + " " + SORT


class SruSpider(RegistrySpider):
    name = "sru"
    kind = "sru"

    def query_url(self, start: int) -> str:
        since = self.since.date().isoformat() if self.since else None
        params = {
            "operation": "searchRetrieve",
            "version": "2.0",
            "recordSchema": "gzd",
            "query": build_query(
                str(self.options.get("filter", "")).strip(),
                list(self.options.get("keywords", [])),
                since,
            ),
            "startRecord": start,
            "maximumRecords": int(self.options.get("page_size", 50)),
            "httpAccept": "application/json",
        }
        return f"{self.source.url}?{urlencode(params)}"

    async def start(self):
        yield self.endpoint(self.query_url(1), self.parse_page, cb_kwargs={"page_no": 1})

    @guarded
    def parse_page(self, response, page_no: int):
        if self.not_modified(response):
            return
        data = parse_json(response.body, self.charset(response))
        answer = data.get("searchRetrieveResponse") if isinstance(data, dict) else None
        if not isinstance(answer, dict):
            raise ContentError("JSON without a searchRetrieveResponse")
        if answer.get("diagnostics"):
            raise ContentError(f"SRU diagnostic: {answer['diagnostics']}")
        records = (
            (answer.get("records") or {}).get("record")
            if isinstance(answer.get("records"), dict)
            else []
        )
        for record in as_list(records):
            yield from self.record_item(record, response)
        self.remember(response)
        following = answer.get("nextRecordPosition")
        if following and page_no < int(self.options.get("max_pages", 10)):
            request = self.endpoint(
                self.query_url(int(following)), self.parse_page, cb_kwargs={"page_no": page_no + 1}
            )
            if request is not None:
                yield request

    def record_item(self, record: dict, response):
        gzd = ((record or {}).get("recordData") or {}).get("gzd") or {}
        meta = (gzd.get("originalData") or {}).get("meta") or {}
        kern, mantel, tp = (meta.get(k) or {} for k in ("owmskern", "owmsmantel", "tpmeta"))
        enriched = gzd.get("enrichedData") or {}
        ident = text_of(kern.get("identifier"))
        title = text_of(kern.get("title"))
        link = text_of(enriched.get("preferredUrl")) or text_of(enriched.get("url"))
        if not (ident and title and link):
            self.record_error(
                response.url,
                f"record {record.get('recordPosition', '?')} without "
                "identifier, title or address: skipped",
            )
            return
        published = (
            text_of(mantel.get("available"))
            or text_of(mantel.get("issued"))
            or text_of(kern.get("modified"))
            or None
        )
        if not self.wanted(published):
            return
        item = FetchedItem(
            url=link,
            title=title,
            text=text_of(mantel.get("abstract")),
            published=published,
            lang=text_of(kern.get("language")) or self.source.lang,
            author=text_of(kern.get("creator")) or None,
            kind=text_of(kern.get("type")) or None,
            identifiers={"koop": ident},
            extra={
                k: v
                for k, v in {
                    "publicatienaam": text_of(tp.get("publicatienaam")),
                    "creator": text_of(kern.get("creator")),
                }.items()
                if v
            },
        )
        file_url = self.manifestation(enriched)
        if self.source.follow and file_url:
            if not self.known(item.url):
                yield self._request(
                    file_url,
                    self.parse_article,
                    cb_kwargs={"item": item},
                    errback=self.article_failed,
                )
        else:
            yield item

    @staticmethod
    def manifestation(enriched: dict) -> str | None:
        """The publication's text: its HTML, else its PDF manifestation."""
        urls = {}
        for entry in as_list(enriched.get("itemUrl")):
            if isinstance(entry, dict) and entry.get("manifestation"):
                urls.setdefault(str(entry["manifestation"]).lower(), text_of(entry))
        return next((urls[m] for m in MANIFESTATIONS if urls.get(m)), None)
