"""European Parliament Open Data API v2 (JSON-LD): procedures with their events, documents, and
any other collection of the same layout (press releases, adopted texts...).

The entry's `url` is the API base (…/api/v2). Options:
  `procedures`   references to follow always, e.g. "2021/0106(COD)" (events re-read each run)
  `collections`  lists to scan: {path, params, kind: procedure|document|<any>, detail: bool,
                 years: N}; with `years` the list is asked once per year, the run's year and
                 the N-1 before it (the API's `year` filter)
  `keywords`     a scanned item is kept only if its title holds one (watched ones always are)
  `language`     language of titles and files (default en), also sent as `language=` on
                 document requests so that the answer holds that language only
  `page_size`, `max_pages`   paging of lists by offset/limit (defaults 50 and 20 per run)
  `follow`       fetch each document's file (PDF/DOCX/HTML) for its text
  `procedure_link`  public page of a procedure (default: the Legislative Observatory)
  `file_base`    where document files are fetched from (default: the answer's `@base`)
Lists are paged by `offset`/`limit` until a short page (the API gives no total), or by a
`next` link when one is given. The API lists oldest first, so a list's new entries are at its
end: where a run stopped is remembered, and the next run reads the first page and goes on from
there. Language maps, `{"@value": ...}` dates, values given as lists and ids relative to the
context's `@base` are all read. Events carry no label: they are named from their activity
type (spiders/vocab/ep_activities.yaml) and the documents they cite.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import yaml

from spiders.content import ContentError, parse_json
from spiders.items import FetchedItem
from spiders.spiders.base import RegistrySpider, guarded

JSON_LD = "application/ld+json"
DATA_BASE = "https://data.europarl.europa.eu/"
OEIL = "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference={reference}"
TITLE_KEYS = (
    "process_title",
    "title_dcterms",
    "title",
    "label",
    "activity_label",
    "headline",
    "prefLabel",
    "notation_codictPressRelease",
)
DATE_KEYS = (
    "document_date",
    "date",
    "issued",
    "activity_date",
    "eli-dl:activity_date",
    "activity_start_date",
    "datePublished",
    "created",
    "dateCreated",
    "publication_date",
)
TEXT_KEYS = ("process_summary", "summary", "description", "abstract", "text", "content")
LINK_KEYS = ("url", "link", "page", "homepage", "is_exemplified_by", "isPrimaryTopicOf")
REFERENCE = re.compile(r"^(\d{4})/(\d{4})\(([A-Z]{3})\)$")
VOCABULARY = Path(__file__).resolve().parent.parent / "vocab" / "ep_activities.yaml"
# Where an event names the documents it rests on, records or decides.
DOCUMENT_KEYS = (
    "based_on_a_realization_of",
    "decided_on_a_realization_of",
    "recorded_in_a_realization_of",
    "documented_by_a_realization_of",
    "created_a_realization_of",
)


@cache
def vocabulary() -> dict[str, dict[str, str]]:
    with open(VOCABULARY, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def code(value) -> str:
    """'def/ep-activities/REFERRAL' -> 'REFERRAL'; the first of a list."""
    return ld_str(value).rstrip("/").rsplit("/", 1)[-1]


def ld_str(value) -> str:
    """A plain value that some records give as a one-element list (label, process_id...)."""
    while isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value") or value.get("id") or value.get("@id") or ""
    return str(value or "").strip()


def doc_ids(node: dict) -> list[str]:
    """Identifiers of the documents an event cites, e.g. 'A-9-2023-0188'."""
    found: list[str] = []
    for key in DOCUMENT_KEYS:
        values = node.get(key)
        for value in values if isinstance(values, list) else [values]:
            ident = ld_str(value).rsplit("/", 1)[-1]
            if ident and ident not in found:
                found.append(ident)
    return found


def event_label(node: dict) -> str:
    """What happened, in words: the activity type's name, a decision's outcome."""
    words = vocabulary()
    activity = code(node.get("had_activity_type"))
    kind = ld_str(node.get("type"))
    if activity:
        label = words["activities"].get(activity) or activity.replace("_", " ").capitalize()
    else:
        label = words["types"].get(kind, kind)
    outcome = code(node.get("had_decision_outcome"))
    if outcome:
        label = f"{label} ({words['outcomes'].get(outcome, outcome.lower())})"
    return label


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


def list_key(collection: dict, params: dict) -> str:
    """One list (collection and its parameters), as remembered between runs."""
    return collection["path"].strip("/") + "?" + urlencode(sorted(params.items()))


def event_line(event: dict) -> str:
    """'2024-03-13: Decision by Parliament (adopted) - A-9-2023-0188'."""
    line = f"{event['date'] or '?'}: {event['label'] or event['type'] or 'event'}"
    return f"{line} - {', '.join(event['documents'])}" if event["documents"] else line


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
        self.max_pages = int(self.options.get("max_pages", 20))
        self.keywords = [k.lower() for k in self.options.get("keywords", [])]

    def run_date(self) -> date:
        day = self.crawler.settings.get("GAIMON_DAY") if getattr(self, "crawler", None) else None
        return date.fromisoformat(day) if day else datetime.now(UTC).date()

    def queries(self) -> list[tuple[dict, dict]]:
        """Each collection with the parameters of each of its lists (one per year with `years`)."""
        out = []
        for collection in self.options.get("collections", []):
            params = dict(collection.get("params", {}))
            years = int(collection.get("years", 0))
            if years:
                this_year = self.run_date().year
                out += [(collection, {**params, "year": this_year - back}) for back in range(years)]
            else:
                out.append((collection, params))
        return out

    def api(self, path: str, **params) -> str:
        query = urlencode({"format": JSON_LD, **params})
        return f"{self.source.url.rstrip('/')}/{path.strip('/')}?{query}"

    def api_request(self, url: str, callback, **kwargs):
        return self.endpoint(
            url, callback, headers={"Accept": f"{JSON_LD}, application/json;q=0.9"}, **kwargs
        )

    def matches(self, title: str) -> bool:
        return not self.keywords or any(k in title.lower() for k in self.keywords)

    async def start(self):
        watched = list(
            dict.fromkeys(
                [process_id(r) for r in self.options.get("procedures", [])]
                + self.state.extra.get("watch", [])
            )
        )
        for pid in watched:
            yield self.api_request(
                self.api(f"procedures/{pid}"),
                self.parse_procedure,
                cb_kwargs={"pid": pid, "watched": True},
            )
        resume = self.state.extra.get("resume", {})
        for collection, params in self.queries():
            offsets = [0]
            offset = int(resume.get(list_key(collection, params), 0))
            if offset >= self.page_size:
                # New entries come at the end of the list: go on from where the last run stopped.
                offsets.append(offset)
            for start in offsets:
                request = self.list_page(collection, params, start, 1)
                if request is not None:
                    yield request

    def list_page(self, collection: dict, params: dict, offset: int, page_no: int):
        query = {**params, "offset": offset, "limit": self.page_size}
        return self.api_request(
            self.api(collection["path"], **query),
            self.parse_list,
            cb_kwargs={
                "collection": collection,
                "params": params,
                "offset": offset,
                "page_no": page_no,
            },
            meta={"handle_httpstatus_list": [204, 304, 404]},
        )

    def reached(self, collection: dict, params: dict, offset: int) -> None:
        resume = self.state.extra.setdefault("resume", {})
        key = list_key(collection, params)
        if offset > int(resume.get(key, 0)):
            resume[key] = offset
            self.state.dirty = True

    # Lists -------------------------------------------------------------------------------
    @guarded
    def parse_list(self, response, collection: dict, params: dict, offset: int, page_no: int):
        if response.status in (204, 404):
            # Past the last page (or an empty year): the API answers so, not with an empty list.
            self.reached(collection, params, offset)
            return
        data: dict = {}
        if self.not_modified(response):
            # Read before: it was full if the list was read beyond it.
            reached = int(self.state.extra.get("resume", {}).get(list_key(collection, params), 0))
            full = reached >= offset + self.page_size
        else:
            data = parse_json(response.body, self.charset(response))
            rows = ld_items(data)
            yield from self.list_rows(rows, collection, ld_base(data), response)
            self.remember(response)
            full = len(rows) >= self.page_size
        next_link = (
            data.get("next") or (data.get("links") or {}).get("next")
            if isinstance(data, dict)
            else None
        )
        self.reached(collection, params, offset + self.page_size if full else offset)
        if page_no >= self.max_pages:
            return  # the next run goes on from here
        if next_link:
            yield self.api_request(
                response.urljoin(next_link),
                self.parse_list,
                cb_kwargs={
                    "collection": collection,
                    "params": params,
                    "offset": offset + self.page_size,
                    "page_no": page_no + 1,
                },
            )
        elif full:
            request = self.list_page(collection, params, offset + self.page_size, page_no + 1)
            if request is not None:
                yield request

    def list_rows(self, rows: list[dict], collection: dict, base: str, response):
        kind = collection.get("kind", "document")
        seen = set(self.state.extra.get("seen", []))
        for row in rows:
            ident = (
                ld_str(row.get("process_id"))
                or ld_str(row.get("identifier"))
                or str(row.get("id", "")).rsplit("/", 1)[-1]
            )
            if not ident or f"{kind}:{ident}" in seen:
                continue
            title = ld_text(first(row, TITLE_KEYS), self.lang)
            if kind == "procedure" and title and REFERENCE.match(ld_str(first(row, TITLE_KEYS))):
                title = ""  # the list's label is the reference, not the title
            if title and not self.matches(title):
                self.mark_seen(kind, ident)
                continue
            yield from self.list_entry(row, ident, kind, collection, base, response)

    def list_entry(self, row, ident, kind, collection, base, response):
        if kind == "procedure":
            if ident in self.state.extra.get("watch", []):
                return  # read already as a watched procedure
            yield self.api_request(
                self.api(f"procedures/{ident}"),
                self.parse_procedure,
                cb_kwargs={"pid": ident, "watched": False},
            )
        elif collection.get("detail", kind == "document"):
            node_id = str(row.get("id") or row.get("@id") or "")
            if node_id and self.known(node_id if "://" in node_id else base + node_id.lstrip("/")):
                return
            url = self.api(f"{collection['path'].strip('/')}/{ident}", language=self.lang)
            yield self._request(
                url,
                self.parse_work,
                headers={"Accept": JSON_LD},
                cb_kwargs={"kind": kind, "ident": ident},
            )
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
            yield self.api_request(
                self.api(f"procedures/{pid}/events", offset=0, limit=100),
                self.parse_events,
                cb_kwargs={"procedure": procedure, "offset": 0},
                errback=self.events_failed,
            )
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
                self.parse_events,
                cb_kwargs={"procedure": procedure, "offset": offset + 100},
                errback=self.events_failed,
            )
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
        reference = ld_str(node.get("label"))
        pid = procedure["pid"]
        if not REFERENCE.match(reference):
            kind_code = code(node.get("process_type"))
            reference = f"{pid.replace('-', '/')}({kind_code})" if kind_code else pid
        events = sorted(
            (self.event(e) for e in procedure["events"] if isinstance(e, dict)),
            key=lambda e: e["date"] or "",
        )
        lines = [event_line(e) for e in events]
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
            extra={
                "events": events,
                "stage": code(node.get("current_stage")) or None,
                "first_event": dated[0] if dated else None,
            },
        )

    def event(self, node: dict) -> dict:
        return {
            "id": ld_str(node.get("activity_id")) or str(node.get("id", "")).rsplit("/", 1)[-1],
            "date": ld_date(
                first(
                    node, ("activity_date", "eli-dl:activity_date", "activity_start_date", "date")
                )
            ),
            "type": code(node.get("had_activity_type")) or ld_str(node.get("type")),
            # Events of a procedure have no label of their own; meetings' activities do.
            "label": ld_text(node.get("activity_label"), self.lang) or event_label(node),
            "stage": code(node.get("occured_at_stage")) or None,
            "documents": doc_ids(node),
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
        return {"en": "ENG", "nl": "NLD", "fr": "FRA", "de": "DEU"}.get(
            self.lang, self.lang.upper()
        )

    def file_url(self, node: dict, base: str) -> str | None:
        """The work's file in our language: Work -> Expression -> Manifestation -> item path,
        relative to the context's base (or to the `file_base` option, where files are mirrored)."""
        base = self.options.get("file_base") or base
        for expression in node.get("is_realized_by") or []:
            if not str(expression.get("language", "")).upper().endswith(self.lang_code()):
                continue
            manifestations = sorted(
                expression.get("is_embodied_by") or [],
                key=lambda m: 0 if "PDF" in str(m.get("format", "")).upper() else 1,
            )
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
            url=response.urljoin(link),
            title=title,
            text=ld_text(first(node, TEXT_KEYS), self.lang),
            published=ld_date(first(node, DATE_KEYS)),
            lang=self.lang,
            kind=str(node.get("work_type") or kind).rsplit("/", 1)[-1].lower(),
            identifiers=identifiers,
        )
        if not self.wanted(item.published):
            return
        file_url = self.file_url(node, base)
        if self.source.follow and file_url:
            if self.known(item.url):
                return
            yield self._request(
                file_url, self.parse_article, cb_kwargs={"item": item}, errback=self.article_failed
            )
        else:
            yield item
