"""Gather one week's digest from the warehouse: lights, risks with evidence, steps, sources."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import yaml
from pydantic import BaseModel

from gaimon import warehouse
from gaimon.digest import sources
from gaimon.digest.model import (
    EMERGING,
    DigestData,
    Evidence,
    Item,
    Light,
    Link,
    Option,
    Risk,
    Section,
    certainty,
    colour,
)
from gaimon.digest.render import strings
from gaimon.digest.sentences import best_sentence
from gaimon.taxonomy import Taxonomy, default_taxonomy
from gaimon.weeks import check_week, trailing_weeks, week_days

SETTINGS_FILE = Path(__file__).resolve().parent / "digest.yaml"
GENERAL = "general"


class Settings(BaseModel):
    trend_weeks: int = 12
    evidence_per_risk: int = 3
    links_per_risk: int = 5
    items_per_list: int = 6
    policy_by_kind: dict[str, str] = {}


@cache
def settings() -> Settings:
    return Settings.model_validate(yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8")))


class Dismissals:
    """Signals analysts dismissed; ('*', '*') dismisses the whole document."""

    def __init__(self, rows: list[dict[str, Any]]):
        self.keys = {(r["doc_id"], r["dimension"], r["label"]) for r in rows}
        self.weeks = Counter(r["week"] for r in rows)

    def __len__(self) -> int:
        return len(self.keys)

    def drops(self, doc_id: str, *signals: tuple[str, str]) -> bool:
        return any((doc_id, d, label) in self.keys for d, label in (("*", "*"), *signals))


def load_dismissals(con: duckdb.DuckDBPyConnection) -> Dismissals:
    try:
        return Dismissals(warehouse.query(con, "queries/digest_dismissals"))
    except duckdb.CatalogException:
        return Dismissals([])


def _link(row: dict[str, Any]) -> Link:
    published = row.get("published_at")
    return Link(
        doc_id=row["doc_id"],
        title=row.get("title") or "",
        url=row.get("url") or "",
        source=row.get("source") or "",
        published=published.date() if published else None,
    )


def _span(value: Any) -> dict | None:
    """One evidence span, if it has text and whole-number offsets; tools other than the
    classifier write spans too, and one malformed span must not stop the digest."""
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        return None
    start, end = value.get("start"), value.get("end")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        return None
    return {"text": value["text"], "start": start, "end": end}


def _evidence_spans(raw: str | None) -> list[dict]:
    """Evidence spans from a signal's JSON column (DuckDB hands JSON over as text)."""
    try:
        spans = json.loads(raw or "[]")
    except ValueError:
        return []
    if not isinstance(spans, list):
        return []
    return [span for span in map(_span, spans) if span is not None]


