"""European Parliament Open Data API v2 (JSON-LD): procedures with their events, documents, and
any other collection of the same layout (press releases, adopted texts...).

The entry's `url` is the API base (…/api/v2). Options:
  `procedures`   references to follow always, e.g. "2021/0106(COD)" (events re-read each run)
  `collections`  lists to scan: {path, params, kind: procedure|document|<any>, detail: bool}
  `keywords`     a scanned item is kept only if its title holds one (watched ones always are)
  `language`     language of titles and files (default en)
  `page_size`, `max_pages`   paging of lists by offset/limit (defaults 50 and 5)
  `follow`       fetch each document's file (PDF/DOCX/HTML) for its text
  `procedure_link`  public page of a procedure (default: the Legislative Observatory)
Lists are paged by `offset`/`limit` until a short page (the API gives no total), or by a
`next` link when one is given. Language maps, `{"@value": ...}` dates and ids relative to the
context's `@base` are all read.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from spiders.content import ContentError, parse_json
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded

JSON_LD = "application/ld+json"
DATA_BASE = "https://data.europarl.europa.eu/"
OEIL = "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference={reference}"
TITLE_KEYS = ("process_title", "title_dcterms", "title", "label", "activity_label",
              "headline", "prefLabel", "notation_codictPressRelease")
DATE_KEYS = ("document_date", "date", "issued", "activity_date", "eli-dl:activity_date",
             "activity_start_date", "datePublished", "created", "dateCreated", "publication_date")
TEXT_KEYS = ("process_summary", "summary", "description", "abstract", "text", "content")
LINK_KEYS = ("url", "link", "page", "homepage", "is_exemplified_by", "isPrimaryTopicOf")
REFERENCE = re.compile(r"^(\d{4})/(\d{4})\(([A-Z]{3})\)$")


def ld_text(value, lang: str = "en") -> str:
    """A string from a JSON-LD language map, a list of language-tagged values, or a string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "@value" in value:
            return str(value["@value"])
        for key in (lang, "en", "mul", "zxx", "@none"):
            if value.get(key):
                return ld_text(value[key], lang)
        return next((ld_text(v, lang) for v in value.values() if v), "")
    if isinstance(value, list):
        tagged = [v for v in value if isinstance(v, dict) and v.get("@language") == lang]
        chosen = tagged or value
        return ld_text(chosen[0], lang) if chosen else ""
    return str(value)


def ld_date(value) -> str | None:
    """Dates come as strings, {"@value": ..., "type": "xsd:dateTime"} objects or lists."""
    if isinstance(value, list):
        dates = [d for d in (ld_date(v) for v in value) if d]
        return max(dates) if dates else None
    if isinstance(value, dict):
        return ld_date(value.get("@value"))
    return str(value) if value else None


def first(node: dict, keys: tuple[str, ...]):
    for key in keys:
        if node.get(key) not in (None, "", [], {}):
            return node[key]
    return None


def ld_base(data: dict) -> str:
    context = data.get("@context") if isinstance(data, dict) else None
    for entry in context if isinstance(context, list) else [context]:
        if isinstance(entry, dict) and entry.get("@base"):
            return entry["@base"]
    return DATA_BASE


def ld_items(data) -> list[dict]:
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict)]
    if not isinstance(data, dict):
        raise ContentError("not a JSON-LD document")
    for key in ("data", "@graph", "items", "results"):
        if isinstance(data.get(key), list):
            return [d for d in data[key] if isinstance(d, dict)]
    if data.get("id") or data.get("@id"):
        return [data]
    raise ContentError("JSON-LD document without a `data` or `@graph` array")


def process_id(reference: str) -> str:
    """'2021/0106(COD)' -> '2021-0106' (the API's id); an id passes unchanged."""
    match = REFERENCE.match(reference.strip())
    return f"{match.group(1)}-{match.group(2)}" if match else reference.strip()


