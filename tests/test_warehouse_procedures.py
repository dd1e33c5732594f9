"""Procedures and their steps, derived from staged items the way the register spiders stage them."""

from __future__ import annotations

from warehouse_data import AI_ACT, legislative_items, staged_item, write_staged

from gaimon.detect.procedures import update_procedures
from gaimon.load.loader import load_staged


def corpus() -> list[dict]:
    return legislative_items()


def load(con, tmp_path, items, name="batch.jsonl"):
    load_staged(con, [write_staged(tmp_path / name, items)])
    return update_procedures(con)


def legislation(con) -> dict[str, dict]:
    cursor = con.execute("SELECT * FROM v_legislation ORDER BY procedure_id")
    columns = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}


def test_procedures_their_stage_steps_and_news(con, tmp_path):
    assert load(con, tmp_path, corpus()) == 3
    found = legislation(con)
    assert set(found) == {AI_ACT, "2025/0359(COD)", "2026Z19034"}

    act = found[AI_ACT]
    assert (act["jurisdiction"], act["kind"], act["title"]) == (
        "eu",
        "COD",
        "Artificial Intelligence Act",
    )
    assert act["stage"] == "FIN"  # what the record says, over the steps' own stages
    assert act["events"] == 3 and act["last_event"] == "Published in the Official Journal"
    assert act["celex"] == ["32024R1689"]
    assert [(n["title"], n["via"]) for n in act["news"]] == [
        ("First fines under the AI Act", "celex"),
        ("Brussels reopens the AI Act", "text"),
    ]

    zaak = found["2026Z19034"]
    assert (zaak["jurisdiction"], zaak["stage"], zaak["events"]) == ("nl", "Aangenomen", 1)
    assert [n["title"] for n in zaak["news"]] == ["Kamer neemt motie aan"]
    assert found["2025/0359(COD)"]["title"] is None  # known only from the news naming it


def test_procedure_items_lists_record_steps_and_news(con, tmp_path):
    load(con, tmp_path, corpus())
    rows = con.execute(
        "SELECT role, via, title FROM procedure_items('2021/0106 (cod)') ORDER BY role, title"
    ).fetchall()
    assert rows == [
        ("news", "text", "Brussels reopens the AI Act"),
        ("news", "celex", "First fines under the AI Act"),
        ("record", "record", "Artificial Intelligence Act"),
        ("step", "step", "Regulation (EU) 2024/1689 (AI Act)"),
    ]


def test_rebuilding_is_idempotent_and_follows_changed_text(con, tmp_path):
    load(con, tmp_path, corpus())
    before = legislation(con)
    assert update_procedures(con) == 3 and legislation(con) == before
    scanned = con.execute("SELECT count(*) FROM document_references").fetchone()[0]
    assert scanned == len(corpus())

    changed = staged_item(
        "https://news.example/plain",
        "Nothing legislative here",
        "Now it names 2023/0212(COD).",
        source="news",
        fetched="2026-11-21T08:00:00Z",
    )
    assert load(con, tmp_path, [changed], "second.jsonl") == 4
    assert "2023/0212(COD)" in legislation(con)
    assert con.execute("SELECT count(*) FROM document_references").fetchone()[0] == scanned


def test_identifiers_in_either_shape_are_read(con):
    rows = con.execute("""
        SELECT id_list('{"a": "x"}'::JSON, 'a'), id_list('{"a": ["x", " y ", ""]}'::JSON, 'a'),
               id_list('{"a": null}'::JSON, 'a'), id_list('{}'::JSON, 'a'),
               procedure_ref(' 2021 / 0106 ( cod ) '), procedure_jurisdiction('36412')
    """).fetchone()
    assert rows == (["x"], ["x", "y"], [], [], "2021/0106(COD)", "nl")
