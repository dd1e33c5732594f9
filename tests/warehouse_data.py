"""Build small warehouses for tests: documents and signals written the way load and classify write
them, without crawling or classifying."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

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
    labels: dict[str, list[str]] = field(default_factory=dict)  # further dimensions
    run_id: str | None = None
    lang: str = "nl"


class Builder:
    """Collects stories and writes them in one go."""

    def __init__(self) -> None:
        self.documents: list[dict] = []
        self.signals: list[dict] = []
        self.count = 0

    def add(self, story: Story, copies: int | None = None) -> list[str]:
        self.count += 1
        cluster = f"c{self.count:06d}"
        published = datetime.combine(monday(story.week), datetime.min.time()) + timedelta(
            days=story.day, hours=9
        )
        ids = []
        sources = (
            story.sources
            if copies is None
            else [story.sources[i % len(story.sources)] for i in range(copies)]
        )
        for n, source in enumerate(sources):
            url = f"https://{source}.example/{self.count}/{n}"
            doc_id = hashlib.sha1(url.encode()).hexdigest()[:16]
            ids.append(doc_id)
            self.documents.append(
                {
                    "doc_id": doc_id,
                    "canonical_url": url,
                    "source": source,
                    "url": url,
                    "title": story.title,
                    "text": story.text,
                    "published_at": published.isoformat(),
                    "lang": story.lang,
                    "identifiers": json.dumps(story.identifiers),
                    "content_hash": hashlib.sha256(
                        f"{story.title}{story.text}".encode()
                    ).hexdigest(),
                    "fetched_at": published.isoformat(),
                    "cluster_id": cluster if len(sources) > 1 else None,
                    "relevant": story.relevant,
                    "model_version": "test-1",
                    "run_id": story.run_id,
                }
            )
            if not story.relevant:
                continue
            labels = (
                [("values", v) for v in story.values]
                + [("sectors", s) for s in story.sectors]
                + [("kind", story.kind)]
                + [(d, label) for d, labels in story.labels.items() for label in labels]
            )
            for dimension, label in labels:
                terms = story.evidence.get(label, [label.replace("_", " ")])
                evidence = [{"text": t, "start": 0, "end": len(t)} for t in terms]
                self.signals.append(
                    {
                        "doc_id": doc_id,
                        "dimension": dimension,
                        "label": label,
                        "score": 0.9,
                        "model_version": "test-1",
                        "evidence": json.dumps(evidence),
                        "run_id": story.run_id,
                    }
                )
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


# Staged items in the crawler's format, for tests that go through the loader.


def staged_item(
    url: str,
    title: str,
    text: str = "",
    published: str = "2026-11-18T09:00:00Z",
    fetched: str = "2026-11-20T08:00:00Z",
    source: str = "fixture",
    **more,
) -> dict:
    from gaimon.crawl.normalize import canonical_url, content_hash

    return {
        "source": source,
        "url": url,
        "canonical_url": canonical_url(url),
        "title": title,
        "text": text,
        "published": published,
        "lang": "en",
        "fetched_at": fetched,
        "content_hash": content_hash(title, text),
        **more,
    }


AI_ACT = "2021/0106(COD)"


def legislative_items() -> list[dict]:
    """An EP procedure record, an act, news naming them, and a Tweede Kamer case with a step."""
    events = [
        {"id": "ev-1", "date": "2021-04-21", "type": "PROPOSAL", "label": "Commission proposal"},
        {
            "id": "ev-2",
            "date": "2024-03-13",
            "type": "VOTE",
            "label": "Plenary vote, first reading",
        },
    ]
    return [
        staged_item(
            "https://oeil.example/procedure-file?reference=2021/0106(COD)",
            "Artificial Intelligence Act",
            "2021-04-21: Commission proposal",
            published="2024-03-13T00:00:00Z",
            source="europarl",
            kind="procedure",
            identifiers={"procedure": AI_ACT, "ep_procedure": "2021-0106"},
            extra={"stage": "FIN", "events": events},
        ),
        staged_item(
            "https://eurlex.example/32024R1689",
            "Regulation (EU) 2024/1689 (AI Act)",
            published="2024-07-12T00:00:00Z",
            source="eurlex",
            identifiers={
                "procedure": AI_ACT,
                "celex": "32024R1689",
                "event": "Published in the Official Journal",
                "stage": "Published",
            },
        ),
        staged_item(
            "https://news.example/ai-act-fines",
            "First fines under the AI Act",
            "Regulation (EU) 2024/1689 allows fines.",
            source="news",
            identifiers={"celex": "32024R1689"},
        ),
        staged_item(
            "https://news.example/omnibus",
            "Brussels reopens the AI Act",
            "Amendments to 2021/0106 (COD) and to 2025/0359(COD) are on the table.",
            source="news",
        ),
        staged_item(
            "https://tk.example/zaak/2026Z19034",
            "Motie over algoritmes bij gemeenten",
            source="tk",
            kind="Motie",
            identifiers={"tk_zaak": "2026Z19034"},
            extra={"Status": "Aangenomen"},
        ),
        staged_item(
            "https://tk.example/document/2026D40001",
            "Stemmingsuitslag motie algoritmes",
            source="tk",
            kind="Stemmingsuitslagen",
            identifiers={"tk_document": "2026D40001", "tk_zaak": "2026Z19034"},
        ),
        staged_item(
            "https://news.example/motie",
            "Kamer neemt motie aan",
            "De motie (2026Z19034) vraagt een algoritmeregister.",
            source="news",
        ),
        staged_item(
            "https://news.example/plain", "Nothing legislative here", "Just AI news.", source="news"
        ),
    ]


def write_staged(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


ANALYST_WEEK = "2026-W47"


def record_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """A run record to point provenance at, when run records exist in this warehouse."""
    try:
        from gaimon.ops import runs
    except ImportError:
        return None
    return runs.start_run(con, "daily", {"fixture": "analyst"})


def analyst_world(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Sixteen weeks of AI news with something to find in the last: a rising risk with a new
    word, a value new to a sector, a falling one, legislation, and provenance to trace."""
    import random

    from gaimon.detect.alerts import detect
    from gaimon.load.loader import load_staged

    rng = random.Random(7)
    run_id = record_run(con)
    builder = Builder()
    sectors = ["healthcare", "education", "media", "public_sector"]
    values = ["privacy", "reliability", "employment", "ownership", "non_discrimination"]
    kinds = ["incident", "research", "debate", "market", "enforcement", "legislation"]
    sources = ["nos", "nu", "rtl", "guardian", "politico"]
    for week in weeks_back(ANALYST_WEEK, 16):
        for sector in sectors:
            for value in values:
                mean = 12 if (sector, value) == ("media", "employment") else 4
                if (sector, value) == ("media", "employment") and week == ANALYST_WEEK:
                    mean = 0
                for _ in range(max(0, round(rng.gauss(mean, 1.5)))):
                    source = rng.choice(sources)
                    builder.add(
                        Story(
                            week,
                            [value],
                            [sector],
                            title=f"AI en {value} in {sector}",
                            day=rng.randrange(7),
                            sources=[source],
                            kind=rng.choice(kinds),
                            run_id=run_id,
                            lang="en" if source in ("guardian", "politico") else "nl",
                            labels={
                                "policy_options": [
                                    rng.choice(["legal_frameworks", "public_debate"])
                                ],
                                "legal_frameworks": [rng.choice(["ai_act", "gdpr"])],
                            },
                        )
                    )
    for i in range(14):
        builder.add(
            Story(
                ANALYST_WEEK,
                ["privacy"],
                ["healthcare"],
                title=f"Stemkloon belt patiënten op {i}",
                sources=[sources[i % 3], sources[(i + 1) % 3]],
                kind="incident",
                run_id=run_id,
                evidence={"privacy": ["stemkloon", "medisch dossier"]},
                labels={"legal_frameworks": ["gdpr"], "policy_options": ["market_withdrawal"]},
            )
        )
    for i in range(5):
        builder.add(
            Story(
                ANALYST_WEEK,
                ["social"],
                ["education"],
                title=f"Leerlingen praten met chatbotvriend {i}",
                sources=[sources[i % 4]],
                kind="research",
                run_id=run_id,
            )
        )
    builder.write(con)
    load_staged(
        con, [write_staged(tmp_path / "legislation.jsonl", legislative_items())], run_id=run_id
    )
    detect(con, run_id=run_id)
