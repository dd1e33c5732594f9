"""The classifier on real Dutch prose: the paragraphs of the Rathenau scan's chapters 2 to 4.

    python benchmarks/scan_paragraphs.py SCAN.txt [--home DIR] [--show]

The scan "Generatieve AI" (Rathenau Instituut, 2024) discusses one sector per section of
section 2.2 ("Onderwijs en wetenschap", "Gezondheidszorg", ...), one public value per section
of chapter 3 ("Privacy en dataprotectie", "Cognitieve ontwikkeling", ...) and one policy option
per section of chapter 4 ("4.1. Creëer het vermogen om schadelijke GAI-toepassingen van de markt
te halen", ...). Each paragraph of a section is taken as a text about that section's subject (a
section on two sectors: either), so the check measures, on Dutch wording nobody here wrote, how
many paragraphs pass the relevance gate and how many get their section's label. A paragraph may
also be about other labels: those are counted and shown, not scored, so this is recall, not
precision. SCAN.txt is the text of the scan's PDF, one line per printed line; the scan itself
is not part of the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from gaimon.classify.classifier import ClassifyInput
from gaimon.home import Home
from gaimon.train.training import load_or_train_classifier


@dataclass(frozen=True)
class Subject:
    dimension: str  # "sectors", "values" or "policy_options"
    labels: tuple[str, ...]  # any of them counts

    @property
    def name(self) -> str:
        return "+".join(self.labels)


def _value(label: str) -> Subject:
    return Subject("values", (label,))


def _option(label: str) -> Subject:
    return Subject("policy_options", (label,))


# Section headings and what each discusses; None ends a section without a subject of its own.
# A numbered heading may run on to the next line, so it is matched by its first words.
SECTIONS: dict[str, Subject | None] = {
    "Onderwijs en wetenschap": Subject("sectors", ("education", "science")),
    "Defensie en cybersecurity": Subject("sectors", ("defence", "cybersecurity")),
    "Arbeidsmarkt": Subject("sectors", ("labour",)),
    "Gezondheidszorg": Subject("sectors", ("healthcare",)),
    "2.3. Reflectie: de vier rollen van generatieve AI": None,
    "3.1. Veiligheid": None,
    "Privacy en dataprotectie": _value("privacy"),
    "Non-discriminatie en inclusie": _value("non_discrimination"),
    "Betrouwbaarheid": _value("reliability"),
    "3.2. Mensgerichtheid": None,
    "Cognitieve ontwikkeling": _value("cognitive"),
    "Sociale ontwikkeling": _value("social"),
    "Culturele ontwikkeling": _value("cultural"),
    "3.3. Eerlijkheid": None,
    "Eigenaarschap": _value("ownership"),
    "Duurzaamheid": _value("sustainability"),
    "Werkgelegenheid en kwaliteit van werk": _value("employment"),
    "3.4. Reflectie: GAI zet druk op democratische samenleving": _value("democratic_processes"),
    "Democratische sturing op digitale technologie": _value("democratic_steering"),
    "3.5. Conclusie": None,
    "4.1. Creëer het vermogen": _option("market_withdrawal"),
    "4.2. Zorg voor toekomstbestendige juridische kaders": _option("legal_frameworks"),
    "4.3. Investeer in internationaal AI-beleid": _option("international_policy"),
    "4.4. Stel een ambitieuze agenda op": _option("responsible_agenda"),
    "4.5. Stimuleer maatschappelijk debat": _option("public_debate"),
}
START, END = "2.2. Kansen in maatschappelijke domeinen", "4.6 Conclusie"
DIMENSIONS = ("sectors", "values", "policy_options")
MIN_CHARS = 200  # shorter pieces are captions and the tails of footnotes
# Footnotes ("92  Blodgett & Madaio, 2021"), running heads and figure captions.
NOISE = re.compile(r"^(\d{1,3}\s+\S|Generatieve AI \| \d+|Bron:|Figuur \d)")


@dataclass(frozen=True)
class Paragraph:
    subject: Subject
    text: str


def heading(line: str) -> str | None:
    for key in SECTIONS:
        if line == key or (key[0].isdigit() and line.startswith(key)):
            return key
    return None


def paragraphs(lines: list[str]) -> list[Paragraph]:
    """The paragraphs from section 2.2 to the end of chapter 4, each with the subject of the
    section it stands in."""
    start = next((i for i, line in enumerate(lines) if line.strip() == START), None)
    if start is None:
        return []
    found: list[Paragraph] = []
    subject: Subject | None = None
    block: list[str] = []

    def close() -> None:
        text = _clean(" ".join(block))
        if subject and len(text) >= MIN_CHARS:
            found.append(Paragraph(subject, text))
        block.clear()

    for line in lines[start + 1 :]:
        stripped = line.strip()
        if stripped == END:
            break
        if key := heading(stripped):
            close()
            subject = SECTIONS[key]
        elif not stripped or NOISE.match(stripped):
            close()
        else:
            block.append(stripped)
    close()
    return found


def _clean(text: str) -> str:
    text = re.sub(r"(?<=[a-z])-\s+(?=[a-z])", "", text)  # a word broken at the line end
    text = re.sub(r"(?<=[a-z.,;:’])\d{1,3}\b", "", text)  # footnote markers
    return re.sub(r"\s+", " ", text).strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scan", type=Path)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--show", action="store_true", help="print every paragraph's labels")
    args = parser.parse_args(argv)
    items = paragraphs(args.scan.read_text(encoding="utf-8").splitlines())
    if not items:
        sys.exit(f"{args.scan}: no paragraphs of sections 2.2 to 4.5 found")
    home = args.home or Path(tempfile.mkdtemp(prefix="gaimon-scan-"))
    classifier = load_or_train_classifier(Home(home))
    inputs = [
        ClassifyInput(id=f"scan-{n}", title="", text=p.text, lang="nl") for n, p in enumerate(items)
    ]
    total, passed, found, others = Counter(), Counter(), Counter(), Counter()
    for paragraph, result in zip(items, classifier.classify_many(inputs), strict=True):
        subject = paragraph.subject
        given = set(getattr(result, subject.dimension))
        hit = bool(given & set(subject.labels))
        total[subject] += 1
        passed[subject] += result.relevant
        found[subject] += hit
        others.update(f"{subject.dimension}:{g}" for g in given - set(subject.labels))
        if args.show:
            print(
                f"{'ok  ' if hit else 'miss'} {subject.name:20} {sorted(given)}"
                f" | {paragraph.text[:110]}"
            )
    for dimension in DIMENSIONS:
        subjects = [s for s in total if s.dimension == dimension]
        if not subjects:
            continue
        print(f"{dimension:26} {'paragraphs':>10} {'gate':>6} {'found':>6}")
        for s in subjects:
            print(f"  {s.name:24} {total[s]:>10} {passed[s]:>6} {found[s]:>6}")
        n = sum(total[s] for s in subjects)
        gate = sum(passed[s] for s in subjects)
        recall = sum(found[s] / total[s] for s in subjects) / len(subjects)
        print(
            f"  {'all':24} {n:>10} {gate:>6} {sum(found[s] for s in subjects):>6}"
            f"   gate {gate / n:.3f}, macro recall {recall:.3f}"
        )
    print("other labels given:", dict(others.most_common()))


if __name__ == "__main__":
    main()
