#!/usr/bin/env python3
"""Build gaimon's offline demo corpus: feeds, article pages and the demo source registry.

Deterministic (seeded random, standard library and PyYAML, no network): running it twice gives
byte-identical output. It writes

  demo/corpus/feeds/<outlet>.xml     RSS 2.0, Atom 1.0 and RSS 1.0 (RDF) feeds
  demo/corpus/articles/<slug>.html   one article page per feed item
  demo/corpus/sites/<outlet>.html    outlet front pages (the channel links)
  demo/corpus/index.html, robots.txt
  demo/sources.yaml                  the demo source registry
  demo/expected/items.jsonl          what each item is about (ground truth for the demo)
  demo/expected/summary.json         counts per feed, week, relevance and the planted burst

Every URL is written as "{base}/..."; the demo server replaces the literal "{base}" with
its own address when it serves a file.

Usage: python demo/build_corpus.py
"""

from __future__ import annotations

import html
import json
import random
import re
import shutil
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace

import yaml

SEED = 20261122
FIRST_MONDAY = date(2026, 9, 7)  # Monday of ISO week 2026-W37
WEEKS = 11  # W37 .. W47
DST_END = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # CEST -> CET
BASE = "{base}"

DEMO = Path(__file__).resolve().parent
CORPUS = DEMO / "corpus"
EXPECTED = DEMO / "expected"

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rss1": "http://purl.org/rss/1.0/",
    "xml": "http://www.w3.org/XML/1998/namespace",
}
for _prefix in ("atom", "content", "dc", "rdf"):
    ET.register_namespace(_prefix, NS[_prefix])

THEMES = {
    "privacy": "safety",
    "non_discrimination": "safety",
    "reliability": "safety",
    "cognitive": "human_centredness",
    "social": "human_centredness",
    "cultural": "human_centredness",
    "ownership": "fairness",
    "sustainability": "fairness",
    "employment": "fairness",
    "democratic_processes": "democracy",
    "democratic_steering": "democracy",
}

# How often each value turns up, and in which sectors (relative weights).
VALUE_WEIGHTS = {
    "privacy": 1.2,
    "non_discrimination": 1.0,
    "reliability": 1.5,
    "cognitive": 0.9,
    "social": 0.8,
    "cultural": 0.6,
    "ownership": 0.9,
    "sustainability": 0.7,
    "employment": 1.0,
    "democratic_processes": 0.9,
    "democratic_steering": 1.0,
}
VALUE_SECTORS = {
    "privacy": {
        "healthcare": 3,
        "education": 2,
        "public_sector": 3,
        "labour": 2,
        "general": 2,
        "cybersecurity": 1,
        "media": 1,
    },
    "non_discrimination": {
        "labour": 3,
        "public_sector": 3,
        "education": 2,
        "healthcare": 1,
        "general": 2,
        "media": 1,
    },
    "reliability": {
        "public_sector": 3,
        "media": 3,
        "education": 2,
        "science": 2,
        "cybersecurity": 2,
        "defence": 2,
        "labour": 1,
        "general": 3,
    },
    "cognitive": {"education": 5, "labour": 2, "science": 1, "healthcare": 1, "general": 1},
    "social": {"healthcare": 2, "education": 2, "general": 3, "media": 1},
    "cultural": {"culture": 4, "media": 2, "education": 1, "general": 1},
    "ownership": {"culture": 4, "media": 3, "science": 2, "general": 2},
    "sustainability": {"general": 4, "public_sector": 2, "science": 1},
    "employment": {"labour": 4, "culture": 2, "media": 2, "public_sector": 1, "healthcare": 1},
    "democratic_processes": {"media": 3, "public_sector": 3, "general": 2},
    "democratic_steering": {
        "public_sector": 3,
        "science": 2,
        "education": 2,
        "defence": 2,
        "general": 3,
    },
}
# The planted pair is written by hand (blocks/specials.yaml); the generator never produces it.
PLANTED = ("healthcare", "reliability")


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    lang: str
    fmt: str  # rss2 | atom | rdf
    tz: str  # local | gmt | utc
    tagline: str
    per_week: float
    ai_share: float
    kinds: dict[str, float]
    nonai: dict[str, float]
    authors: tuple[str, ...]
    follow: bool
    tags: tuple[str, ...]
    registry_note: str
    layout: str = "news"  # news | inst
    sectors: tuple[str, ...] | None = None
    sector_boost: dict[str, float] = field(default_factory=dict)
    require: tuple[str, ...] = ()
    slot_overrides: dict[str, str] = field(default_factory=dict)
    quote_roles: tuple[str, ...] = ()
    content_encoded: bool = False
    html_description: bool = False
    weekdays_only: bool = False
    guid: str = "permalink"  # permalink | opaque


