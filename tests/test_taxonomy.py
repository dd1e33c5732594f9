"""The taxonomy file: every id of the scan, both languages, and a schema that refuses bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gaimon.classify.classifier import Classifier, ClassifyInput
from gaimon.taxonomy import DIMENSIONS, LANGS, TAXONOMY_FILE, TaxonomyError, load_taxonomy

# The scan's ids as the taxonomy spec gives them (see the file's header).
SCAN_IDS = Path(__file__).parent / "fixtures" / "taxonomy_ids.yaml"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def rules():
    return Classifier()


def test_the_taxonomy_holds_exactly_the_ids_of_the_scan(taxonomy):
    scan = yaml.safe_load(SCAN_IDS.read_text(encoding="utf-8"))
    assert set(scan) == set(DIMENSIONS)
    for dimension, ids in scan.items():
        assert taxonomy.ids(dimension) == list(ids), dimension
    assert {v: taxonomy.theme_of(v) for v in taxonomy.ids("values")} == scan["values"]


def test_legislation_enforcement_and_research_have_digest_sections(taxonomy):
    assert taxonomy.digest_kinds() == ["legislation", "enforcement", "research"]


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_nodes_have_labels_definitions_section_and_lexicons_in_both_languages(taxonomy, dimension):
    for node in taxonomy.dimensions[dimension]:
        for lang in LANGS:
            assert getattr(node.label, lang) and getattr(node.definition, lang)
            words = [
                w
                for _, n in node.walk()
                for w in (n.lexicon[lang].terms + n.lexicon[lang].weak + n.lexicon[lang].exact)
                if lang in n.lexicon
            ]
            assert words, f"{dimension}:{node.id} has no {lang} terms"
        assert node.section


def test_values_sit_under_the_scans_themes(taxonomy):
    themes = {v: taxonomy.theme_of(v) for v in taxonomy.ids("values")}
    assert themes["privacy"] == "safety" and themes["employment"] == "fairness"
    assert (
        themes["democratic_steering"] == "democracy" and themes["cultural"] == "human_centredness"
    )


def test_finer_risk_nodes_under_values(taxonomy):
    children = {
        v: [c.id for c in taxonomy.node("values", v).children] for v in taxonomy.ids("values")
    }
    for risk in (
        "hallucination",
        "overreliance",
        "deepfakes",
        "misuse",
        "jailbreak",
        "model_collapse",
    ):
        assert risk in children["reliability"]
    assert "digital_clone" in children["privacy"]
    misuse = taxonomy.node("values", "reliability").children[
        children["reliability"].index("misuse")
    ]
    assert "malware" in misuse.lexicon["en"].terms


@pytest.mark.parametrize(
    "text,lang,label,word",
    [
        (
            "De AI-verordening verplicht aanbieders van ChatGPT tot transparantie.",
            "nl",
            "legal_frameworks:ai_act",
            "AI-verordening",
        ),
        (
            "De Autoriteit Persoonsgegevens onderzoekt of de chatbot de AVG schendt.",
            "nl",
            "legal_frameworks:gdpr",
            "AVG",
        ),
        (
            "Schrijvers beroepen zich op de Auteurswet tegen het trainen van AI-modellen.",
            "nl",
            "legal_frameworks:copyright",
            "Auteurswet",
        ),
        (
            "Deepfakevideo's van politici verspreiden zich via AI-tools.",
            "nl",
            "values:reliability",
            "Deepfakevideo's",
        ),
        ("Ziekenhuizen testen een AI-chatbot.", "nl", "sectors:healthcare", "Ziekenhuizen"),
        (
            "ChatGPT hallucinated court cases that never existed.",
            "en",
            "values:reliability",
            "hallucinated",
        ),
        (
            "A deepfake of the CEO fooled staff into an AI-assisted transfer.",
            "en",
            "values:reliability",
            "deepfake",
        ),
    ],
)
def test_lexicon_terms_are_found_by_lemma_compound_and_case(rules, text, lang, label, word):
    nlp = rules.nlp[lang]
    hits = rules.hits(nlp, nlp(text), text)
    assert any(h.label == label and text[h.start : h.end] == word for h in hits), hits


BAD = {
    "value under a theme that is not one": lambda d: d["dimensions"]["values"][0].update(
        theme="sport"
    ),
    "value without a theme": lambda d: d["dimensions"]["values"][0].pop("theme"),
    "theme on a sector": lambda d: d["dimensions"]["sectors"][0].update(theme="safety"),
    "digest section on a sector": lambda d: d["dimensions"]["sectors"][0].update(
        digest_section=True
    ),
    "digest section on a finer kind": lambda d: d["dimensions"]["kinds"][1].update(
        children=[dict(d["dimensions"]["kinds"][0], id="bill", digest_section=True)]
    ),
    "label without English": lambda d: d["dimensions"]["sectors"][0]["label"].pop("en"),
    "definition missing": lambda d: d["dimensions"]["roles"][0].pop("definition"),
    "unknown field": lambda d: d["dimensions"]["kinds"][0].update(colour="red"),
    "duplicate top-level id": lambda d: d["dimensions"]["sectors"].append(
        dict(d["dimensions"]["sectors"][0])
    ),
    "wildcard inside a word": lambda d: d["dimensions"]["values"][0]["lexicon"]["nl"][
        "terms"
    ].append("pri*vacy"),
    "duplicate term": lambda d: d["dimensions"]["values"][0]["lexicon"]["en"]["terms"].append(
        "privacy"
    ),
    "no Dutch terms": lambda d: d["dimensions"]["sectors"][0]["lexicon"].pop("nl"),
    "duplicate child id": lambda d: d["dimensions"]["values"][2]["children"].append(
        d["dimensions"]["values"][2]["children"][0]
    ),
    "missing dimension": lambda d: d["dimensions"].pop("roles"),
    # YAML reads an unquoted `on` as true.
    "a yes or no where a pattern wants a word": lambda d: d["dimensions"]["values"][0]["lexicon"][
        "en"
    ]["patterns"].append({"pattern": [{"LEMMA": "train"}, {"LOWER": {"IN": [True, "using"]}}]}),
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
    item = ClassifyInput(
        id="x",
        title="ChatGPT hallucinates court cases, lawyers fined",
        text="A judge fined two lawyers after ChatGPT made up citations.",
        lang="en",
    )
    result = rules.classify(item)
    assert result.relevant and "reliability" in result.values and "safety" in result.themes


@pytest.mark.parametrize(
    "text,lang,word",
    [
        ("Tesla's Autopilot failed to see a truck crossing the highway.", "en", "Autopilot"),
        (
            "Police in London expand live facial recognition at train stations.",
            "en",
            "facial recognition",
        ),
        (
            "De gemeente stopt met gezichtsherkenning bij de ingang van het stadion.",
            "nl",
            "gezichtsherkenning",
        ),
        ("LMs can be prompted to reveal personal data from their training sets.", "en", "LMs"),
        (
            "A conversational agent told a user to stop taking his medication.",
            "en",
            "conversational agent",
        ),
        ("Waymo recalls software after robotaxis hit a gate.", "en", "Waymo"),
        ("A self-driving car ran a red light in San Francisco.", "en", "self-driving"),
        ("Google Bard gave a wrong answer about the James Webb telescope.", "en", "Google Bard"),
        ("Users of the Gemini app saw historically inaccurate images.", "en", "Gemini app"),
        ("Claude Code deleted a production database.", "en", "Claude Code"),
        (
            "Study: recommendation algorithms push teenagers towards extreme content.",
            "en",
            "recommendation algorithms",
        ),
        (
            "Membership inference attacks query a model to learn whether the model's outputs "
            "reveal a record.",
            "en",
            "model's outputs",
        ),
        ("Zelfrijdende taxi's rijden vanaf volgend jaar in Amsterdam.", "nl", "Zelfrijdende"),
        ("Meta trained Llama 3 on public posts from Facebook users.", "en", "Llama 3"),
        # Policy writing shortens generative AI to GAI, in Dutch and in English.
        (
            "Een GAI-systeem kan persoonlijke informatie afleiden uit de interactie met de "
            "gebruiker.",
            "nl",
            "GAI",
        ),
        ("Ook met de opkomst van GAI spelen deze zorgen.", "nl", "GAI"),
        ("GAI systems may leak personal data seen in training.", "en", "GAI"),
        # A cloned or synthetic voice, a nudify app, a coding assistant: AI, unnamed.
        (
            "Nepadvertenties met gekloonde stem van nieuwslezer lokken mensen naar fraude",
            "nl",
            "gekloonde stem",
        ),
        ("Nepnaaktfoto's van scholieren rondgestuurd op school", "nl", "Nepnaaktfoto's"),
        (
            "Criminelen lieten de aanval uitvoeren door een programmeerassistent",
            "nl",
            "programmeer",
        ),
        ("Robocall with a cloned voice of the president tells voters to stay home", "en", "cloned"),
        ("Teenagers used a nudify app on classmates' photos", "en", "nudify"),
        ("The risks of GAI-generated content for elections.", "en", "GAI"),
    ],
)
def test_the_ways_real_texts_name_ai_pass_the_relevance_lexicon(rules, text, lang, word):
    nlp = rules.nlp[lang]
    hits = rules.hits(nlp, nlp(text), text)
    assert any(
        h.label == "relevant:ai" and h.strong and word in text[h.start : h.end] for h in hits
    ), hits


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Claude Monet's water lilies fetch 65 million at a New York sale.", "en"),
        ("A Gemini spacecraft capsule sells at auction for a record price.", "en"),
        ("The club's scouting model faces its toughest test this summer.", "en"),
        ("Het Concertgebouworkest brengt een ode aan Claude Debussy.", "nl"),
    ],
)
def test_names_that_are_also_other_things_are_no_clear_ai_term(rules, text, lang):
    nlp = rules.nlp[lang]
    assert not [
        h for h in rules.hits(nlp, nlp(text), text) if h.label == "relevant:ai" and h.strong
    ]


def _labels(rules, lang: str, title: str, text: str, dimension: str = "values") -> set[str]:
    result = rules.classify(ClassifyInput(id="x", lang=lang, title=title, text=text))
    assert result.relevant
    return set(getattr(result, dimension))


def _hit_labels(rules, lang: str, text: str) -> set[str]:
    nlp = rules.nlp[lang]
    return {h.label for h in rules.hits(nlp, nlp(text), text)}


def test_a_regulator_named_in_passing_is_no_privacy_item(rules):
    nl = (
        "De Autoriteit Persoonsgegevens (AP) raadt kiezers af om AI-chatbots te gebruiken als "
        "stemhulp. Uit onderzoek van de AP blijkt dat de chatbots vaak eenzijdig advies geven."
    )
    en = (
        "The Department for Education said schools should test AI chatbots for accuracy before "
        "pupils use them. The ICO and the EDPB were also consulted on the guidance."
    )
    assert "privacy" not in _labels(
        rules, "nl", "Toezichthouder waarschuwt voor AI-chatbots als stemhulp", nl
    )
    assert "privacy" not in _labels(rules, "en", "Schools told to check AI chatbots before use", en)
    nlp = rules.nlp["nl"]
    strong = {h.label for h in rules.hits(nlp, nlp(nl), nl) if h.strong}
    assert "values:privacy" not in strong
    # A privacy item that names the regulator keeps its label.
    assert "privacy" in _labels(
        rules,
        "nl",
        "AP onderzoekt datalek bij AI-chatbot",
        "De Autoriteit Persoonsgegevens onderzoekt een datalek waarbij "
        "persoonsgegevens van gebruikers van een AI-chatbot op straat kwamen.",
    )


def test_computing_power_and_powering_are_not_about_energy_or_who_holds_power(rules):
    values = {"values:sustainability", "values:democratic_steering"}
    for lang, text in [
        (
            "en",
            "Nvidia results beat forecasts\nNvidia chips are powering the boom in generative "
            "AI, and demand for computing power keeps rising, the company said.",
        ),
        ("nl", "Nvidia verkoopt meer chips\nDe vraag naar rekenkracht voor AI blijft groeien."),
    ]:
        nlp = rules.nlp[lang]
        words = {
            text[h.start : h.end] for h in rules.hits(nlp, nlp(text), text) if h.label in values
        }
        assert not {w for w in words if "power" in w or "reken" in w}, words
        assert not values & {f"values:{v}" for v in _labels(rules, lang, *text.split("\n"))}
    assert "values:sustainability" in _hit_labels(
        rules, "en", "AI data centres push up power consumption."
    )


def test_boekt_is_the_verb_not_the_noun_books(rules):
    title, text = (
        "Nvidia boekt recordomzet door vraag naar AI-chips",
        "De Amerikaanse chipmaker boekte in het afgelopen kwartaal een recordomzet dankzij de "
        "grote vraag naar chips voor AI-toepassingen in datacenters, en verwacht dat die groei "
        "het komende jaar doorzet.",
    )
    assert not {"sectors:culture"} & _hit_labels(rules, "nl", f"{title}\n{text}")
    assert "culture" not in _labels(rules, "nl", title, text, "sectors")
    assert "sectors:culture" in _hit_labels(
        rules, "nl", "Uitgevers brengen minder boeken uit door AI."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Leerlingen die ChatGPT gebruiken, denken volgens docenten minder kritisch na over hun "
        "bronnen.",
        "Docenten zien dat leerlingen niet meer leren kritisch na te denken sinds ChatGPT.",
    ],
)
def test_a_split_dutch_verb_still_matches_its_term(rules, text):
    nlp = rules.nlp["nl"]
    hits = rules.hits(nlp, nlp(text), text)
    assert any(
        h.label == "values:cognitive" and h.strong and "kritisch na" in text[h.start : h.end]
        for h in hits
    ), hits


def test_unemployment_benefits_are_welfare_not_jobs_lost(rules):
    for lang, text in [
        (
            "en",
            "Thousands of people were locked out of their unemployment benefits after the state "
            "introduced facial recognition to verify claimants.",
        ),
        (
            "nl",
            "Het UWV gebruikt een algoritme om aanvragen voor een werkloosheidsuitkering te "
            "controleren op fraude.",
        ),
    ]:
        assert "values:employment" not in _hit_labels(rules, lang, text), text
    assert "values:employment" in _hit_labels(
        rules, "en", "Economists warn that generative AI could bring mass unemployment."
    )
    assert "values:employment" in _hit_labels(
        rules, "nl", "Vakbonden vrezen dat AI tot werkloosheid onder vertalers leidt."
    )


@pytest.mark.parametrize(
    ("lang", "text", "label"),
    [
        (
            "en",
            "Delegating decisions to an AI that cannot be contested may leave people with a "
            "sense of lost human agency.",
            "values:cognitive",
        ),
        (
            "nl",
            "Wie zijn morele oordeel aan een chatbot overlaat, levert volgens ethici menselijke "
            "autonomie in.",
            "values:cognitive",
        ),
        (
            "en",
            "Users of companion apps report emotional dependency and social isolation.",
            "values:social",
        ),
        (
            "en",
            "Over-expansion of data infrastructure contributes to biodiversity loss.",
            "values:sustainability",
        ),
        (
            "nl",
            "Natuurorganisaties vrezen milieuschade en verlies van biodiversiteit door nieuwe "
            "datacenters.",
            "values:sustainability",
        ),
        (
            "en",
            "The publisher is replacing journalists with AI-generated articles.",
            "values:employment",
        ),
        (
            "en",
            "A governance failure lets a few tech giants set the rules for AI.",
            "values:democratic_steering",
        ),
        (
            "en",
            "Researchers traced a computational propaganda network spreading political "
            "deepfakes before the presidential election.",
            "values:democratic_processes",
        ),
        (
            "en",
            "An algorithm used to rank patients for a kidney transplant is accused of bias.",
            "sectors:healthcare",
        ),
        (
            "en",
            "Microsoft Bing repeats false claims about COVID-19 vaccines.",
            "sectors:healthcare",
        ),
        (
            "nl",
            "Een chatbot geeft verkeerde informatie over vaccins tegen covid.",
            "sectors:healthcare",
        ),
        (
            "en",
            "Students say the online proctoring software flagged them for looking away.",
            "sectors:education",
        ),
        (
            "en",
            "A parole board relied on a risk score that overstated recidivism.",
            "sectors:public_sector",
        ),
        (
            "nl",
            "De reclassering gebruikt een risicotaxatie-instrument met AI.",
            "sectors:public_sector",
        ),
        (
            "en",
            "Anthropic scanned millions of books to train its AI models.",
            "values:ownership",
        ),
        (
            "en",
            "SoundCloud quietly trains AI on user content, musicians say.",
            "values:ownership",
        ),
        ("en", "Perplexity is accused of ripping off news websites.", "values:ownership"),
        (
            "nl",
            "Meta gebruikte miljoenen boeken om zijn AI-modellen te trainen.",
            "values:ownership",
        ),
        ("nl", "SoundCloud traint AI op muziek van gebruikers.", "values:ownership"),
        ("en", "Voice artists lose work to AI clones.", "values:employment"),
        (
            "en",
            "Societal risks: manipulation, sowing division with AI content.",
            "values:democratic_processes",
        ),
        (
            "nl",
            "Trollen zaaien verdeeldheid met AI-video's over de oorlog.",
            "values:democratic_processes",
        ),
        (
            "en",
            "Finance site discovered to be plagiarising other websites using AI.",
            "values:ownership",
        ),
        (
            "en",
            "Newspaper orders AI search engine to stop misusing its content.",
            "values:ownership",
        ),
        (
            "en",
            "The newspaper's replacement of journalists with AI prompts industry fears.",
            "values:employment",
        ),
        ("nl", "Vertalers raken hun werk kwijt aan AI-vertaaldiensten.", "values:employment"),
        (
            "en",
            "Market concentration in general-purpose AI creates single points of failure.",
            "values:democratic_steering",
        ),
        (
            "nl",
            "De marktconcentratie bij AI-chips baart toezichthouders zorgen.",
            "values:democratic_steering",
        ),
        (
            "nl",
            "Zonder die creatieve werken zouden de taalmodellen niet kunnen functioneren.",
            "values:ownership",
        ),
    ],
)
def test_the_wording_real_sources_use_is_clear_evidence(rules, lang, text, label):
    assert label in _clear_labels(rules, lang, text), text


@pytest.mark.parametrize(
    ("lang", "text", "label"),
    [
        (
            "nl",
            "Met de nieuwe app houden ouderen de eigen regie over hun zorg, zegt de gemeente.",
            "values:cognitive",
        ),
        (
            "nl",
            "Enkele bedrijven gebruiken AI al om facturen te verwerken.",
            "values:democratic_steering",
        ),
        (
            "en",
            "A few companies have started to use AI assistants for customer service.",
            "values:democratic_steering",
        ),
        (
            "en",
            "The court stressed the right to informational self-determination.",
            "values:cognitive",
        ),
        (
            "nl",
            "Sinds covid is thuiswerk de norm op kantoor, ook met AI-assistenten.",
            "sectors:education",
        ),
        (
            "nl",
            "Sinds covid is thuiswerk de norm op kantoor, ook met AI-assistenten.",
            "sectors:healthcare",
        ),
        (
            "en",
            "Since COVID-19, more office staff work from home with AI assistants.",
            "sectors:healthcare",
        ),
        # Suicide, cheating and plagiarism are named in many stories that are not about people's
        # bonds with chatbots or students' learning: weak evidence only.
        (
            "en",
            "Study: health chatbot fails emergency and suicide-risk tests.",
            "values:social",
        ),
        (
            "nl",
            "De gemeente test een algoritme dat het risico op zelfmoord onder jongeren voorspelt.",
            "values:social",
        ),
        (
            "en",
            "News aggregator accused of boosting plagiarised AI articles.",
            "values:cognitive",
        ),
        # A model trained on books says nothing of whose books, or of consent.
        (
            "nl",
            "Het nieuwe taalmodel wordt getraind op boeken en kranten uit archieven, met "
            "toestemming van de uitgevers.",
            "values:ownership",
        ),
        # Training at work is no training of a model on works.
        (
            "nl",
            "Medewerkers trainen op het werk met een AI-assistent.",
            "values:ownership",
        ),
        # Training on people's data is a privacy matter, not one of who owns the work.
        (
            "en",
            "The start-up trains its AI on user data from the fitness app.",
            "values:ownership",
        ),
        (
            "en",
            "Student reading aloud during a remote exam is falsely accused of cheating.",
            "values:cognitive",
        ),
        (
            "nl",
            "De hoofdredacteur spreekt van plagiaat: de nieuwssite nam het AI-artikel zonder "
            "bronvermelding over.",
            "values:cognitive",
        ),
    ],
)
def test_common_phrases_near_the_new_terms_are_no_evidence(rules, lang, text, label):
    assert label not in _clear_labels(rules, lang, text), text


@pytest.mark.parametrize(
    ("lang", "title", "text", "value"),
    [
        (
            "en",
            "Teenager took his own life after months with a companion chatbot",
            "His mother says the companion app encouraged his suicidal thoughts and fostered an "
            "emotional dependence on the bot.",
            "social",
        ),
        (
            "nl",
            "Leerlingen leveren massaal essays in die ChatGPT schreef",
            "Docenten betrappen steeds meer leerlingen op plagiaat en spieken met AI; ze vrezen "
            "dat leerlingen het kritisch denken verleren.",
            "cognitive",
        ),
    ],
)
def test_with_their_context_those_words_still_give_the_value(rules, lang, title, text, value):
    assert value in _labels(rules, lang, title, text)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Marvel series' AI-generated title sequence prompts controversy"),
        ("en", "Streaming service's AI film backgrounds cause controversy"),
        ("en", "Broadcaster castigated for using generative AI to promote a drama series"),
        ("nl", "Omroep krijgt kritiek op AI-gegenereerde poster voor nieuwe dramaserie"),
        ("nl", "Ophef over AI-posters van het filmfestival"),
    ],
)
def test_creative_work_commissioned_from_ai_is_weak_evidence_of_jobs(rules, lang, text):
    nlp = rules.nlp[lang]
    hits = [h for h in rules.hits(nlp, nlp(text), text) if h.label == "values:employment"]
    assert hits and not any(h.strong for h in hits), hits


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Study: generative AI to transform drug discovery, researchers say."),
        ("nl", "De AI-gegenereerde samenvatting van het rapport bevatte fouten."),
    ],
)
def test_other_ai_output_is_no_evidence_of_jobs(rules, lang, text):
    assert "values:employment" not in _hit_labels(rules, lang, text), text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Lack of understanding of in-context learning in language models."),
        ("en", "LLMs are implemented on deep learning frameworks with known vulnerabilities."),
        ("en", "Reinforcement learning agents may tamper with their reward."),
        ("nl", "Machinaal leren en deep learning vormen de basis van het taalmodel."),
    ],
)
def test_what_machines_learn_is_no_evidence_of_peoples_learning(rules, lang, text):
    assert "values:cognitive" not in _hit_labels(rules, lang, text), text


def test_cognitive_alone_is_weak_evidence_but_cognitive_skills_are_clear(rules):
    nlp = rules.nlp["en"]
    superiority = "Developers pursue cognitive superiority of AI over humans."
    skills = "Pupils who let a chatbot do their homework lose cognitive skills."
    hits = {
        text: [h for h in rules.hits(nlp, nlp(text), text) if h.label == "values:cognitive"]
        for text in (superiority, skills)
    }
    assert hits[superiority] and not any(h.strong for h in hits[superiority])
    assert any(h.strong for h in hits[skills])


def test_losing_unsaved_work_is_no_clear_evidence_of_jobs(rules):
    text = "Users lose work when the AI writing app crashes before saving."
    assert "values:employment" not in _clear_labels(rules, "en", text)


def _clear_labels(rules, lang: str, text: str) -> set[str]:
    nlp = rules.nlp[lang]
    return {h.label for h in rules.hits(nlp, nlp(text), text) if h.strong}
