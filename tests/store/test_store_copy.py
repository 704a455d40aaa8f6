"""`custbook store copy FROM TO` (cli.md): a whole store copied between DuckDB and PostgreSQL, both ways, exactly.

The store copied has demo customers, a custom field of each kind the demo lacks, an entity, views, a mapping, users,
imports and an undo (made on the DuckDB side: the import on PostgreSQL is another module's), and a queued job (its
file's bytes and its e-mail list: the BYTEA and VARCHAR[] columns). Exact means what users see is the same from
both stores (the CSV for import, views, users, history, jobs, fields, entities, mappings), and a DuckDB store copied
to PostgreSQL and back holds the same rows, table by table, with its sequences at the same numbers.

The acting user is "postgres", the tests' server role, so that the PostgreSQL store accepts it as its user.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import psycopg
import pytest

from cli.main import main
from store.copying import TABLES, copy_store
from store.duck import DuckStore
from store.pg import PgStore
from store.pg_db import shown_location
from store.users import resolve_user

ROLE = "postgres"
SHOWN = (
    ("export", "--format", "import-csv"),
    ("export", "--format", "import-csv", "--entity", "EU"),
    ("views", "list"),
    ("users", "list"),
    ("history",),
    ("history", "--batch", "B2"),
    ("history", "C0000007"),
    ("jobs", "list", "--json"),
    ("fields", "list"),
    ("entities", "list"),
    ("mappings", "list"),
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def _role(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTBOOK_USER", ROLE)
    monkeypatch.delenv("CUSTBOOK_DB", raising=False)


@pytest.fixture
def full(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A DuckDB store with something in every table a copy carries."""

    def ok(*args: str) -> str:
        code, out, err = run(capsys, "--db", str(db), *args)
        assert code == 0, (args, err)
        return out

    ok("init", "--demo", "60")
    ok("fields", "add", "REGION", "--type", "enum", "--values", "Nord,Süd", "--label", "Region", "--label-fr", "Région")
    ok("fields", "add", "SCORE", "--type", "decimal", "--required")
    ok("entities", "add", "ZZ", "--name", "Zed «test»")
    ok("users", "add", "bob", "--perms", "list,add")
    ok("views", "save", "Big ones", "--filter", "CREDITLIMIT>10000", "--sort", "-CREDITLIMIT", "--public")
    ok("views", "save", "Mine", "--columns", "CUSTOMERID,NAME,REGION", "--filter", "CITY~a")
    ok("mappings", "save", "ours", "--map", "Société=NAME", "--map", "Notes=-", "--public")
    first = tmp_path / "first.csv"
    first.write_text(
        'CUSTOMERID,NAME,PRINTAS,SEGMENT,REGION,SCORE,COMMENTS\nC0000007,Renamed "seven",Seven,SMB,Süd,1.50,""\n'
        "N1,New one,New one,SMB,Nord,2,line one\nN2,Other,Other,Enterprise,,3,\n",
        encoding="utf-8",
    )
    ok("import", str(first))
    second = tmp_path / "second.csv"
    second.write_text("CUSTOMERID,NAME,SCORE\nN1,Changed,4\nC0000008,Eight again,5\n", encoding="utf-8")
    ok("import", str(second))
    ok("undo", "B2")
    ok("import", str(first), "--offline", "--email", "a@x.example;b@y.example")
    return db


def _shown(capsys: pytest.CaptureFixture[str], location: str) -> list[tuple[int, str]]:
    out = []
    for args in SHOWN:
        code, text, _err = run(capsys, "--db", location, *args)
        out.append((code, text.replace(location, "STORE")))
    return out


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = {}
        for table, order in (("custom_fields", "position"), *TABLES):
            rows[table] = con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
        rows["sequences"] = con.execute(
            "SELECT sequence_name, coalesce(last_value, start_value - 1) FROM duckdb_sequences() ORDER BY sequence_name"
        ).fetchall()
        return rows
    finally:
        con.close()


