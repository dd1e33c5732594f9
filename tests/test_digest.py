"""The weekly digest on a small warehouse with a planted burst: content, formats, review,
archive."""

from __future__ import annotations

import io
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from digest_world import BIDI, HOSTILE_URL, LONG_TITLE, doc_id, hostile_items, misdated_item, plant
from markdown_it import MarkdownIt
from PIL import Image
from pypdf import PdfReader
from typer.testing import CliRunner

from gaimon import warehouse
from gaimon.cli import app, main
from gaimon.digest import (
    DigestError,
    approve_digest,
    build_digest,
    charts,
    latest_week,
    render,
    write_digest,
)
from gaimon.digest.archive import ArchiveError, load_data
from gaimon.digest.model import Section, colour
from gaimon.digest.review import dismiss, draft_signals, restore
from gaimon.digest.sentences import best_sentence, sentence_around
from gaimon.digest.text import limits
from gaimon.digest.workflow import frozen, store
from gaimon.home import Home
from gaimon.taxonomy import default_taxonomy
from gaimon.weeks import WeekError, trailing_weeks, week_days

ATOM = "{http://www.w3.org/2005/Atom}"


def new_home(root: Path) -> Home:
    home = Home(root).ensure()
    warehouse.init(home.warehouse)
    return home


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One built draft (both languages, all formats) that tests only read."""
    home = new_home(tmp_path_factory.mktemp("digest") / "home")
    week = plant(home)
    return home, week, build_digest(home, week)


@pytest.fixture
def world(tmp_path):
    home = new_home(tmp_path / "home")
    return home, plant(home)


def gaimon(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    """`gaimon ARGS` as its console entry point runs it: exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["gaimon", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    return done.value.code, out, err


def test_the_digest_names_the_planted_risk_in_its_sector(built):
    home, week, report = built
    assert report.risks == ["healthcare/reliability"]
    data = load_data(report.folder, "nl")
    ((section, risk),) = data.risks
    assert (section.sector, section.name, risk.name) == ("healthcare", "Zorg", "Betrouwbaarheid")
    assert risk.status in ("new", "rising")
    # Six stories: the syndicated copy of the first counts once; five outlets.
    assert (risk.stories, risk.sources, risk.certainty) == (6, 5, "high")
    assert any("onjuist advies" in e.sentence.match for e in risk.evidence)
    assert risk.options[0].id == "market_withdrawal" and not risk.options[0].inferred
    html = report.paths["nl"]["html"].read_text(encoding="utf-8")
    assert 'id="risk-healthcare-reliability"' in html
    assert "Betrouwbaarheid in Zorg" in html
    english = report.paths["en"]["html"].read_text(encoding="utf-8")
    assert "Reliability in Healthcare" in english and 'lang="en"' in english


def test_every_sector_gets_lights_and_quiet_ones_one_line(built):
    data = load_data(built[2].folder, "nl")
    lights = {s.sector: {light.value: light.colour for light in s.lights} for s in data.sections}
    assert lights["healthcare"]["reliability"] == "red"
    assert lights["healthcare"]["privacy"] == "amber"  # one story where almost none were expected
    assert (
        lights["education"]["cognitive"] == "green"
    )  # two stories in a busy week: fewer than expected
    assert lights["defence"] == {value: "grey" for value in lights["defence"]}
    text = built[2].paths["nl"]["txt"].read_text(encoding="utf-8")
    assert "Rustig deze week: Wetenschap, Defensie" in text
    # Sectors with an emerging risk come first, the others in taxonomy order.
    assert [s.sector for s in data.sections][:3] == ["healthcare", "education", "science"]


@pytest.mark.parametrize(
    ("status", "stories", "baseline", "expected"),
    [
        ("new", 3, 0.0, "red"),
        ("rising", 5, 2.0, "red"),
        ("steady", 2, 1.0, "amber"),
        ("steady", 1, 1.0, "green"),
        ("falling", 1, 3.0, "green"),
        ("steady", 0, 2.0, "grey"),
        ("new", 0, 0.0, "grey"),
    ],
)
def test_traffic_light_rule(status, stories, baseline, expected):
    assert colour(status, stories, baseline) == expected


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_footer_states_the_rule_of_each_colour(built, lang):
    html = built[2].paths[lang]["html"].read_text(encoding="utf-8")
    words = render.strings(lang)
    for key in (
        "rule_red",
        "rule_amber",
        "rule_green",
        "rule_grey",
        "rule_expected",
        "rule_certainty",
        "rule_policy",
    ):
        assert render.plain(words[key]).replace("'", "&#39;") in html


def test_legislation_enforcement_and_research_of_the_week(built):
    data = load_data(built[2].folder, "en")
    by_sector = {s.sector: s for s in [*data.sections, data.general]}
    (eu,) = data.general.legislation
    assert (eu.jurisdiction, eu.procedure, eu.stage) == ("EU", "2021/0106(COD)", "Council position")
    (nl,) = by_sector["healthcare"].legislation
    assert (nl.jurisdiction, nl.procedure, nl.stage) == ("NL", "2026Z12345", "Stemming")
    (probe,) = by_sector["healthcare"].enforcement
    assert probe.actor == "Autoriteit Persoonsgegevens" and probe.values == [
        "Privacy and data protection"
    ]
    (study,) = by_sector["education"].research
    assert study.options[0].id == "responsible_agenda" and study.options[0].inferred
    assert "AI Act: Council adopts position" in built[2].paths["en"]["md"].read_text(
        encoding="utf-8"
    )


def test_all_formats_exist_and_the_pdf_names_the_sectors(built):
    paths = built[2].paths
    for lang in ("nl", "en"):
        assert set(paths[lang]) == {"html", "md", "txt", "pdf"}
    text = " ".join(page.extract_text() for page in PdfReader(paths["nl"]["pdf"]).pages)
    for name in ("Zorg", "Onderwijs", "Arbeid", "Algemeen", "Betrouwbaarheid"):
        assert name in text
    english = " ".join(page.extract_text() for page in PdfReader(paths["en"]["pdf"]).pages)
    assert "Healthcare" in english and "Education" in english


def test_charts_come_as_svg_with_text_and_as_png(built):
    data = load_data(built[2].folder, "nl")
    health = next(s for s in data.sections if s.sector == "healthcare")
    drawn = charts.chart(health, data.weeks)
    svg = str(charts.svg(drawn, render.strings("nl")))
    assert (
        "<title" in svg
        and "<desc" in svg
        and "Betrouwbaarheid: 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 6" in svg
    )
    image = Image.open(io.BytesIO(charts.png(drawn)))
    assert image.format == "PNG" and image.width == 2 * charts.WIDTH
    html = built[2].paths["nl"]["html"].read_text(encoding="utf-8")
    assert html.count("<svg") == 6 and 'role="img"' in html
    assert (built[2].folder / "charts" / "healthcare.svg").exists()
    assert charts.sparkline([0, 1, 4]) == "▁▃█"


def test_hostile_text_is_inert_in_every_format(built):
    folder = built[2].folder
    html = (folder / "digest.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;document.title=" in html
    assert "javascript:" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("https://", "http://", "#")) for h in hrefs)
    markdown = (folder / "digest.md").read_text(encoding="utf-8")
    assert "javascript:" not in markdown
    rendered = MarkdownIt("commonmark").render(markdown)
    assert "<script" not in rendered and "<img" not in rendered.replace('<img src="charts/', "")
    text = (folder / "digest.txt").read_text(encoding="utf-8")
    assert HOSTILE_URL not in text
    pdf = (folder / "digest.pdf").read_bytes()
    assert b"javascript" not in pdf.lower()


