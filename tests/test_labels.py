"""Analysts' corrections: stored, applied at once, kept when documents are labelled again, and used
by the next training run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from classifier_world import classifier, classify_with, stage_articles, trained_home  # noqa: F401

from gaimon import warehouse
from gaimon.classify.classifier import Classifier
from gaimon.crawl.normalize import canonical_url, document_id
from gaimon.home import Home
from gaimon.load.loader import load_staged
from gaimon.train.training import corrections_for_training

GAIMON = str(Path(sys.executable).with_name("gaimon"))
ARTICLES = {
    "chatbot": (
        "Gemeente zet AI-chatbot in voor vragen over uitkeringen",
        "De gemeente Utrecht laat inwoners voortaan vragen over bijstand stellen aan een chatbot "
        "op basis van ChatGPT. Journalisten van de lokale krant ontdekten dat de chatbot "
        "soms verzonnen regels noemde.",
    ),
    "weather": ("Storm raast over de kust", "Het KNMI gaf code oranje af voor de kustprovincies."),
}


def url(name: str) -> str:
    return f"https://news.example/{name}"


def staged_home(tmp_path: Path, articles: dict[str, tuple[str, str]]) -> tuple[Home, Path]:
    """A fresh warehouse and a staging file of the articles, loaded."""
    home = Home(tmp_path / "home").ensure()
    warehouse.init(home.warehouse)
    staged = stage_articles(
        tmp_path / "fixture.jsonl", {url(name): article for name, article in articles.items()}
    )
    with warehouse.open_warehouse(home.warehouse) as con:
        load_staged(con, [staged])
    return home, staged


@pytest.fixture
def labelled_home(tmp_path: Path) -> Home:
    """A fresh warehouse with two loaded documents."""
    return staged_home(tmp_path, ARTICLES)[0]


def doc(name: str) -> str:
    return document_id(canonical_url(url(name)))


def signals(home: Home, doc_id: str) -> dict[str, tuple[str, str]]:
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        rows = con.execute(
            "SELECT dimension, label, origin, model_version FROM signals WHERE doc_id = ?", [doc_id]
        ).fetchall()
    return {f"{d}:{lb}": (origin, version) for d, lb, origin, version in rows}


def gaimon(home: Home, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GAIMON_HOME=str(home.root))
    return subprocess.run([GAIMON, *args], env=env, capture_output=True, text=True, timeout=600)


def test_corrections_apply_at_once_and_survive_relabelling(labelled_home: Home, classifier):  # noqa: F811
    classify_with(labelled_home, classifier)
    before = signals(labelled_home, doc("chatbot"))
    assert "sectors:public_sector" in before and "values:privacy" not in before
    removed = next(k for k in before if k.startswith("sectors:"))

    done = gaimon(
        labelled_home,
        "label",
        doc("chatbot"),
        "--add",
        "values:privacy",
        "--remove",
        removed,
        "--note",
        "gaat over persoonsgegevens",
    )
    assert done.returncode == 0, done.stderr
    after = signals(labelled_home, doc("chatbot"))
    assert after["values:privacy"][0] == "analyst" and "themes:safety" in after
    assert removed not in after

    # A new model version labels everything again: the corrections still hold.
    report = classify_with(labelled_home, Classifier())
    with warehouse.open_warehouse(labelled_home.warehouse) as con:
        stored = con.execute(
            "SELECT count(*) FROM labels WHERE doc_id = ?", [doc("chatbot")]
        ).fetchone()[0]
    again = signals(labelled_home, doc("chatbot"))
    assert report.documents == 2 and stored == 2
    assert again["values:privacy"] == ("analyst", report.model_version)
    assert removed not in again


def test_relevance_can_be_corrected_both_ways(labelled_home: Home, classifier):  # noqa: F811
    classify_with(labelled_home, classifier)
    assert signals(labelled_home, doc("weather")) == {}
    assert gaimon(labelled_home, "label", doc("chatbot"), "--remove", "relevant:ai").returncode == 0
    assert (
        gaimon(labelled_home, "label", doc("weather"), "--add", "values:sustainability").returncode
        == 0
    )
    with warehouse.open_warehouse(labelled_home.warehouse) as con:
        relevant = dict(con.execute("SELECT doc_id, relevant FROM documents").fetchall())
    classify_with(labelled_home, classifier)
    with warehouse.open_warehouse(labelled_home.warehouse) as con:
        relevant_after = dict(con.execute("SELECT doc_id, relevant FROM documents").fetchall())
    assert relevant == relevant_after == {doc("chatbot"): False, doc("weather"): True}
    assert signals(labelled_home, doc("chatbot")) == {}
    assert "values:sustainability" in signals(labelled_home, doc("weather"))


def test_classifying_again_with_the_same_model_changes_nothing(
    labelled_home: Home,
    classifier,  # noqa: F811
):
    first = classify_with(labelled_home, classifier)
    stored = signals(labelled_home, doc("chatbot"))
    again = classify_with(labelled_home, classifier)

    assert (first.documents, first.relevant, first.model_version) == (2, 1, classifier.version)
    assert first.signals == len(stored) > 0
    assert (again.documents, again.signals) == (0, 0)
    assert signals(labelled_home, doc("chatbot")) == stored
    assert not any(labelled_home.runs.glob("*"))  # no batch files left behind


def test_a_wrong_label_or_document_is_refused(labelled_home: Home):
    done = gaimon(labelled_home, "label", doc("chatbot"), "--add", "values:happiness")
    assert done.returncode == 2 and "happiness" in done.stderr
    done = gaimon(labelled_home, "label", "0000000000000000", "--add", "values:privacy")
    assert done.returncode == 2 and "no document" in done.stderr


def test_corrections_become_training_data(labelled_home: Home, classifier):  # noqa: F811
    classify_with(labelled_home, classifier)
    gaimon(
        labelled_home, "label", doc("chatbot"), "--add", "values:privacy", "--add", "kind:incident"
    )
    [item] = corrections_for_training(labelled_home)
    assert (
        item.lang == "nl" and item.relevant and "privacy" in item.values and item.kind == "incident"
    )
    assert "Utrecht" in item.text


def test_signal_rows_keep_model_version_score_and_evidence(labelled_home: Home, classifier):  # noqa: F811
    classify_with(labelled_home, classifier)
    with warehouse.open_warehouse(labelled_home.warehouse) as con:
        rows = con.execute(
            "SELECT s.dimension, s.label, s.score, s.model_version, json_type(s.evidence), "
            "s.evidence, "
            "d.title || chr(10) || d.text FROM signals s JOIN documents d USING (doc_id) WHERE "
            "doc_id = ?",
            [doc("chatbot")],
        ).fetchall()
    assert rows
    for _dimension, _label, score, version, kind, evidence, body in rows:
        assert version == classifier.version and 0.0 <= score <= 1.0 and kind == "ARRAY"
        for span in json.loads(evidence):
            assert body[span["start"] : span["end"]] == span["text"]
    # Every label given to the item shows the words that earned it.
    assert all(
        json.loads(e) for d, _, _, _, _, e, _ in rows if d in ("themes", "values", "sectors")
    )


@pytest.mark.xfail(
    strict=True,
    reason="known weak spot: the Dutch model, sure of itself, still "
    "outweighs a clear term it has seen in training (docs/classification.md)",
)
def test_a_clear_term_the_model_has_seen_keeps_its_value(labelled_home: Home, classifier):  # noqa: F811
    classify_with(labelled_home, classifier)
    assert "values:reliability" in signals(labelled_home, doc("chatbot"))


HOLD_WRITER = """\
import sys
from pathlib import Path
from gaimon import warehouse
from gaimon.ops import lock
from gaimon.home import Home
home = Home(Path(sys.argv[1]))
with lock.writer(home, "load_source"), warehouse.open_warehouse(home.warehouse):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.mark.parametrize(
    "args",
    [("label", doc("chatbot"), "--add", "values:privacy"), ("classify",)],
    ids=["label", "classify"],
)
def test_a_warehouse_command_waits_while_a_run_writes(labelled_home: Home, args):
    # A run's writing step: the writer lock held and the warehouse open for writing.
    run = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITER, str(labelled_home.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert run.stdout.readline().strip() == "held"
    env = dict(os.environ, GAIMON_HOME=str(labelled_home.root), GAIMON_AUTOTRAIN="0", COLUMNS="300")
    command = subprocess.Popen(
        [GAIMON, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        said = ""
        while "is held by" not in said:  # the command says it waits, then waits
            line = command.stderr.readline()
            assert line, f"{args[0]} ended instead of waiting: {said}"
            said += line
        assert "the warehouse writer is held by" in said and "step load_source" in said
        assert command.poll() is None
    finally:
        run.communicate("\n", timeout=60)
    out, rest = command.communicate(timeout=600)
    assert command.returncode == 0, said + rest
    with warehouse.open_warehouse(labelled_home.warehouse, read_only=True) as con:
        labels = con.execute("SELECT count(*) FROM labels").fetchone()[0]
        classified = con.execute(
            "SELECT count(*) FROM documents WHERE relevant IS NOT NULL"
        ).fetchone()[0]
    assert (labels, classified) == ((1, 0) if args[0] == "label" else (0, 2))


WEEK_ITEMS = {
    "clear": (
        "Chatbot van gemeente verzint regels voor bijstand",
        "De AI-chatbot van de gemeente gaf inwoners verzonnen antwoorden over de bijstand. "
        "De Autoriteit Persoonsgegevens onderzoekt of persoonsgegevens zijn gelekt.",
    ),
    "passing": (
        "Gemeente presenteert begroting voor 2027",
        "De gemeente trekt meer geld uit voor wegen, sport en zorg. Een klein deel gaat naar "
        "de automatisering van de afvalinzameling.",
    ),
    "weather": ("Storm raast over de kust", "Het KNMI gaf code oranje af voor de kustprovincies."),
    "strike": ("Buschauffeurs leggen werk neer", "De vakbond eist een hoger loon voor chauffeurs."),
}


@pytest.fixture
def week_home(tmp_path: Path) -> Home:
    """A week of loaded documents, classified through the batch files the daily run uses."""
    from gaimon.classify import fanout

    home, _ = staged_home(tmp_path, WEEK_ITEMS)
    model = fanout.Model(
        fanout._classifier(None).version, None
    )  # the lexicon alone, as workers load it
    with warehouse.open_warehouse(home.warehouse) as con:
        for batch in fanout.export(con, model.version, tmp_path / "batches", 2):
            fanout.store_file(con, fanout.classify_file(batch, model), model)
    return home


def test_label_uncertain_lists_the_weeks_closest_calls_first(week_home: Home):
    with warehouse.open_warehouse(week_home.warehouse, read_only=True) as con:
        stored = dict(con.execute("SELECT doc_id, abs(margin) FROM documents").fetchall())
    assert len(stored) == len(WEEK_ITEMS) and None not in stored.values()
    done = gaimon(week_home, "label", "--uncertain", "--limit", "3")
    assert done.returncode == 0, done.stderr
    listed = [
        line.split()[0]
        for line in done.stdout.splitlines()
        if line.split() and line.split()[0] in stored
    ]
    assert "2026-W47" in done.stdout and len(listed) == 3
    assert listed == sorted(stored, key=lambda d: (stored[d], d))[:3]
    # Once an analyst has decided, the document leaves the list.
    assert gaimon(week_home, "label", listed[0], "--remove", "relevant:ai").returncode == 0
    again = gaimon(week_home, "label", "--uncertain", "--week", "2026-W47")
    assert listed[0] not in again.stdout and listed[1] in again.stdout


def test_label_uncertain_refuses_a_bad_week_in_one_line(week_home: Home):
    done = gaimon(week_home, "label", "--uncertain", "--week", "2026-47")
    assert done.returncode == 2 and "week must look like 2026-W47" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    empty = gaimon(week_home, "label", "--uncertain", "--week", "2025-W01")
    assert empty.returncode == 0 and "no classified documents" in empty.stdout