OUTLETS: list[Outlet] = [
    Outlet(
        key="dagkoerier",
        name="De Dagkoerier",
        lang="nl",
        fmt="rss2",
        tz="local",
        tagline="Het laatste nieuws uit Nederland en de wereld",
        per_week=8.5,
        ai_share=0.42,
        kinds={
            "incident": 3,
            "research": 2,
            "debate": 2,
            "legislation": 1.5,
            "enforcement": 1,
            "market": 1,
            "guidance": 0.7,
        },
        nonai={
            "politiek": 3,
            "economie": 3,
            "weer": 1,
            "verkeer": 1.5,
            "wonen": 1.5,
            "sport": 1.5,
            "cultuur": 1,
            "onderwijs": 1,
            "justitie": 1.5,
            "zorg": 1,
        },
        authors=(
            "Marieke Visser",
            "Jeroen Bakker",
            "Fatima El Amrani",
            "Daan Hoekstra",
            "Redactie",
        ),
        follow=True,
        tags=("news", "general", "nl"),
        html_description=True,
        registry_note="Dutch national general news; summaries only, article pages fetched",
    ),
    Outlet(
        key="polderpost",
        name="Polderpost",
        lang="nl",
        fmt="rss2",
        tz="gmt",
        tagline="Nieuws uit Flevoland en de kop van Overijssel",
        per_week=5.5,
        ai_share=0.33,
        kinds={
            "incident": 3,
            "research": 1.5,
            "debate": 1,
            "legislation": 1,
            "enforcement": 0.5,
            "market": 1,
            "guidance": 0.5,
        },
        nonai={
            "regio": 5,
            "verkeer": 1.5,
            "weer": 1.5,
            "wonen": 1.5,
            "sport": 1.5,
            "onderwijs": 1,
            "justitie": 1,
            "economie": 1,
        },
        authors=("Anouk Mulder", "Wouter Postma", "Redactie Polderpost"),
        follow=True,
        tags=("news", "regional", "nl"),
        guid="opaque",
        registry_note="Dutch regional news (Flevoland, Overijssel); plain-text summaries",
    ),
    Outlet(
        key="bitwijs",
        name="Bitwijs",
        lang="nl",
        fmt="rss2",
        tz="local",
        tagline="Technologie, internet en digitale samenleving",
        per_week=7,
        ai_share=0.68,
        kinds={
            "incident": 2,
            "research": 2,
            "market": 2.5,
            "enforcement": 1,
            "legislation": 1,
            "guidance": 0.8,
            "debate": 0.7,
        },
        nonai={"tech": 1},
        sector_boost={"cybersecurity": 2.5, "general": 1.8, "science": 1.2},
        authors=("Thijs Brouwer", "Sanne de Boer", "Ruben Kaya", "Ilse van Dijk"),
        follow=False,
        tags=("tech", "nl"),
        content_encoded=True,
        guid="opaque",
        registry_note="Dutch tech site; full text in content:encoded",
    ),
    Outlet(
        key="zorgdigitaal",
        name="ZorgDigitaal",
        lang="nl",
        fmt="rss2",
        tz="local",
        tagline="Vakinformatie over zorg en digitalisering",
        per_week=3,
        ai_share=0.5,
        kinds={
            "research": 2,
            "incident": 2,
            "guidance": 1.5,
            "debate": 1,
            "market": 1.5,
            "legislation": 0.7,
            "enforcement": 0.7,
        },
        nonai={"zorg": 1},
        sectors=("healthcare",),
        authors=("Esther Meijer", "Yusuf Kaya", "Redactie ZorgDigitaal"),
        follow=True,
        tags=("sector", "healthcare", "nl"),
        registry_note="Dutch healthcare trade news",
    ),
    Outlet(
        key="aad",
        name="Autoriteit Algoritmen en Data",
        lang="nl",
        fmt="rdf",
        tz="local",
        tagline="Nieuwsberichten van de Autoriteit Algoritmen en Data (AAD)",
        per_week=2,
        ai_share=0.7,
        kinds={"enforcement": 3, "guidance": 2.5, "research": 1.5},
        nonai={"toezicht": 1},
        layout="inst",
        weekdays_only=True,
        sectors=(
            "general",
            "public_sector",
            "labour",
            "education",
            "healthcare",
            "media",
            "cybersecurity",
        ),
        require=("{dpa}", "{aiauth}", "{researchers}"),
        slot_overrides={
            "dpa": "de Autoriteit Algoritmen en Data (AAD)",
            "aiauth": "de Autoriteit Algoritmen en Data (AAD)",
            "researchers": "onderzoekers van de AAD",
        },
        quote_roles=("voorzitter van de AAD", "directeur toezicht bij de AAD"),
        authors=("AAD Communicatie",),
        follow=True,
        tags=("regulator", "nl"),
        registry_note="Dutch regulator for algorithms and data; news releases",
    ),
    Outlet(
        key="itsinstituut",
        name="Instituut voor Technologie en Samenleving",
        lang="nl",
        fmt="atom",
        tz="utc",
        tagline="Onderzoek naar technologie en publieke waarden",
        per_week=1.5,
        ai_share=0.85,
        kinds={"research": 4, "debate": 1.5, "guidance": 0.5},
        nonai={"instituut": 1},
        layout="inst",
        weekdays_only=True,
        require=("{researchers}", "hoogleraren", "deskundigen", "psychologen"),
        slot_overrides={
            "researchers": "onderzoekers van het Instituut voor Technologie en Samenleving"
        },
        quote_roles=("onderzoeker bij het ITS", "directeur van het ITS"),
        authors=("Noor Jansen", "Bram Smit", "Hanneke Vos"),
        follow=True,
        tags=("research", "nl"),
        registry_note="Dutch research institute; Atom with summaries only",
    ),
    Outlet(
        key="circuit",
        name="Circuit Review",
        lang="en",
        fmt="rss2",
        tz="gmt",
        tagline="Technology news and analysis",
        per_week=7,
        ai_share=0.68,
        kinds={
            "incident": 2,
            "research": 2,
            "market": 2.5,
            "enforcement": 1,
            "legislation": 1,
            "guidance": 0.8,
            "debate": 0.7,
        },
        nonai={"tech": 1},
        sector_boost={"cybersecurity": 2.5, "general": 1.8, "science": 1.2},
        authors=("Grace Walsh", "Tomasz Novak", "Priya Patel", "Oliver Brennan"),
        follow=False,
        tags=("tech", "en"),
        content_encoded=True,
        html_description=True,
        guid="opaque",
        registry_note="English tech site; full text in content:encoded, escaped HTML descriptions",
    ),
    Outlet(
        key="brusselsledger",
        name="The Brussels Ledger",
        lang="en",
        fmt="atom",
        tz="local",
        tagline="EU policy, decoded",
        per_week=5,
        ai_share=0.64,
        kinds={
            "legislation": 3,
            "enforcement": 2,
            "debate": 2,
            "guidance": 1.2,
            "market": 1,
            "research": 1,
            "incident": 0.5,
        },
        nonai={"eu": 1},
        sector_boost={"general": 2.0, "public_sector": 1.5},
        authors=("Elena Rossi", "Henrik Lindqvist", "Aoife O'Connor"),
        follow=False,
        tags=("policy", "eu", "en"),
        registry_note="English EU-policy site; Atom with full HTML content",
    ),
    Outlet(
        key="eudigital",
        name="European Office for Digital Affairs",
        lang="en",
        fmt="rss2",
        tz="local",
        tagline="Press releases",
        per_week=3,
        ai_share=0.55,
        kinds={"legislation": 3, "guidance": 2, "enforcement": 2.5, "market": 0.8},
        nonai={"eupress": 1},
        layout="inst",
        weekdays_only=True,
        require=("commission", "european", "{aiauth}", "eu's", "eu ministers", "europe's"),
        slot_overrides={"aiauth": "the European Commission"},
        quote_roles=(
            "the Commissioner responsible for digital affairs",
            "the head of the AI Office",
        ),
        authors=("Press office",),
        follow=False,
        tags=("eu", "press", "en"),
        guid="opaque",
        registry_note="EU institution press releases with press-corner style ids",
    ),
]
BY_KEY = {o.key: o for o in OUTLETS}