def test_safe_url_keeps_only_plain_web_links():
    assert render.safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.example/x",
        "/relative",
        "https://",
        "https://exa mple.org",
        "vbscript:x",
        "https://a.example/\x00",
    ):
        assert render.safe_url(bad) is None, bad


def test_markdown_escapes_its_syntax():
    assert (
        render.md("[x](javascript:alert(1)) <b>*y*</b>")
        == r"\[x\]\(javascript:alert\(1\)\) \<b\>\*y\*\</b\>"
    )


def test_sentence_around_evidence():
    body = "Titel\nEerste zin. Patiënten kregen onjuist advies van de bot. Laatste zin."
    at = body.index("onjuist")
    found = sentence_around(body, "onjuist advies", at, at + 14)
    assert (found.before, found.match, found.after) == (
        "Patiënten kregen ",
        "onjuist advies",
        " van de bot.",
    )
    assert (
        best_sentence(
            "onjuist advies",
            "Geen bewijs hier.",
            [{"text": "onjuist advies", "start": 0, "end": 14}],
        )
        is None
    )
    long = "x" * 500 + " term " + "y" * 500
    assert len(sentence_around(long, "term", 501, 505).text) < 300


def test_weeks_cross_the_year():
    assert trailing_weeks("2027-W02", 4) == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert str(week_days("2026-W47")[0]) == "2026-11-16"
    with pytest.raises(ValueError):
        trailing_weeks("2026-W60")
    # The ends of the calendar give gaimon's own error, not an OverflowError.
    with pytest.raises(WeekError):
        week_days("9999-W52")
    with pytest.raises(WeekError):
        trailing_weeks("0001-W02")


