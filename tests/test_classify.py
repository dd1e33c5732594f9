"""The classifier as users meet it: the JSONL contract of `gaimon classify --jsonl`, evidence that
points at the right words, relevance, languages, and the lexicon-only fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from classifier_world import classifier, trained_home  # noqa: F401

from gaimon.classify import ClassifyInput
from gaimon.taxonomy import CANONICAL

ITEMS = [
    {"id": "nl-ai", "title": "Ziekenhuis stopt met AI-chatbot na foute medische adviezen",
     "text": "Een Amsterdams ziekenhuis heeft de proef met een AI-chatbot voor patiënten stopgezet. "
             "De chatbot, gebouwd op ChatGPT, gaf volgens artsen in een op de tien gesprekken onjuist "
             "advies over medicijnen en verzon soms bijwerkingen die niet bestaan. De Autoriteit "
             "Persoonsgegevens onderzoekt bovendien of patiëntgegevens in strijd met de AVG zijn "
             "gedeeld met de leverancier.", "lang": "nl"},
    {"id": "en-ai", "title": "Authors sue AI company over books used to train its chatbot",
     "text": "A group of novelists has filed a copyright lawsuit against an AI developer, saying "
             "thousands of pirated books were used without permission to train its large language "
             "model. The writers want compensation and ask the court to order the company to stop "
             "using their work."},
    {"id": "en-other", "title": "Storm warnings issued as gale-force winds hit the coast",
     "text": "The weather service issued code orange warnings for the coastal provinces as winds "
             "of up to 110 km/h were expected overnight. Ferry services were cancelled and "
             "residents were advised to stay indoors.", "lang": "en"},
    {"id": "nl-nolang", "title": "Leraren zien leerlingen essays door ChatGPT laten schrijven",
     "text": "Docenten op middelbare scholen merken dat steeds meer leerlingen hun werkstukken door "
             "een chatbot laten maken. Volgens de onderwijsinspectie leren leerlingen daardoor "
             "minder goed kritisch denken."},
]
GAIMON = str(Path(sys.executable).with_name("gaimon"))
KEYS = ["id", "lang", "relevant", "themes", "values", "sectors", "roles", "policy_options",
        "legal_frameworks", "kind", "scores", "evidence"]


@pytest.fixture(scope="module")
def cli_output(trained_home, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("cli")
    source, target = folder / "in.jsonl", folder / "out.jsonl"
    source.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), encoding="utf-8")
    env = dict(os.environ, GAIMON_HOME=str(trained_home.root))
    done = subprocess.run([GAIMON, "classify", "--jsonl", str(source),
                           "--out", str(target)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_cli_writes_one_line_per_item_with_exactly_the_contract_keys(cli_output):
    assert [r["id"] for r in cli_output] == [i["id"] for i in ITEMS]
    for row in cli_output:
        assert list(row) == KEYS


def test_cli_output_uses_the_taxonomy_ids(cli_output):
    for row in cli_output:
        for dimension in ("themes", "values", "sectors", "roles", "policy_options", "legal_frameworks"):
            assert set(row[dimension]) <= set(CANONICAL[dimension])
        assert row["kind"] in CANONICAL["kinds"]
        assert set(row["scores"]) <= set(KEYS[3:10]) and "kind" in row["scores"]
        for dimension, scores in row["scores"].items():
            assert set(scores) <= set(CANONICAL["kinds" if dimension == "kind" else dimension])
            assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in scores.values()), dimension


def test_evidence_offsets_slice_title_newline_text(cli_output):
    by_id = {i["id"]: i for i in ITEMS}
    checked = 0
    for row in cli_output:
        body = by_id[row["id"]]["title"] + "\n" + by_id[row["id"]]["text"]
        for evidence in row["evidence"]:
            assert body[evidence["start"]:evidence["end"]] == evidence["text"]
            dimension, _, label = evidence["label"].partition(":")
            assert label in (row[dimension] if dimension != "kind" else [row["kind"]])
            checked += 1
    assert checked > 5


def test_an_ai_item_gets_its_labels_with_the_words_that_earned_them(cli_output):
    row = next(r for r in cli_output if r["id"] == "nl-ai")
    assert row["relevant"] and row["lang"] == "nl"
    assert {"reliability", "privacy"} <= set(row["values"]) and "safety" in row["themes"]
    assert "healthcare" in row["sectors"] and "gdpr" in row["legal_frameworks"]
    words = {e["text"] for e in row["evidence"] if e["label"] == "legal_frameworks:gdpr"}
    assert "AVG" in words


def test_an_item_not_about_ai_is_irrelevant_and_unlabelled(cli_output):
    row = next(r for r in cli_output if r["id"] == "en-other")
    assert not row["relevant"]
    assert not any(row[d] for d in ("themes", "values", "sectors", "roles", "policy_options", "legal_frameworks"))


def test_language_is_detected_when_missing(cli_output):
    langs = {r["id"]: r["lang"] for r in cli_output}
    assert langs["nl-nolang"] == "nl" and langs["en-ai"] == "en"
    row = next(r for r in cli_output if r["id"] == "nl-nolang")
    assert "education" in row["sectors"] and "cognitive" in row["values"]


def test_values_imply_their_theme(cli_output):
    themes = {"privacy": "safety", "reliability": "safety", "ownership": "fairness", "cognitive": "human_centredness"}
    for row in cli_output:
        for value in row["values"]:
            if value in themes:
                assert themes[value] in row["themes"]


def test_a_bad_input_line_is_reported_and_the_rest_classified(trained_home, tmp_path: Path):  # noqa: F811
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "ChatGPT and privacy"}\n{"text": "no id"}\n', encoding="utf-8")
    env = dict(os.environ, GAIMON_HOME=str(trained_home.root))
    done = subprocess.run([GAIMON, "classify", "--jsonl", str(source)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1
    assert "in.jsonl:2" in done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["a"]


def test_model_only_labels_are_explained_by_the_words_the_model_weighs(classifier):  # noqa: F811
    item = ClassifyInput(id="m", lang="en", title="Chatbot maker changes its app after teenager's death",
                         text="The company behind a popular chatbot app will add warnings after a "
                              "teenager who spent hours talking to an AI character took his own life.")
    result = classifier.classify(item)
    for evidence in result.evidence:
        assert item.body[evidence.start:evidence.end] == evidence.text
    labelled = {e.label for e in result.evidence}
    for value in result.values:
        assert f"values:{value}" in labelled


def test_classify_many_keeps_order_across_chunks(classifier, monkeypatch):  # noqa: F811
    import gaimon.classify

    monkeypatch.setattr(gaimon.classify, "CHUNK", 3)
    items = [ClassifyInput(id=str(i), lang=("nl" if i % 2 else None), title=f"AI nieuws {i}",
                           text="ChatGPT en privacy" if i % 3 else "The weather is fine.") for i in range(10)]
    assert [r.id for r in classifier.classify_many(items)] == [str(i) for i in range(10)]


def test_without_a_model_the_lexicon_alone_labels(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GAIMON_AUTOTRAIN", "0")
    from gaimon.home import Home
    from gaimon.train import load_classifier

    rules = load_classifier(Home(tmp_path / "fresh").ensure())
    assert rules.version.startswith("rules-") and not rules.trained
    result = rules.classify(ClassifyInput(id="r", lang="nl", title="Boete voor OpenAI om AVG-schending",
                                          text="De Italiaanse privacytoezichthouder legt ChatGPT een boete op."))
    assert result.relevant and "privacy" in result.values and "gdpr" in result.legal_frameworks


def test_an_analyst_decision_on_relevance_overrides_the_gate(classifier):  # noqa: F811
    item = ClassifyInput(id="f", lang="en", title="Storm hits coast", text="Winds of 110 km/h.", relevant=True)
    assert classifier.classify(item).relevant