def read_blocks(name: str) -> SimpleNamespace:
    """A YAML file of demo/blocks/ as an object, so the builder reads `blocks.SECTORS`."""
    return SimpleNamespace(**yaml.safe_load((DEMO / "blocks" / f"{name}.yaml").read_text("utf-8")))


specials = read_blocks("specials")
BLOCKS = {"nl": read_blocks("nl"), "en": read_blocks("en")}


# --------------------------------------------------------------------------- items


@dataclass
class Item:
    outlet: Outlet
    title: str
    paras: list[str]
    local: datetime
    author: str
    section: str
    relevant: bool
    values: list[str]
    sectors: list[str]
    kind: str | None
    cluster: str | None = None
    planted: bool = False
    desc_html: str | None = None
    slug: str = ""
    guid: str = ""
    number: int = 0

    @property
    def lead(self) -> str:
        return self.paras[0]

    @property
    def url(self) -> str:
        return f"{BASE}/articles/{self.slug}.html"

    @property
    def utc(self) -> datetime:
        return self.local.astimezone(UTC)

    @property
    def week(self) -> str:
        y, w, _ = self.local.isocalendar()
        return f"{y}-W{w:02d}"


def local_dt(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    naive = datetime.combine(day, time(hours, minutes))
    offset = 2 if naive - timedelta(hours=2) < DST_END.replace(tzinfo=None) else 1
    return naive.replace(tzinfo=timezone(timedelta(hours=offset)))


def week_day(week: int, wd: int) -> date:
    return FIRST_MONDAY + timedelta(weeks=week - 37, days=wd)


# --------------------------------------------------------------------------- text

SLOT_RE = re.compile(r"\{([A-Za-z_]+)\}")


def cap(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit():
            return text
    return text


def fill(text: str, slots: dict[str, str]) -> str:
    for _ in range(4):

        def rep(match: re.Match) -> str:
            name = match.group(1)
            key = name[0].lower() + name[1:]
            value = slots[key]
            return cap(value) if name[0].isupper() else value

        new = SLOT_RE.sub(rep, text)
        if new == text:
            return text
        text = new
    return text


def number(lang: str, value: int) -> str:
    sep = "." if lang == "nl" else ","
    return f"{value:,}".replace(",", sep)


def words(paras: list[str]) -> int:
    return sum(len(p.split()) for p in paras if not p.startswith("## "))


def make_slots(rng: random.Random, outlet: Outlet, sector: str, day: date) -> dict[str, str]:
    b = BLOCKS[outlet.lang]
    prof = b.SECTORS[sector]
    org = rng.choice(prof["org"])
    vendors = [v for v in b.VENDORS if v not in org]
    vendor = rng.choice(vendors)
    vi = b.VENDORS.index(vendor)
    product = b.PRODUCTS[vi] if vi < len(b.PRODUCTS) else f"{vendor} Chat"
    month = day.month
    slots = {
        "org": org,
        "system": rng.choice(prof["system"]),
        "people": prof["people"],
        "pros": prof["pros"],
        "field": prof["field"],
        "data": prof["data"],
        "task": prof["task"],
        "regulator": prof["regulator"],
        "minister": prof["minister"],
        "city": rng.choice(b.CITIES),
        "village": rng.choice(b.VILLAGES),
        "vendor": vendor,
        "product": product,
        "pct": str(rng.randint(12, 68)),
        "n": str(rng.randint(3, 40)),
        "big": number(outlet.lang, rng.choice([450, 800, 1200, 1500, 2100, 3400, 5000])),
        "small": str(rng.randint(2, 9)),
        "researchers": rng.choice(b.RESEARCHERS),
        "dpa": rng.choice(b.DPA),
        "aiauth": rng.choice(b.AIAUTH),
        "day": b.WEEKDAYS[day.weekday()],
        "month": b.MONTHS[month - 1],
        "prev_month": b.MONTHS[month - 2],
        "outlet": outlet.name,
        "brand": rng.choice(b.BRANDS),
        "company": rng.choice(b.COMPANIES),
        "club": rng.choice(b.CLUBS),
        "road": str(rng.choice([1, 2, 4, 12, 27, 28, 50])),
        "person": f"{rng.choice(b.FIRST_NAMES)} {rng.choice(b.LAST_NAMES)}",
    }
    slots.update(outlet.slot_overrides)
    return slots


def quote_sentence(
    rng: random.Random, outlet: Outlet, quote: str, role: str, slots: dict[str, str]
) -> str:
    b = BLOCKS[outlet.lang]
    forms = [f for f in b.QUOTE_FORMS if outlet.layout == "news" or "{outlet}" not in f]
    person = f"{rng.choice(b.FIRST_NAMES)} {rng.choice(b.LAST_NAMES)}"
    form = rng.choice(forms)
    return cap(fill(form, {**slots, "quote": quote, "person": person, "role": role}))


def compose_ai(
    rng: random.Random, outlet: Outlet, value: str, sector: str, story: tuple, slots: dict[str, str]
) -> tuple[str, list[str]]:
    """Lead from the story, then what usually follows in such a report: status, background
    on the value at stake, quotes, sector context, until a length drawn at random."""
    b = BLOCKS[outlet.lang]
    kind, title_t, lead_t, _tag = story
    vdef, prof = b.VALUES[value], b.SECTORS[sector]
    names_org = "{org}" in (title_t + lead_t).lower()

    def usable(texts: list[str]) -> list[str]:
        # lines naming "the organisation" only fit stories that introduced one
        ok = [t for t in texts if names_org or "{org}" not in t.lower()]
        return rng.sample(ok, len(ok))

    pools = {
        "sector": usable(prof["context"]),
        "value": usable(vdef["context"]),
        "kind": usable(b.KINDS[kind]),
        "generic": usable(b.GENERIC),
        "quote": usable(vdef["quotes"]),
    }
    roles = (
        list(outlet.quote_roles)
        or [r for r in prof["roles"] if names_org or "{org}" not in r]
        or b.GENERAL_ROLES
    )
    roles = rng.sample(roles, len(roles))  # one speaker per role

    def take(pool: str) -> str | None:
        if not pools[pool] or (pool == "quote" and not roles):
            return None
        text = pools[pool].pop()
        if pool == "quote":
            return quote_sentence(rng, outlet, text, roles.pop(), slots)
        return cap(fill(text, slots))

    plan = [
        ("kind", "value"),
        ("value", "value"),
        ("quote",),
        ("sector", "sector"),
        ("kind",),
        ("quote", "value"),
        ("generic", "sector"),
        ("value", "kind"),
        ("sector", "generic"),
        ("generic", "value"),
    ]
    target = rng.randint(150, 330)
    paras = [cap(fill(lead_t, slots))]
    for step in plan:
        if words(paras) >= target:
            break
        parts = [take(step[0])]
        if len(step) > 1 and rng.random() < 0.8:
            parts.append(take(step[1]))
        text = " ".join(p for p in parts if p)
        if text:
            paras.append(text)
    return cap(fill(title_t, slots)), paras


def compose_nonai(
    rng: random.Random, outlet: Outlet, topic: str, story: tuple, slots: dict[str, str]
) -> tuple[str, list[str]]:
    tdef = BLOCKS[outlet.lang].NONAI[topic]
    title_t, lead_t, detail_t = story
    ctx = rng.sample(tdef["context"], len(tdef["context"]))

    def s(text: str) -> str:
        return cap(fill(text, slots))

    target = rng.randint(125, 200)
    paras = [s(lead_t), " ".join([s(detail_t), s(ctx.pop())])]
    paras.append(" ".join(s(ctx.pop()) for _ in range(min(2, len(ctx)))))
    while words(paras) < target and ctx:
        paras.append(" ".join(s(ctx.pop()) for _ in range(min(rng.choice([1, 2]), len(ctx)))))
    return s(title_t), paras


# --------------------------------------------------------------------------- planning


class Planner:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.items: list[Item] = []
        self.titles: set[str] = set()
        self.uses: dict[tuple, int] = {}
        self.value_noise: dict[int, dict[str, float]] = {}

    def noise(self, week: int) -> dict[str, float]:
        if week not in self.value_noise:
            self.value_noise[week] = {
                v: w * self.rng.uniform(0.5, 1.5) for v, w in VALUE_WEIGHTS.items()
            }
        return self.value_noise[week]

    def slot_time(self, outlet: Outlet, week: int, first: bool) -> datetime:
        rng = self.rng
        if first:
            wd = 0
        elif outlet.weekdays_only:
            wd = rng.randrange(5)
        else:
            wd = rng.choices(range(7), weights=[1, 1, 1, 1, 1, 0.45, 0.3])[0]
        lo, hi = (9, 17) if outlet.layout == "inst" else (7, 21)
        hhmm = f"{rng.randint(lo, hi):02d}:{rng.randrange(0, 60):02d}"
        if first:
            hhmm = "07:05"
        return local_dt(week_day(week, wd), hhmm)

    def ai_candidates(self, outlet: Outlet, week: int) -> list[tuple[float, tuple]]:
        b = BLOCKS[outlet.lang]
        noise = self.noise(week)
        out = []
        for value in sorted(b.VALUES):
            for ti, story in enumerate(b.VALUES[value]["stories"]):
                kind, title, lead, tag = story
                if kind not in outlet.kinds:
                    continue
                text = (title + " " + lead).lower()
                if outlet.require and not any(r in text for r in outlet.require):
                    continue
                for sector in eligible_sectors(value, tag):
                    if outlet.sectors and sector not in outlet.sectors:
                        continue
                    if (sector, value) == PLANTED:
                        continue
                    weight = (
                        noise[value]
                        * VALUE_SECTORS[value].get(sector, 1.0)
                        * outlet.kinds[kind]
                        * outlet.sector_boost.get(sector, 1.0)
                    )
                    used = self.uses.get((outlet.lang, value, ti), 0)
                    used_here = self.uses.get((outlet.key, value, ti), 0)
                    weight /= (1 + used) ** 2 * (1 + 2 * used_here)
                    out.append((weight, (value, ti, sector, story)))
        return out

    def add_ai(self, outlet: Outlet, week: int, when: datetime) -> Item | None:
        cands = self.ai_candidates(outlet, week)
        for _ in range(60):
            if not cands:
                return None
            pick = self.rng.choices(range(len(cands)), weights=[w for w, _ in cands])[0]
            value, ti, sector, story = cands[pick][1]
            slots = make_slots(self.rng, outlet, sector, when.date())
            title, paras = compose_ai(self.rng, outlet, value, sector, story, slots)
            if title in self.titles:
                if not SLOT_RE.search(story[1]):
                    cands.pop(pick)
                continue
            for key in ((outlet.lang, value, ti), (outlet.key, value, ti)):
                self.uses[key] = self.uses.get(key, 0) + 1
            section = BLOCKS[outlet.lang].SECTORS[sector]["section"]
            return self.add(
                Item(
                    outlet=outlet,
                    title=title,
                    paras=paras,
                    local=when,
                    author=self.rng.choice(outlet.authors),
                    section=section,
                    relevant=True,
                    values=[value],
                    sectors=[] if sector == "general" else [sector],
                    kind=story[0],
                )
            )
        return None

    def add_nonai(self, outlet: Outlet, week: int, when: datetime) -> Item | None:
        b = BLOCKS[outlet.lang]
        cands = []
        for topic, tw in sorted(outlet.nonai.items()):
            for si, story in enumerate(b.NONAI[topic]["stories"]):
                used = self.uses.get((outlet.lang, topic, si), 0)
                if used < 2:  # a template at most twice, with different names filled in
                    cands.append((tw / (1 + used) ** 4, (topic, si, story)))
        for _ in range(60):
            if not cands:
                return None
            pick = self.rng.choices(range(len(cands)), weights=[w for w, _ in cands])[0]
            topic, si, story = cands[pick][1]
            slots = make_slots(self.rng, outlet, "general", when.date())
            title, paras = compose_nonai(self.rng, outlet, topic, story, slots)
            if title in self.titles:
                if not SLOT_RE.search(story[0]):
                    cands.pop(pick)
                continue
            self.uses[(outlet.lang, topic, si)] = self.uses.get((outlet.lang, topic, si), 0) + 1
            return self.add(
                Item(
                    outlet=outlet,
                    title=title,
                    paras=paras,
                    local=when,
                    author=self.rng.choice(outlet.authors),
                    section=b.NONAI[topic]["section"],
                    relevant=False,
                    values=[],
                    sectors=[],
                    kind=None,
                )
            )
        return None

    def add(self, item: Item) -> Item:
        self.titles.add(item.title)
        self.items.append(item)
        return item

    def generic(self) -> None:
        # hand-written items take the place of generated ones, so volumes stay level
        written: dict[tuple[str, str], int] = {}
        for it in self.items:
            written[(it.outlet.key, it.week)] = written.get((it.outlet.key, it.week), 0) + 1
        for week in range(37, 37 + WEEKS):
            for outlet in OUTLETS:
                n = int(outlet.per_week) + (self.rng.random() < outlet.per_week % 1)
                n = max(0, n + self.rng.choice([-1, 0, 0, 1]))
                n = max(0, n - written.get((outlet.key, f"2026-W{week:02d}"), 0))
                for i in range(n):
                    first = outlet.key == "dagkoerier" and week == 37 and i == 0
                    when = self.slot_time(outlet, week, first)
                    if self.rng.random() < outlet.ai_share:
                        made = self.add_ai(outlet, week, when) or self.add_nonai(outlet, week, when)
                    else:
                        made = self.add_nonai(outlet, week, when) or self.add_ai(outlet, week, when)
                    if made is None:
                        raise RuntimeError(f"no unused story left for {outlet.key} in W{week}")

    def hand_written(self) -> None:
        for spec in [*specials.BURST, *specials.BASELINE, *specials.HOSTILE]:
            outlet = BY_KEY[spec["outlet"]]
            when = local_dt(week_day(spec["week"], spec["wd"]), spec["time"])
            sector = spec["sectors"][0] if spec["sectors"] else "general"
            self.add(
                Item(
                    outlet=outlet,
                    title=spec["title"],
                    paras=list(spec["paras"]),
                    local=when,
                    author=self.rng.choice(outlet.authors),
                    section=BLOCKS[outlet.lang].SECTORS[sector]["section"],
                    relevant=True,
                    values=list(spec["values"]),
                    sectors=list(spec["sectors"]),
                    kind=spec["kind"],
                    planted=spec in specials.BURST,
                    desc_html=spec.get("desc_html"),
                )
            )
        for spec in specials.WIRE:
            base_when = local_dt(week_day(spec["week"], spec["wd"]), spec["time"])
            for key, title, minutes, drop_last in spec["variants"]:
                outlet = BY_KEY[key]
                paras = list(spec["paras"][:-1] if drop_last else spec["paras"])
                sector = spec["sectors"][0] if spec["sectors"] else "general"
                section = (
                    BLOCKS["nl"].SECTORS[sector]["section"] if spec["relevant"] else "Binnenland"
                )
                self.add(
                    Item(
                        outlet=outlet,
                        title=title,
                        paras=paras,
                        local=base_when + timedelta(minutes=minutes),
                        author="HPB",
                        section=section,
                        relevant=spec["relevant"],
                        values=list(spec["values"]),
                        sectors=list(spec["sectors"]),
                        kind=spec["kind"],
                        cluster=spec["cluster"],
                        planted=spec.get("planted", False),
                    )
                )


def eligible_sectors(value: str, tag: str) -> list[str]:
    if tag.startswith("s:"):
        return tag[2:].split(",")
    if tag == "gen":
        return ["general"]
    sectors = sorted(VALUE_SECTORS[value])
    if tag == "inst":
        return [s for s in sectors if s != "general"]
    return sectors


def slugify(text: str, limit: int = 64) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def finalise(items: list[Item], rng: random.Random) -> list[Item]:
    items.sort(key=lambda it: (it.utc, it.outlet.key, it.title))
    seen: set[str] = set()
    counters: dict[str, int] = {}
    for it in items:
        slug = f"{it.outlet.key}-{it.local:%Y%m%d}-{slugify(it.title)}"
        while slug in seen:
            slug += "-2"
        seen.add(slug)
        it.slug = slug
        counters[it.outlet.key] = counters.get(it.outlet.key, 0) + 1
        it.number = 100000 + 37 * counters[it.outlet.key] + rng.randrange(30)
        it.guid = make_guid(it, rng)
    return items


def make_guid(it: Item, rng: random.Random) -> str:
    key = it.outlet.key
    if key == "polderpost":
        return f"polderpost-{it.number}"
    if key == "bitwijs":
        return f"bitwijs:nieuws:{it.number}"
    if key == "circuit":
        return f"circuit-review-{rng.getrandbits(48):012x}"
    if key == "eudigital":
        return f"IP/26/{1800 + it.number % 1000}"
    if key == "brusselsledger":
        return f"tag:brusselsledger.example,2026:{it.number}"
    if key == "itsinstituut":
        return f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
    return it.url


# --------------------------------------------------------------------------- rendering


def text(value: str) -> str:
    """Escape for an HTML text node (attributes use html.escape with quotes)."""
    return html.escape(value, quote=False)


def body_html(paras: list[str]) -> str:
    parts = []
    for p in paras:
        if p.startswith("## "):
            parts.append(f"<h2>{text(p[3:])}</h2>")
        else:
            parts.append(f"<p>{text(p)}</p>")
    return "\n".join(parts)


def rfc822(it: Item) -> str:
    if it.outlet.tz == "gmt":
        return format_datetime(it.utc, usegmt=True)
    return format_datetime(it.local)


def rfc3339(it: Item, dt: datetime | None = None) -> str:
    dt = dt or it.local
    if it.outlet.tz == "utc":
        return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return dt.isoformat()


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def q(prefix: str, tag: str) -> str:
    return f"{{{NS[prefix]}}}{tag}"


def categories(it: Item) -> list[str]:
    cats = [it.section]
    if it.relevant:
        cats.append(
            "Kunstmatige intelligentie" if it.outlet.lang == "nl" else "Artificial intelligence"
        )
    return cats


def description(it: Item) -> str:
    if it.desc_html:
        return it.desc_html
    if it.outlet.html_description:
        return f"<p>{text(it.lead)}</p>"
    return it.lead


def rss2(outlet: Outlet, items: list[Item]) -> ET.Element:
    rss = ET.Element("rss", {"version": "2.0"})
    ch = sub(rss, "channel")
    sub(ch, "title", outlet.name)
    sub(ch, "link", f"{BASE}/sites/{outlet.key}.html")
    sub(ch, "description", outlet.tagline)
    sub(ch, "language", "nl-nl" if outlet.lang == "nl" else "en-gb")
    sub(ch, "copyright", f"© 2026 {outlet.name}")
    sub(ch, "lastBuildDate", rfc822(items[0]))
    sub(ch, "generator", "Publisher CMS 4.2")
    sub(
        ch,
        q("atom", "link"),
        href=f"{BASE}/feeds/{outlet.key}.xml",
        rel="self",
        type="application/rss+xml",
    )
    sub(ch, "ttl", "15")
    for it in items:
        el = sub(ch, "item")
        sub(el, "title", it.title)
        sub(el, "link", it.url)
        if outlet.guid == "opaque":
            sub(el, "guid", it.guid, isPermaLink="false")
        else:
            sub(el, "guid", it.guid, isPermaLink="true")
        sub(el, "pubDate", rfc822(it))
        sub(el, q("dc", "creator"), it.author)
        for cat in categories(it):
            sub(el, "category", cat)
        sub(el, "description", description(it))
        if outlet.content_encoded:
            sub(el, q("content", "encoded"), body_html(it.paras))
    return rss


def atom(outlet: Outlet, items: list[Item], rng: random.Random) -> ET.Element:
    feed = ET.Element(q("atom", "feed"), {q("xml", "lang"): outlet.lang})
    sub(feed, q("atom", "title"), outlet.name)
    sub(feed, q("atom", "subtitle"), outlet.tagline)
    sub(
        feed,
        q("atom", "link"),
        rel="alternate",
        type="text/html",
        href=f"{BASE}/sites/{outlet.key}.html",
    )
    sub(
        feed,
        q("atom", "link"),
        rel="self",
        type="application/atom+xml",
        href=f"{BASE}/feeds/{outlet.key}.xml",
    )
    sub(feed, q("atom", "id"), f"tag:{outlet.key}.example,2026:feed")
    sub(feed, q("atom", "updated"), rfc3339(items[0]))
    author = sub(feed, q("atom", "author"))
    sub(author, q("atom", "name"), outlet.name)
    for it in items:
        entry = sub(feed, q("atom", "entry"))
        sub(entry, q("atom", "title"), it.title, type="text")
        sub(entry, q("atom", "link"), rel="alternate", type="text/html", href=it.url)
        sub(entry, q("atom", "id"), it.guid)
        sub(entry, q("atom", "published"), rfc3339(it))
        updated = it.local
        if rng.random() < 0.3:
            updated = min(
                it.local + timedelta(minutes=rng.randint(20, 240)),
                it.local.replace(hour=23, minute=30),
            )
        sub(entry, q("atom", "updated"), rfc3339(it, updated))
        ea = sub(entry, q("atom", "author"))
        sub(ea, q("atom", "name"), it.author)
        for cat in categories(it):
            sub(entry, q("atom", "category"), term=slugify(cat), label=cat)
        sub(entry, q("atom", "summary"), it.lead, type="text")
        if outlet.key != "itsinstituut":
            sub(entry, q("atom", "content"), body_html(it.paras), type="html")
    return feed


def rdf(outlet: Outlet, items: list[Item]) -> ET.Element:
    root = ET.Element(q("rdf", "RDF"))
    ch = sub(root, q("rss1", "channel"), **{q("rdf", "about"): f"{BASE}/feeds/{outlet.key}.xml"})
    sub(ch, q("rss1", "title"), outlet.name)
    sub(ch, q("rss1", "link"), f"{BASE}/sites/{outlet.key}.html")
    sub(ch, q("rss1", "description"), outlet.tagline)
    sub(ch, q("dc", "language"), outlet.lang)
    sub(ch, q("dc", "publisher"), outlet.name)
    sub(ch, q("dc", "date"), rfc3339(items[0]))
    seq = sub(sub(ch, q("rss1", "items")), q("rdf", "Seq"))
    for it in items:
        sub(seq, q("rdf", "li"), **{q("rdf", "resource"): it.url})
    for it in items:
        el = sub(root, q("rss1", "item"), **{q("rdf", "about"): it.url})
        sub(el, q("rss1", "title"), it.title)
        sub(el, q("rss1", "link"), it.url)
        sub(el, q("rss1", "description"), it.lead)
        sub(el, q("dc", "date"), rfc3339(it))
        sub(el, q("dc", "creator"), it.author)
        sub(el, q("dc", "subject"), it.section)
        sub(el, q("dc", "language"), outlet.lang)
    return root


def xml_bytes(root: ET.Element, default_ns: str | None = None) -> bytes:
    ET.indent(root, space="  ")
    # ElementTree's default_namespace option rejects unqualified attributes (href, rel),
    # so the feed's own namespace is mapped to the empty prefix just while writing.
    if default_ns:
        ET.register_namespace("", default_ns)
    try:
        body = ET.tostring(root, encoding="unicode")
    finally:
        for prefix in ("atom", "content", "dc", "rdf"):
            ET.register_namespace(prefix, NS[prefix])
        if default_ns == NS["rss1"]:
            ET.register_namespace("rss1", NS["rss1"])
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


# ----- HTML pages

UI = {
    "nl": {
        "by": "Door",
        "related": "Lees ook",
        "home": "Home",
        "cookies": "Deze site gebruikt cookies om het gebruik te meten. Akkoord?",
        "ok": "Akkoord",
        "latest": "Laatste nieuws",
        "fiction": "Fictieve site, onderdeel van de gaimon-demonstratiedataset.",
        "press": "Contact voor de pers",
        "share": "Deel dit artikel",
    },
    "en": {
        "by": "By",
        "related": "Read more",
        "home": "Home",
        "cookies": "We use cookies to measure how this site is used. OK?",
        "ok": "Accept",
        "latest": "Latest",
        "fiction": "Fictional site, part of the gaimon demonstration dataset.",
        "press": "Press contact",
        "share": "Share this article",
    },
}
NAV = {
    "dagkoerier": [
        "Binnenland",
        "Buitenland",
        "Politiek",
        "Economie",
        "Tech",
        "Zorg",
        "Sport",
        "Cultuur",
    ],
    "polderpost": ["Regio", "Dronten", "Lelystad", "Noordoostpolder", "Kampen", "Sport"],
    "bitwijs": ["Nieuws", "Reviews", "Security", "AI", "Opinie", "Podcast"],
    "zorgdigitaal": ["Nieuws", "Digitale zorg", "Beleid", "Vacatures", "Events"],
    "aad": ["Onderwerpen", "Nieuws", "Publicaties", "Melden", "Over de AAD"],
    "itsinstituut": ["Onderzoek", "Publicaties", "Evenementen", "Over het ITS"],
    "circuit": ["News", "Reviews", "Security", "AI", "Policy", "Newsletter"],
    "brusselsledger": ["Policy", "Digital", "Climate", "Trade", "Opinion", "Events"],
    "eudigital": ["Press corner", "Policies", "Funding", "Events", "About"],
}


def display_date(it: Item) -> str:
    months = BLOCKS[it.outlet.lang].MONTHS
    return f"{it.local.day} {months[it.local.month - 1]} {it.local.year}, {it.local:%H:%M}"


def json_ld(it: Item) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": it.title,
        "datePublished": it.local.isoformat(),
        "author": {"@type": "Person", "name": it.author},
        "publisher": {"@type": "Organization", "name": it.outlet.name},
        "mainEntityOfPage": it.url,
        "inLanguage": it.outlet.lang,
    }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # keep "</script>" in a headline from closing the script element
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def article_page(it: Item, related: list[Item]) -> str:
    o, ui = it.outlet, UI[it.outlet.lang]
    e = html.escape
    nav = "\n".join(
        f'      <li><a href="{BASE}/sites/{o.key}.html#{slugify(n)}">{e(n)}</a></li>'
        for n in NAV[o.key]
    )
    rel = "\n".join(f'      <li><a href="{r.url}">{text(r.title)}</a></li>' for r in related)
    tags = "\n".join(f'<meta property="article:tag" content="{e(c)}">' for c in categories(it))
    head = f"""<!DOCTYPE html>
<html lang="{o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text(it.title)} | {text(o.name)}</title>
<meta name="description" content="{e(it.lead)}">
<meta name="author" content="{e(it.author)}">
<link rel="canonical" href="{it.url}">
<link rel="alternate" type="application/rss+xml" title="{e(o.name)}" href="{BASE}/feeds/{o.key}.xml">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{e(o.name)}">
<meta property="og:title" content="{e(it.title)}">
<meta property="og:description" content="{e(it.lead)}">
<meta property="og:url" content="{it.url}">
<meta property="og:locale" content="{"nl_NL" if o.lang == "nl" else "en_GB"}">
<meta property="article:published_time" content="{it.local.isoformat()}">
<meta property="article:section" content="{e(it.section)}">
<meta property="article:author" content="{e(it.author)}">
{tags}
<script type="application/ld+json">
{json_ld(it)}
</script>
<style>body{{font-family:Georgia,serif;max-width:46rem;margin:auto}}nav ul{{display:flex;gap:1rem;list-style:none}}</style>
<script>window.dataLayer=window.dataLayer||[];window.dataLayer.push({{"page":"article"}});</script>
</head>"""  # noqa: E501 (HTML as served, line for line)
    if o.layout == "inst":
        body = f"""
<body class="page-news">
<a class="skip" href="#main">{"Naar de inhoud" if o.lang == "nl" else "Skip to content"}</a>
<header class="site-header">
  <a class="logo" href="{BASE}/sites/{o.key}.html">{e(o.name)}</a>
  <nav aria-label="main">
    <ul>
{nav}
    </ul>
  </nav>
</header>
<main id="main">
  <ol class="breadcrumb"><li><a href="{BASE}/sites/{o.key}.html">{ui["home"]}</a></li><li>{e(it.section)}</li></ol>
  <article class="news-item">
    <p class="meta">{e(it.section)} | <time datetime="{it.local.isoformat()}">{display_date(it)}</time></p>
    <h1>{text(it.title)}</h1>
{body_html(it.paras)}
  </article>
  <aside class="press-contact">
    <h2>{ui["press"]}</h2>
    <p>{e(o.name)}, {"afdeling Communicatie" if o.lang == "nl" else "Press office"}</p>
  </aside>
  <aside class="related">
    <h2>{ui["related"]}</h2>
    <ul>
{rel}
    </ul>
  </aside>
</main>
<footer class="site-footer">
  <p>{e(o.name)} · <a href="{BASE}/sites/{o.key}.html#contact">Contact</a> · <a href="{BASE}/sites/{o.key}.html#privacy">Privacy</a> · <a href="{BASE}/feeds/{o.key}.xml">RSS</a></p>
  <p class="disclaimer">{ui["fiction"]}</p>
</footer>
</body>
</html>
"""  # noqa: E501 (HTML as served, line for line)
    else:
        body = f"""
<body class="article-page">
<div class="cookie-notice" role="dialog"><p>{ui["cookies"]}</p><button type="button">{ui["ok"]}</button></div>
<header class="site-header">
  <a class="logo" href="{BASE}/sites/{o.key}.html">{e(o.name)}</a>
  <nav aria-label="main">
    <ul>
{nav}
    </ul>
  </nav>
</header>
<main>
  <nav class="breadcrumb"><a href="{BASE}/sites/{o.key}.html">{ui["home"]}</a> › <span>{e(it.section)}</span></nav>
  <article class="article">
    <header class="article-header">
      <p class="article-section">{e(it.section)}</p>
      <h1>{text(it.title)}</h1>
      <p class="article-meta">{ui["by"]} <span class="author">{e(it.author)}</span> · <time datetime="{it.local.isoformat()}">{display_date(it)}</time></p>
    </header>
    <div class="article-body">
{body_html(it.paras)}
    </div>
  </article>
  <div class="share"><span>{ui["share"]}:</span> <a href="{BASE}/sites/{o.key}.html#share-mail">E-mail</a> <a href="{BASE}/sites/{o.key}.html#share-link">Link</a></div>
  <aside class="related">
    <h2>{ui["related"]}</h2>
    <ul>
{rel}
    </ul>
  </aside>
</main>
<footer class="site-footer">
  <p>© 2026 {e(o.name)} · <a href="{BASE}/sites/{o.key}.html#colofon">{"Colofon" if o.lang == "nl" else "About us"}</a> · <a href="{BASE}/sites/{o.key}.html#privacy">Privacy</a> · <a href="{BASE}/feeds/{o.key}.xml">RSS</a></p>
  <p class="disclaimer">{ui["fiction"]}</p>
</footer>
</body>
</html>
"""  # noqa: E501 (HTML as served, line for line)
    return head + body


def site_page(outlet: Outlet, items: list[Item]) -> str:
    e = html.escape
    rows = "\n".join(
        f'    <li><a href="{it.url}">{text(it.title)}</a> '
        f'<time datetime="{it.local.isoformat()}">{display_date(it)}</time></li>'
        for it in items
    )
    return f"""<!DOCTYPE html>
<html lang="{outlet.lang}">
<head>
<meta charset="utf-8">
<title>{e(outlet.name)}</title>
<link rel="alternate" type="application/rss+xml" title="{e(outlet.name)}" href="{BASE}/feeds/{outlet.key}.xml">
</head>
<body>
<header><h1>{e(outlet.name)}</h1><p>{e(outlet.tagline)}</p></header>
<main>
  <h2>{UI[outlet.lang]["latest"]}</h2>
  <ul>
{rows}
  </ul>
</main>
<footer><p>{UI[outlet.lang]["fiction"]}</p></footer>
</body>
</html>
"""  # noqa: E501 (HTML as served, line for line)


def index_page() -> str:
    rows = "\n".join(
        f'    <li><a href="{BASE}/sites/{o.key}.html">{html.escape(o.name)}</a> '
        f'(<a href="{BASE}/feeds/{o.key}.xml">feed</a>, {o.lang})</li>'
        for o in OUTLETS
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>gaimon demo corpus</title></head>
<body>
<h1>gaimon demo corpus</h1>
<p>Fictional outlets and their feeds, served locally for the gaimon demonstration.</p>
<ul>
{rows}
</ul>
</body>
</html>
"""


# ----- registry and ground truth


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def sources_yaml() -> str:
    fmt_name = {"rss2": "RSS 2.0", "atom": "Atom 1.0", "rdf": "RSS 1.0 (RDF)"}
    lines = [
        "# Demo source registry: the feeds of the offline demo corpus (demo/corpus/).",
        "# Written by demo/build_corpus.py. {base} stands for the address of the local demo",
        "# server (http://127.0.0.1:PORT) and is filled in at run time.",
        "sources:",
    ]
    for o in OUTLETS:
        lines += [
            f"  - name: {o.key}",
            "    kind: rss",
            f'    url: "{BASE}/feeds/{o.key}.xml"',
            f"    lang: {o.lang}",
            f"    follow: {'true' if o.follow else 'false'}",
            f"    tags: [{', '.join(o.tags)}]",
            f"    description: {yaml_str(f'{o.name}: {o.registry_note} ({fmt_name[o.fmt]}).')}",
        ]
    return "\n".join(lines) + "\n"


def truth_row(it: Item) -> dict:
    return {
        "outlet": it.outlet.key,
        "lang": it.outlet.lang,
        "guid": it.guid,
        "url": it.url,
        "title": it.title,
        "published": it.utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "iso_week": it.week,
        "relevant": it.relevant,
        "values": it.values,
        "themes": sorted({THEMES[v] for v in it.values}),
        "sectors": it.sectors,
        "kind": it.kind,
        "cluster": it.cluster,
        "planted": it.planted,
        "words": words(it.paras),
    }


def summary(items: list[Item]) -> dict:
    weeks = sorted({it.week for it in items})
    per_feed = {o.key: sum(it.outlet is o for it in items) for o in OUTLETS}
    pair = {w: {"items": 0, "distinct_stories": 0, "outlets": []} for w in weeks}
    seen_clusters: set[tuple[str, str]] = set()
    for it in items:
        if "healthcare" in it.sectors and "reliability" in it.values:
            row = pair[it.week]
            row["items"] += 1
            if it.cluster is None or (it.week, it.cluster) not in seen_clusters:
                row["distinct_stories"] += 1
                if it.cluster:
                    seen_clusters.add((it.week, it.cluster))
            if it.outlet.key not in row["outlets"]:
                row["outlets"].append(it.outlet.key)
    for row in pair.values():
        row["outlets"].sort()
    return {
        "items": len(items),
        "relevant": sum(it.relevant for it in items),
        "not_relevant": sum(not it.relevant for it in items),
        "first": min(it.local for it in items).isoformat(),
        "last": max(it.local for it in items).isoformat(),
        "per_feed": per_feed,
        "per_week": {
            w: {
                "items": sum(it.week == w for it in items),
                "relevant": sum(it.week == w and it.relevant for it in items),
            }
            for w in weeks
        },
        "per_lang": {lang: sum(it.outlet.lang == lang for it in items) for lang in ("nl", "en")},
        "per_value": {v: sum(v in it.values for it in items) for v in VALUE_WEIGHTS},
        "per_sector": {
            s: sum(s in it.sectors for it in items)
            for s in sorted({s for it in items for s in it.sectors})
        },
        "per_kind": {
            k: sum(it.kind == k for it in items)
            for k in sorted({it.kind for it in items if it.kind})
        },
        "wire_clusters": {c["cluster"]: [v[0] for v in c["variants"]] for c in specials.WIRE},
        "planted_pair": {"sector": PLANTED[0], "value": PLANTED[1], "per_week": pair},
    }


# --------------------------------------------------------------------------- main


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def main() -> None:
    planner = Planner()
    planner.hand_written()
    planner.generic()
    rng = random.Random(SEED + 1)
    items = finalise(planner.items, rng)

    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    by_outlet = {
        o.key: sorted((it for it in items if it.outlet is o), key=lambda it: it.utc, reverse=True)
        for o in OUTLETS
    }
    for o in OUTLETS:
        feed_items = by_outlet[o.key]
        if o.fmt == "rss2":
            data = xml_bytes(rss2(o, feed_items))
        elif o.fmt == "atom":
            data = xml_bytes(atom(o, feed_items, rng), NS["atom"])
        else:
            data = xml_bytes(rdf(o, feed_items), NS["rss1"])
        write(CORPUS / "feeds" / f"{o.key}.xml", data)
        for i, it in enumerate(feed_items):
            related = (feed_items[i + 1 : i + 4] or feed_items[max(0, i - 3) : i])[:3]
            write(CORPUS / "articles" / f"{it.slug}.html", article_page(it, related))
        write(CORPUS / "sites" / f"{o.key}.html", site_page(o, feed_items))
    write(CORPUS / "index.html", index_page())
    write(CORPUS / "robots.txt", "User-agent: *\nDisallow: /private/\n")
    write(DEMO / "sources.yaml", sources_yaml())
    rows = [json.dumps(truth_row(it), ensure_ascii=False) for it in items]
    write(EXPECTED / "items.jsonl", "\n".join(rows) + "\n")
    write(
        EXPECTED / "summary.json", json.dumps(summary(items), ensure_ascii=False, indent=2) + "\n"
    )
    s = summary(items)
    print(f"{s['items']} items ({s['relevant']} relevant), {s['first']} .. {s['last']}")
    for key, n in s["per_feed"].items():
        print(f"  {key:15} {n}")


if __name__ == "__main__":
    main()