def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2 and "Traceback" not in out + err, out + err
    assert err.startswith("gaimon: ") and err.count("\n") == 1, err
    return err


def test_weeks_that_have_not_begun_or_precede_the_data_are_refused(world, capsys, monkeypatch):
    home, week = world
    where = ["--home", str(home.root)]
    err = one_line_error(
        *gaimon(capsys, monkeypatch, "digest", "build", "--week", "9999-W52", *where)
    )
    assert "9999-W52 has not begun yet" in err
    # The data begin in 2026-W36: earlier weeks would give empty drafts.
    for command in (["digest", "build"], ["digest"]):
        err = one_line_error(*gaimon(capsys, monkeypatch, *command, "--week", "1900-W01", *where))
        assert "1900-W01 is before the first document in the warehouse (2026-W36)" in err
        assert "choose a week from 2026-W36 to " in err
    err = one_line_error(
        *gaimon(capsys, monkeypatch, "digest", "build", "--week", "2026-W99", *where)
    )
    assert "2026-W99 is not a week of the ISO calendar" in err
    assert store(home).issues() == [] and not (home.digests / "1900-W01").exists()
    with pytest.raises(WeekError, match="not begun"):
        build_digest(home, "9999-W52")
    # The first week of the data and the current one are fine.
    code, out, err = gaimon(capsys, monkeypatch, "digest", "build", "--week", "2026-W36", *where)
    assert code == 0 and "draft 2026-W36" in out, err


def test_a_document_dated_in_the_future_does_not_choose_the_week(tmp_path, capsys, monkeypatch):
    home = new_home(tmp_path / "home")
    week = plant(home, [misdated_item()])
    assert latest_week(home) == week
    code, out, err = gaimon(capsys, monkeypatch, "digest", "build", "--home", str(home.root))
    assert code == 0 and f"draft {week}" in out, err


def test_a_missing_home_is_one_line(tmp_path, capsys, monkeypatch):
    nowhere = tmp_path / "no-such-home"
    for command in (
        ["digest", "build"],
        ["digest", "build", "--week", "2026-W47"],
        ["digest"],
        ["digest", "status", "--week", "2026-W47"],
        ["review", "--week", "2026-W47"],
    ):
        err = one_line_error(*gaimon(capsys, monkeypatch, *command, "--home", str(nowhere)))
        assert f"no warehouse at {nowhere / 'gaimon.duckdb'}" in err
    assert not nowhere.exists()


