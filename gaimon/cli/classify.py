"""Commands of the classifier."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gaimon.cli import HomeOpt, app, console, err
from gaimon.home import get_home


@app.command()
def classify(
    home: HomeOpt = None,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="Classify lines of this file instead")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output JSONL (default stdout)")] = None,
) -> None:
    """Label unclassified documents in the warehouse, or a JSONL file with --jsonl."""
    from gaimon.classify import Classifier, ClassifyInput

    if jsonl is None:
        from gaimon.signals import classify_home

        report = classify_home(get_home(home))
        console.print(f"{report.documents} document(s) classified, {report.relevant} relevant, "
                      f"{report.signals} signal(s), model {report.model_version}")
        return
    classifier = Classifier()
    sink = open(out, "w", encoding="utf-8") if out else sys.stdout
    try:
        with open(jsonl, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    item = ClassifyInput.model_validate_json(line)
                except ValueError as exc:
                    err.print(f"[red]error[/red] {jsonl}:{number}: {str(exc).splitlines()[0]}")
                    continue
                sink.write(classifier.classify(item).model_dump_json() + "\n")
    finally:
        if out:
            sink.close()


