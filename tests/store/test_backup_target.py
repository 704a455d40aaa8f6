"""A backup replaces only an earlier backup, never another file (a newcomer's review: `custbook backup notes.txt`
overwrote the notes), on both stores: a DuckDB file's backup is a copy of it, a PostgreSQL store's a DuckDB file."""

from __future__ import annotations

import duckdb


def test_a_backup_replaces_an_earlier_backup_but_no_other_file(cli_any, write_csv, tmp_path) -> None:
    assert cli_any("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Alpha", "Alpha"]]))).code == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("call Alpha on Monday\n", encoding="utf-8")
    refused = cli_any("backup", str(notes))
    assert refused.code == 2 and "is not a custbook store" in refused.err, refused.err
    assert notes.read_text(encoding="utf-8") == "call Alpha on Monday\n"
    other = tmp_path / "analytics.duckdb"  # someone's own DuckDB database, not a store
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE sales AS SELECT 1 AS n")
    assert cli_any("backup", str(other)).code == 2
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("SELECT n FROM sales").fetchall() == [(1,)]
    backup = tmp_path / "monday.duckdb"
    assert cli_any("backup", str(backup)).code == 0
    assert cli_any("import", str(write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C2", "Beta", "Beta"]]))).code == 0
    again = cli_any("backup", str(backup), "--json")  # an earlier backup is replaced, as before
    assert again.code == 0 and again.json["customers"] == 2