def test_hostile_titles_are_cut_and_direction_controls_never_shown(tmp_path, capsys, monkeypatch):
    home = new_home(tmp_path / "home")
    week = plant(home, hostile_items())
    report = build_digest(home, week)
    limit = limits()["title"]
    for lang in ("nl", "en"):
        health = next(
            s for s in load_data(report.folder, lang).sections if s.sector == "healthcare"
        )
        (long,) = [
            i.link.title for i in health.research if i.link.title.startswith("Onderzoek naar")
        ]
        assert len(long) <= limit and long.endswith("…")
        action = next(i for i in health.enforcement if "zorgbot" in i.link.title)
        assert action.link.title == "AP beboet zorgbotgnidrawhcs om misleiding"
        assert action.actor == "Autoriteit Persoonsgegevens"
        paths = report.paths[lang]
        shown = {fmt: paths[fmt].read_text(encoding="utf-8") for fmt in ("html", "txt", "md")}
        shown["pdf"] = " ".join(page.extract_text() for page in PdfReader(paths["pdf"]).pages)
        for fmt, text in shown.items():
            assert not set(BIDI) & set(text), fmt
            assert LONG_TITLE[: limit * 2] not in text, fmt
        assert long in shown["txt"] and "gnidrawhcs" in shown["html"]
    # The analysts' console listing shows the same, from the draft.
    code, out, err = gaimon(capsys, monkeypatch, "review", "--week", week, "--home", str(home.root))
    assert code == 0 and "gnidrawhcs" in out and not set(BIDI) & set(out + err)
    assert max(len(line) for line in out.splitlines()) < 200


def test_a_title_of_invisible_characters_still_names_its_link():
    from gaimon.digest.model import Link

    link = Link(
        doc_id="d1",
        title=f"{BIDI} \u200b",
        url="https://www.zorgnieuws.example/a",
        source="zorgnieuws",
    )
    assert link.title == "zorgnieuws.example"
    assert Link(doc_id="d1", title=BIDI, url="javascript:x", source="s").title == "d1"  # no host
    assert Link(doc_id="d1", title=BIDI, url="", source="s").title == "d1"


def test_an_evidence_sentence_is_visible_and_short():
    sentence = sentence_around(
        f"Patiënten kregen {BIDI}onjuist advies{BIDI} van een zorgbot." + "x" * 5000,
        "onjuist advies",
        17 + len(BIDI),
        31 + len(BIDI),
    )
    assert sentence.match == "onjuist advies" and not set(BIDI) & set(sentence.text)
    assert len(sentence.text) <= limits()["sentence"]
    huge = sentence_around("a " * 5000 + "b " * 5000, "a " * 5000, 0, 10000)
    assert len(huge.text) <= limits()["sentence"] and huge.match.endswith("…")


def test_review_dismisses_a_signal_and_records_it(world):
    home, week = world
    build_digest(home, week, pdf=False)
    keys = {r.key for r in draft_signals(home, week)}
    wrong = f"{doc_id('nos_tech', 'burst-3')}:values:reliability"
    assert wrong in keys
    report = dismiss(
        home, week, wrong, reason="about a GP, not this risk", analyst="ana", pdf=False
    )
    ((section, risk),) = load_data(report.folder, "nl").risks
    assert risk.stories == 5
    assert wrong not in {r.key for r in draft_signals(home, week)}
    assert "Analisten wezen deze week 1 signalen af" in report.paths["nl"]["html"].read_text(
        encoding="utf-8"
    )
    (recorded,) = store(home).dismissals()
    assert (recorded["reason"], recorded["analyst"], recorded["week"]) == (
        "about a GP, not this risk",
        "ana",
        week,
    )
    # The correction is also a label for the classifier: its signal is gone from the warehouse.
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        label = con.execute("SELECT dimension, label, action, analyst, note FROM labels").fetchall()
        left = con.execute(
            "SELECT count(*) FROM signals WHERE doc_id = ? AND dimension = 'values'",
            [doc_id("nos_tech", "burst-3")],
        ).fetchone()[0]
    assert label == [
        ("values", "reliability", "remove", "ana", "digest review: about a GP, not this risk")
    ]
    assert left == 0
    restore(home, week, wrong, pdf=False)
    assert load_data(report.folder, "nl").risks[0][1].stories == 6


