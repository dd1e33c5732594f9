"""Commands of the classifier: classify, train, eval, label."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from gaimon.cli import HomeOpt, app, console, err, table
from gaimon.cli.warehouse import published, writer
from gaimon.errors import GaimonError
from gaimon.home import Home, get_home

if TYPE_CHECKING:
    from gaimon.classify.classifier import ClassifyInput


def _log(message: str) -> None:
    err.print(f"[dim]{message}[/dim]")


@app.command()
def classify(
    home: HomeOpt = None,
    jsonl: Annotated[
        Path | None, typer.Option("--jsonl", help="Classify lines of this file instead")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output JSONL (default stdout)")] = None,
) -> None:
    """Label unclassified documents in the warehouse, or a JSONL file with --jsonl.

    Input lines: {"id", "title"?, "text"?, "lang"?} (a missing or null title or text is empty;
    a numeric id is read as text). Output lines: {"id", "lang", "relevant",
    "themes", "values", "sectors", "roles", "policy_options", "legal_frameworks", "kind",
    "scores", "evidence"}; evidence offsets point into title + newline + text. An item longer
    than 100,000 characters is classified on its start, and its line adds "read_chars". A bad
    line, or an item that cannot be classified, is reported on stderr and skipped (exit 1).
    """
    from gaimon.train.training import load_or_train_classifier

    h = get_home(home)
    if jsonl is None:
        _classify_warehouse(h)
    if not jsonl.exists():
        raise GaimonError(f"no such file: {jsonl}")
    classifier = load_or_train_classifier(h.ensure(), _log)
    errors = 0

    def report(message: str) -> None:
        nonlocal errors
        errors += 1
        err.print(f"error {message}", markup=False, highlight=False, soft_wrap=True)

    sink = open(out, "w", encoding="utf-8") if out else sys.stdout
    try:
        for result in classifier.classify_many(
            read_items(jsonl, report), on_error=lambda e: report(f"{jsonl}: {e}")
        ):
            sink.write(result.model_dump_json() + "\n")
    finally:
        if out:
            sink.close()
    raise typer.Exit(1 if errors else 0)


def _classify_warehouse(h: Home) -> None:
    """The daily run's classification steps (export, classify, store batch files), in this
    process: the command and the flows label alike."""
    from gaimon.classify import fanout
    from gaimon.ops import steps
    from gaimon.settings import load_settings
    from gaimon.train.training import load_or_train_classifier

    model = fanout.remember(load_or_train_classifier(h.ensure(), _log))
    size = load_settings(None, h).tasks["classify"].batch
    with writer(h, "gaimon classify"):
        report = steps.classify_here(h, size, model=model)
    for message in report.errors:
        err.print(f"error {message}", markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"{report.documents} document(s) classified, {report.relevant} relevant, "
        f"{report.signals} signal(s), model {report.model_version}"
        + (f"; {report.cut} too long, classified on their start" if report.cut else "")
        + (f"; {len(report.errors)} failed, left for the next run" if report.errors else "")
    )
    published(h, "gaimon classify")
    raise typer.Exit(1 if report.errors else 0)


def read_items(path: Path, report: Callable[[str], None]) -> Iterator[ClassifyInput]:
    """The valid items of a JSONL file; each bad line is reported (file:line: what is wrong) and
    skipped. Lines are decoded one by one, so bytes that are not UTF-8 cost only their line."""
    from pydantic import ValidationError

    from gaimon.classify.classifier import ClassifyInput

    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                report(f"{path}:{number}: not UTF-8 text (byte {exc.start + 1}), line skipped")
                continue
            if not line.strip():
                continue
            try:
                yield ClassifyInput.model_validate_json(line)
            except ValidationError as exc:
                report(f"{path}:{number}: {_why(exc)}, line skipped")


def _why(exc) -> str:
    """A pydantic error as `field: message` (`id: Field required`; `text: Input should be a
    valid string`)."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    message = first["msg"]
    if first["type"] == "json_invalid":
        return f"not valid JSON ({first.get('ctx', {}).get('error', message)})"
    if first["type"] == "model_type":
        return "not a JSON object"
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{where}: {message}{more}" if where else f"{message}{more}"