class EpApiSpider(RegistrySpider):
    name = "ep_api"
    kind = "ep_api"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = str(self.options.get("language", "en")).lower()
        self.page_size = int(self.options.get("page_size", 50))
        self.keywords = [k.lower() for k in self.options.get("keywords", [])]

    def api(self, path: str, **params) -> str:
        query = urlencode({"format": JSON_LD, **params})
        return f"{self.source.url.rstrip('/')}/{path.strip('/')}?{query}"

    def api_request(self, url: str, callback, **kwargs):
        return self.endpoint(url, callback, headers={"Accept": f"{JSON_LD}, application/json;q=0.9"},
                             **kwargs)

    def matches(self, title: str) -> bool:
        return not self.keywords or any(k in title.lower() for k in self.keywords)

    async def start(self):
        watched = list(dict.fromkeys(
            [process_id(r) for r in self.options.get("procedures", [])]
            + self.state.extra.get("watch", [])))
        for pid in watched:
            yield self.api_request(self.api(f"procedures/{pid}"), self.parse_procedure,
                                   cb_kwargs={"pid": pid, "watched": True})
        for collection in self.options.get("collections", []):
            params = {**collection.get("params", {}), "offset": 0, "limit": self.page_size}
            yield self.api_request(self.api(collection["path"], **params), self.parse_list,
                                   cb_kwargs={"collection": collection, "page_no": 1})

    # Lists -------------------------------------------------------------------------------
    @guarded
    def parse_list(self, response, collection: dict, page_no: int):
        if self.not_modified(response):
            return
        if response.status in (204, 404) and page_no > 1:
            return  # past the last page: some collections answer so instead of an empty page
        data = parse_json(response.body, self.charset(response))
        rows = ld_items(data)
        base = ld_base(data)
        kind = collection.get("kind", "document")
        seen = set(self.state.extra.get("seen", []))
        for row in rows:
            ident = row.get("process_id") or row.get("identifier") or str(row.get("id", "")).rsplit("/", 1)[-1]
            if not ident or f"{kind}:{ident}" in seen:
                continue
            title = ld_text(first(row, TITLE_KEYS), self.lang)
            if kind == "procedure" and title and REFERENCE.match(title):
                title = ""  # the list's label is the reference, not the title
            if title and not self.matches(title):
                self.mark_seen(kind, ident)
                continue
            yield from self.list_entry(row, ident, kind, collection, base, response)
        self.remember(response)
        next_link = data.get("next") or (data.get("links") or {}).get("next") \
            if isinstance(data, dict) else None
        if page_no < int(self.options.get("max_pages", 5)):
            if next_link:
                yield self.api_request(response.urljoin(next_link), self.parse_list,
                                       cb_kwargs={"collection": collection, "page_no": page_no + 1})
            elif len(rows) >= self.page_size:
                params = {**collection.get("params", {}), "offset": page_no * self.page_size,
                          "limit": self.page_size}
                yield self.api_request(self.api(collection["path"], **params), self.parse_list,
                                       cb_kwargs={"collection": collection, "page_no": page_no + 1},
                                       meta={"handle_httpstatus_list": [204, 304, 404]})

    def list_entry(self, row, ident, kind, collection, base, response):
        if kind == "procedure":
            if ident in self.state.extra.get("watch", []):
                return  # read already as a watched procedure
            yield self.api_request(self.api(f"procedures/{ident}"), self.parse_procedure,
                                   cb_kwargs={"pid": ident, "watched": False})
        elif collection.get("detail", kind == "document"):
            node_id = str(row.get("id") or row.get("@id") or "")
            if node_id and self.known(node_id if "://" in node_id else base + node_id.lstrip("/")):
                return
            url = self.api(f"{collection['path'].strip('/')}/{ident}")
            yield self._request(url, self.parse_work, headers={"Accept": JSON_LD},
                                cb_kwargs={"kind": kind, "ident": ident})
        else:
            yield from self.work_item(row, ident, kind, base, response)

    def mark_seen(self, kind: str, ident: str) -> None:
        seen = self.state.extra.setdefault("seen", [])
        if f"{kind}:{ident}" not in seen:
            seen.append(f"{kind}:{ident}")
            self.state.dirty = True

    # Procedures ----------------------------------------------------------------------------
    @guarded
    def parse_procedure(self, response, pid: str, watched: bool):
        if self.not_modified(response):
            return
        rows = ld_items(parse_json(response.body, self.charset(response)))
        if not rows:
            raise ContentError(f"procedure {pid}: empty answer")
        node = rows[0]
        title = ld_text(node.get("process_title") or node.get("title"), self.lang)
        if not watched and not self.matches(title):
            self.mark_seen("procedure", pid)
            self.remember(response)
            return
        self.remember(response)
        procedure = {"pid": pid, "node": node, "title": title, "events": []}
        if self.options.get("events", True):
            yield self.api_request(self.api(f"procedures/{pid}/events", offset=0, limit=100),
                                   self.parse_events, cb_kwargs={"procedure": procedure, "offset": 0},
                                   errback=self.events_failed)
        else:
            procedure["events"] = node.get("consists_of") or []
            yield self.procedure_item(procedure)

    @guarded
    def parse_events(self, response, procedure: dict, offset: int):
        if response.status == 304:
            # Unchanged events: what the procedure says of itself is enough this time.
            self.not_modified(response)
            procedure["events"] = procedure["node"].get("consists_of") or []
            yield self.procedure_item(procedure)
            return
        rows = ld_items(parse_json(response.body, self.charset(response)))
        procedure["events"].extend(rows)
        if len(rows) >= 100 and offset < 1000:
            yield self.api_request(
                self.api(f"procedures/{procedure['pid']}/events", offset=offset + 100, limit=100),
                self.parse_events, cb_kwargs={"procedure": procedure, "offset": offset + 100},
                errback=self.events_failed)
            return
        self.remember(response)
        yield self.procedure_item(procedure)

    def events_failed(self, failure):
        self.failed(failure)
        procedure = failure.request.cb_kwargs["procedure"]
        procedure["events"] = procedure["events"] or procedure["node"].get("consists_of") or []
        yield self.procedure_item(procedure)

    def procedure_item(self, procedure: dict) -> FetchedItem:
        node = procedure["node"]
        reference = node.get("label") if isinstance(node.get("label"), str) else None
        pid = procedure["pid"]
        if not reference or not REFERENCE.match(reference):
            kind_code = str(node.get("process_type", "")).rsplit("/", 1)[-1]
            reference = f"{pid.replace('-', '/')}({kind_code})" if kind_code else pid
        events = sorted((self.event(e) for e in procedure["events"] if isinstance(e, dict)),
                        key=lambda e: e["date"] or "")
        lines = [f"{e['date'] or '?'}: {e['label'] or e['type']}" for e in events]
        summary = ld_text(node.get("process_summary"), self.lang)
        watch = self.state.extra.setdefault("watch", [])
        if pid not in watch:
            watch.append(pid)
            self.state.dirty = True
        dated = [e["date"] for e in events if e["date"]]
        return FetchedItem(
            url=self.options.get("procedure_link", OEIL).format(reference=reference),
            title=procedure["title"] or reference,
            text="\n".join(filter(None, [summary, *lines])),
            published=dated[-1] if dated else None,
            lang=self.lang,
            kind="procedure",
            identifiers={"procedure": reference, "ep_procedure": pid},
            extra={"events": events,
                   "stage": str(node.get("current_stage", "")).rsplit("/", 1)[-1] or None,
                   "first_event": dated[0] if dated else None},
        )

    def event(self, node: dict) -> dict:
        return {
            "id": node.get("activity_id") or str(node.get("id", "")).rsplit("/", 1)[-1],
            "date": ld_date(first(node, ("activity_date", "eli-dl:activity_date",
                                         "activity_start_date", "date"))),
            "type": str(node.get("had_activity_type", "")).rsplit("/", 1)[-1],
            "label": ld_text(node.get("activity_label"), self.lang),
        }

    # Documents and other works -----------------------------------------------------------
    @guarded
    def parse_work(self, response, kind: str, ident: str):
        data = parse_json(response.body, self.charset(response))
        rows = ld_items(data)
        if not rows:
            raise ContentError(f"{kind} {ident}: empty answer")
        title = ld_text(first(rows[0], TITLE_KEYS), self.lang) or self.expression_title(rows[0])
        if not self.matches(title):
            self.mark_seen(kind, ident)
            return
        yield from self.work_item(rows[0], ident, kind, ld_base(data), response)

    def expression_title(self, node: dict) -> str:
        for expression in node.get("is_realized_by") or []:
            if str(expression.get("language", "")).upper().endswith(self.lang_code()):
                return ld_text(expression.get("title"), self.lang)
        return ""

    def lang_code(self) -> str:
        return {"en": "ENG", "nl": "NLD", "fr": "FRA", "de": "DEU"}.get(self.lang, self.lang.upper())

    def file_url(self, node: dict, base: str) -> str | None:
        """The work's file in our language: Work -> Expression -> Manifestation -> item path."""
        for expression in node.get("is_realized_by") or []:
            if not str(expression.get("language", "")).upper().endswith(self.lang_code()):
                continue
            manifestations = sorted(
                expression.get("is_embodied_by") or [],
                key=lambda m: 0 if "PDF" in str(m.get("format", "")).upper() else 1)
            for manifestation in manifestations:
                path = ld_text(manifestation.get("is_exemplified_by"), self.lang)
                if path:
                    return path if "://" in path else base.rstrip("/") + "/" + path.lstrip("/")
        return None

    def work_item(self, node: dict, ident: str, kind: str, base: str, response):
        title = ld_text(first(node, TITLE_KEYS), self.lang) or self.expression_title(node)
        if not title:
            self.logger.warning("source %s: %s %s has no title", self.source.name, kind, ident)
            return
        link = ld_text(first(node, LINK_KEYS), self.lang) if kind != "document" else ""
        node_id = str(node.get("id") or node.get("@id") or "")
        if not link:
            link = node_id if "://" in node_id else base.rstrip("/") + "/" + node_id.lstrip("/")
        identifiers = {"ep_press" if kind == "press_release" else f"ep_{kind}": ident}
        if node_id.startswith("eli/") or "/eli/" in node_id:
            identifiers["eli"] = "eli/" + node_id.split("eli/", 1)[-1]
        if node.get("epNumber"):
            identifiers["ep_number"] = ld_text(node["epNumber"])
        item = FetchedItem(
            url=response.urljoin(link), title=title,
            text=ld_text(first(node, TEXT_KEYS), self.lang),
            published=ld_date(first(node, DATE_KEYS)), lang=self.lang,
            kind=str(node.get("work_type") or kind).rsplit("/", 1)[-1].lower(),
            identifiers=identifiers,
        )
        if not self.wanted(item.published):
            return
        file_url = self.file_url(node, base)
        if self.source.follow and file_url:
            if self.known(item.url):
                return
            yield self._request(file_url, self.parse_article, cb_kwargs={"item": item},
                                errback=self.article_failed)
        else:
            yield item
