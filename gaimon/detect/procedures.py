"""Legislative procedures and their steps, derived one way from documents' identifiers.

Sources tie items to procedures through their `identifiers`:

- `procedure`: an EU interinstitutional reference such as 2021/0106(COD), or a Tweede Kamer
  dossier (one string or a list);
- `tk_zaak`: Tweede Kamer zaak numbers (2026Z19034); a zaak without a dossier is its own procedure;
- `celex`: CELEX numbers of acts and proposals (32024R1689);
- `event`, `stage`, `event_date`: the item reports a step of the procedure;
- `procedure_title`, `procedure_kind`: what the source calls the procedure and its type.

News that names a reference in its title or text (or a CELEX or zaak number of a known
procedure) is linked as a mention. The three tables are rebuilt from `documents` on each call.
"""

from __future__ import annotations

import duckdb

from gaimon import warehouse


def update_procedures(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild procedures, procedure_events and procedure_mentions; the number of procedures."""
    with warehouse.transaction(con):
        warehouse.run_script(con, "queries/procedures_scan")
        warehouse.run_script(con, "queries/procedures_derive")
        warehouse.run_script(con, "queries/procedures_replace")
        warehouse.run_script(con, "queries/procedures_finish")
        return warehouse.query(con, "queries/procedures_count")[0]["n"]
