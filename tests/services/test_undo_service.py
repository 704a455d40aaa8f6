"""Undoing a batch through services/undo.py, the one path of `custbook undo` and the History screen: where the chain
of undos stands after each undo, what a user who may not read the history is told, why a batch cannot be undone
(before asking), and what an undo will do (for the confirmation). The undo's SQL and its refusals are the store's
(tests/store/test_history_undo.py); here the batches are made by the edit service, as the form makes them."""

from __future__ import annotations

import datetime as dt

import pytest
from acting import ADMIN

from core.errors import Conflict
from core.users import Permission, User, UserType
from core.values import DateFormat
from services.edit import save_customer
from services.undo import UndoState, undo, undo_effects, why_not_undo
from store.duck import DuckStore as Store
from store.entities import add_entity
from store.fields import catalogue
from store.history import Batch, list_batches
from store.query import get_customer
from store.users import add_user


def city(store: Store, cid: str = "C1") -> object:
    record = get_customer(store, catalogue(store), cid, None, user=ADMIN)
    return None if record is None else record["CITY"]


@pytest.fixture
def two_batches(store: Store, alice: User) -> Store:
    """B1 creates C1 in Paris, B2 moves it to Lyon: two edits, as the form saves them."""
    created = save_customer(
        store, user=alice, entity=None, values={"CUSTOMERID": "C1", "NAME": "A", "PRINTAS": "A", "CITY": "Paris"},
        customer_id=None, expected_version=None, date_format=DateFormat.DMY_SLASH,
    )  # fmt: skip
    assert created.batch == "B1"
    record = get_customer(store, catalogue(store), "C1", None, user=ADMIN)
    assert record is not None
    moved = save_customer(
        store, user=alice, entity=None, values={"CITY": "Lyon"}, customer_id="C1",
        expected_version=record["ROWVERSION"], date_format=DateFormat.DMY_SLASH, original=record,
    )  # fmt: skip
    assert moved.batch == "B2"
    return store


def test_each_undo_says_where_the_chain_stands(two_batches: Store, alice: User) -> None:
    store = two_batches
    first = undo(store, "b2", user=alice)
    assert (first.batch.id, first.undid, first.about, first.depth, first.state) == ("B3", "B2", "B2", 1, UndoState.OUT)
    assert city(store) == "Paris"
    second = undo(store, "B3", user=alice)  # the undo of the undo: B2's changes are back
    assert (second.batch.id, second.undid, second.about, second.depth) == ("B4", "B3", "B2", 2)
    assert second.state is UndoState.BACK and city(store) == "Lyon"
    third = undo(store, "B4", user=alice)
    assert (third.undid, third.about, third.depth, third.state) == ("B4", "B2", 3, UndoState.OUT_AGAIN)
    assert city(store) == "Paris"


def test_a_user_who_may_not_read_the_history_is_told_about_this_undo_alone(two_batches: Store, alice: User) -> None:
    store = two_batches
    undo(store, "B2", user=alice)  # B3
    editor = add_user(store, "editor", UserType.EMPLOYEE, frozenset({Permission.EDIT}), by=ADMIN)
    done = undo(store, "B3", user=editor)
    assert (done.undid, done.about, done.depth, done.state) == ("B3", "B3", 1, UndoState.OUT)
    assert city(store) == "Lyon"


def test_a_refused_undo_raises_and_changes_nothing(two_batches: Store, alice: User) -> None:
    with pytest.raises(Conflict, match="cannot be undone"):
        undo(two_batches, "B1", user=alice)  # B2 changed C1's city since
    assert city(two_batches) == "Lyon" and len(list_batches(two_batches, user=ADMIN)) == 2


def test_why_not_undo_names_the_one_thing_in_the_way(two_batches: Store, alice: User) -> None:
    store = two_batches
    b2, b1 = list_batches(store, user=ADMIN)
    assert why_not_undo(b2, user=alice, entity=None, listed=[b2, b1]) is None
    viewer = User("viewer", UserType.EMPLOYEE, frozenset({Permission.LIST}))
    assert "needs the Edit permission, which viewer" in (why_not_undo(b2, user=viewer, entity=None, listed=[]) or "")
    assert why_not_undo(None, user=alice, entity=None, listed=[]) == "There is no batch to undo."
    add_entity(store, "EU", "Europe")
    assert why_not_undo(b2, user=alice, entity="EU", listed=[b2, b1]) == (
        "B2 was made at the top level: undo it from there (l in the list switches)."
    )
    editor = User("editor", UserType.EMPLOYEE, frozenset({Permission.LIST, Permission.EDIT}))
    assert "needs the Add permission (editor lacks it)" in (why_not_undo(b1, user=editor, entity=None, listed=[]) or "")
    undo(store, "B2", user=alice)  # B3
    undo(store, "B3", user=alice)  # B4
    listed = list_batches(store, user=ADMIN)
    b2 = next(b for b in listed if b.id == "B2")
    assert why_not_undo(b2, user=alice, entity=None, listed=listed) == (
        "Batch B2's changes are in place again: B4 put them back. To take them out, undo B4."
    )


def batch(kind: str, **counts: int) -> Batch:
    at = dt.datetime(2026, 11, 28, 8, 54)
    numbers = {"created": 0, "updated": 0, "blanked": 0, "failed": 0, "removed": 0} | counts
    undoes = "B1" if kind == "undo" else None
    return Batch("B2", kind, "alice", at, None, None, numbers["created"], numbers["updated"], numbers["blanked"],
                 numbers["failed"], undoes, None, numbers["removed"])  # fmt: skip


def test_undo_effects_say_what_comes_back_and_what_goes() -> None:
    assert undo_effects(batch("import", created=2, updated=1, blanked=1)) == (
        "puts back the old values of 1 updated customer (1 erased field comes back)",
        "removes the 2 customers it created",
    )
    assert undo_effects(batch("edit", updated=3, blanked=2)) == (
        "puts back the old values of 3 updated customers (2 erased fields come back)",
    )
    assert undo_effects(batch("undo", removed=1)) == (
        "puts back the changes of B1 that it undid",
        "brings back the 1 customer it removed",
    )
    assert undo_effects(batch("import")) == ()
