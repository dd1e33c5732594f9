"""Classification split into files, so that other processes or machines can do the work
while one process writes the warehouse (DuckDB allows one writer).

1. The writer exports documents to classify as batch files (`export`).
2. Workers classify one batch file each into a result file (`classify_file`); they never
   open the warehouse.
3. The writer stores each result file (`store_file`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from gaimon import warehouse
from gaimon.classify import Classification, Classifier, ClassifyInput
from gaimon.home import Home
from gaimon.signals import store


@dataclass
class BatchResult:
    results: Path
    version: str
    documents: int
    relevant: int


def work_dir(home: Home, run_id: str) -> Path:
    """Where a run keeps its batch files: inside the home, which all workers must share."""
    return home.root / "runs" / run_id / "classify"


@cache
def classifier_for(home_root: str) -> Classifier:
    """One classifier per process: building it (taxonomy, spaCy pipelines) is the slow part."""
    return Classifier()


def model_version(home: Home) -> str:
    return classifier_for(str(home.root)).version


def _write_atomic(path: Path, lines: list[str]) -> None:
    """A killed worker leaves a .tmp file, never half a result file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    os.replace(tmp, path)


def export(con: duckdb.DuckDBPyConnection, version: str, folder: Path, size: int,
           everything: bool = False) -> list[Path]:
    """Write the documents to classify (all of them with `everything`) as batch files."""
    folder.mkdir(parents=True, exist_ok=True)
    if everything:
        cursor = con.execute(warehouse.sql("queries/fanout_all_documents"))
    else:
        cursor = con.execute(warehouse.sql("queries/documents_to_classify"), {"model_version": version})
    paths = []
    while rows := cursor.fetchmany(size):
        path = folder / f"batch-{len(paths):05d}.jsonl"
        _write_atomic(path, [ClassifyInput(id=d, title=t or "", text=x or "", lang=lang).model_dump_json()
                             for d, t, x, lang in rows])
        paths.append(path)
    return paths


def classify_file(batch: Path, home: Home) -> BatchResult:
    """Classify one batch file into `<batch>.out.jsonl`."""
    classifier = classifier_for(str(home.root))
    with open(batch, encoding="utf-8") as fh:
        inputs = [ClassifyInput.model_validate_json(line) for line in fh if line.strip()]
    results = list(classifier.classify_many(inputs))
    out = batch.with_name(batch.stem + ".out.jsonl")
    _write_atomic(out, [json.dumps({"version": classifier.version, **r.model_dump()}, ensure_ascii=False)
                        for r in results])
    return BatchResult(out, classifier.version, len(results), sum(r.relevant for r in results))


def store_file(con: duckdb.DuckDBPyConnection, result: BatchResult, expected_version: str) -> int:
    """Store one result file; refuse results of another model than the writer's."""
    if result.version != expected_version:
        raise ValueError(f"{result.results}: classified by model {result.version}, "
                         f"the warehouse expects {expected_version}: workers run other code")
    with open(result.results, encoding="utf-8") as fh:
        results = [Classification.model_validate({k: v for k, v in json.loads(line).items() if k != "version"})
                   for line in fh if line.strip()]
    return store(con, results, result.version)
