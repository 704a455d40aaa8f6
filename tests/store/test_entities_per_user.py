"""`users add --entities` (cli.md): a user sees and changes the customers of their entities and the top level only,
on both stores; on PostgreSQL a row-level security policy enforces it, so psql shows the role no more."""

from __future__ import annotations

import os
import subprocess
from urllib.parse import urlsplit

import psycopg


def _people(cli_any) -> None:
    assert cli_any("init", "--demo", "300").code == 0  # entities EU and US, some customers in each
    result = cli_any("users", "add", "eve", "--type", "employee", "--perms", "list,edit", "--entities", "EU")
    assert result.code == 0, result.err
    assert "entities EU" in result.out


def _rows(csv_text: str) -> list[list[str]]:
    """The (Customer ID, Entity) rows of an export of the view "everything"."""
    import csv
    import io

    return list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))[1:]


def _owners(csv_text: str) -> set[str]:
    return {entity for _cid, entity in _rows(csv_text)}


EVERYTHING = ("views", "save", "everything", "--include-entities", "--public", "--columns", "CUSTOMERID,MEGAENTITYID")


def test_a_user_sees_the_top_level_and_their_entities_only(cli_any) -> None:
    _people(cli_any)
    listed = cli_any("users", "list").out
    assert any(line.startswith("eve") and line.endswith("entities EU") for line in listed.splitlines())
    assert cli_any(*EVERYTHING).code == 0
    everything = cli_any("export", "--view", "everything").out
    assert _owners(everything) == {"", "EU", "US"}
    seen = cli_any("--user", "eve", "export", "--view", "everything")
    assert seen.code == 0, seen.err
    assert _owners(seen.out) == {"", "EU"}
    refused = cli_any("--user", "eve", "--entity", "US", "export")
    assert refused.code == 3 and "US" in refused.err
    assert cli_any("--user", "eve", "--entity", "EU", "export").code == 0


def test_an_import_cannot_change_another_entitys_customer(cli_any, tmp_path) -> None:
    _people(cli_any)
    assert cli_any(*EVERYTHING).code == 0
    rows = _rows(cli_any("export", "--view", "everything").out)
    us = next(cid for cid, entity in rows if entity == "US")
    eu = next(cid for cid, entity in rows if entity == "EU")
    path = tmp_path / "edit.csv"
    path.write_text(f"CUSTOMERID,COMMENTS\n{us},changed by eve\n{eu},changed by eve\n", encoding="utf-8")
    result = cli_any("--user", "eve", "import", str(path), "--json")
    summary = result.json
    assert summary["updated"] == 1, (summary, result.err)
    # On DuckDB custbook refuses the row; on PostgreSQL the policy hides the customer, whose ID is then taken.
    assert summary["failed"] == 1 and summary["errors"][0]["row"] == 2
    assert cli_any("views", "save", "notes", "--include-entities", "--columns", "CUSTOMERID,COMMENTS").code == 0
    notes = dict(_rows(cli_any("export", "--view", "notes").out))
    assert notes[eu] == "changed by eve" and notes[us] != "changed by eve"


def test_unknown_entities_are_refused(cli_any) -> None:
    _people(cli_any)
    result = cli_any("users", "add", "eve", "--entities", "EU,NOPE")
    assert result.code == 1 and "NOPE" in result.err


