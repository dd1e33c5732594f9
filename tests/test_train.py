"""Training: versioned models under the home, first-use training, corrections as data, and the
quality gate on the held-out dev split."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from classifier_world import classifier, stage_articles, trained_home  # noqa: F401

from gaimon import warehouse
from gaimon.classify.classifier import ClassifyInput
from gaimon.crawl.normalize import canonical_url, document_id
from gaimon.home import Home
from gaimon.load.loader import load_staged
from gaimon.train.evaluate import evaluate_classifier, scored_labels
from gaimon.train.training import (
    GoldItem,
    base_fingerprint,
    current_model,
    gold_cats,
    gold_files,
    load_or_train_classifier,
    read_gold,
    real_files,
    training_files,
)

GAIMON = str(Path(sys.executable).with_name("gaimon"))
# The targets of the classifier on the dev split (macro F1; relevance: F1 of "about AI").
FLOORS = {"themes": 0.80, "values": 0.78, "sectors": 0.81}
RELEVANCE_FLOOR = 0.95
# On the real texts' dev split (wording nobody here wrote), per register: macro F1 over the
# labels the register can express, and the share of items the relevance gate lets through.
# A label with one to three dev items moves a register's macro F1 by 0.03-0.1 (see the
# bootstrap intervals of `gaimon eval`), so the floors sit about 0.03 under the measured
# figures.
REAL_FLOORS = {
    "real_headlines": {"themes": 0.50, "values": 0.44, "sectors": 0.64},
    "real_risk_descriptions": {"themes": 0.63, "values": 0.66},
}
# The same, over the whole real dev split.
REAL_TOTAL_FLOORS = {"themes": 0.56, "values": 0.54, "sectors": 0.64}
# The project's dev items about AI judged on their titles alone, against the labels of the
# whole item (a title says less), per language.
TITLE_FLOORS = {
    "nl_titles": {"themes": 0.61, "values": 0.51, "sectors": 0.54},
    "en_titles": {"themes": 0.59, "values": 0.53, "sectors": 0.69},
}
REAL_PASS_FLOOR = 0.95
ECE_CEILING = 0.06


@pytest.fixture(scope="module")
def dev_scores(classifier):  # noqa: F811
    return evaluate_classifier(classifier, read_gold(gold_files("dev")))


@pytest.mark.parametrize("dimension", list(FLOORS))
def test_quality_gate_macro_f1_on_dev(dev_scores, dimension):
    assert dev_scores.dimensions[dimension].macro.f1 >= FLOORS[dimension], dev_scores.dimensions[
        dimension
    ].labels


def test_quality_gate_relevance_on_dev(dev_scores):
    assert dev_scores.relevance.f1 >= RELEVANCE_FLOOR


@pytest.mark.parametrize(
    ("register", "dimension"), [(r, d) for r, floors in TITLE_FLOORS.items() for d in floors]
)
def test_quality_gate_macro_f1_on_titles_read_alone(dev_scores, register, dimension):
    scores = dev_scores.registers[register].dimensions[dimension]
    assert scores.macro.f1 >= TITLE_FLOORS[register][dimension], scores.labels


@pytest.fixture(scope="module")
def real_dev_scores(classifier):  # noqa: F811
    return evaluate_classifier(classifier, read_gold(real_files("dev")))


@pytest.mark.parametrize(
    ("register", "dimension"), [(r, d) for r, floors in REAL_FLOORS.items() for d in floors]
)
def test_quality_gate_macro_f1_on_real_dev(real_dev_scores, register, dimension):
    scores = real_dev_scores.registers[register].dimensions[dimension]
    assert scores.macro.f1 >= REAL_FLOORS[register][dimension], scores.labels


@pytest.mark.parametrize("dimension", list(REAL_TOTAL_FLOORS))
def test_quality_gate_macro_f1_on_the_whole_real_dev_split(real_dev_scores, dimension):
    scores = real_dev_scores.dimensions[dimension]
    assert scores.macro.f1 >= REAL_TOTAL_FLOORS[dimension], scores.labels


def test_quality_gate_real_texts_about_ai_pass_the_relevance_gate(real_dev_scores):
    assert real_dev_scores.relevance.recall >= REAL_PASS_FLOOR


@pytest.mark.parametrize("dimension", ["themes", "values", "sectors"])
def test_quality_gate_label_scores_are_calibrated(dev_scores, real_dev_scores, dimension):
    # Expected calibration error, measured at 0.008-0.037 on the two dev splits.
    assert dev_scores.calibration[dimension] <= ECE_CEILING
    assert real_dev_scores.calibration[dimension] <= ECE_CEILING


@pytest.mark.parametrize("split", ["project", "real"])
def test_quality_gate_a_label_scored_08_or_more_is_right_four_times_in_five(classifier, split):  # noqa: F811
    gold = list(read_gold(gold_files("dev") if split == "project" else real_files("dev")))
    predicted = classifier.classify_many(
        [ClassifyInput(id=g.id, title=g.title, text=g.text, lang=g.lang) for g in gold]
    )
    pairs = list(zip(gold, predicted, strict=True))
    for dimension in ("themes", "values", "sectors"):
        high = [right for s, right in scored_labels(pairs, dimension) if s >= 0.8]
        assert len(high) >= 100 and sum(high) / len(high) >= 0.8, (dimension, len(high))


def test_dev_split_is_never_trained_on():
    train = {i.id for i in read_gold(training_files())}
    dev = {i.id for i in read_gold([*gold_files("dev"), *real_files("dev")])}
    assert train and dev and not train & dev
    assert all("dev" not in p.name for p in training_files())
    assert len(real_files("train")) == len(real_files("dev")) == 1


def test_labels_a_real_source_cannot_express_are_left_out_of_training():
    labels = [
        "relevant:ai",
        "values:privacy",
        "values:reliability",
        "values:cultural",
        "values:ownership",
        "values:democratic_steering",
        "sectors:cybersecurity",
        "sectors:healthcare",
        "sectors:labour",
        "kind:incident",
    ]
    mit = GoldItem(
        id="m",
        text="Data poisoning attacks corrupt a model.",
        lang="en",
        source_dataset="mit_ai_risk_repository_v3",
        values=["reliability"],
        sectors=["cybersecurity"],
    )
    # A value no label of the source implies is a no; a sector MIT has no say in is unknown.
    assert gold_cats(mit, labels) == {
        "relevant:ai": 1.0,
        "values:privacy": 0.0,
        "values:reliability": 1.0,
        "values:cultural": 0.0,
        "values:ownership": 0.0,
        "values:democratic_steering": 0.0,
        "sectors:cybersecurity": 1.0,
    }
    unlabelled = GoldItem(
        id="a",
        title="Robot dog patrols city park",
        text="",
        lang="en",
        source_dataset="aiaaic",
        weak_sectors=["cybersecurity"],
        orig_labels={"sector": ["Govt - municipal"]},
        sectors=["public_sector"],
    )
    assert gold_cats(unlabelled, labels) == {"relevant:ai": 1.0, "sectors:healthcare": 0.0}


def test_a_model_is_a_versioned_directory_named_by_current(trained_home: Home, classifier):  # noqa: F811
    model = current_model(trained_home)
    assert model is not None and model.name == classifier.version
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert meta["version"] == classifier.version and meta["base_fingerprint"] == base_fingerprint()
    for part in ("nl", "en", "taxonomy.yaml", "classifier.yaml"):
        assert (model / part).exists()


def test_a_new_home_gets_the_model_without_training_again(tmp_path: Path, classifier, monkeypatch):  # noqa: F811
    import gaimon.train.training

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(gaimon.train.training, "train_model", no_training)
    fresh = Home(tmp_path / "fresh").ensure()
    assert load_or_train_classifier(fresh).version == classifier.version
    assert current_model(fresh) is not None


def test_training_data_and_taxonomy_are_part_of_the_version(monkeypatch, tmp_path: Path):
    import gaimon.train.training

    before = base_fingerprint()
    extra = tmp_path / "en" / "train_extra.jsonl"
    extra.parent.mkdir()
    extra.write_text(
        json.dumps({"id": "x", "text": "ChatGPT", "relevant": True}) + "\n", encoding="utf-8"
    )
    monkeypatch.setattr(
        gaimon.train.training, "gold_files", lambda split: [*gold_files(split), extra]
    )
    assert base_fingerprint() != before


def test_train_learns_from_corrections(tmp_path: Path):
    home = Home(tmp_path / "home").ensure()
    warehouse.init(home.warehouse)
    url, title = "https://news.example/a", "Gemeente test chatbot voor bijstandsvragen"
    text = "Inwoners kunnen vragen over de bijstand stellen aan een AI-chatbot van de gemeente."
    staged = stage_articles(tmp_path / "s.jsonl", {url: (title, text)})
    with warehouse.open_warehouse(home.warehouse) as con:
        load_staged(con, [staged])
    env = dict(os.environ, GAIMON_HOME=str(home.root))
    doc_id = document_id(canonical_url(url))
    assert (
        subprocess.run([GAIMON, "classify"], env=env, capture_output=True, timeout=900).returncode
        == 0
    )
    label = subprocess.run(
        [GAIMON, "label", doc_id, "--add", "values:privacy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert label.returncode == 0, label.stderr
    done = subprocess.run(
        [GAIMON, "train", "--no-eval"], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr
    meta = json.loads((current_model(home) / "meta.json").read_text(encoding="utf-8"))
    assert meta["corrections"] == 1 and meta["fingerprint"] != meta["base_fingerprint"]
