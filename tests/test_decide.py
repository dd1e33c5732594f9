"""The rules of combination: headlines judged as headlines, a gate the model can open, and clear
terms the model cannot veto when it never saw them."""

from __future__ import annotations

import pytest
from classifier_world import classifier, trained_home  # noqa: F401

from gaimon.classify.classifier import Classifier, ClassifyInput
from gaimon.classify.decide import (
    RELEVANT,
    ClassifierConfig,
    Features,
    Hit,
    Stack,
    decide,
    is_headline,
    rule_features,
)

CANDIDATES = {
    "themes": ["safety"],
    "values": ["privacy"],
    "sectors": [],
    "roles": [],
    "policy_options": [],
    "legal_frameworks": [],
    "kind": ["incident"],
}
THEME_OF = {"privacy": "safety"}


def config(**values) -> ClassifierConfig:
    stacks = {
        "relevant": Stack(bias=0.0, model=1.0, strong=1.0, threshold=0.5, threshold_no_term=0.9),
        "values": Stack(**values),
        "kind": Stack(),
    }
    return ClassifierConfig(with_model=stacks, rules_only=stacks)


def test_a_headline_is_judged_by_the_headline_threshold():
    cfg = config(bias=0.0, model=1.0, strong=0.0, threshold=0.6, threshold_short=0.3)
    feats = {RELEVANT: Features(strong=1, hits=1)}
    probs = {RELEVANT: 0.99, "values:privacy": 0.4}
    lead = decide(feats, probs, cfg, CANDIDATES, THEME_OF, short=False)
    headline = decide(feats, probs, cfg, CANDIDATES, THEME_OF, short=True)
    assert lead.labels["values"] == [] and headline.labels["values"] == ["privacy"]
    assert is_headline("") and is_headline("Police scrap facial recognition trial") is True
    assert not is_headline(" ".join(["word"] * 40))


def test_a_theme_is_given_exactly_when_one_of_its_values_is():
    cfg = config(bias=0.0, model=1.0, strong=0.0, threshold=0.5)
    feats = {
        RELEVANT: Features(strong=1, hits=1),
        # A theme's own term ("human-centred AI") is no label without one of its values.
        "themes:safety": Features(strong=3, hits=3, title=1, strong_title=1),
    }
    without = decide(feats, {RELEVANT: 0.99, "values:privacy": 0.2}, cfg, CANDIDATES, THEME_OF)
    given = decide(feats, {RELEVANT: 0.99, "values:privacy": 0.9}, cfg, CANDIDATES, THEME_OF)
    assert without.labels["themes"] == [] and given.labels["themes"] == ["safety"]
    assert given.scores["themes"]["safety"] == given.scores["values"]["privacy"]


def test_without_an_ai_term_the_model_alone_must_be_confident():
    cfg = config()
    sure = decide({}, {RELEVANT: 0.97}, cfg, CANDIDATES, THEME_OF)
    unsure = decide({}, {RELEVANT: 0.8}, cfg, CANDIDATES, THEME_OF)
    with_term = decide(
        {RELEVANT: Features(strong=1, hits=1)}, {RELEVANT: 0.4}, cfg, CANDIDATES, THEME_OF
    )
    assert sure.relevant and not unsure.relevant and with_term.relevant
    assert not decide({}, None, cfg, CANDIDATES, THEME_OF).relevant  # no model: the lexicon decides


def test_a_clear_term_new_to_the_model_is_not_vetoed_by_it():
    cfg = config(bias=-1.0, model=1.0, strong=2.0, threshold=0.5)
    base = {RELEVANT: Features(strong=1, hits=1)}
    probs = {RELEVANT: 0.99, "values:privacy": 0.01}

    def privacy(novel: bool) -> list[str]:
        hits = [Hit("values:privacy", "privacy", True, "gezichtsherkenningsdata", 0, 23, novel)]
        feats = {**base, **rule_features(hits, 0)}
        return decide(feats, probs, cfg, CANDIDATES, THEME_OF).labels["values"]

    assert privacy(novel=True) == ["privacy"]  # the model never saw the word: it cannot say no
    assert privacy(novel=False) == []  # it knows the word and says no


@pytest.mark.parametrize(
    ("title", "text", "dimension", "label"),
    [
        (
            "Kunstmatige intelligentie maakt nepbeelden van bekende Nederlanders",
            "Een AI-app maakt nepbeelden van bekende Nederlanders zonder hun toestemming. Volgens "
            "een "
            "advocaat schenden de makers het auteursrecht van de fotografen van wie de beelden "
            "komen; "
            "de fotografen willen dat de app van de markt gaat.",
            "values",
            "ownership",
        ),
    ],
)
def test_a_clear_term_keeps_its_label_on_real_wording(classifier, title, text, dimension, label):  # noqa: F811
    result = classifier.classify(ClassifyInput(id="x", title=title, text=text, lang="nl"))
    assert result.relevant and label in getattr(result, dimension), result.scores.get(dimension)


def test_a_headline_about_ai_without_a_lexicon_term_passes_the_gate(classifier):  # noqa: F811
    item = ClassifyInput(
        id="x", title="Amazon recruiting tool penalised CVs of women", text="", lang="en"
    )
    assert not Classifier().classify(item).relevant  # the lexicon alone finds no AI term
    assert classifier.classify(item).relevant


@pytest.mark.parametrize(
    "title",
    [
        "Late winner sends holders into semi-finals",
        "Apple revenue beats forecasts as iPhone sales recover in China",
        "Kabinet presenteert begroting voor defensie",
    ],
)
def test_a_headline_not_about_ai_is_still_stopped(classifier, title):  # noqa: F811
    assert not classifier.classify(ClassifyInput(id="x", title=title, text="")).relevant
