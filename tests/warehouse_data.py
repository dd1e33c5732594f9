"""Build small warehouses for tests: documents and signals written the way load and classify write
them, without crawling or classifying."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from gaimon import warehouse


def monday(week: str) -> date:
    """Monday of an ISO week like 2026-W47."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def iso_week(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


def weeks_back(last: str, count: int) -> list[str]:
    """The `count` ISO weeks ending with `last`, oldest first."""
    end = monday(last)
    return [iso_week(end - timedelta(weeks=count - 1 - i)) for i in range(count)]


@dataclass
class Story:
    """One story: `copies` documents (one per source) sharing a cluster."""

    week: str
    values: list[str]
    sectors: list[str] = field(default_factory=list)
    title: str = "AI in het nieuws"
    text: str = "Een tekst over kunstmatige intelligentie."
    sources: list[str] = field(default_factory=lambda: ["nos"])
    day: int = 2  # day of the week, 0 = Monday
    identifiers: dict = field(default_factory=dict)
    kind: str = "debate"
    relevant: bool = True
    evidence: dict[str, list[str]] = field(default_factory=dict)


class Builder:
    """Collects stories and writes them in one go."""

    def __init__(self) -> None:
        self.documents: list[dict] = []
        self.signals: list[dict] = []
        self.count = 0

    def add(self, story: Story, copies: int | None = None) -> list[str]:
        self.count += 1
        cluster = f"c{self.count:06d}"
        published = datetime.combine(monday(story.week), datetime.min.time()) + timedelta(days=story.day, hours=9)
        ids = []
        sources = story.sources if copies is None else [story.sources[i % len(story.sources)] for i in range(copies)]
        for n, source in enumerate(sources):
            url = f"https://{source}.example/{self.count}/{n}"
            doc_id = hashlib.sha1(url.encode()).hexdigest()[:16]
            ids.append(doc_id)
            self.documents.append({
                "doc_id": doc_id, "canonical_url": url, "source": source, "url": url,
                "title": story.title, "text": story.text, "published_at": published.isoformat(),
                "lang": "nl", "identifiers": json.dumps(story.identifiers),
                "content_hash": hashlib.sha256(f"{story.title}{story.text}".encode()).hexdigest(),
                "fetched_at": published.isoformat(), "cluster_id": cluster if len(sources) > 1 else None,
                "relevant": story.relevant, "model_version": "test-1",
            })
            if not story.relevant:
                continue
            labels = ([("values", v) for v in story.values] + [("sectors", s) for s in story.sectors]
                      + [("kind", story.kind)])
            for dimension, label in labels:
                terms = story.evidence.get(label, [label.replace("_", " ")])
                evidence = [{"text": t, "start": 0, "end": len(t)} for t in terms]
                self.signals.append({"doc_id": doc_id, "dimension": dimension, "label": label,
                                     "score": 0.9, "model_version": "test-1",
                                     "evidence": json.dumps(evidence)})
        return ids

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.documents:
            columns = list(self.documents[0])
            con.execute(
                "INSERT INTO documents BY NAME SELECT "
                + ", ".join(f"unnest(${c}) AS {c}" for c in columns)
                + ", fetched_at::TIMESTAMP AS first_seen_at, fetched_at::TIMESTAMP AS updated_at",
                {c: [d[c] for d in self.documents] for c in columns},
            )
        if self.signals:
            columns = list(self.signals[0])
            con.execute(
                "INSERT INTO signals BY NAME SELECT "
                + ", ".join(f"unnest(${c}) AS {c}" for c in columns)
                + ", now()::TIMESTAMP AS classified_at",
                {c: [s[c] for s in self.signals] for c in columns},
            )
        self.documents, self.signals = [], []
        warehouse.stamp_weeks(con)  # the loader and classifier store each row's week
