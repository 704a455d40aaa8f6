"""Saved column mappings in the store (store/mappings.py, layout 5): kept per owner like views, private unless public,
names compared without regard to case; the batch history keeps the mapping an import used; a store of layout 4
opens and is migrated, its batches keeping no mapping; a backup carries the mappings."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from acting import ADMIN

from core.errors import NotFound, PermissionDenied
from core.mapping import ColumnMapping
from core.users import Permission, User, UserType
from store import schema
from store.duck import DuckStore as Store
from store.history import list_batches
from store.mappings import list_mappings, remove_mapping, write_mapping
from store.users import add_user, resolve_user

CRM = ColumnMapping(
    name="crm",
    columns=(("Company", ("NAME", "PRINTAS")), ("E-mail Address", ("EMAIL1",)), ("Notes", ())),
    joins=(("COMMENTS", ("Given Name", "Family Name")),),
    others_ignored=True,
)


@pytest.fixture
def bob(store: Store) -> User:
    return add_user(store, "bob", UserType.EMPLOYEE, frozenset({Permission.LIST, Permission.ADD}), by=ADMIN)


def _names(store: Store, user: User) -> list[tuple[str, str, bool]]:
    return [(s.name, s.owner, s.public) for s in list_mappings(store, user)]


def test_a_mapping_is_written_and_read_back_as_it_was(store: Store, alice: User) -> None:
    saved = write_mapping(store, alice, CRM, public=False)
    assert (saved.name, saved.owner, saved.public) == ("crm", "alice", False)
    [read] = list_mappings(store, alice)
    assert read.mapping == CRM  # columns, a column left out, the join, the other columns left out
    assert read.mapping.label == "crm"  # how the history names it


def test_a_private_mapping_is_its_owners_a_public_one_everyones(store: Store, alice: User, bob: User) -> None:
    write_mapping(store, alice, CRM, public=False)
    write_mapping(store, alice, ColumnMapping(name="shared", columns=(("Zip", ("ZIP",)),)), public=True)
    assert _names(store, alice) == [("crm", "alice", False), ("shared", "alice", True)]
    assert _names(store, bob) == [("shared", "alice", True)]


def test_saving_under_the_same_name_in_another_case_replaces_ones_own(store: Store, alice: User) -> None:
    write_mapping(store, alice, CRM, public=True)
    again = ColumnMapping(name="CRM", columns=(("Zip", ("ZIP",)),))
    write_mapping(store, alice, again, public=False)
    [only] = list_mappings(store, alice)
    assert (only.name, only.public, only.mapping.columns) == ("CRM", False, (("Zip", ("ZIP",)),))


def test_another_users_public_mapping_cannot_be_changed_nor_shadowed_by_a_public_one(
    store: Store, alice: User, bob: User
) -> None:
    write_mapping(store, alice, CRM, public=True)
    with pytest.raises(PermissionDenied, match="alice's"):
        write_mapping(store, bob, ColumnMapping(name="Crm", columns=(("Zip", ("ZIP",)),)), public=False)
    assert [s.mapping for s in list_mappings(store, alice)] == [CRM]
    # Bob's own private "crm" made before alice shared hers stays his; sharing it would give a name two meanings.
    write_mapping(store, alice, ColumnMapping(name="zip", columns=(("Zip", ("ZIP",)),)), public=False)
    write_mapping(store, bob, ColumnMapping(name="zip", columns=(("Postal", ("ZIP",)),)), public=False)
    write_mapping(store, alice, ColumnMapping(name="zip", columns=(("Zip", ("ZIP",)),)), public=True)
    with pytest.raises(PermissionDenied, match="already shares"):
        write_mapping(store, bob, ColumnMapping(name="ZIP", columns=(("Postal", ("ZIP",)),)), public=True)
    write_mapping(store, bob, ColumnMapping(name="zip", columns=(("Post code", ("ZIP",)),)), public=False)


def test_only_the_owner_deletes_a_mapping(store: Store, alice: User, bob: User) -> None:
    write_mapping(store, alice, CRM, public=True)
    with pytest.raises(PermissionDenied, match="belongs to alice"):
        remove_mapping(store, bob, "crm")
    with pytest.raises(NotFound):
        remove_mapping(store, bob, "nothing")
    assert remove_mapping(store, alice, "CRM") == "crm"  # any case; the name as it was saved comes back
    assert list_mappings(store, alice) == []


def _store_at_version_4(path: Path) -> None:
    """A store as custbook wrote it before mappings: layout 4, with one import batch."""
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    for version in range(1, 5):
        schema.MIGRATIONS[version](con)
    con.execute("INSERT INTO meta VALUES ('schema_version', '4')")
    con.execute("INSERT INTO users VALUES ('alice', 'business', TRUE, TRUE, TRUE, now()::TIMESTAMP)")
    con.execute(
        "INSERT INTO batches (id, kind, user_name, at_time, file_name, created) "
        "VALUES (nextval('batch_seq'), 'import', 'alice', now()::TIMESTAMP, 'old.csv', 1)"
    )
    con.close()


def test_a_store_of_layout_4_opens_with_its_batches_and_takes_mappings(db: Path, cli, write_csv) -> None:
    _store_at_version_4(db)
    store = Store(db)
    with store.read() as con:
        assert schema.current_version(con) == schema.SCHEMA_VERSION >= 5
    alice = resolve_user(store, "alice")
    [old] = list_batches(store, user=alice)
    assert (old.id, old.file_name, old.mapping) == ("B1", "old.csv", None)
    assert "(mapping" not in cli("history").out
    write_mapping(store, alice, CRM, public=False)
    assert [s.name for s in list_mappings(store, alice)] == ["crm"]
    # The next import is recorded after the old batch, with the mapping it used.
    rows = [["Company", "E-mail Address", "CUSTOMERID"], ["Acme", "a@acme.test", "C1"]]
    assert cli("import", str(write_csv(rows)), "--mapping", "crm", "--map", "CUSTOMERID=CUSTOMERID").code == 0
    assert [b.mapping for b in list_batches(store, user=alice)] == ["crm+options", None]


def test_a_backup_carries_the_saved_mappings(store: Store, alice: User, tmp_path: Path) -> None:
    write_mapping(store, alice, CRM, public=True)
    copy = tmp_path / "copy.duckdb"
    store.backup(copy, user=alice)
    assert [(s.name, s.public, s.mapping) for s in list_mappings(Store(copy), alice)] == [("crm", True, CRM)]