@app.command()
def train(
    home: HomeOpt = None,
    tune: Annotated[
        bool,
        typer.Option(
            "--tune",
            help="First refit how rules and model are combined (rewrites taxonomy/classifier.yaml)",
        ),
    ] = False,
    evaluate: Annotated[
        bool, typer.Option("--eval/--no-eval", help="Score the new model on the dev split")
    ] = True,
) -> None:
    """Train the classifier on taxonomy/train and analysts' corrections; make it the current
    model."""
    from gaimon.train.training import corrections_for_training, train_model

    h = get_home(home).ensure()
    if tune:
        from gaimon.classify.decide import load_config
        from gaimon.train.tune import tune as fit
        from gaimon.train.tune import write_config

        write_config(fit(load_config(), _log))
        console.print("combination refitted: taxonomy/classifier.yaml")
    corrections = corrections_for_training(
        h, log=lambda m: err.print(f"[yellow]warning[/yellow] {m}")
    )
    report = train_model(h, corrections, _log)
    console.print(
        f"model {report.version}: {report.items} item(s), {report.corrections} correction(s), "
        f"{report.seconds} s -> {report.path}"
    )
    if evaluate:
        from gaimon.classify.classifier import Classifier
        from gaimon.train.evaluate import evaluate_classifier
        from gaimon.train.training import dev_files, read_gold

        result = evaluate_classifier(Classifier(model_dir=report.path), read_gold(dev_files()))
        _print_summary(result)


def _macro(result, dimension: str) -> str:
    """Macro F1, with its bootstrap interval where one was computed."""
    f1 = f"{result.dimensions[dimension].macro.f1:.3f}"
    bounds = result.intervals.get(dimension)
    return f"{f1} ({bounds[0]:.2f}-{bounds[1]:.2f})" if bounds else f1


def _print_summary(result) -> None:
    if result.registers:
        from gaimon.train.registers import REGISTER_NAMES

        rows = [
            {
                "register": REGISTER_NAMES[name],
                "items": r.items,
                "relevant F1": f"{r.relevance.f1:.3f}",
                "passed": f"{r.relevance.recall:.3f}",
                **{d: f"{r.dimensions[d].macro.f1:.3f}" for d in ("themes", "values", "sectors")},
                **{
                    f"ECE {d}": f"{r.calibration.get(d, 0.0):.3f}"
                    for d in ("themes", "values", "sectors")
                },
            }
            for name, r in result.registers.items()
        ]
        console.print(
            table(
                rows,
                title="per register: macro F1 over the labels each can express; "
                "ECE = expected calibration error",
            )
        )
        rows = [
            {
                "register": REGISTER_NAMES[name],
                **{
                    d: "{:.2f}-{:.2f}".format(*r.intervals[d])
                    for d in ("themes", "values", "sectors")
                    if d in r.intervals
                },
            }
            for name, r in result.registers.items()
        ]
        if any(len(row) > 1 for row in rows):
            console.print(
                table(rows, title="per register: 90 % bootstrap interval of the macro F1")
            )
    rows = [
        {
            "dimension": "relevant",
            "macro F1": f"{result.relevance.f1:.3f}",
            "micro F1": f"{result.relevance.f1:.3f}",
            "precision": f"{result.relevance.precision:.3f}",
            "recall": f"{result.relevance.recall:.3f}",
        }
    ]
    for dimension, s in result.dimensions.items():
        rows.append(
            {
                "dimension": dimension,
                "macro F1": _macro(result, dimension),
                "micro F1": f"{s.micro.f1:.3f}",
                "precision": f"{s.micro.precision:.3f}",
                "recall": f"{s.micro.recall:.3f}",
            }
        )
    console.print(table(rows, title=f"{result.items} item(s), model {result.model_version}"))


@app.command(name="eval")
def eval_(
    gold: Annotated[
        list[Path] | None, typer.Argument(help="Gold JSONL files (default: the dev split)")
    ] = None,
    home: HomeOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON")] = False,
    rules: Annotated[
        bool, typer.Option("--rules", help="Score the lexicon alone, without the model")
    ] = False,
) -> None:
    """Precision, recall and F1 per label, macro and micro per dimension, against gold labels;
    per register (news leads, real headlines, real risk descriptions) and with the calibration
    error of the scores."""
    from gaimon.classify.classifier import Classifier
    from gaimon.train.evaluate import evaluate_classifier
    from gaimon.train.training import GoldError, dev_files, load_or_train_classifier, read_gold

    paths = gold or dev_files()
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        err.print(f"[red]error[/red] no such file: {missing[0]}")
        raise typer.Exit(2)
    classifier = Classifier() if rules else load_or_train_classifier(get_home(home).ensure(), _log)
    try:
        result = evaluate_classifier(classifier, read_gold(paths))
    except GoldError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(json.dumps(result.model_dump(), indent=2) + "\n")
        return
    for dimension, s in result.dimensions.items():
        rows = [
            {
                "label": label,
                "precision": f"{v.precision:.3f}",
                "recall": f"{v.recall:.3f}",
                "F1": f"{v.f1:.3f}",
                "support": v.support,
            }
            for label, v in s.labels.items()
        ]
        rows.append(
            {
                "label": "macro",
                "precision": f"{s.macro.precision:.3f}",
                "recall": f"{s.macro.recall:.3f}",
                "F1": f"{s.macro.f1:.3f}",
                "support": s.macro.support,
            }
        )
        rows.append(
            {
                "label": "micro",
                "precision": f"{s.micro.precision:.3f}",
                "recall": f"{s.micro.recall:.3f}",
                "F1": f"{s.micro.f1:.3f}",
                "support": s.micro.support,
            }
        )
        console.print(table(rows, title=dimension))
    _print_summary(result)