def test_dismissing_whole_documents_can_remove_a_risk(world):
    home, week = world
    build_digest(home, week, pdf=False)
    for key, source in (
        ("burst-1", "zorgnieuws"),
        ("burst-1b", "nos_tech"),
        ("burst-2", "techpolicy"),
        ("burst-3", "nos_tech"),
        ("burst-4", "zorgnieuws"),
        ("burst-hostile", "tweakers"),
        ("law-nl", "tk"),
    ):
        report = dismiss(home, week, doc_id(source, key), pdf=False)
    data = load_data(report.folder, "nl")
    assert data.risks == []
    health = next(s for s in data.sections if s.sector == "healthcare")
    assert (
        health.legislation == []
        and next(x for x in health.lights if x.value == "reliability").colour == "grey"
    )


def test_approval_freezes_the_draft(world):
    home, week = world
    with pytest.raises(DigestError, match="no draft"):
        approve_digest(home, week)
    with pytest.raises(DigestError, match="not approved"):
        frozen(home, week)
    build_digest(home, week, pdf=False)
    with pytest.raises(DigestError, match="not approved"):
        frozen(home, week)
    issue = approve_digest(home, week, by="ana")
    assert (issue.status, issue.approved_by) == ("approved", "ana")
    html = (home.digests / week / "digest.html").read_text(encoding="utf-8")
    assert "CONCEPT" not in html and (home.digests / week / "digest.pdf").exists()
    assert set(frozen(home, week)) == {"nl", "en"}
    with pytest.raises(DigestError, match="approved"):
        dismiss(home, week, doc_id("nos_tech", "burst-3"))
    with pytest.raises(DigestError, match="approved"):
        build_digest(home, week)
    # The simple form renders the frozen digest instead of reading the warehouse again.
    assert "CONCEPT" not in write_digest(home, week)["html"].read_text(encoding="utf-8")
    # Data changed behind the approval's back is never sent.
    data_file = home.digests / week / "data.nl.json"
    data_file.write_text(
        data_file.read_text(encoding="utf-8").replace("Betrouwbaarheid", "Iets anders")
    )
    with pytest.raises(DigestError, match="changed after approval"):
        frozen(home, week)


def test_a_rebuilt_draft_must_be_approved_as_built(world):
    home, week = world
    build_digest(home, week, pdf=False)
    (home.digests / week / "data.en.json").write_text("{}")
    with pytest.raises(DigestError, match="differ"):
        approve_digest(home, week)


def test_archive_index_and_atom_feed(world):
    home, week = world
    build_digest(home, week, pdf=False)
    index = (home.digests / "index.html").read_text(encoding="utf-8")
    assert week in index and "concept" in index and f'href="{week}/digest.en.html"' in index
    feed = ET.parse(home.digests / "feed.atom").getroot()
    assert feed.findall(f"{ATOM}entry") == []
    approve_digest(home, week)
    feed = ET.parse(home.digests / "feed.atom").getroot()
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text == f"urn:gaimon:digest:{week}"
    links = {
        (link.get("hreflang"), link.get("rel")): link.get("href")
        for link in entry.findall(f"{ATOM}link")
    }
    assert links[("nl", "alternate")] == f"{week}/digest.html"
    assert links[("en", "enclosure")] == f"{week}/digest.en.pdf"
    assert "Betrouwbaarheid (Zorg)" in entry.find(f"{ATOM}summary").text


