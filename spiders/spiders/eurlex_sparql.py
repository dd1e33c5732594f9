"""EUR-Lex documents on AI from the Publications Office CELLAR SPARQL endpoint, then their text.

Two queries (spiders/queries/*.rq): works about EuroVoc concepts, and works whose title holds
a keyword. Results come as W3C SPARQL 1.1 JSON; pages of `page_size` rows (LIMIT/OFFSET) are
read until a short page. Options:
  `concepts`      EuroVoc concept URIs (default: 3030, artificial intelligence)
  `keywords`      title keywords (default: "artificial intelligence")
  `language`      expression language, an EU authority code (default ENG)
  `since`         works dated on or after (default 2021-01-01)
  `page_size`, `max_pages`  (defaults 100 and 20)
  `link`          public page of a work (default EUR-Lex TXT page, {celex})
  `text_url`      where the text is fetched with content negotiation (default CELLAR, {celex})
  `follow`        fetch each document's text (HTML or PDF)
"""

from __future__ import annotations

from pathlib import Path
from string import Template
from urllib.parse import quote, urlencode

from gaimon.crawl.normalize import normal_lang
from spiders.content import ContentError, parse_json
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded

QUERIES = Path(__file__).resolve().parent.parent / "queries"
AI_CONCEPT = "http://eurovoc.europa.eu/3030"
LINK = "https://eur-lex.europa.eu/legal-content/{lang}/TXT/?uri=CELEX:{celex}"
TEXT_URL = "http://publications.europa.eu/resource/celex/{celex}"
SPARQL_JSON = "application/sparql-results+json"


def binding_value(row: dict, var: str) -> str | None:
    cell = row.get(var)
    return cell.get("value") if isinstance(cell, dict) else None


def sparql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class EurlexSparqlSpider(RegistrySpider):
    name = "eurlex_sparql"
    kind = "eurlex_sparql"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen: set[str] = set()
        self.language = str(self.options.get("language", "ENG")).upper()
        self.page_size = int(self.options.get("page_size", 100))

    def query(self, name: str, offset: int) -> str:
        since = self.since.date().isoformat() if self.since else "2021-01-01"
        concepts = " ".join(f"<{c}>" for c in self.options.get("concepts", [AI_CONCEPT]))
        keywords = " || ".join(
            f"CONTAINS(?lower, {sparql_string(k.lower())})"
            for k in self.options.get("keywords", ["artificial intelligence"])
        )
        template = Template((QUERIES / f"eurlex_{name}.rq").read_text(encoding="utf-8"))
        return template.substitute(
            concepts=concepts,
            keywords=keywords or "false",
            language=self.language,
            since=since,
            limit=self.page_size,
            offset=offset,
        )

    def query_request(self, name: str, offset: int):
        params = urlencode(
            {"query": self.query(name, offset), "format": SPARQL_JSON}, quote_via=quote
        )
        return self.endpoint(
            f"{self.source.url}?{params}",
            self.parse_results,
            headers={"Accept": f"{SPARQL_JSON}, application/json;q=0.9"},
            cb_kwargs={"name": name, "offset": offset},
        )

    async def start(self):
        if self.options.get("concepts", [AI_CONCEPT]):
            yield self.query_request("by_concept", 0)
        if self.options.get("keywords", ["artificial intelligence"]):
            yield self.query_request("by_title", 0)

    @guarded
    def parse_results(self, response, name: str, offset: int):
        if self.not_modified(response):
            return
        data = parse_json(response.body, self.charset(response))
        try:
            rows = data["results"]["bindings"]
        except (TypeError, KeyError) as exc:
            raise ContentError("not SPARQL JSON results (no results.bindings)") from exc
        works: dict[str, dict] = {}
        for row in rows:
            celex = binding_value(row, "celex")
            if not celex:
                continue
            work = works.setdefault(celex, {"types": []})
            for var in ("work", "title", "date", "eli"):
                if not work.get(var):
                    work[var] = binding_value(row, var)
            if (kind := binding_value(row, "type")) and kind not in work["types"]:
                work["types"].append(kind)
        for celex, work in works.items():
            if celex in self.seen:
                continue
            self.seen.add(celex)
            yield from self.work_item(celex, work)
        self.remember(response)
        if len(rows) >= self.page_size and offset // self.page_size + 1 < int(
            self.options.get("max_pages", 20)
        ):
            yield self.query_request(name, offset + self.page_size)

    def work_item(self, celex: str, work: dict):
        lang = normal_lang(self.language) or "en"
        types = [t.rsplit("/", 1)[-1] for t in work["types"]]
        identifiers = {"celex": celex}
        if work.get("work"):
            identifiers["cellar"] = work["work"].rsplit("/", 1)[-1]
        if work.get("eli"):
            identifiers["eli"] = work["eli"]
        item = FetchedItem(
            url=self.options.get("link", LINK).format(celex=quote(celex), lang=lang.upper()),
            title=work.get("title") or "",
            published=work.get("date"),
            lang=lang,
            kind=types[0] if types else None,
            identifiers=identifiers,
            extra={"resource_types": types} if len(types) > 1 else {},
        )
        if not self.source.follow:
            yield item
            return
        if self.known(item.url):
            return  # staged before: the text is not fetched again
        text_url = self.options.get("text_url", TEXT_URL).format(celex=quote(celex))
        yield self._request(
            text_url,
            self.parse_article,
            cb_kwargs={"item": item},
            errback=self.article_failed,
            headers={
                "Accept": "text/html, application/xhtml+xml;q=0.9, application/pdf;q=0.5",
                "Accept-Language": self.language.lower(),
            },
        )
