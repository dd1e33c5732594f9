"""A small warehouse for digest tests: twelve weeks of quiet background and, in 2026-W47, a
planted burst of stories about chatbots giving patients wrong advice (healthcare, reliability),
plus a legislative step, an enforcement action, research, a general item and a hostile item."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta

from gaimon import warehouse
from gaimon.detect.alerts import detect
from gaimon.home import Home

WEEK = "2026-W47"
MONDAY = date(2026, 11, 16)
HOSTILE_TITLE = (
    '<script>document.title="pwned"</script>'
    "<img src=x onerror=\"document.title='pwned'\"> Zorgbot misleidt patiënten"
)
HOSTILE_URL = "javascript:document.title='pwned'"

SOURCES = [
    ("zorgnieuws", "rss", "nl", ["news", "nl"], "Dutch healthcare news"),
    ("nos_tech", "rss", "nl", ["news", "nl"], "NOS technology news"),
    ("techpolicy", "rss", "en", ["news"], "Tech policy news in English"),
    ("tweakers", "rss", "nl", ["news", "nl"], "Tweakers"),
    ("ap", "html_list", "nl", ["nl", "regulator"], "Autoriteit Persoonsgegevens"),
    ("eurlex", "eurlex_sparql", "en", ["eu", "legislation"], "EUR-Lex"),
    ("tk", "tk_odata", "nl", ["nl", "parliament"], "Tweede Kamer"),
    ("arxiv", "rss", "en", ["research"], "arXiv"),
]


def _doc(
    key,
    source,
    day,
    title,
    text,
    values=(),
    sectors=(),
    kind="debate",
    terms=(),
    cluster=None,
    options=(),
    identifiers=None,
    url=None,
    lang="nl",
    author=None,
):
    return dict(
        key=key,
        source=source,
        day=day,
        title=title,
        text=text,
        values=values,
        sectors=sectors,
        kind=kind,
        terms=terms,
        cluster=cluster,
        options=options,
        identifiers=identifiers or {},
        url=url,
        lang=lang,
        author=author,
    )


def background() -> list[dict]:
    """Steady lines: education, media and public-sector stories every week, labour every other."""
    docs = []
    for back in range(11, -1, -1):
        day = MONDAY - timedelta(weeks=back) + timedelta(days=1)
        docs.append(
            _doc(
                f"edu-{back}",
                "nos_tech",
                day,
                f"Scholen zoeken grip op AI, aflevering {back}",
                "Docenten merken dat leerlingen kritisch denken overslaan met een chatbot.",
                values=["cognitive"],
                sectors=["education"],
                terms=["kritisch denken"],
            )
        )
        docs.append(
            _doc(
                f"media-{back}",
                "nos_tech",
                day,
                f"Redacties en nepnieuws, deel {back}",
                "De redactie ziet AI-desinformatie rond de verkiezingen toenemen.",
                values=["democratic_processes"],
                sectors=["media"],
                terms=["verkiezingen"],
            )
        )
        docs.append(
            _doc(
                f"gov-{back}",
                "tweakers",
                day,
                f"Gemeenten en chatbots, deel {back}",
                "Gemeenten gebruiken een chatbot die persoonsgegevens van inwoners verwerkt.",
                values=["privacy"],
                sectors=["public_sector"],
                terms=["persoonsgegevens"],
            )
        )
        if back % 2 == 0:
            docs.append(
                _doc(
                    f"lab-{back}",
                    "techpolicy",
                    day + timedelta(days=1),
                    f"Workers and AI, part {back}",
                    "Unions say employers replace jobs with generative AI tools.",
                    values=["employment"],
                    sectors=["labour"],
                    terms=["jobs"],
                    lang="en",
                )
            )
    # One earlier healthcare story about reliability, so the burst has a baseline below 0.5.
    docs.append(
        _doc(
            "zorg-old",
            "zorgnieuws",
            MONDAY - timedelta(weeks=6),
            "Huisarts test chatbot",
            "Een huisarts vond een hallucinatie in het advies van een chatbot.",
            values=["reliability"],
            sectors=["healthcare"],
            terms=["hallucinatie"],
        )
    )
    return docs


def burst() -> list[dict]:
    day = MONDAY + timedelta(days=2)
    return [
        _doc(
            "burst-1",
            "zorgnieuws",
            day,
            "Chatbot van ziekenhuis gaf patiënten onjuist advies",
            "Het ziekenhuis zette een chatbot in voor vragen over medicijnen. Patiënten kregen "
            "daarbij onjuist advies over doseringen, zo blijkt uit klachten. De chatbot is "
            "offline.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="incident",
            terms=["onjuist advies"],
            cluster="c-burst-1",
            options=["market_withdrawal"],
        ),
        _doc(
            "burst-1b",
            "nos_tech",
            day,
            "Ziekenhuischatbot gaf patiënten onjuist advies",
            "Patiënten kregen onjuist advies van een chatbot van het ziekenhuis.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="incident",
            terms=["onjuist advies"],
            cluster="c-burst-1",
        ),
        _doc(
            "burst-2",
            "techpolicy",
            day + timedelta(days=1),
            "Medical chatbot hallucination worries doctors",
            "Doctors in three hospitals reported that the assistant produced a hallucination about "
            "drug "
            "interactions. Patients were not harmed.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="incident",
            terms=["hallucination"],
            lang="en",
        ),
        _doc(
            "burst-3",
            "nos_tech",
            day + timedelta(days=2),
            "Artsen waarschuwen voor AI-huisarts",
            "Artsen zien dat patiënten een taalmodel om medisch advies vragen. Volgens hen is het "
            "risico op "
            "fout advies groot.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="debate",
            terms=["fout advies"],
        ),
        _doc(
            "burst-4",
            "zorgnieuws",
            day + timedelta(days=2),
            "Apotheker vangt fout chatbotadvies op",
            "Een apotheker zag dat een chatbot fout advies gaf over een combinatie van medicijnen.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="incident",
            terms=["fout advies"],
            cluster="c-burst-4",
        ),
        _doc(
            "burst-hostile",
            "tweakers",
            day + timedelta(days=3),
            HOSTILE_TITLE,
            'Patiënten kregen onjuist advies <script>document.title="pwned"</script> van een '
            "zorgbot.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="incident",
            terms=["onjuist advies"],
            url=HOSTILE_URL,
        ),
    ]


def week_items() -> list[dict]:
    day = MONDAY + timedelta(days=3)
    return [
        _doc(
            "law-eu",
            "eurlex",
            day,
            "AI Act: Council adopts position on general-purpose AI models",
            "The Council adopted its position on the regulation of general-purpose AI models.",
            values=["democratic_steering"],
            kind="legislation",
            terms=["regulation"],
            identifiers={
                "procedure": "2021/0106(COD)",
                "event": "Council general approach",
                "stage": "Council position",
            },
            lang="en",
        ),
        _doc(
            "law-nl",
            "tk",
            day,
            "Motie over AI in de zorg aangenomen",
            "De Kamer nam een motie aan over het gebruik van AI in ziekenhuizen.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="legislation",
            terms=["motie"],
            identifiers={"tk_zaak": "2026Z12345", "event": "Motie aangenomen", "stage": "Stemming"},
        ),
        _doc(
            "ap-probe",
            "ap",
            day,
            "AP onderzoekt chatbot die patiëntgegevens bewaart",
            "De Autoriteit Persoonsgegevens start een onderzoek naar een chatbot die "
            "persoonsgegevens van "
            "patiënten bewaart.",
            values=["privacy"],
            sectors=["healthcare"],
            kind="enforcement",
            terms=["persoonsgegevens"],
            author="Autoriteit Persoonsgegevens",
        ),
        _doc(
            "study",
            "arxiv",
            day,
            "Study: students who use chatbots score lower on critical thinking",
            "A study of 2,000 students finds lower critical thinking scores.",
            values=["cognitive"],
            sectors=["education"],
            kind="research",
            terms=["critical thinking"],
            lang="en",
        ),
        _doc(
            "general",
            "techpolicy",
            day,
            "Big tech tightens its grip on AI infrastructure",
            "Market power of big tech in AI grows, says the report.",
            values=["democratic_steering"],
            kind="market",
            terms=["market power"],
            lang="en",
        ),
    ]


# A title as long as a hostile feed makes it, and direction controls that would make a title,
# a regulator's name and an evidence sentence read backwards or hide part of them.
LONG_TITLE = " ".join(["Onderzoek naar chatbots in ziekenhuizen"] * 2500)  # 100,000 characters
BIDI = "\u202e\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069"
BIDI_TITLE = f"AP beboet zorgbot\u202e{BIDI}gnidrawhcs\u202c om misleiding"


def hostile_items() -> list[dict]:
    """A research item with a 100,000-character title and an enforcement action full of
    direction controls, in the planted week."""
    day = MONDAY + timedelta(days=4)
    return [
        _doc(
            "long-title",
            "arxiv",
            day,
            LONG_TITLE,
            "A study of chatbots in hospitals.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="research",
            terms=["chatbots"],
            lang="en",
        ),
        _doc(
            "bidi",
            "ap",
            day,
            BIDI_TITLE,
            f"De toezichthouder beboet een zorgbot{BIDI} wegens misleiding van patiënten.",
            values=["reliability"],
            sectors=["healthcare"],
            kind="enforcement",
            terms=["misleiding"],
            author=f"Autoriteit\u202e Persoonsgegevens{BIDI}",
        ),
    ]


def misdated_item() -> dict:
    """A relevant item whose feed gave a date in the far future."""
    return _doc(
        "future",
        "techpolicy",
        date(2099, 1, 6),
        "AI in 2099",
        "A feed with a wrong date.",
        values=["reliability"],
        sectors=["healthcare"],
        terms=["AI"],
        lang="en",
    )


def _evidence(title: str, text: str, terms) -> str:
    body = f"{title}\n{text}"
    spans = []
    for term in terms:
        at = body.lower().find(term.lower(), len(title) + 1)
        if at < 0:
            at = body.lower().find(term.lower())
        if at >= 0:
            spans.append({"text": body[at : at + len(term)], "start": at, "end": at + len(term)})
    return json.dumps(spans, ensure_ascii=False)


def insert(con, docs: list[dict]) -> None:
    now = datetime(2026, 11, 23, 6, 0)
    for d in docs:
        url = f"https://{d['source']}.example/{d['key']}"
        doc_id = hashlib.sha1(url.encode()).hexdigest()[:16]
        published = datetime.combine(d["day"], datetime.min.time()) + timedelta(hours=9)
        con.execute(
            "INSERT INTO documents (doc_id, canonical_url, source, url, title, text, published_at, "
            "lang, "
            "author, identifiers, content_hash, fetched_at, first_seen_at, updated_at, cluster_id, "
            "relevant, "
            "model_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true, 'test')",
            [
                doc_id,
                url,
                d["source"],
                d["url"] or url,
                d["title"],
                d["text"],
                published,
                d["lang"],
                d["author"],
                json.dumps(d["identifiers"]),
                hashlib.sha256(d["text"].encode()).hexdigest(),
                now,
                now,
                now,
                d["cluster"],
            ],
        )
        evidence = _evidence(d["title"], d["text"], d["terms"])
        rows = [("values", v, evidence) for v in d["values"]] + [
            ("sectors", s, "[]") for s in d["sectors"]
        ]
        rows += [("kind", d["kind"], "[]")] + [("policy_options", o, "[]") for o in d["options"]]
        for dimension, label, spans in rows:
            con.execute(
                "INSERT INTO signals (doc_id, dimension, label, score, model_version, evidence, "
                "classified_at) VALUES (?, ?, ?, 0.8, 'test', ?, ?)",
                [doc_id, dimension, label, spans, now],
            )


def doc_id(source: str, key: str) -> str:
    return hashlib.sha1(f"https://{source}.example/{key}".encode()).hexdigest()[:16]


def plant(home: Home, extra: list[dict] | None = None) -> str:
    """Fill the home's (migrated) warehouse, with `extra` documents besides the world's;
    returns the week of the burst."""
    with warehouse.open_warehouse(home.warehouse) as con:
        for name, kind, lang, tags, description in SOURCES:
            con.execute(
                "INSERT INTO sources (name, kind, url, lang, tags, description) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [name, kind, f"https://{name}.example/feed", lang, tags, description],
            )
        insert(con, background() + burst() + week_items() + (extra or []))
        detect(con)
    return WEEK
