"""Classification split into files, so that other processes or machines can do the work
while one process writes the warehouse (DuckDB allows one writer).

1. The writer picks the model (training it first if the home has none that fits), and exports
   the documents to classify as batch files, with the analysts' relevance decisions.
2. Workers classify one batch file each into a result file with that very model; they never
   open the warehouse.
3. The writer stores each result file (analysts' label corrections are applied there).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from gaimon import warehouse
from gaimon.classify.classifier import Classification, Classifier, ClassifyInput
from gaimon.classify.labels import corrections_by_doc, forced_relevance
from gaimon.classify.signals import store
from gaimon.home import Home

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Model:
    """Which model a run classifies with: workers load it from `model_dir` (None: rules only)."""

    version: str
    model_dir: str | None


@dataclass
class BatchResult:
    results: Path
    version: str
    documents: int
    relevant: int
    cut: int = 0  # documents classified on their start only
    errors: list[str] = field(
        default_factory=list
    )  # one line per document that failed (left for the next run)


def work_dir(home: Home, run_id: str) -> Path:
    """Where a run keeps its batch files: inside the home, which all workers must share."""
    return home.root / "runs" / run_id / "classify"


def remember(classifier: Classifier) -> Model:
    """Keep a loaded classifier for this process's batches and name its model for the others."""
    model_dir = str(classifier.model_dir) if classifier.model_dir else None
    _classifiers[model_dir] = classifier
    return Model(classifier.version, model_dir)


# One classifier per process and model: loading the spaCy pipelines is the slow part, and two
# threads of one Dask worker should not both do it.
_classifiers: dict[str | None, Classifier] = {}
_loading = threading.Lock()


def _classifier(model_dir: str | None) -> Classifier:
    with _loading:
        if model_dir not in _classifiers:
            _classifiers[model_dir] = Classifier(model_dir=model_dir)
        return _classifiers[model_dir]


def _write_atomic(path: Path, lines: list[str]) -> None:
    """A killed worker leaves a .tmp file, never half a result file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    os.replace(tmp, path)


def export(
    con: duckdb.DuckDBPyConnection, version: str, folder: Path, size: int, everything: bool = False
) -> list[Path]:
    """Write the documents to classify (all of them with `everything`) as batch files."""
    folder.mkdir(parents=True, exist_ok=True)
    if everything:
        cursor = con.execute(warehouse.sql("queries/fanout_all_documents"))
    else:
        cursor = con.execute(
            warehouse.sql("queries/documents_to_classify"), {"model_version": version}
        )
    rows = cursor.fetchall()
    paths = []
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        corrections = corrections_by_doc(
            con, "queries/labels_for_ids", {"ids": [r[0] for r in chunk]}
        )
        path = folder / f"batch-{len(paths):05d}.jsonl"
        _write_atomic(
            path,
            [
                ClassifyInput(
                    id=d,
                    title=t or "",
                    text=x or "",
                    lang=lang,
                    relevant=forced_relevance(corrections.get(d, [])),
                ).model_dump_json()
                for d, t, x, lang in chunk
            ],
        )
        paths.append(path)
    return paths


def classify_file(batch: Path, model: Model) -> BatchResult:
    """Classify one batch file into `<batch>.out.jsonl` with the writer's model."""
    classifier = _classifier(model.model_dir)
    with open(batch, encoding="utf-8") as fh:
        inputs = [ClassifyInput.model_validate_json(line) for line in fh if line.strip()]
    errors: list[str] = []

    def failed(error: Exception) -> None:
        errors.append(f"{batch.name}: {error}")
        log.warning("%s: %s", batch.name, error)

    results = list(classifier.classify_many(inputs, on_error=failed))
    out = batch.with_name(batch.stem + ".out.jsonl")
    # The closest call is no part of the output contract, but the writer stores it.
    _write_atomic(
        out,
        [
            json.dumps(
                {
                    "version": classifier.version,
                    **r.model_dump(),
                    "closest_call": r.closest_call,
                    "margin": r.margin,
                },
                ensure_ascii=False,
            )
            for r in results
        ],
    )
    return BatchResult(
        out,
        classifier.version,
        len(results),
        sum(r.relevant for r in results),
        sum(r.read_chars is not None for r in results),
        errors,
    )


def store_file(con: duckdb.DuckDBPyConnection, result: BatchResult, model: Model) -> int:
    """Store one result file; refuse results of another model than the writer's."""
    if result.version != model.version:
        raise ValueError(
            f"{result.results}: classified by model {result.version}, the writer "
            f"uses {model.version}: workers run other code or see another model"
        )
    with open(result.results, encoding="utf-8") as fh:
        results = [
            Classification.model_validate(
                {k: v for k, v in json.loads(line).items() if k != "version"}
            )
            for line in fh
            if line.strip()
        ]
    return store(con, results, model.version, _classifier(model.model_dir).theme_of)