class Gatherer:
    """One pass over the warehouse for one week and one language."""

    def __init__(self, con: duckdb.DuckDBPyConnection, week: str, lang: str, taxonomy: Taxonomy):
        self.con, self.week, self.lang, self.taxonomy = con, check_week(week), lang, taxonomy
        self.config = settings()
        self.weeks = trailing_weeks(week, self.config.trend_weeks)
        self.dismissals = load_dismissals(con)
        self.labels = self._labels()

    def name(self, dimension: str, node: str) -> str:
        if node == GENERAL:
            return strings(self.lang)["general"]
        return self.taxonomy.label(dimension, node, self.lang)

    def _labels(self) -> dict[str, dict[str, list[str]]]:
        labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in warehouse.query(self.con, "queries/digest_week_labels", {"week": self.week}):
            if not self.dismissals.drops(row["doc_id"], (row["dimension"], row["label"])):
                labels[row["doc_id"]][row["dimension"]].append(row["label"])
        return labels

    def options(self, doc_ids: list[str]) -> list[Option]:
        """Policy options the classifier gave these documents, most frequent first; else the
        option their most frequent kind bears on."""
        given = Counter(o for d in doc_ids for o in self.labels[d].get("policy_options", []))
        if given:
            return [
                Option(id=o, name=self.name("policy_options", o)) for o, _ in given.most_common(2)
            ]
        kinds = Counter(k for d in doc_ids for k in self.labels[d].get("kind", []))
        for kind, _ in kinds.most_common():
            option = self.config.policy_by_kind.get(kind)
            if option:
                return [Option(id=option, name=self.name("policy_options", option), inferred=True)]
        return []

    def gather(self) -> DigestData:
        trend = self._trend()
        value_docs = self._value_documents()
        texts = self._texts(value_docs, trend)
        items = self._items()
        sections = {}
        for sector in [*self.taxonomy.ids("sectors"), GENERAL]:
            section = Section(sector=sector, name=self.name("sectors", sector))
            for value in self.taxonomy.ids("values"):
                rows = value_docs.get((sector, value), [])
                light, risk = self._value(
                    sector, value, trend.get((sector, value), {}), rows, texts
                )
                section.lights.append(light)
                if risk:
                    section.risks.append(risk)
            section.risks.sort(key=lambda r: (r.status != "new", -r.score, r.value))
            for kind in self.taxonomy.digest_kinds():
                setattr(section, kind, items[(sector, kind)][: self.config.items_per_list])
            sections[sector] = section
        start, end = week_days(self.week)
        return DigestData(
            week=self.week,
            lang=self.lang,
            start=start,
            end=end,
            weeks=self.weeks,
            sections=sorted(
                (sections[s] for s in self.taxonomy.ids("sectors")), key=lambda s: not s.risks
            ),
            general=sections[GENERAL],
            kinds=self.taxonomy.digest_kinds(),
            sources=sources.source_rows(self.con, self.week),
            dismissed=self.dismissals.weeks[self.week],
            generated_at=datetime.now(UTC).replace(microsecond=0, tzinfo=None),
        )

    def _trend(self) -> dict[tuple[str, str], dict[str, dict]]:
        rows = warehouse.query(
            self.con, "queries/digest_trend", {"first": self.weeks[0], "week": self.week}
        )
        trend: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
        for row in rows:
            trend[(row["sector"], row["value"])][row["week"]] = row
        return trend

    def _value_documents(self) -> dict[tuple[str, str], list[dict]]:
        kept: dict[tuple[str, str], list[dict]] = defaultdict(list)
        self.dropped: Counter[tuple[str, str]] = Counter()
        for row in warehouse.query(self.con, "queries/digest_value_documents", {"week": self.week}):
            key = (row["sector"], row["value"])
            if self.dismissals.drops(
                row["doc_id"], ("values", row["value"]), ("sectors", row["sector"])
            ):
                self.dropped[key] += 1
            else:
                kept[key].append(row)
        return kept

    def _texts(self, value_docs: dict, trend: dict) -> dict[str, dict]:
        ids = sorted(
            {
                row["doc_id"]
                for key, rows in value_docs.items()
                if trend.get(key, {}).get(self.week, {}).get("status") in EMERGING
                for row in rows
            }
        )
        if not ids:
            return {}
        return {
            r["doc_id"]: r for r in warehouse.query(self.con, "queries/digest_texts", {"ids": ids})
        }

    def _value(
        self,
        sector: str,
        value: str,
        weeks: dict[str, dict],
        rows: list[dict],
        texts: dict[str, dict],
    ) -> tuple[Light, Risk | None]:
        now = weeks.get(self.week, {})
        stories = len({r["story_id"] for r in rows})
        outlets = len({r["source"] for r in rows})
        status, baseline, score = (
            now.get("status", "steady"),
            float(now.get("baseline") or 0),
            float(now.get("score") or 0),
        )
        series = [int(weeks.get(w, {}).get("stories") or 0) for w in self.weeks[:-1]] + [stories]
        light = Light(
            value=value,
            name=self.name("values", value),
            stories=stories,
            sources=outlets,
            baseline=baseline,
            score=score,
            status=status,
            colour=colour(status, stories, baseline),
            trend=series,
        )
        if status not in EMERGING or not rows:
            return light, None
        return light, self._risk(light, rows, texts, self.dropped[(sector, value)])

    def _risk(self, light: Light, rows: list[dict], texts: dict[str, dict], dropped: int) -> Risk:
        # One row per story: the strongest document of each, strongest stories first.
        best: dict[str, dict] = {}
        for row in rows:
            if row["story_id"] not in best:
                best[row["story_id"]] = row
        stories = list(best.values())
        evidence = []
        for row in stories:
            if len(evidence) >= self.config.evidence_per_risk:
                break
            doc = texts.get(row["doc_id"])
            sentence = doc and best_sentence(
                doc["title"] or "", doc["text"] or "", _evidence_spans(row["evidence"])
            )
            if sentence:
                evidence.append(Evidence(link=_link(row), sentence=sentence))
        links = [_link(r) for r in stories[: self.config.links_per_risk]]
        return Risk(
            value=light.value,
            name=light.name,
            status=light.status,
            stories=light.stories,
            sources=light.sources,
            baseline=light.baseline,
            score=light.score,
            certainty=certainty(light.sources),
            evidence=evidence,
            links=links,
            more=max(len(stories) - len(links), 0),
            options=self.options([r["doc_id"] for r in rows]),
            dismissed=dropped,
        )

    def _item(self, kind: str, row: dict[str, Any], step: dict[str, Any] | None = None) -> Item:
        doc_id = row["doc_id"]
        step = step or {}
        legislation = kind == "legislation"
        return Item(
            kind=kind,
            link=_link(row),
            jurisdiction=(step.get("jurisdiction") or sources.jurisdiction(row))
            if legislation
            else None,
            stage=step.get("stage") or step.get("event") if legislation else None,
            procedure=(step.get("procedure_id") or sources.procedure_ref(row))
            if legislation
            else None,
            actor=sources.regulator(row) if kind == "enforcement" else None,
            values=[self.name("values", v) for v in self.labels[doc_id].get("values", [])],
            options=self.options([doc_id]),
        )

    def _items(self) -> dict[tuple[str, str], list[Item]]:
        """Per sector and kind: procedural steps first (they carry a stage), then what the
        classifier called legislation, enforcement or research; one item per story."""
        items: dict[tuple[str, str], list[Item]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        steps = sources.procedure_steps(self.con, self.week)
        by_doc = {step["doc_id"]: step for step in steps}
        rows = [("legislation", step) for step in steps] + [
            (row["kind"], row)
            for row in warehouse.query(
                self.con, "queries/digest_kind_documents", {"week": self.week}
            )
        ]
        for kind, row in rows:
            sector, doc_id = row["sector"], row["doc_id"]
            if (sector, row["story_id"]) in seen or self.dismissals.drops(
                doc_id, ("kind", kind), ("sectors", sector)
            ):
                continue
            seen.add((sector, row["story_id"]))
            items[(sector, kind)].append(self._item(kind, row, by_doc.get(doc_id)))
        for (_, kind), found in items.items():
            if kind == "research":
                # Notable first: research that bears on more of the scan's public values.
                found.sort(key=lambda i: -len(i.values))
        return items


def gather(
    con: duckdb.DuckDBPyConnection, week: str, lang: str = "nl", taxonomy: Taxonomy | None = None
) -> DigestData:
    """The digest of `week` in `lang`, leaving out what analysts dismissed."""
    return Gatherer(con, week, lang, taxonomy or default_taxonomy()).gather()
