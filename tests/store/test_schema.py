"""The store's layout: versioned, migrated forward in one transaction, refused when newer than the program."""

from __future__ import annotations

import duckdb
import pytest

from core.errors import StoreUnreadable
from store import schema
from store.duck import DuckStore as Store
from store.views import list_views


def _store_at_version_1(path) -> None:
    for old in (path, path.with_name(path.name + ".wal")):  # the `db` fixture's new store: replaced by an old one
        old.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    schema.MIGRATIONS[1](con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute(
        'INSERT INTO customers ("CUSTOMERID", "NAME", "PRINTAS", "RECORDNO") VALUES (\'OLD1\', \'Old\', \'Old\', 1)'
    )
    con.execute("INSERT INTO users VALUES ('alice', 'business', TRUE, TRUE, TRUE, now()::TIMESTAMP)")
    con.close()


def test_a_store_written_by_an_older_version_opens_and_is_upgraded(tmp_path, cli, db):
    _store_at_version_1(db)
    store = Store(db)
    with store.read() as con:
        assert schema.current_version(con) == schema.SCHEMA_VERSION
        assert con.execute('SELECT "NAME" FROM customers').fetchall() == [("Old",)]
    from store.users import resolve_user

    assert [v.name for v in list_views(store, resolve_user(store, "alice"))] == ["All customers"]
    assert "OLD1" in cli("export", "--format", "import-csv").out


def test_a_store_from_a_newer_program_is_refused_unchanged(tmp_path, cli, db):
    cli("init")
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    before = db.read_bytes()
    result = cli("export", "--format", "import-csv")
    assert result.code == 4 and "newer custbook" in result.err
    assert db.read_bytes() == before


def test_a_failed_upgrade_leaves_the_old_store_usable(tmp_path, db, monkeypatch):
    _store_at_version_1(db)

    def broken(con):
        con.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(schema.MIGRATIONS, 2, broken)
    with pytest.raises(RuntimeError), Store(db).read():
        pass
    con = duckdb.connect(str(db), read_only=True)
    assert schema.current_version(con) == 1
    assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'").fetchone() == (
        0,
    )
    con.close()


def test_a_duckdb_file_of_another_program_is_not_taken_for_a_store(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.close()
    with pytest.raises(StoreUnreadable), Store(path).read():
        pass


def test_the_layout_is_checked_when_the_process_first_opens_the_store_not_on_every_read(tmp_path, monkeypatch):
    store = Store(tmp_path / "s.duckdb")
    with store.write():
        pass
    calls = []
    real = schema.needs_upgrade
    monkeypatch.setattr(schema, "needs_upgrade", lambda con: calls.append(1) or real(con))
    fresh = Store(tmp_path / "s.duckdb")  # another Store object on the same file, as each command makes
    for _ in range(3):
        with fresh.read() as con:
            con.execute("SELECT count(*) FROM customers").fetchone()
    assert calls == []  # checked when created above, in this process
    # Another program changes the file (here: an older custbook's layout): it is a new file, checked again.
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreUnreadable), fresh.read():
        pass


def test_migrations_are_frozen_they_import_no_module_of_todays_store_or_catalogue():
    """An old migration must mean what it meant when written: schema.py may use duckdb, the standard library and
    the error types, never the catalogue or another store module (which change with later versions)."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(schema.__file__).read_text(encoding="utf-8"))
    ours = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            ours.add(node.module)
        elif isinstance(node, ast.Import):
            ours.update(alias.name for alias in node.names)
    assert {m for m in ours if m.split(".")[0] in ("core", "store", "formats", "services")} == {"core.errors"}
