"""The classifier as users meet it: the JSONL contract of `gaimon classify --jsonl`, evidence that
points at the right words, relevance, languages, and the lexicon-only fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from classifier_world import classifier, stage_articles, trained_home  # noqa: F401

from gaimon.classify.classifier import ClassifyInput
from gaimon.taxonomy import DIMENSIONS, LIST_DIMENSIONS, default_taxonomy

ITEMS = [
    {
        "id": "nl-ai",
        "title": "Ziekenhuis stopt met AI-chatbot na foute medische adviezen",
        "text": "Een Amsterdams ziekenhuis heeft de proef met een AI-chatbot voor patiënten "
        "stopgezet. "
        "De chatbot, gebouwd op ChatGPT, gaf volgens artsen in een op de tien gesprekken onjuist "
        "advies over medicijnen en verzon soms bijwerkingen die niet bestaan. De Autoriteit "
        "Persoonsgegevens onderzoekt bovendien of patiëntgegevens in strijd met de AVG zijn "
        "gedeeld met de leverancier.",
        "lang": "nl",
    },
    {
        "id": "en-ai",
        "title": "Authors sue AI company over books used to train its chatbot",
        "text": "A group of novelists has filed a copyright lawsuit against an AI developer, "
        "saying "
        "thousands of pirated books were used without permission to train its large language "
        "model. The writers want compensation and ask the court to order the company to stop "
        "using their work.",
    },
    {
        "id": "en-other",
        "title": "Storm warnings issued as gale-force winds hit the coast",
        "text": "The weather service issued code orange warnings for the coastal provinces as "
        "winds "
        "of up to 110 km/h were expected overnight. Ferry services were cancelled and "
        "residents were advised to stay indoors.",
        "lang": "en",
    },
    {
        "id": "nl-nolang",
        "title": "Leraren zien leerlingen essays door ChatGPT laten schrijven",
        "text": "Docenten op middelbare scholen merken dat steeds meer leerlingen hun werkstukken "
        "door "
        "een chatbot laten maken. Volgens de onderwijsinspectie leren leerlingen daardoor "
        "minder goed kritisch denken.",
    },
]
GAIMON = str(Path(sys.executable).with_name("gaimon"))
KEYS = [
    "id",
    "lang",
    "relevant",
    "themes",
    "values",
    "sectors",
    "roles",
    "policy_options",
    "legal_frameworks",
    "kind",
    "scores",
    "evidence",
]


@pytest.fixture(scope="module")
def cli_output(trained_home, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("cli")
    source, target = folder / "in.jsonl", folder / "out.jsonl"
    source.write_text(
        "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), encoding="utf-8"
    )
    env = dict(os.environ, GAIMON_HOME=str(trained_home.root))
    done = subprocess.run(
        [GAIMON, "classify", "--jsonl", str(source), "--out", str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def test_cli_writes_one_line_per_item_with_exactly_the_contract_keys(cli_output):
    assert [r["id"] for r in cli_output] == [i["id"] for i in ITEMS]
    for row in cli_output:
        assert list(row) == KEYS


def test_cli_output_uses_the_taxonomy_ids(cli_output):
    ids = {dimension: set(default_taxonomy().ids(dimension)) for dimension in DIMENSIONS}
    for row in cli_output:
        for dimension in LIST_DIMENSIONS:
            assert set(row[dimension]) <= ids[dimension]
        assert row["kind"] in ids["kinds"]
        assert set(row["scores"]) <= set(KEYS[3:10]) and "kind" in row["scores"]
        for dimension, scores in row["scores"].items():
            assert set(scores) <= ids["kinds" if dimension == "kind" else dimension]
            assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in scores.values()), dimension


def test_evidence_offsets_slice_title_newline_text(cli_output):
    by_id = {i["id"]: i for i in ITEMS}
    checked = 0
    for row in cli_output:
        body = by_id[row["id"]]["title"] + "\n" + by_id[row["id"]]["text"]
        for evidence in row["evidence"]:
            assert body[evidence["start"] : evidence["end"]] == evidence["text"]
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
    assert not any(
        row[d]
        for d in ("themes", "values", "sectors", "roles", "policy_options", "legal_frameworks")
    )


def test_language_is_detected_when_missing(cli_output):
    langs = {r["id"]: r["lang"] for r in cli_output}
    assert langs["nl-nolang"] == "nl" and langs["en-ai"] == "en"
    row = next(r for r in cli_output if r["id"] == "nl-nolang")
    assert "education" in row["sectors"] and "cognitive" in row["values"]


def test_themes_are_the_themes_of_the_values_with_their_words(cli_output):
    taxonomy = default_taxonomy()
    for row in cli_output:
        assert set(row["themes"]) == {taxonomy.theme_of(v) for v in row["values"]}, row["id"]
        for theme in row["themes"]:
            words = {e["text"] for e in row["evidence"] if e["label"] == f"themes:{theme}"}
            mine = {
                e["text"]
                for e in row["evidence"]
                if e["label"].startswith("values:")
                and taxonomy.theme_of(e["label"].split(":")[1]) == theme
            }
            assert words & mine, (row["id"], theme)


def test_a_bad_input_line_is_reported_and_the_rest_classified(trained_home, tmp_path: Path):  # noqa: F811
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "ChatGPT and privacy"}\n{"text": "no id"}\n', encoding="utf-8"
    )
    env = dict(os.environ, GAIMON_HOME=str(trained_home.root))
    done = subprocess.run(
        [GAIMON, "classify", "--jsonl", str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1
    assert "in.jsonl:2" in done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["a"]


def test_model_only_labels_are_explained_by_the_words_the_model_weighs(classifier):  # noqa: F811
    item = ClassifyInput(
        id="m",
        lang="en",
        title="Chatbot maker changes its app after teenager's death",
        text="The company behind a popular chatbot app will add warnings after a "
        "teenager who spent hours talking to an AI character took his own life.",
    )
    result = classifier.classify(item)
    for evidence in result.evidence:
        assert item.body[evidence.start : evidence.end] == evidence.text
    labelled = {e.label for e in result.evidence}
    for value in result.values:
        assert f"values:{value}" in labelled


def test_classify_many_keeps_order_across_chunks(classifier, monkeypatch):  # noqa: F811
    import gaimon.classify.classifier

    monkeypatch.setattr(gaimon.classify.classifier, "CHUNK", 3)
    items = [
        ClassifyInput(
            id=str(i),
            lang=("nl" if i % 2 else None),
            title=f"AI nieuws {i}",
            text="ChatGPT en privacy" if i % 3 else "The weather is fine.",
        )
        for i in range(10)
    ]
    assert [r.id for r in classifier.classify_many(items)] == [str(i) for i in range(10)]


def test_without_a_model_the_lexicon_alone_labels(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("GAIMON_AUTOTRAIN", "0")
    from gaimon.home import Home
    from gaimon.train.training import load_or_train_classifier

    rules = load_or_train_classifier(Home(tmp_path / "fresh").ensure())
    assert rules.version.startswith("rules-") and not rules.trained
    result = rules.classify(
        ClassifyInput(
            id="r",
            lang="nl",
            title="Boete voor OpenAI om AVG-schending",
            text="De Italiaanse privacytoezichthouder legt ChatGPT een boete op.",
        )
    )
    assert result.relevant and "privacy" in result.values and "gdpr" in result.legal_frameworks


def test_an_analyst_decision_on_relevance_overrides_the_gate(classifier):  # noqa: F811
    item = ClassifyInput(
        id="f", lang="en", title="Storm hits coast", text="Winds of 110 km/h.", relevant=True
    )
    assert classifier.classify(item).relevant


# A parliamentary report of 1.25 million characters: past spaCy's limit of a million (E088).
LONG = (
    "Kamerstuk over kunstmatige intelligentie bij de overheid. "
    + "De commissie bespreekt de inzet van algoritmen en de gevolgen voor burgers. " * 16_500
)


@pytest.fixture(scope="module")
def rules_home(tmp_path_factory):
    """A home whose classifier is the lexicon alone (no training needed)."""
    from gaimon.home import Home

    return Home(tmp_path_factory.mktemp("rules") / "home").ensure()


def _run(home, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GAIMON_HOME=str(home.root), GAIMON_AUTOTRAIN="0")
    return subprocess.run([GAIMON, *args], env=env, capture_output=True, text=True, timeout=600)


def test_a_text_too_long_for_spacy_is_classified_on_its_start_and_says_so():
    from gaimon.classify.classifier import Classifier

    assert len(LONG) > 1_200_000
    items = [
        ClassifyInput(
            id="before", lang="en", title="ChatGPT leaks chat history", text="A privacy bug."
        ),
        ClassifyInput(id="long", lang="nl", title="Rapport over AI bij de overheid", text=LONG),
        ClassifyInput(
            id="after", lang="en", title="Deepfake of a mayor", text="A deepfake video spread."
        ),
    ]
    results = list(Classifier().classify_many(items))
    assert [r.id for r in results] == ["before", "long", "after"]
    long = results[1]
    assert long.relevant and 90_000 <= long.read_chars <= 100_000
    assert all(e.end <= long.read_chars for e in long.evidence)
    assert json.loads(long.model_dump_json())["read_chars"] == long.read_chars
    assert "read_chars" not in json.loads(results[0].model_dump_json())


def test_one_item_that_fails_never_takes_the_others_down(monkeypatch):
    import gaimon.classify.classifier
    from gaimon.classify.classifier import Classifier, ClassifyError

    # Without the cut, spaCy itself refuses the long text (E088): only that item may be lost.
    monkeypatch.setattr(gaimon.classify.classifier, "MAX_CHARS", 2_000_000)
    items = [
        ClassifyInput(
            id=f"ok{i}", lang="nl", title="AI-chatbot verzint antwoorden", text="Een chatbot."
        )
        for i in range(3)
    ]
    items.insert(1, ClassifyInput(id="kamerstuk-2026-123", lang="nl", title="Rapport", text=LONG))
    failures: list[ClassifyError] = []
    results = list(Classifier().classify_many(items, on_error=failures.append))
    assert [r.id for r in results] == ["ok0", "ok1", "ok2"]
    assert (
        len(failures) == 1
        and "kamerstuk-2026-123" in str(failures[0])
        and "\n" not in str(failures[0])
    )
    with pytest.raises(ClassifyError, match="kamerstuk-2026-123"):
        list(Classifier().classify_many(items))


def test_classify_jsonl_keeps_the_lines_around_a_huge_one(rules_home, tmp_path: Path):
    source = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "lang": "en", "title": "ChatGPT and privacy", "text": "Chat logs leaked."},
        {"id": "huge", "lang": "nl", "title": "Rapport", "text": LONG},
        {"id": "b", "lang": "en", "title": "Deepfake", "text": "A deepfake of a mayor."},
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    done = _run(rules_home, "classify", "--jsonl", str(source))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "huge", "b"]
    assert rows[1]["read_chars"] <= 100_000 and "read_chars" not in rows[0]


def test_binary_garbage_and_invalid_lines_are_skipped_with_one_line_each(
    rules_home, tmp_path: Path
):
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'{"id": "a", "lang": "en", "title": "ChatGPT", "text": "privacy"}\n'
        b"\x89PNG\x1a\x00\x00\x00IHDR\xff\xfe\xfd\n"
        b'{"title": "no id", "text": "ChatGPT"}\n'
        b'{"id": "c", "text": 42}\n'
        b'{"id": "d", "lang": "en", "title": "Deepfake", "text": "A deepfake."}\n'
    )
    done = _run(rules_home, "classify", "--jsonl", str(source))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["a", "d"]
    errors = done.stderr.strip().splitlines()
    assert any("in.jsonl:2" in e and "UTF-8" in e for e in errors), errors
    assert any("in.jsonl:3" in e and "id: Field required" in e for e in errors), errors
    assert any("in.jsonl:4" in e and "text: Input should be a valid string" in e for e in errors), (
        errors
    )
    assert not any("validation error for" in e for e in errors)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("nl", "Ook met de opkomst van {} spelen deze zorgen over de kwaliteit van werk."),
        ("nl", "De {}-systemen van grote techbedrijven verwerken steeds meer persoonsgegevens."),
        ("en", "{} systems can produce convincing false information at scale."),
    ],
)
def test_policy_writings_gai_is_read_as_ai(classifier, lang, text):  # noqa: F811
    # Policy texts (the Rathenau scan among them) write GAI for generative AI; the training
    # data never does, so the model must know it as AI rather than as a word it never saw.
    ai, gai = classifier.classify_many(
        [ClassifyInput(id=w, title="", text=text.format(w), lang=lang) for w in ("AI", "GAI")]
    )
    assert gai.relevant and gai.relevance == pytest.approx(ai.relevance)
    assert (gai.values, gai.sectors) == (ai.values, ai.sectors)


def test_exports_with_null_fields_numeric_ids_or_headlines_only_are_classified(
    rules_home, tmp_path: Path
):
    # As real datasets export them: a headline without text (null or absent), a risk
    # description with a null title, items numbered instead of named.
    source = tmp_path / "export.jsonl"
    lines = [
        {"id": 17, "lang": "en", "title": "Deepfake robocall mimics president", "text": None},
        {"id": "mit:1", "lang": "en", "title": None, "text": "Chatbots leak personal data."},
        {"id": "h2", "lang": "nl", "title": "Chatbot lekt medische gegevens van patiënten"},
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    done = _run(rules_home, "classify", "--jsonl", str(source))
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["17", "mit:1", "h2"]
    assert all(r["relevant"] for r in rows)
    assert "privacy" in rows[1]["values"] and "privacy" in rows[2]["values"]
    first = rows[0]["evidence"][0]
    assert ("Deepfake robocall mimics president\n")[first["start"] : first["end"]] == first["text"]


def test_the_warehouse_classifies_everything_around_a_huge_document_and_records_the_cut(
    tmp_path: Path,
):
    from gaimon import warehouse
    from gaimon.crawl.normalize import canonical_url, document_id
    from gaimon.home import Home
    from gaimon.load.loader import load_staged

    home = Home(tmp_path / "home").ensure()
    warehouse.init(home.warehouse)
    articles = {
        "a": ("AI-chatbot lekt persoonsgegevens", "Een chatbot van de gemeente lekte gegevens."),
        "kamerstuk": ("Rapport over AI bij de overheid", LONG),
        "b": ("Deepfake van burgemeester", "Een deepfake-video van de burgemeester ging rond."),
    }
    staged = stage_articles(
        tmp_path / "staged.jsonl",
        {f"https://example.nl/{name}": article for name, article in articles.items()},
    )
    with warehouse.open_warehouse(home.warehouse) as con:
        load_staged(con, [staged])
    done = _run(home, "classify")
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "3 document(s) classified" in said and "1 too long" in said
    long_id = document_id(canonical_url("https://example.nl/kamerstuk"))
    assert _run(home, "label", long_id, "--add", "sectors:public_sector").returncode == 0
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        rows = dict(
            con.execute(
                "SELECT doc_id, read_chars FROM documents WHERE model_version IS NOT NULL"
            ).fetchall()
        )
        signals = con.execute(
            "SELECT count(*) FROM signals WHERE doc_id = ?", [long_id]
        ).fetchone()[0]
    assert len(rows) == 3 and signals > 0
    assert 90_000 <= rows.pop(long_id) <= 100_000 and set(rows.values()) == {None}


def test_a_batch_file_of_the_daily_run_keeps_its_other_documents_when_one_fails(
    tmp_path: Path, monkeypatch
):
    import gaimon.classify.classifier
    from gaimon.classify import fanout
    from gaimon.classify.classifier import Classifier

    monkeypatch.setattr(
        gaimon.classify.classifier, "MAX_CHARS", 2_000_000
    )  # spaCy itself refuses LONG
    batch = tmp_path / "batch-00000.jsonl"
    items = [
        ClassifyInput(id="a", lang="nl", title="AI-chatbot verzint regels", text="Een chatbot."),
        ClassifyInput(id="kamerstuk", lang="nl", title="Rapport", text=LONG),
        ClassifyInput(id="b", lang="en", title="Deepfake of a mayor", text="A deepfake video."),
    ]
    batch.write_text("".join(i.model_dump_json() + "\n" for i in items), encoding="utf-8")
    result = fanout.classify_file(batch, fanout.Model(Classifier().version, None))
    stored = [
        json.loads(line)["id"] for line in result.results.read_text(encoding="utf-8").splitlines()
    ]
    assert stored == ["a", "b"] and result.documents == 2
    assert (
        len(result.errors) == 1
        and "kamerstuk" in result.errors[0]
        and "batch-00000" in result.errors[0]
    )
