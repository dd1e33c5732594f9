"""A home with a trained classifier, shared by the classifier tests of one session (training
takes about half a minute; the model cache makes later homes cheap)."""

from __future__ import annotations

import pytest

from gaimon import warehouse
from gaimon.classify import fanout
from gaimon.classify.classifier import Classifier
from gaimon.home import Home
from gaimon.ops import steps
from gaimon.train.training import ensure_model


@pytest.fixture(scope="session")
def trained_home(tmp_path_factory) -> Home:
    home = Home(tmp_path_factory.mktemp("trained") / "home").ensure()
    warehouse.init(home.warehouse)
    ensure_model(home)
    return home


@pytest.fixture(scope="session")
def classifier(trained_home: Home) -> Classifier:
    from gaimon.train.training import load_or_train_classifier

    return load_or_train_classifier(trained_home)


def classify_with(home: Home, classifier: Classifier) -> steps.Classified:
    """Label the home's documents awaiting this classifier as `gaimon classify` and the runs do."""
    return steps.classify_here(home, 2000, model=fanout.remember(classifier))
