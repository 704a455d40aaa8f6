"""The store keeps store-wide settings (layout 7, store/settings.py): a store of layout 6 opens, gains the table
and has no setting set; a setting written is read back, replaced, and recorded with who changed it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.users import User
from store import schema
from store.duck import DuckStore as Store


def _store_at_version_6(path: Path) -> None:
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    for version in range(1, 7):
        schema.MIGRATIONS[version](con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '6')")
    con.execute("INSERT INTO users (name, type, can_list, can_add, can_edit, created) VALUES "
                "('alice', 'business', TRUE, TRUE, TRUE, now()::TIMESTAMP)")  # fmt: skip
    con.close()


def test_a_store_of_layout_6_opens_with_no_settings_and_takes_them(db: Path) -> None:
    _store_at_version_6(db)
    store = Store(db)
    with store.read() as con:
        assert schema.current_version(con) == schema.SCHEMA_VERSION >= 7
    assert store.settings.all() == {}
    alice = store.users.resolve("alice")
    store.settings.set("max-rows", "1000", by=alice)
    store.settings.set("max-rows", "2000", by=alice)
    assert store.settings.all() == {"max-rows": "2000"}
    with store.read() as con:
        assert con.execute("SELECT changed_by FROM settings").fetchall() == [("alice",)]


def test_settings_written_in_a_unit_of_work_roll_back_with_it(store: Store, alice: User) -> None:
    try:
        with store.unit_of_work() as uow:
            uow.settings.set("max-bytes", "1024", by=alice)
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert store.settings.all() == {}
