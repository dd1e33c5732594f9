"""Build the spaCy pipeline of one language from the taxonomy.

    spacy.blank(lang) -> gaimon_lemmatizer -> gaimon_lexicon [-> textcat_multilabel]

The lexicon components come from taxonomy/taxonomy.yaml and taxonomy/lemmas.yaml; the text
classifier is added (untrained) only when a model is to be trained. A trained pipeline is saved
with `nlp.to_disk` and read back with `spacy.load`; importing this module registers the
components and the architecture they need.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

import gaimon.classify.lexicon  # noqa: F401  (registers the components)
import gaimon.classify.textcat  # noqa: F401  (registers the architecture)
from gaimon.taxonomy import Taxonomy, load_separable

TEXTCAT = "textcat_multilabel"
EXPLAINER = "gaimon_explainer"


def build_pipeline(
    lang: str, taxonomy: Taxonomy, lemmas: dict[str, str], textcat: dict | None = None
) -> Language:
    """A blank pipeline with the lexicon components; with a textcat if `textcat` gives its model."""
    nlp = spacy.blank(lang)
    lemmatizer = nlp.add_pipe("gaimon_lemmatizer")
    lemmatizer.add_forms(lemmas)
    lexicon = nlp.add_pipe("gaimon_lexicon")
    lexicon.add_separable(load_separable()[lang])
    lexicon.add_entries(taxonomy.entries(lang))
    if textcat is not None:
        nlp.add_pipe(TEXTCAT, config={"model": textcat, "threshold": 0.5})
    return nlp


def load_pipeline(path: Path | str) -> Language:
    return spacy.load(path)
