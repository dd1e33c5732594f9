"""The taxonomy file: every id of the scan, both languages, and a schema that refuses bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gaimon.classify import Classifier, ClassifyInput
from gaimon.taxonomy import CANONICAL, LANGS, TAXONOMY_FILE, TaxonomyError, load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def rules():
    return Classifier()


def test_every_id_of_the_scan_is_there(taxonomy):
    for dimension, ids in CANONICAL.items():
        assert taxonomy.ids(dimension) == list(ids)


@pytest.mark.parametrize("dimension", list(CANONICAL))
def test_nodes_have_labels_definitions_section_and_lexicons_in_both_languages(taxonomy, dimension):
    for node in taxonomy.dimensions[dimension]:
        for lang in LANGS:
            assert getattr(node.label, lang) and getattr(node.definition, lang)
            words = [w for _, n in node.walk() for w in (n.lexicon[lang].terms + n.lexicon[lang].weak
                                                        + n.lexicon[lang].exact) if lang in n.lexicon]
            assert words, f"{dimension}:{node.id} has no {lang} terms"
        assert node.section


def test_values_sit_under_the_scans_themes(taxonomy):
    themes = {v: taxonomy.theme_of(v) for v in taxonomy.ids("values")}
    assert themes["privacy"] == "safety" and themes["employment"] == "fairness"
    assert themes["democratic_steering"] == "democracy" and themes["cultural"] == "human_centredness"


def test_finer_risk_nodes_under_values(taxonomy):
    children = {v: [c.id for c in taxonomy.node("values", v).children] for v in taxonomy.ids("values")}
    for risk in ("hallucination", "overreliance", "deepfakes", "misuse", "jailbreak", "model_collapse"):
        assert risk in children["reliability"]
    assert "digital_clone" in children["privacy"]
    misuse = taxonomy.node("values", "reliability").children[children["reliability"].index("misuse")]
    assert "malware" in misuse.lexicon["en"].terms


@pytest.mark.parametrize("text,lang,label,word", [
    ("De AI-verordening verplicht aanbieders van ChatGPT tot transparantie.", "nl", "legal_frameworks:ai_act", "AI-verordening"),
    ("De Autoriteit Persoonsgegevens onderzoekt of de chatbot de AVG schendt.", "nl", "legal_frameworks:gdpr", "AVG"),
    ("Schrijvers beroepen zich op de Auteurswet tegen het trainen van AI-modellen.", "nl", "legal_frameworks:copyright", "Auteurswet"),
    ("Deepfakevideo's van politici verspreiden zich via AI-tools.", "nl", "values:reliability", "Deepfakevideo's"),
    ("Ziekenhuizen testen een AI-chatbot.", "nl", "sectors:healthcare", "Ziekenhuizen"),
    ("ChatGPT hallucinated court cases that never existed.", "en", "values:reliability", "hallucinated"),
    ("A deepfake of the CEO fooled staff into an AI-assisted transfer.", "en", "values:reliability", "deepfake"),
])
def test_lexicon_terms_are_found_by_lemma_compound_and_case(rules, text, lang, label, word):
    nlp = rules.nlp[lang]
    hits = rules.hits(nlp, nlp(text), text)
    assert any(h.label == label and text[h.start:h.end] == word for h in hits), hits


BAD = {
    "missing scan id": lambda d: d["dimensions"]["values"].pop(0),
    "value under wrong theme": lambda d: d["dimensions"]["values"][0].update(theme="fairness"),
    "label without English": lambda d: d["dimensions"]["sectors"][0]["label"].pop("en"),
    "definition missing": lambda d: d["dimensions"]["roles"][0].pop("definition"),
    "unknown field": lambda d: d["dimensions"]["kinds"][0].update(colour="red"),
    "id not of the scan": lambda d: d["dimensions"]["sectors"].append(dict(d["dimensions"]["sectors"][0], id="sports")),
    "wildcard inside a word": lambda d: d["dimensions"]["values"][0]["lexicon"]["nl"]["terms"].append("pri*vacy"),
    "duplicate term": lambda d: d["dimensions"]["values"][0]["lexicon"]["en"]["terms"].append("privacy"),
    "no Dutch terms": lambda d: d["dimensions"]["sectors"][0]["lexicon"].pop("nl"),
    "duplicate child id": lambda d: d["dimensions"]["values"][2]["children"].append(
        d["dimensions"]["values"][2]["children"][0]),
    "missing dimension": lambda d: d["dimensions"].pop("roles"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_taxonomy_file_is_refused(tmp_path: Path, name):
    data = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    BAD[name](data)
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TaxonomyError) as exc:
        load_taxonomy(path)
    assert str(path) in str(exc.value)


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path):
    path = tmp_path / "taxonomy.yaml"
    path.write_text("version: [1.0\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        load_taxonomy(path)


def test_rules_alone_label_a_clear_item(rules):
    item = ClassifyInput(id="x", title="ChatGPT hallucinates court cases, lawyers fined",
                         text="A judge fined two lawyers after ChatGPT made up citations.", lang="en")
    result = rules.classify(item)
    assert result.relevant and "reliability" in result.values and "safety" in result.themes
