"""The classifier on real Dutch prose: the paragraphs of the Rathenau scan's chapter 3.

    python benchmarks/scan_paragraphs.py SCAN.txt [--home DIR] [--show]

Chapter 3 of the scan "Generatieve AI" (Rathenau Instituut, 2024) discusses one public value per
section ("Privacy en dataprotectie", "Cognitieve ontwikkeling", ...). Each paragraph of a section
is taken as a text about that section's value, so the check measures, on Dutch wording nobody
here wrote, how many paragraphs pass the relevance gate and how many get their section's value.
A paragraph may also be about other values: those are counted and shown, not scored, so this is
recall, not precision. SCAN.txt is the text of the scan's PDF, one line per printed line; the scan
itself is not part of the repository.
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

# Section headings of chapter 3 and the value each discusses; None ends a value's section.
SECTIONS: dict[str, str | None] = {
    "Privacy en dataprotectie": "privacy",
    "Non-discriminatie en inclusie": "non_discrimination",
    "Betrouwbaarheid": "reliability",
    "3.2. Mensgerichtheid": None,
    "Cognitieve ontwikkeling": "cognitive",
    "Sociale ontwikkeling": "social",
    "Culturele ontwikkeling": "cultural",
    "3.3. Eerlijkheid": None,
    "Eigenaarschap": "ownership",
    "Duurzaamheid": "sustainability",
    "Werkgelegenheid en kwaliteit van werk": "employment",
    "3.4. Reflectie: GAI zet druk op democratische samenleving": "democratic_processes",
    "Democratische sturing op digitale technologie": "democratic_steering",
}
START, END = "3.1. Veiligheid", "3.5. Conclusie"
MIN_CHARS = 200  # shorter pieces are captions and the tails of footnotes
# Footnotes ("92  Blodgett & Madaio, 2021"), running heads and figure captions.
NOISE = re.compile(r"^(\d{1,3}\s+\S|Generatieve AI \| \d+|Bron:|Figuur \d)")


@dataclass(frozen=True)
class Paragraph:
    value: str
    text: str


def paragraphs(lines: list[str]) -> list[Paragraph]:
    """Chapter 3's paragraphs, each with the value of the section it stands in."""
    start = next(i for i, line in enumerate(lines) if line.strip() == START)
    found: list[Paragraph] = []
    value: str | None = None
    block: list[str] = []

    def close() -> None:
        text = _clean(" ".join(block))
        if value and len(text) >= MIN_CHARS:
            found.append(Paragraph(value, text))
        block.clear()

    for line in lines[start + 1 :]:
        stripped = line.strip()
        if stripped == END:
            break
        if stripped in SECTIONS:
            close()
            value = SECTIONS[stripped]
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
        sys.exit(f"{args.scan}: no paragraphs of chapter 3 found")
    home = args.home or Path(tempfile.mkdtemp(prefix="gaimon-scan-"))
    classifier = load_or_train_classifier(Home(home))
    inputs = [
        ClassifyInput(id=f"scan-{n}", title="", text=p.text, lang="nl") for n, p in enumerate(items)
    ]
    total, passed, found, others = Counter(), Counter(), Counter(), Counter()
    for paragraph, result in zip(items, classifier.classify_many(inputs), strict=True):
        value = paragraph.value
        total[value] += 1
        passed[value] += result.relevant
        found[value] += value in result.values
        others.update(v for v in result.values if v != value)
        if args.show:
            mark = "ok  " if value in result.values else "miss"
            print(f"{mark} {value:20} {result.values} | {paragraph.text[:120]}")
    print(f"{'value':22} {'paragraphs':>10} {'gate':>6} {'found':>6}")
    for value in total:
        print(f"{value:22} {total[value]:>10} {passed[value]:>6} {found[value]:>6}")
    n = sum(total.values())
    recall = sum(found[v] / total[v] for v in total) / len(total)
    print(f"{'all':22} {n:>10} {sum(passed.values()):>6} {sum(found.values()):>6}")
    print(f"gate {sum(passed.values()) / n:.3f}, macro recall of the section's value {recall:.3f}")
    print("other values given:", dict(others.most_common()))


if __name__ == "__main__":
    main()
