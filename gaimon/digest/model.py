"""What a digest holds: plain data, the same for every format and saved as JSON when frozen.

Crawled strings (titles, sources, sentences, URLs) are made visible and short here
(gaimon.digest.text), when the data is gathered and again when it is read back; every template
escapes them for its own format.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, model_validator

from gaimon.digest.sentences import Sentence
from gaimon.digest.text import Name, Note, Title, Url, host
from gaimon.taxonomy import default_taxonomy

EMERGING = ("new", "rising")


def colour(status: str, stories: int, baseline: float) -> str:
    """The traffic light of a public value in a sector; the footer states the same rule."""
    if stories <= 0:
        return "grey"
    if status in EMERGING:
        return "red"
    if stories > baseline:
        return "amber"
    return "green"


def certainty(sources: int) -> str:
    """How sure a signal is, by the number of independent sources reporting it."""
    if sources >= 3:
        return "high"
    if sources == 2:
        return "medium"
    return "low"


class Link(BaseModel):
    doc_id: str
    title: Title
    url: Url
    source: Name
    published: date | None = None

    @model_validator(mode="after")
    def _named(self) -> Link:
        """A title of nothing but invisible characters would make an empty, unclickable link."""
        if not self.title:
            self.title = host(self.url) or self.doc_id
        return self


class Option(BaseModel):
    """A policy option of the scan; inferred when the classifier gave none and the digest
    derived it from the kind of item."""

    id: str
    name: str
    inferred: bool = False


class Evidence(BaseModel):
    link: Link
    sentence: Sentence


class Light(BaseModel):
    value: str
    name: str
    stories: int
    sources: int
    baseline: float
    score: float
    status: str
    colour: str
    trend: list[int]


class Risk(BaseModel):
    value: str
    name: str
    status: str
    stories: int
    sources: int
    baseline: float
    score: float
    certainty: str
    evidence: list[Evidence] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    more: int = 0
    options: list[Option] = Field(default_factory=list)
    dismissed: int = 0


class Item(BaseModel):
    """A legislative or procedural step, an enforcement action or a piece of research."""

    kind: str
    link: Link
    jurisdiction: Name | None = None
    stage: Name | None = None
    procedure: Name | None = None
    actor: Name | None = None
    values: list[str] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)


class Section(BaseModel):
    sector: str
    name: str
    lights: list[Light] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    legislation: list[Item] = Field(default_factory=list)
    enforcement: list[Item] = Field(default_factory=list)
    research: list[Item] = Field(default_factory=list)

    @property
    def stories(self) -> int:
        return sum(light.stories for light in self.lights)

    @property
    def items(self) -> int:
        return len(self.risks) + len(self.legislation) + len(self.enforcement) + len(self.research)

    @property
    def quiet(self) -> bool:
        """Nothing this week: the digest gives the sector one line."""
        return self.stories == 0 and self.items == 0

    @property
    def charted(self) -> list[Light]:
        """Values with any story in the trailing weeks: the ones worth a trend line."""
        return [light for light in self.lights if any(light.trend)]


class SourceRow(BaseModel):
    source: Name
    kind: Name | None = None
    documents: int = 0
    relevant: int = 0
    last_fetched_at: datetime | None = None
    last_published_at: datetime | None = None
    status: Name = "ok"
    message: Note | None = None


class DigestData(BaseModel):
    week: str
    lang: str
    start: date
    end: date
    weeks: list[str]
    sections: list[Section]
    general: Section
    # Kinds listed in each section, in order (the taxonomy's `digest_section` kinds).
    kinds: list[str] = Field(default_factory=lambda: default_taxonomy().digest_kinds())
    sources: list[SourceRow] = Field(default_factory=list)
    operator: bool = True
    dismissed: int = 0
    generated_at: datetime

    @property
    def risks(self) -> list[tuple[Section, Risk]]:
        """All emerging risks, for the summary at the top."""
        return [(s, r) for s in [*self.sections, self.general] for r in s.risks]

    def only(self, sectors: list[str] | None, operator: bool = False) -> DigestData:
        """The part one reader gets: their sectors (all when None), the general section,
        and the operator section only for operators."""
        chosen = (
            self.sections if sectors is None else [s for s in self.sections if s.sector in sectors]
        )
        return self.model_copy(
            update={
                "sections": chosen,
                "operator": operator,
                "sources": self.sources if operator else [],
            }
        )