def test_psql_shows_a_role_no_more_than_custbook(pg_alice_db: str, pg_url: str, capsys) -> None:
    from cli.main import main
    from store.opening import let_go_all

    for args in (["init", "--demo", "300"], ["users", "add", "eve", "--perms", "list,edit", "--entities", "EU"]):
        assert main(["--db", pg_alice_db, *args]) == 0
    let_go_all()
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute("ALTER ROLE eve LOGIN PASSWORD 'eve-pw'")
    parts = urlsplit(pg_url)
    env = {**os.environ, "PGPASSWORD": "eve-pw"}
    base = ["psql", "-h", str(parts.hostname), "-p", str(parts.port), "-U", "eve", "-d", parts.path.lstrip("/"), "-At"]
    seen = subprocess.run(
        [*base, "-c", """SELECT DISTINCT coalesce("MEGAENTITYID", '-') FROM customers ORDER BY 1"""],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert seen.stdout.split() == ["-", "EU"]
    moved = subprocess.run(
        # Saying it is custbook (past the guard of store.pg_roles), to reach what this test is about: the policy.
        [*base, "-c", "SET custbook.client = on",
         "-c", """UPDATE customers SET "MEGAENTITYID" = 'US' WHERE "MEGAENTITYID" = 'EU'"""],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert moved.returncode != 0 and "row-level security" in moved.stderr


def test_the_history_leaves_out_other_entities_customers(cli_any, tmp_path) -> None:
    """A newcomer's review read a US customer's credit limit in `history --batch` as a user of EU only."""
    _people(cli_any)
    assert cli_any(*EVERYTHING).code == 0
    rows = _rows(cli_any("export", "--view", "everything").out)
    us = next(cid for cid, entity in rows if entity == "US")
    eu = next(cid for cid, entity in rows if entity == "EU")
    path = tmp_path / "both.csv"
    path.write_text(f"CUSTOMERID,COMMENTS\n{us},Secret US deal\n{eu},EU note\n", encoding="utf-8")
    done = cli_any("import", str(path), "--json")
    assert done.code == 0, done.err
    batch = done.json["batch"]
    assert "Secret US deal" in cli_any("history", "--batch", batch).out  # the administrator sees both
    seen = cli_any("--user", "eve", "history", "--batch", batch)
    assert seen.code == 0, seen.err
    assert "EU note" in seen.out and "Secret US deal" not in seen.out and us not in seen.out
    assert "Secret US deal" not in cli_any("--user", "eve", "history", us).out


def test_a_limited_user_cannot_undo_a_batch_reaching_other_entities(cli_any, tmp_path) -> None:
    _people(cli_any)
    assert cli_any(*EVERYTHING).code == 0
    rows = _rows(cli_any("export", "--view", "everything").out)
    us = next(cid for cid, entity in rows if entity == "US")
    eu = next(cid for cid, entity in rows if entity == "EU")
    path = tmp_path / "both.csv"
    path.write_text(f"CUSTOMERID,COMMENTS\n{us},US change\n{eu},EU change\n", encoding="utf-8")
    batch = cli_any("import", str(path), "--json").json["batch"]
    refused = cli_any("--user", "eve", "undo", batch)
    assert refused.code == 3 and "entities" in refused.err
    assert cli_any("undo", batch).code == 0  # the administrator may


def test_psql_hides_the_history_of_other_entities(pg_alice_db: str, pg_url: str, tmp_path) -> None:
    from cli.main import main
    from store.opening import let_go_all

    for args in (["init", "--demo", "300"], ["users", "add", "eve", "--perms", "list,edit", "--entities", "EU"]):
        assert main(["--db", pg_alice_db, *args]) == 0
    with psycopg.connect(pg_url, autocommit=True) as con:
        us = con.execute("""SELECT "CUSTOMERID" FROM customers WHERE "MEGAENTITYID" = 'US' LIMIT 1""").fetchone()[0]
        con.execute("ALTER ROLE eve LOGIN PASSWORD 'eve-pw'")
    path = tmp_path / "us.csv"
    path.write_text(f"CUSTOMERID,COMMENTS\n{us},Secret US deal\n", encoding="utf-8")
    assert main(["--db", pg_alice_db, "import", str(path)]) == 0
    let_go_all()
    parts = urlsplit(pg_url)
    env = {**os.environ, "PGPASSWORD": "eve-pw"}
    base = ["psql", "-h", str(parts.hostname), "-p", str(parts.port), "-U", "eve", "-d", parts.path.lstrip("/"), "-At"]
    seen = subprocess.run(
        [*base, "-c", "SELECT count(*) FROM changes WHERE new = 'Secret US deal'"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert seen.stdout.strip() == "0"
