"""Saved views through services/views.py, the one path of `custbook views` and the interface's view builder and
picker: the name rules, a new view or one replaced (and not replaced until the caller says so), public or private
kept unless told, filters' dates read in the user's format, renaming, finding, showing and deleting. `custbook views`
end to end is tested in tests/store/test_views.py."""

from __future__ import annotations

import datetime as dt

import pytest
from acting import ADMIN

from core.errors import InvalidValue, NotFound, PermissionDenied
from core.users import Permission, User, UserType
from core.values import DateFormat
from core.viewdef import Filter, Op, View
from services.views import (
    MAX_NAME,
    DateRead,
    SaveStatus,
    delete_view,
    find_view,
    list_views,
    save_view,
    show_view,
)
from store.duck import DuckStore as Store
from store.fields import add_field
from store.users import add_user

FRANCE = (Filter("COUNTRY", Op.EQ, "france"),)


@pytest.fixture
def bob(store: Store) -> User:
    return add_user(store, "bob", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=ADMIN)


@pytest.mark.parametrize("name", ["", "   ", "x" * (MAX_NAME + 1), "two\nlines", "All customers", "all CUSTOMERS "])
def test_a_name_that_cannot_name_a_view_is_refused(store: Store, alice: User, name: str) -> None:
    with pytest.raises(InvalidValue):
        save_view(store, alice, View(name))
    assert [v.name for v in list_views(store, alice)] == ["All customers"]


def test_a_view_is_saved_then_replaced_and_replaced_only_when_asked(store: Store, alice: User) -> None:
    first = save_view(store, alice, View("  French  ", filters=FRANCE))
    assert first.status is SaveStatus.SAVED and first.view.name == "French" and first.view.owner == "alice"
    asked = save_view(store, alice, View("French", columns=("NAME",)), replace_existing=False)
    assert asked.status is SaveStatus.EXISTS
    assert find_view(store, alice, "French").filters == FRANCE  # left alone
    again = save_view(store, alice, View("French", columns=("NAME",)))
    assert again.status is SaveStatus.REPLACED and find_view(store, alice, "French").columns == ("NAME",)


def test_names_that_differ_by_case_alone_are_refused(store: Store, alice: User) -> None:
    save_view(store, alice, View("Big accounts"))
    with pytest.raises(InvalidValue, match="You already have a view named “Big accounts”"):
        save_view(store, alice, View("big accounts"))


def test_public_or_private_is_kept_unless_told(store: Store, alice: User, bob: User) -> None:
    assert save_view(store, alice, View("Team", public=True)).view.public  # a new view: as given
    kept = save_view(store, alice, View("Team", filters=FRANCE))  # View's own default is private
    assert kept.view.public and not kept.made_private
    assert find_view(store, bob, "Team").owner == "alice"
    private = save_view(store, alice, View("Team"), public=False)
    assert not private.view.public and private.made_private
    with pytest.raises(NotFound):
        find_view(store, bob, "Team")
    assert save_view(store, alice, View("Team"), public=True).view.public


def test_dates_are_read_in_the_users_format_and_kept_as_iso(store: Store, alice: User) -> None:
    add_field(store, "CONTRACT_START", "date", by=alice)
    us = View("US", filters=(Filter("CONTRACT_START", Op.LT, "04/01/2024"), *FRANCE))
    saved = save_view(store, alice, us, date_format=DateFormat.MDY_SLASH)
    assert saved.view.filters[0] == Filter("CONTRACT_START", Op.LT, "2024-04-01")
    assert saved.dates == (DateRead("Contract start", Op.LT, dt.date(2024, 4, 1)),)


def test_a_date_that_is_not_one_in_the_users_format_is_refused(store: Store, alice: User) -> None:
    """31/12/2024 is no date as MM/DD/YYYY. It used to be saved as typed (the check read it as DD/MM/YYYY), making
    a view that the list and the export then refused in that format."""
    add_field(store, "CONTRACT_START", "date", by=alice)
    wrong = View("US", filters=(Filter("CONTRACT_START", Op.LT, "31/12/2024"),))
    with pytest.raises(InvalidValue, match=r"MM/DD/YYYY or YYYY-MM-DD\), not '31/12/2024'"):
        save_view(store, alice, wrong, date_format=DateFormat.MDY_SLASH)
    assert [v.name for v in list_views(store, alice)] == ["All customers"]


def test_a_view_that_cannot_run_is_refused(store: Store, alice: User) -> None:
    with pytest.raises(InvalidValue, match="needs a number"):
        save_view(store, alice, View("Bad", filters=(Filter("CREDITLIMIT", Op.GT, "lots"),)))
    with pytest.raises(InvalidValue, match="not a customer field"):
        save_view(store, alice, View("Bad", columns=("NOSUCHFIELD",)))


def test_saving_under_a_new_name_renames_the_view_edited(store: Store, alice: User) -> None:
    save_view(store, alice, View("Old", filters=FRANCE))
    renamed = save_view(store, alice, View("New", filters=FRANCE), renaming="Old")
    assert renamed.status is SaveStatus.SAVED
    assert [v.name for v in list_views(store, alice)] == ["All customers", "New"]
    # Saved under its own name, the view edited is not "another view of that name": no question to ask.
    assert save_view(store, alice, View("New"), replace_existing=False, renaming="New").status is SaveStatus.REPLACED


def test_finding_prefers_the_users_own_view_and_names_the_others(store: Store, alice: User, bob: User) -> None:
    save_view(store, alice, View("Shared", public=True, filters=FRANCE))
    assert find_view(store, bob, "Shared").owner == "alice"
    save_view(store, bob, View("Shared", columns=("NAME",)))
    assert find_view(store, bob, "Shared").owner == "bob"
    assert find_view(store, bob, " all customers").builtin
    with pytest.raises(NotFound, match="“All customers”, “Shared”"):
        find_view(store, bob, "Nothing")


def test_showing_counts_the_customers_at_the_level(store: Store, alice: User) -> None:
    store.seed_demo(40, user=alice)
    shown = show_view(store, alice, "All customers")
    top = show_view(store, alice, "All customers", entity=None).matching
    assert shown.view.builtin and shown.matching == top > 0
    save_view(store, alice, View("None at all", filters=(Filter("NAME", Op.EQ, "no such name"),)))
    assert show_view(store, alice, "None at all").matching == 0


def test_only_the_owner_deletes_and_never_the_built_in_view(store: Store, alice: User, bob: User) -> None:
    save_view(store, alice, View("Shared", public=True))
    with pytest.raises(InvalidValue, match="built in and cannot be deleted"):
        delete_view(store, alice, "All customers")
    with pytest.raises(PermissionDenied, match="belongs to alice"):
        delete_view(store, bob, "Shared")
    with pytest.raises(NotFound):
        delete_view(store, bob, "Nothing")
    delete_view(store, alice, "Shared")
    assert [v.name for v in list_views(store, alice)] == ["All customers"]
