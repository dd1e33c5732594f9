import json

from gaimon.load import load_staged
from gaimon.normalize import canonical_url, content_hash


def staged(path, items):
    with open(path, "a", encoding="utf-8") as fh:
        for item in items:
            fh.write((item if isinstance(item, str) else json.dumps(item)) + "\n")
    return path


def item(n, text="Een tekst over AI.", fetched="2026-11-20T08:00:00Z"):
    url = f"https://example.nl/a/{n}?utm_source=feed"
    return {"source": "fixture", "url": url, "canonical_url": canonical_url(url),
            "title": f"Titel {n}", "text": text, "published": "2026-11-19T10:00:00+01:00",
            "lang": "nl", "fetched_at": fetched, "content_hash": content_hash(f"Titel {n}", text)}


def rows(con):
    return con.execute(
        "SELECT canonical_url, text, published_at, first_seen_at, updated_at FROM documents ORDER BY 1"
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