@app.command()
def label(
    doc_id: Annotated[str | None, typer.Argument(help="Document id (documents.doc_id)")] = None,
    add: Annotated[
        list[str] | None, typer.Option("--add", help="Label to add, e.g. values:privacy")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="Label to remove, e.g. sectors:media")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Analyst (default: the login name)")
    ] = None,
    uncertain: Annotated[
        bool,
        typer.Option(
            "--uncertain",
            help="List the week's documents the classifier was least sure of, to correct first",
        ),
    ] = False,
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help="With --uncertain: ISO week, e.g. 2026-W47 (default: the latest classified)",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="With --uncertain: how many documents")
    ] = 20,
    home: HomeOpt = None,
) -> None:
    """Correct a document's labels; corrections survive re-labelling and train the next model.

    `relevant:ai` says whether the document is about AI at all (--remove relevant:ai: it is not).
    Without --add or --remove, shows the document's labels and corrections. With --uncertain,
    lists the documents whose corrections would help the model most.
    """
    from gaimon import warehouse
    from gaimon.classify.correct import record, stored_classification

    h = get_home(home)
    if not h.warehouse.exists():
        raise GaimonError(f"no warehouse at {h.warehouse}: run `gaimon init` first")
    if uncertain:
        _least_sure(h, week, limit)
        return
    if doc_id is None:
        raise GaimonError(
            "give a document id, or --uncertain to list the documents to correct first"
        )
    with writer(h, "gaimon label"), warehouse.open_warehouse(h.warehouse) as con:
        if add or remove:
            done = record(con, doc_id, add or [], remove or [], by, note)
            console.print(f"{doc_id}: " + ", ".join(f"{c.action} {c.key}" for c in done))
        result, version = stored_classification(con, doc_id)
        corrections = warehouse.query(con, "queries/labels_of_document", {"doc_id": doc_id})
    if add or remove:
        published(h, "gaimon label")
    rows = [
        {"dimension": d, "labels": ", ".join(getattr(result, d)) or "-"}
        for d in ("themes", "values", "sectors", "roles", "policy_options", "legal_frameworks")
    ]
    rows.append({"dimension": "kind", "labels": result.kind if version else "-"})
    console.print(
        table(rows, title=f"{doc_id}: relevant={result.relevant}, model {version or 'none yet'}")
    )
    if corrections:
        console.print(
            table(
                [{k: str(v) for k, v in c.items() if k != "doc_id"} for c in corrections],
                title="corrections",
            )
        )


def _least_sure(h, week: str | None, limit: int) -> None:
    from gaimon import warehouse
    from gaimon.classify.labels import least_sure

    with warehouse.open_warehouse(h.warehouse, read_only=True) as con:
        rows = least_sure(con, week, limit)
    if not rows:
        console.print(f"no classified documents left to review in {week or 'the latest week'}")
        return
    # Plain lines, not a table: document ids must survive a narrow terminal whole, to be copied.
    console.print(
        f"{rows[0]['week']}: the {len(rows)} document(s) the classifier was least sure of, "
        "closest call first",
        soft_wrap=True,
    )
    width = max(len(r["closest_call"]) for r in rows)
    for r in rows:
        verdict = "given" if r["margin"] >= 0 else "not given"
        console.print(
            f"{r['doc_id']}  {r['closest_call']:<{width}}  {verdict:<9}  {r['margin']:+.3f}  "
            f"{_short(r['title'] or '', 70)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        "Correct one with `gaimon label DOC_ID --add LABEL` or `--remove LABEL`; "
        "`gaimon train` learns from the corrections.",
        soft_wrap=True,
    )


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
