"""`gaimon eval`: precision, recall and F1 per label, macro and micro per dimension."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from classifier_world import trained_home  # noqa: F401

from gaimon.classify.classifier import Classification
from gaimon.train.evaluate import evaluate
from gaimon.train.training import GoldItem

GAIMON = str(Path(sys.executable).with_name("gaimon"))


def gold(id_: str, relevant: bool = True, **labels) -> GoldItem:
    return GoldItem(id=id_, text="t", relevant=relevant, **labels)


def predicted(id_: str, relevant: bool = True, **labels) -> Classification:
    return Classification(id=id_, lang="en", relevant=relevant, **labels)


def test_scores_are_computed_per_label_and_averaged_per_dimension():
    golds = [
        gold("a", values=["privacy"], kind="incident"),
        gold("b", values=["privacy", "reliability"], kind="research"),
        gold("c", relevant=False, kind="market"),
    ]
    preds = [
        predicted("a", values=["privacy"], kind="incident"),
        predicted("b", values=["reliability", "ownership"], kind="incident"),
        predicted("c", values=["privacy"], kind="market"),
    ]
    result = evaluate(golds, preds)
    values = result.dimensions["values"]
    # privacy: tp a, fn b, fp c -> P 1/2, R 1/2; reliability: perfect; ownership: one false positive
    assert (values.labels["privacy"].precision, values.labels["privacy"].recall) == (0.5, 0.5)
    assert values.labels["reliability"].f1 == 1.0 and values.labels["ownership"].f1 == 0.0
    assert values.macro.f1 == pytest.approx((0.5 + 1.0 + 0.0) / 3, abs=1e-3)
    assert (values.micro.precision, values.micro.recall) == (0.5, 0.6667)
    assert result.dimensions["kind"].micro.f1 == pytest.approx(2 / 3, abs=1e-3)
    # relevance: c was wrongly let through
    assert (result.relevance.precision, result.relevance.recall) == (0.6667, 1.0)


def write_gold(path: Path) -> Path:
    rows = [
        {
            "id": "g1",
            "lang": "en",
            "title": "Italy fines OpenAI over ChatGPT data handling",
            "text": "The Italian data protection authority fined OpenAI 15 million euros for "
            "processing "
            "personal data to train ChatGPT without a legal basis, breaching the GDPR.",
            "relevant": True,
            "themes": ["safety"],
            "values": ["privacy"],
            "sectors": [],
            "roles": [],
            "policy_options": [],
            "legal_frameworks": ["gdpr"],
            "kind": "enforcement",
        },
        {
            "id": "g2",
            "lang": "nl",
            "title": "Kabinet wil deepfakeporno strafbaar stellen",
            "text": "Het maken en verspreiden van seksuele deepfakes wordt strafbaar, schrijft de "
            "minister "
            "in een wetsvoorstel dat naar de Tweede Kamer gaat.",
            "relevant": True,
            "themes": ["safety"],
            "values": ["privacy"],
            "sectors": [],
            "roles": [],
            "policy_options": ["legal_frameworks"],
            "legal_frameworks": ["criminal_law"],
            "kind": "legislation",
        },
        {
            "id": "g3",
            "title": "Late winner sends holders into semi-finals",
            "text": "A header in stoppage time sent the champions through after a tense second "
            "leg.",
            "relevant": False,
            "kind": "incident",
        },
    ]
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def env(trained_home):  # noqa: F811
    return dict(os.environ, GAIMON_HOME=str(trained_home.root))


def eval_json(tmp_path: Path, env: dict) -> dict:
    """`gaimon eval GOLD --json` on the gold items of write_gold."""
    done = subprocess.run(
        [GAIMON, "eval", str(write_gold(tmp_path / "gold.jsonl")), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_eval_json_reports_every_dimension(tmp_path: Path, env):
    report = eval_json(tmp_path, env)
    assert report["items"] == 3
    assert set(report["dimensions"]) == {
        "themes",
        "values",
        "sectors",
        "roles",
        "policy_options",
        "legal_frameworks",
        "kind",
    }
    privacy = report["dimensions"]["values"]["labels"]["privacy"]
    assert privacy["support"] == 2 and set(privacy) >= {"precision", "recall", "f1"}
    for dimension in report["dimensions"].values():
        assert (
            set(dimension["macro"]) >= {"precision", "recall", "f1"} and "f1" in dimension["micro"]
        )
    assert report["relevance"]["support"] == 2


def test_eval_also_scores_the_titles_of_items_about_ai_read_alone(tmp_path: Path, env):
    report = eval_json(tmp_path, env)
    registers = report["registers"]
    # Both items about AI have a lead; the item not about AI gives no title register an item.
    assert list(registers) == ["nl_news", "en_news", "nl_titles", "en_titles"]
    assert registers["nl_titles"]["items"] == registers["en_titles"]["items"] == 1
    assert report["items"] == 3  # the totals are those of the gold items as they are
    printed = subprocess.run(
        [GAIMON, "eval", str(tmp_path / "gold.jsonl")],
        env=dict(env, COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "NL titles alone" in printed.stdout and "EN titles alone" in printed.stdout


def test_eval_prints_tables_with_macro_and_micro_rows(tmp_path: Path, env):
    done = subprocess.run(
        [GAIMON, "eval", str(write_gold(tmp_path / "gold.jsonl"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for word in ("values", "legal_frameworks", "macro", "micro", "privacy", "relevant"):
        assert word in done.stdout
    assert "bootstrap interval" in done.stdout


def test_eval_names_the_line_of_a_bad_gold_file(tmp_path: Path, env):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "x", "text": "ok"}\n{"id": "y"}\n', encoding="utf-8")
    done = subprocess.run(
        [GAIMON, "eval", str(path)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 2 and "gold.jsonl:2" in done.stderr


def real(id_: str, source: str, **fields) -> GoldItem:
    return GoldItem(id=id_, text="", title="t", lang="en", source_dataset=source, **fields)


def test_labels_a_real_source_cannot_express_count_neither_way():
    golds = [
        real("m1", "mit_ai_risk_repository_v3", values=["reliability"], themes=["safety"]),
        real("m2", "mit_ai_risk_repository_v3", values=[], weak_values=["privacy"]),
        real(
            "a1",
            "aiaaic",
            values=["privacy"],
            themes=["safety"],
            sectors=["media", "culture"],
            orig_labels={"sector": ["Media/entertainment/sports/arts"]},
        ),
        real(
            "a2",
            "aiaaic",
            values=["privacy"],
            themes=["safety"],
            weak_sectors=["cybersecurity"],
            orig_labels={"sector": ["Automotive"]},
        ),
        real(
            "a3",
            "aiaaic",
            values=["reliability"],
            sectors=["education"],
            orig_labels={"sector": ["Education"]},
        ),
    ]
    preds = [
        predicted("m1", values=["reliability"], sectors=["healthcare"], kind="incident"),
        predicted("m2", values=["privacy", "ownership"]),  # values unknown: no empty list is a no
        predicted("a1", values=["privacy"], sectors=["media"]),  # media alone hits the merged label
        predicted("a2", values=["privacy"], sectors=["cybersecurity", "education", "science"]),
        predicted("a3", values=["reliability"], sectors=["education"]),
    ]
    result = evaluate(golds, preds)
    values, sectors = result.dimensions["values"], result.dimensions["sectors"]
    assert set(values.labels) == {"privacy", "reliability"} and values.macro.f1 == 1.0
    # MIT says nothing of healthcare; AIAAIC nothing of cybersecurity; Automotive is a no to
    # education; science, never given by these items, is not scored.
    assert set(sectors.labels) == {"media+culture", "education"}
    assert sectors.labels["media+culture"].f1 == 1.0 and sectors.labels["education"].fp == 1
    assert result.dimensions["kind"].labels == {}
    assert set(result.registers) == {"real_headlines", "real_risk_descriptions"}
    assert result.registers["real_risk_descriptions"].items == 2
    assert result.registers["real_headlines"].items == 3


def test_a_theme_whose_value_is_only_weakly_given_is_unknown():
    # AIAAIC files "Cheating/plagiarism" as a weak cognitive: the item may or may not be about
    # cognitive development, so neither the value nor its theme counts against a guess.
    golds = [
        real("a1", "aiaaic", values=["reliability"], themes=["safety"], weak_values=["cognitive"]),
        real("a2", "aiaaic", values=["reliability"], themes=["safety"]),
        real(
            "a3",
            "aiaaic",
            values=["social"],
            themes=["human_centredness"],
            weak_values=["cognitive"],
        ),
    ]
    preds = [
        predicted(
            "a1", values=["reliability", "cognitive"], themes=["safety", "human_centredness"]
        ),
        predicted("a2", values=["reliability", "social"], themes=["safety", "human_centredness"]),
        predicted("a3", values=["reliability"], themes=["safety"]),
    ]
    human = evaluate(golds, preds).dimensions["themes"].labels["human_centredness"]
    # a1 is not counted; a2 is a false guess; a3 a miss, the weak value notwithstanding.
    assert (human.tp, human.fp, human.fn) == (0, 1, 1)


def test_macro_f1_comes_with_a_bootstrap_interval_that_narrows_with_more_items():
    def run(copies: int):
        golds, preds = [], []
        for n in range(copies):
            for k, (truth, guess) in enumerate(
                [
                    (["privacy"], ["privacy"]),
                    (["privacy"], []),
                    (["reliability"], ["reliability"]),
                    (["reliability"], ["privacy"]),
                    (["social"], ["social"]),
                    ([], ["social"]),
                ]
            ):
                golds.append(gold(f"{n}-{k}", values=truth))
                preds.append(predicted(f"{n}-{k}", values=guess))
        return evaluate(golds, preds, intervals=True)

    few, many = run(2), run(20)
    for result in (few, many):
        low, high = result.intervals["values"]
        assert low < result.dimensions["values"].macro.f1 < high
    assert many.dimensions["values"].macro.f1 == pytest.approx(few.dimensions["values"].macro.f1)
    few_width, many_width = (
        r.intervals["values"][1] - r.intervals["values"][0] for r in (few, many)
    )
    assert many_width < few_width / 2
    assert run(2).intervals == few.intervals  # a fixed seed: the same figures every run
    assert "values" not in evaluate(*_pair()).intervals  # only when asked for


def _pair():
    return [gold("a", values=["privacy"])], [predicted("a", values=["privacy"])]


def test_calibration_error_compares_scores_with_how_often_they_are_right():
    golds = [gold(str(n), values=["privacy"] if n < 8 else []) for n in range(10)]
    # Every item scores privacy 0.8 (right 8 times in 10) and reliability 0.1 (never right).
    preds = [
        predicted(
            str(n), values=["privacy"], scores={"values": {"privacy": 0.8, "reliability": 0.1}}
        )
        for n in range(10)
    ]
    assert evaluate(golds, preds).calibration["values"] == pytest.approx(0.05)
    preds = [
        predicted(
            str(n), values=["privacy"], scores={"values": {"privacy": 1.0, "reliability": 0.5}}
        )
        for n in range(10)
    ]
    assert evaluate(golds, preds).calibration["values"] == pytest.approx((10 * 0.2 + 10 * 0.5) / 20)
