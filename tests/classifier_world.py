"""A home with a trained classifier, shared by the classifier tests of one session (training
takes about half a minute; the model cache makes later homes cheap)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaimon import warehouse
from gaimon.classify import fanout
from gaimon.classify.classifier import Classifier
from gaimon.crawl.normalize import canonical_url, content_hash
from gaimon.crawl.staging import StagedItem, staged_line
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


def stage_articles(path: Path, articles: dict[str, tuple[str, str]]) -> Path:
    """Articles (url: title, text) of a Dutch news fixture as a staged file, written as a crawl
    writes one."""
    lines = [
        staged_line(
            StagedItem(
                source="fixture",
                url=url,
                canonical_url=canonical_url(url),
                title=title,
                text=text,
                published="2026-11-18T09:00:00Z",
                lang="nl",
                fetched_at="2026-11-20T08:00:00Z",
                content_hash=content_hash(title, text),
            )
        )
        for url, (title, text) in articles.items()
    ]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path
