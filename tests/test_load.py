import json

from gaimon import warehouse
from gaimon.crawl.normalize import canonical_url, content_hash
from gaimon.load.loader import load_staged
from gaimon.ops.snapshot import snapshot_path


def staged(path, items):
    with open(path, "a", encoding="utf-8") as fh:
        for item in items:
            fh.write((item if isinstance(item, str) else json.dumps(item)) + "\n")
    return path


def item(n, text="Een tekst over AI.", fetched="2026-11-20T08:00:00Z"):
    url = f"https://example.nl/a/{n}?utm_source=feed"
    return {
        "source": "fixture",
        "url": url,
        "canonical_url": canonical_url(url),
        "title": f"Titel {n}",
        "text": text,
        "published": "2026-11-19T10:00:00+01:00",
        "lang": "nl",
        "fetched_at": fetched,
        "content_hash": content_hash(f"Titel {n}", text),
    }


def rows(con):
    return con.execute(
        "SELECT canonical_url, text, published_at, first_seen_at, updated_at FROM documents ORDER "
        "BY 1"
    ).fetchall()


def test_same_items_twice_are_stored_once(con, tmp_path):
    path = staged(tmp_path / "s.jsonl", [item(1), item(2)])
    first = load_staged(con, [path])
    before = rows(con)
    second = load_staged(con, [path, path])
    assert (first.new, second.new, second.unchanged) == (2, 0, 2)
    assert rows(con) == before


def test_changed_item_updates_in_place_and_keeps_first_seen(con, tmp_path):
    load_staged(con, [staged(tmp_path / "a.jsonl", [item(1)])])
    changed = item(1, text="Een herziene tekst over AI.", fetched="2026-11-21T08:00:00Z")
    report = load_staged(con, [staged(tmp_path / "b.jsonl", [changed])])
    [(url, text, published, first_seen, updated)] = rows(con)
    assert report.changed == 1
    assert text == "Een herziene tekst over AI."
    assert first_seen.isoformat() == "2026-11-20T08:00:00"
    assert updated.isoformat() == "2026-11-21T08:00:00"
    assert published.isoformat() == "2026-11-19T09:00:00"  # stored in UTC
    assert url == "https://example.nl/a/1"


def test_bad_line_is_reported_by_file_and_line_and_the_rest_loads(con, tmp_path):
    path = staged(tmp_path / "nos.jsonl", [item(1), "{not json", {"source": "nos"}, item(2)])
    report = load_staged(con, [path])
    assert report.new == 2
    assert len(report.errors) == 2
    assert "nos.jsonl:2" in report.errors[0] and "nos.jsonl:3" in report.errors[1]


def test_run_week_kind_extra_and_identifiers_are_stored(con, tmp_path):
    record = item(1) | {
        "kind": "procedure",
        "extra": {"stage": "RDG1", "events": [{"id": "e1"}]},
        "identifiers": {"procedure": "2021/0106(COD)", "celex": ["52021PC0206"]},
    }
    report = load_staged(con, [staged(tmp_path / "ep.jsonl", [record])], run_id="run-1")
    assert report.new == 1
    row = con.execute(
        "SELECT run_id, week, kind, extra->>'stage', json_type(identifiers), "
        "identifiers->>'procedure' FROM documents"
    ).fetchone()
    assert row == ("run-1", "2026-W47", "procedure", "RDG1", "OBJECT", "2021/0106(COD)")


def test_a_changed_item_records_the_run_that_changed_it(con, tmp_path):
    load_staged(con, [staged(tmp_path / "a.jsonl", [item(1), item(2)])], run_id="run-1")
    changed = item(1, text="Nieuwe tekst over AI.", fetched="2026-11-21T08:00:00Z")
    load_staged(con, [staged(tmp_path / "b.jsonl", [changed, item(2)])], run_id="run-2")
    runs = con.execute("SELECT title, run_id FROM documents ORDER BY title").fetchall()
    assert runs == [("Titel 1", "run-2"), ("Titel 2", "run-1")]


def test_of_two_versions_in_one_batch_the_last_fetched_wins(con, tmp_path):
    older = item(1, text="Eerste versie over AI.", fetched="2026-11-20T08:00:00Z")
    newer = item(1, text="Tweede versie over AI.", fetched="2026-11-22T08:00:00Z")
    report = load_staged(con, [staged(tmp_path / "a.jsonl", [newer, older])])
    assert (report.items, report.new) == (2, 1)
    assert con.execute("SELECT text FROM documents").fetchone()[0] == "Tweede versie over AI."


def test_a_changed_item_is_classified_again(con, tmp_path):
    load_staged(con, [staged(tmp_path / "a.jsonl", [item(1)])])
    con.execute("UPDATE documents SET relevant = true, model_version = 'rules-1'")
    load_staged(con, [staged(tmp_path / "a.jsonl", [item(1)])])
    assert con.execute("SELECT relevant, model_version FROM documents").fetchone() == (
        True,
        "rules-1",
    )
    load_staged(
        con,
        [staged(tmp_path / "b.jsonl", [item(1, text="Anders.", fetched="2026-11-23T08:00:00Z")])],
    )
    assert con.execute("SELECT relevant, model_version FROM documents").fetchone() == (None, None)


def test_gaimon_load_loads_the_good_lines_and_exits_1_naming_each_bad_one(home):
    from typer.testing import CliRunner

    from gaimon.cli import app

    day = home.staging / "2026-11-20"
    day.mkdir(parents=True)
    path = staged(day / "nos.jsonl", [item(1), "{not json", item(2), "\x00\x9f garbage"])

    result = CliRunner().invoke(app, ["load", "--home", str(home.root)])

    assert result.exit_code == 1
    assert f"{path}:2: source nos:" in result.stderr and f"{path}:4: source nos:" in result.stderr
    assert "2 new" in result.stdout
    for path in (home.warehouse, snapshot_path(home)):  # analysts see what was loaded
        with warehouse.open_warehouse(path, read_only=True) as con:
            assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    with warehouse.open_warehouse(snapshot_path(home), read_only=True) as con:
        assert con.execute("SELECT published_by FROM snapshot_info").fetchone() == ("gaimon load",)