def test_duckdb_to_postgresql_and_back_is_exact(
    full: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _shown(capsys, str(full))
    # B1's customers stay; B2 was undone (N1 keeps B1's name)
    assert "\r\nN1,New one," in before[0][1] and "\r\nN2,Other," in before[0][1]
    assert all(code == 0 for code, _ in before)

    code, out, err = run(capsys, "store", "copy", str(full), pg_url)
    assert code == 0, err
    assert out == f"Copied 62 customers, 2 users, 3 batches from {full} to {shown_location(pg_url)}.\n"
    # `users list` on PostgreSQL shows each role's grants: the copy made bob's role and granted it List and Add.
    assert _shown(capsys, pg_url) == before

    back = tmp_path / "back" / "copy.duckdb"
    code, out, err = run(capsys, "store", "copy", pg_url, str(back), "--json")
    assert code == 0, err
    assert json.loads(out) == {
        "from": shown_location(pg_url),
        "to": str(back),
        "customers": 62,
        "users": 2,
        "batches": 3,
    }
    assert _shown(capsys, str(back)) == [(code, text.replace(str(full), "STORE")) for code, text in before]
    assert _tables(back) == _tables(full)
    with duckdb.connect(str(back), read_only=True) as con:  # what only a copy made of bytes and lists shows
        job = con.execute("SELECT file_bytes, emails FROM jobs").fetchone()
    assert job is not None and job[0] == (full.parent / "first.csv").read_bytes()
    assert job[1] == ["a@x.example", "b@y.example"]


def test_the_next_numbers_continue_where_the_source_left_off(
    full: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "store", "copy", str(full), pg_url)[0] == 0
    extra = tmp_path / "third.csv"
    extra.write_text("CUSTOMERID,NAME,PRINTAS,SEGMENT,SCORE\nN3,Third,Third,SMB,1\n", encoding="utf-8")
    assert run(capsys, "--db", str(full), "import", str(extra))[0] == 0
    with PgStore(pg_url).write() as con:  # the PostgreSQL side numbers as DuckDB would (its import is elsewhere)
        batch = con.execute("SELECT nextval('batch_seq')").fetchone()
        record = con.execute("SELECT nextval('recordno_seq')").fetchone()
        job = con.execute("SELECT nextval('job_seq')").fetchone()
    with duckdb.connect(str(full), read_only=True) as con:
        assert con.execute("SELECT max(id) FROM batches").fetchone() == batch
        assert con.execute('SELECT "RECORDNO" FROM customers WHERE "CUSTOMERID" = \'N3\'').fetchone() == record
        assert con.execute("SELECT max(id) + 1 FROM jobs").fetchone() == job


def test_duckdb_to_duckdb_and_postgresql_to_postgresql(
    full: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pg_server

    plain = tmp_path / "plain.duckdb"
    assert run(capsys, "store", "copy", str(full), str(plain))[0] == 0
    assert _tables(plain) == _tables(full)
    assert run(capsys, "store", "copy", str(full), pg_url)[0] == 0
    other = pg_server.new_database()
    try:
        assert run(capsys, "store", "copy", pg_url, other)[0] == 0
        assert _shown(capsys, other) == _shown(capsys, pg_url)  # users list too: neither has the roles
    finally:
        from store.opening import let_go_all

        let_go_all()
        pg_server.drop_database(other)


def test_a_store_that_is_not_empty_is_refused_and_left_as_it_was(
    full: Path, db: Path, pg_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "--db", pg_db, "entities", "add", "XX", "--name", "Only one")
    assert code == 0, err
    code, _out, err = run(capsys, "store", "copy", str(full), pg_db)
    assert code == 2
    assert err == (
        f"custbook: The store {shown_location(pg_db)} is not empty: a store is copied only into a new, empty one. "
        "Give a new DuckDB file name, or the URL of a new, empty database.\n"
    )
    assert run(capsys, "--db", pg_db, "export", "--format", "import-csv")[1].count("\n") == 1
    onto_itself = run(capsys, "store", "copy", str(full), str(full))
    assert onto_itself[0] == 2 and "onto itself" in onto_itself[2]


def test_a_missing_source_is_refused_and_nothing_is_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "store", "copy", str(tmp_path / "nope.duckdb"), str(tmp_path / "to.duckdb"))
    assert code == 4
    assert "There is no store at" in err and "nope.duckdb" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_only_an_administrator_copies_a_store(full: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, _err = run(capsys, "--user", "bob", "store", "copy", str(full), str(tmp_path / "to.duckdb"))
    assert code == 3
    assert not (tmp_path / "to.duckdb").exists()


def test_a_failed_copy_leaves_the_target_empty(db: Path, pg_url: str, tmp_path: Path) -> None:
    """PostgreSQL refuses a NUL character in text, which DuckDB keeps: the copy fails at the customers, after the
    fields, entities and users went in. The one transaction leaves the database an empty store; a DuckDB file
    the copy would have made is not left behind."""
    store = DuckStore(db)
    user = resolve_user(store, ROLE)
    store.seed_demo(20, user=user)
    with store.write() as con:
        con.execute("UPDATE customers SET \"NAME\" = 'bad\x00name' WHERE \"CUSTOMERID\" = 'C0000020'")
    with pytest.raises(psycopg.DataError):
        copy_store(str(db), pg_url, user=user)
    with PgStore(pg_url).read() as con:
        for table in ("custom_fields", "entities", "users", "customers"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        assert (
            con.execute("SELECT count(*) FROM information_schema.columns WHERE column_name = 'SEGMENT'").fetchone()[0]
            == 0
        )
    # The same store without the bad name copies into that database now: it was left empty.
    with store.write() as con:
        con.execute("UPDATE customers SET \"NAME\" = 'good' WHERE \"CUSTOMERID\" = 'C0000020'")
    assert copy_store(str(db), pg_url, user=user).customers == 20


def test_an_owner_role_that_is_no_superuser_copies_a_file_into_its_database(
    full: Path, pg_alice_db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a team does it (README): the database's owner role, bound by the row-level policies like any role,
    copies every user's rows in (as the store's admin role, the tables' owner)."""
    from store.opening import let_go_all

    made_admin = run(
        capsys, "--db", str(full), "users", "add", "alice", "--type", "business", "--perms", "list,add,edit"
    )
    assert made_admin[0] == 0, made_admin[2]
    monkeypatch.delenv("CUSTBOOK_USER")  # on PostgreSQL alice is who connects; the file names its admin itself
    code, _out, err = run(capsys, "--user", "alice", "store", "copy", str(full), pg_alice_db)
    let_go_all()
    assert code == 0, err
    code, out, err = run(capsys, "--db", pg_alice_db, "export", "--format", "import-csv")
    _code, out_file, _err = run(capsys, "--db", str(full), "--user", "alice", "export", "--format", "import-csv")
    assert code == 0 and out == out_file, err