def test_cli_simple_form_build_review_approve(world):
    home, week = world
    runner = CliRunner()
    result = runner.invoke(app, ["digest", "--week", week, "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert (home.digests / week / "digest.html").exists() and (
        home.digests / week / "digest.md"
    ).exists()
    result = runner.invoke(app, ["digest", "build", "--week", week, "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert "healthcare/reliability" in result.output
    result = runner.invoke(app, ["review", "--week", week, "--home", str(home.root)])
    assert (
        result.exit_code == 0
        and f"{doc_id('techpolicy', 'burst-2')}:values:reliability" in result.output
    )
    signal = f"{doc_id('ap', 'ap-probe')}:kind:enforcement"
    result = runner.invoke(
        app,
        [
            "review",
            "dismiss",
            signal,
            "--week",
            week,
            "--reason",
            "a press release",
            "--home",
            str(home.root),
        ],
    )
    assert result.exit_code == 0, result.output
    sections = json.loads((home.digests / week / "data.nl.json").read_text())["sections"]
    assert next(s for s in sections if s["sector"] == "healthcare")["enforcement"] == []
    result = runner.invoke(
        app, ["digest", "approve", "--week", week, "--by", "ana", "--home", str(home.root)]
    )
    assert result.exit_code == 0 and "approved by ana" in result.output
    result = runner.invoke(app, ["digest", "status", "--week", week, "--home", str(home.root)])
    assert "approved" in result.output


def test_a_frozen_draft_refuses_review_in_one_line(world, capsys, monkeypatch):
    home, week = world
    build_digest(home, week, pdf=False)
    approve_digest(home, week, by="ana")
    signal = f"{doc_id('ap', 'ap-probe')}:kind:enforcement"
    err = one_line_error(
        *gaimon(
            capsys,
            monkeypatch,
            "review",
            "dismiss",
            signal,
            "--week",
            week,
            "--home",
            str(home.root),
        )
    )
    assert f"{week} is approved and frozen" in err
    err = one_line_error(
        *gaimon(
            capsys,
            monkeypatch,
            "review",
            "dismiss",
            "a:b",
            "--week",
            week,
            "--home",
            str(home.root),
        )
    )
    assert "a signal is DOC_ID or DOC_ID:DIMENSION:LABEL" in err


def test_malformed_evidence_in_the_warehouse_does_not_stop_the_build(world):
    """Spans are written by the classifier and by analysts' tools: a span without text, with
    offsets that are not whole numbers, or not a span at all, is skipped, not fatal."""
    home, week = world
    burst = doc_id("tweakers", "burst-hostile")
    hostile = [
        {"text": None, "start": 20, "end": 30},
        {"text": "onjuist", "start": "x", "end": None},
        {"text": "advies", "start": 70.5, "end": 76.5},
        {"start": True},
        7,
        None,
        {"text": {"a": 1}, "start": 160, "end": 164},
    ]
    with warehouse.open_warehouse(home.warehouse) as con:
        where = "WHERE doc_id = ? AND dimension = 'values'"
        ((stored,),) = con.execute(f"SELECT evidence FROM signals {where}", [burst]).fetchall()
        con.execute(
            f"UPDATE signals SET evidence = ? {where}",
            [json.dumps(hostile + json.loads(stored)), burst],
        )
    report = build_digest(home, week, pdf=False)
    ((_, risk),) = load_data(report.folder, "nl").risks
    assert report.risks == ["healthcare/reliability"]
    assert any(
        e.link.doc_id == burst and "onjuist advies" in e.sentence.match for e in risk.evidence
    )


def test_an_unreadable_week_in_the_archive_does_not_stop_other_builds(world):
    home, week = world
    broken = home.digests / "2026-W40"
    broken.mkdir(parents=True)
    (broken / "data.nl.json").write_text(
        '{"week": "2026-W40", "lang": "nl", "sections": [', encoding="utf-8"
    )
    report = build_digest(home, week, pdf=False)
    assert report.risks == ["healthcare/reliability"]
    index = (home.digests / "index.html").read_text(encoding="utf-8")
    assert week in index and "2026-W40" in index
    # Its own commands say what is wrong with it.
    (home.digests / week / "data.nl.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ArchiveError, match=f"data.nl.json cannot be read .*build {week} again"):
        draft_signals(home, week)


def test_evidence_is_read_from_the_json_column_and_bad_spans_are_left_out():
    from gaimon.digest.gather import _evidence_spans

    # DuckDB hands a JSON column over as text.
    assert _evidence_spans('[{"text": "fout", "start": 10, "end": 14}, {"text": "x"}]') == [
        {"text": "fout", "start": 10, "end": 14}
    ]
    assert _evidence_spans("not json") == [] and _evidence_spans(None) == []


def test_every_kind_the_taxonomy_puts_in_the_digest_has_a_list_and_a_heading():
    """Marking another kind `digest_section: true` needs a list in each section and a
    heading in each language; this says so before a weekly run would fail on it."""
    kinds = default_taxonomy().digest_kinds()
    assert kinds
    for kind in kinds:
        assert kind in Section.model_fields
        assert all(render.strings(lang).get(kind) for lang in ("nl", "en"))
