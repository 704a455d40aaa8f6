"""Column mappings through services/mappings.py, the one path of `custbook mappings`, `import --mapping` and the
interface's mapping step: which mapping a name means (own, public, built-in; any case), the rules of saving (who,
names, fields as IDs, a field fed twice) and deleting, the list with the built-in ones, and the saved mapping offered
for a file's header. `custbook mappings` end to end is tested in tests/services/test_mappings_cli.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.builtin_mappings import BUILTIN_MAPPINGS
from core.errors import InvalidValue, NotFound, PermissionDenied
from core.mapping import MAX_MAPPING_NAME, ColumnMapping
from core.users import Permission, User, UserType
from services.mappings import (
    best_saved_mapping,
    delete_mapping,
    find_mapping,
    list_mappings,
    mapping_entry,
    save_mapping,
)
from store.duck import DuckStore as Store

OUTLOOK = BUILTIN_MAPPINGS[0].name or ""
CRM = ColumnMapping(
    name="crm",
    columns=(("Company", ("Customer name", "printas")), ("E-mail Address", ("Email",)), ("Notes", ())),
    joins=(("COMMENTS", ("Given Name", "Family Name")),),
)


@pytest.fixture
def user(store: Store, alice: User, both_stores_as) -> Callable[..., tuple[Store, User]]:
    """`user(NAME, *PERMS)`: an employee alice adds, and the store as they reach it (on PostgreSQL, as their role)."""

    def add(name: str, *perms: Permission) -> tuple[Store, User]:
        store.users.add(name, UserType.EMPLOYEE, frozenset(perms), by=alice)
        return both_stores_as(name)

    return add


@pytest.fixture
def bob_as(user) -> tuple[Store, User]:
    return user("bob", Permission.LIST, Permission.EDIT)


@pytest.fixture
def bob(bob_as: tuple[Store, User]) -> User:
    return bob_as[1]


@pytest.fixture
def bobs(bob_as: tuple[Store, User]) -> Store:
    """The store as bob reaches it."""
    return bob_as[0]


def test_a_saved_mapping_keeps_field_ids_and_a_trimmed_name(store: Store, alice: User) -> None:
    saved = save_mapping(store, ColumnMapping(name="  crm ", columns=CRM.columns, joins=CRM.joins), user=alice)
    assert saved.name == "crm" and saved.required == () and saved.label == "crm"
    assert saved.columns == (("Company", ("NAME", "PRINTAS")), ("E-mail Address", ("EMAIL1",)), ("Notes", ()))
    assert saved.joins == (("COMMENTS", ("Given Name", "Family Name")),)
    assert find_mapping(store, "CRM", user=alice) == saved


def test_the_list_holds_the_built_in_mappings_then_the_saved_ones(
    store: Store, alice: User, bob: User, bobs: Store, user
) -> None:
    save_mapping(store, CRM, user=alice)
    save_mapping(store, ColumnMapping(name="shared", columns=(("Zip", ("ZIP",)),)), user=alice, public=True)
    rows = [(e.name, e.owner, e.public, e.builtin) for e in list_mappings(store, user=alice)]
    assert rows[: len(BUILTIN_MAPPINGS)] == [(m.name, None, True, True) for m in BUILTIN_MAPPINGS]
    assert rows[len(BUILTIN_MAPPINGS) :] == [("crm", "alice", False, False), ("shared", "alice", True, False)]
    assert list_mappings(store, user=alice)[0].product == BUILTIN_MAPPINGS[0].product
    assert [e.name for e in list_mappings(bobs, user=bob) if not e.builtin] == ["shared"]
    # Listing needs no permission: a mapping holds column names, not customers.
    carols, nobody = user("carol")
    assert len(list_mappings(carols, user=nobody)) == len(BUILTIN_MAPPINGS) + 1


def test_a_name_means_ones_own_then_a_public_one_then_a_built_in_one(
    store: Store, alice: User, bob: User, bobs: Store
) -> None:
    save_mapping(store, CRM, user=alice, public=True)
    assert mapping_entry(bobs, "Crm", user=bob).owner == "alice"
    save_mapping(bobs, ColumnMapping(name="dave", columns=(("Zip", ("ZIP",)),)), user=bob)
    assert mapping_entry(bobs, "DAVE", user=bob).owner == "bob"
    with pytest.raises(NotFound, match="no mapping named 'dave'") as caught:
        find_mapping(store, "dave", user=alice)  # bob's private one is his alone
    assert "crm" in str(caught.value) and OUTLOOK in str(caught.value)
    assert mapping_entry(store, OUTLOOK.upper(), user=alice).builtin


@pytest.mark.parametrize("name", ["", "  ", "x" * (MAX_MAPPING_NAME + 1), "two\nlines", "bidi\u202eevil"])
def test_a_name_that_cannot_name_a_mapping_is_refused(store: Store, alice: User, name: str) -> None:
    with pytest.raises(InvalidValue):
        save_mapping(store, ColumnMapping(name=name, columns=CRM.columns), user=alice)
    assert [e for e in list_mappings(store, user=alice) if not e.builtin] == []


def test_a_built_in_mappings_name_is_refused_in_any_case(store: Store, alice: User) -> None:
    with pytest.raises(InvalidValue, match="built into custbook"):
        save_mapping(store, ColumnMapping(name=f" {OUTLOOK.upper()} ", columns=CRM.columns), user=alice)


@pytest.mark.parametrize(
    ("columns", "joins", "words"),
    [
        ((("Company", ("NAMEE",)),), (), "does not exist"),
        ((("Company", ("RECORDNO",)),), (), "fills itself"),
        ((("Company", ("NAME",)), ("Firm", ("Customer name",))), (), "filled twice"),
        ((("Company", ("NAME",)),), (("NAME", ("A", "B")),), "filled twice"),
        ((), (), "says nothing"),
    ],
)
def test_fields_are_checked_against_the_catalogue_when_saving(
    store: Store, alice: User, columns: tuple, joins: tuple, words: str
) -> None:
    with pytest.raises(InvalidValue, match=words):
        save_mapping(store, ColumnMapping(name="bad", columns=columns, joins=joins), user=alice)


def test_saving_again_replaces_and_keeps_public_unless_told(store: Store, alice: User, bob: User, bobs: Store) -> None:
    save_mapping(store, CRM, user=alice, public=True)
    save_mapping(store, ColumnMapping(name="CRM", columns=(("Zip", ("ZIP",)),)), user=alice, public=None)
    entry = mapping_entry(bobs, "crm", user=bob)
    assert (entry.name, entry.public, entry.mapping.columns) == ("CRM", True, (("Zip", ("ZIP",)),))
    save_mapping(store, ColumnMapping(name="crm", columns=(("Zip", ("ZIP",)),)), user=alice)  # public=False
    with pytest.raises(NotFound):
        mapping_entry(bobs, "crm", user=bob)


def test_another_users_mapping_cannot_be_changed_or_deleted(store: Store, alice: User, bob: User, bobs: Store) -> None:
    save_mapping(store, CRM, user=alice, public=True)
    with pytest.raises(PermissionDenied):
        save_mapping(bobs, ColumnMapping(name="crm", columns=(("Zip", ("ZIP",)),)), user=bob)
    with pytest.raises(PermissionDenied, match="only its owner"):
        delete_mapping(bobs, "crm", user=bob)
    assert mapping_entry(bobs, "crm", user=bob).mapping.columns[0] == ("Company", ("NAME", "PRINTAS"))


def test_saving_and_deleting_need_a_user_who_may_import(store: Store, alice: User, user) -> None:
    readers, reader = user("reader", Permission.LIST)
    with pytest.raises(PermissionDenied, match="Add or Edit"):
        save_mapping(readers, CRM, user=reader)
    save_mapping(store, CRM, user=alice, public=True)
    with pytest.raises(PermissionDenied, match="Add or Edit"):
        delete_mapping(readers, "crm", user=reader)
    adders, adder = user("adder", Permission.ADD)
    assert save_mapping(adders, ColumnMapping(name="mine", columns=(("Zip", ("ZIP",)),)), user=adder).name == "mine"
    assert delete_mapping(adders, "MINE", user=adder) == "mine"


def test_built_in_mappings_cannot_be_deleted_and_unknown_names_are_not_found(store: Store, alice: User) -> None:
    with pytest.raises(InvalidValue, match="cannot be deleted"):
        delete_mapping(store, OUTLOOK, user=alice)
    with pytest.raises(NotFound):
        delete_mapping(store, "nothing", user=alice)


CONTACTS = ColumnMapping(
    name="contacts",
    columns=(("Company", ("NAME", "PRINTAS")), ("E-mail Address", ("EMAIL1",)), ("Phone", ("PHONE1",))),
    joins=(("COMMENTS", ("Given Name", "Family Name")),),
)


def test_the_saved_mapping_naming_most_of_a_files_columns_is_offered(
    store: Store, alice: User, bob: User, bobs: Store
) -> None:
    assert best_saved_mapping(store, ("Company", "E-mail Address"), user=alice) is None  # nothing saved yet
    save_mapping(store, CONTACTS, user=alice, public=True)
    save_mapping(store, ColumnMapping(name="zip", columns=(("Company", ("NAME",)), ("Zip", ("ZIP",)))), user=alice)
    # Headers as a file writes them: any case and spacing; joined columns count; a blank header does not.
    header = ("company", " E-MAIL address", "Given Name", "Family Name", "Zip", "Fax", "")
    found = best_saved_mapping(store, header, user=alice)
    assert found is not None and found.name == "contacts"
    assert best_saved_mapping(bobs, header, user=bob) == found  # a public one is offered to others


@pytest.mark.parametrize(
    "header",
    [
        ("Company", "Fax", "Mobile", "Street", "City"),  # one of five: too few
        ("Company", "E-mail Address", "Fax", "Mobile", "Street"),  # two of five: under half
        ("Company",),  # all of a one-column file, but one column proves nothing
        ("", " "),
    ],
)
def test_no_saved_mapping_is_offered_for_a_file_it_barely_names(store: Store, alice: User, header: tuple) -> None:
    save_mapping(store, CONTACTS, user=alice)
    assert best_saved_mapping(store, header, user=alice) is None


def test_on_a_tie_the_users_own_mapping_is_offered(store: Store, alice: User, bob: User, bobs: Store) -> None:
    save_mapping(store, CONTACTS, user=alice, public=True)
    save_mapping(bobs, ColumnMapping(name="bobs", columns=CONTACTS.columns, joins=CONTACTS.joins), user=bob)
    header = ("Company", "E-mail Address", "Phone")
    assert (best_saved_mapping(bobs, header, user=bob) or ColumnMapping()).name == "bobs"
    assert (best_saved_mapping(store, header, user=alice) or ColumnMapping()).name == "contacts"


def test_a_second_column_of_the_same_name_is_told_apart(store: Store, alice: User) -> None:
    two = ColumnMapping(name="ninja", columns=(("Phone", ("PHONE1",)), ("Phone#2", ("CELLPHONE",))))
    save_mapping(store, two, user=alice)
    assert (best_saved_mapping(store, ("Phone", "Phone", "Name"), user=alice) or ColumnMapping()).name == "ninja"
    assert best_saved_mapping(store, ("Phone", "Fax", "Name"), user=alice) is None  # Phone#2 is not there
