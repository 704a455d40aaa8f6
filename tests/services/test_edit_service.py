"""Saving one customer from the form (services/edit.py): an import of one row, with its validation, permissions,
defaults and history, and a refusal to overwrite a record someone else changed meanwhile."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from acting import ADMIN

from core.errors import Conflict, PermissionDenied
from core.users import Permission, User, UserType
from core.values import DateFormat
from services.edit import EditOutcome, EditStatus, mark_inactive, save_customer
from services.undo import undo
from store.duck import DuckStore as Store
from store.entities import add_entity
from store.fields import add_field, catalogue
from store.history import customer_history, get_batch, list_batches
from store.query import get_customer
from store.users import add_user

DMY = DateFormat.DMY_SLASH


def new(store: Store, user: User, values: dict[str, str], entity: str | None = None, **kw) -> EditOutcome:
    return save_customer(
        store, user=user, entity=entity, values=values, customer_id=None, expected_version=None, date_format=DMY, **kw
    )


def edit(store: Store, user: User, cid: str, values: dict[str, str], entity: str | None = None) -> EditOutcome:
    """Edit as the form does: from the record as it was read, with its version."""
    record = read(store, cid)
    assert record is not None
    return save_customer(
        store,
        user=user,
        entity=entity,
        values=values,
        customer_id=cid,
        expected_version=record["ROWVERSION"],
        date_format=DMY,
        original=record,
    )


def read(store: Store, cid: str):
    return get_customer(store, catalogue(store), cid, None, user=ADMIN)


@pytest.fixture
def c1(store: Store, alice: User) -> dict:
    result = new(store, alice, {"CUSTOMERID": "C1", "NAME": "Alpha", "PRINTAS": "Alpha", "CITY": "Paris"})
    assert result.ok and result.batch
    return read(store, "C1")


def test_editing_one_field_is_an_edit_batch_in_the_history_that_undo_reverts(store, alice, c1):
    result = edit(store, alice, "C1", {"CITY": "Lyon"})
    assert result == EditOutcome(result.batch, ()) and result.status is EditStatus.SAVED
    after = read(store, "C1")
    assert after["CITY"] == "Lyon" and after["ROWVERSION"] == c1["ROWVERSION"] + 1 and after["MODIFIEDBY"] == "alice"
    batch, changes = get_batch(store, result.batch, user=ADMIN)
    assert (batch.kind, batch.user, batch.updated, batch.created) == ("edit", "alice", 1, 0)
    assert [(c.field, c.old, c.new) for c in changes] == [("CITY", "Paris", "Lyon")]
    history = customer_history(store, "C1", user=ADMIN)
    assert [(h.batch, h.field, h.old, h.new) for h in history if h.batch == result.batch] == [
        (result.batch, "CITY", "Paris", "Lyon")
    ]
    undo(store, result.batch, user=alice)
    assert read(store, "C1")["CITY"] == "Paris"


def test_a_save_that_changes_nothing_writes_no_batch(store, alice, c1):
    before = len(list_batches(store, user=ADMIN))
    same = edit(store, alice, "C1", {"CITY": "Paris", "NAME": "Alpha"})
    assert same == EditOutcome(None, ()) and same.status is EditStatus.UNCHANGED
    assert len(list_batches(store, user=ADMIN)) == before


def test_blank_erases_a_field_and_unticks_a_checkbox(store, alice, c1):
    assert edit(store, alice, "C1", {"TAXABLE": "TRUE", "ONHOLD": "TRUE"}).ok
    assert edit(store, alice, "C1", {"CITY": "", "ONHOLD": ""}).ok
    after = read(store, "C1")
    assert after["CITY"] is None and after["ONHOLD"] is False and after["TAXABLE"] is True


def test_new_customer_takes_the_defaults_and_the_level_of_the_session(store, alice):
    add_entity(store, "EU", "Europe")
    result = new(
        store,
        alice,
        {"CUSTOMERID": "N1", "NAME": "Nova", "PRINTAS": "Nova", "STATUS": "", "ONHOLD": "", "CREDITLIMIT": "1,250.5"},
        entity="EU",
    )
    assert result.ok and result.batch
    record = read(store, "N1")
    assert record["MEGAENTITYID"] == "EU" and record["CREATEDBY"] == "alice"
    assert (record["STATUS"], record["ONHOLD"], record["ONETIME"], record["TAXABLE"]) == ("active", False, False, True)
    assert record["CREDITLIMIT"] == Decimal("1250.50")
    batch, changes = get_batch(store, result.batch, user=ADMIN)
    assert (batch.kind, batch.created, batch.entity) == ("edit", 1, "EU")
    assert {c.field for c in changes} >= {"CUSTOMERID", "NAME", "STATUS", "TAXABLE"}
    undo(store, result.batch, user=alice, entity="EU")  # at the level it was made at
    assert read(store, "N1") is None


def test_dates_are_read_in_the_sessions_date_format(store, alice):
    add_field(store, "CONTRACT_START", "date")
    values = {"CUSTOMERID": "N1", "NAME": "N", "PRINTAS": "N", "CONTRACT_START": "12/31/2024"}
    wrong = new(store, alice, values)
    assert [e.column for e in wrong.errors] == ["CONTRACT_START"] and "DD/MM/YYYY" in wrong.errors[0].message
    us = save_customer(
        store,
        user=alice,
        entity=None,
        values=values,
        customer_id=None,
        expected_version=None,
        date_format=DateFormat.MDY_SLASH,
    )
    assert us.ok and read(store, "N1")["CONTRACT_START"] == dt.date(2024, 12, 31)


def test_an_invalid_email_is_an_error_on_email1_and_nothing_is_saved(store, alice, c1):
    result = edit(store, alice, "C1", {"CITY": "Lyon", "EMAIL1": "bob@"})
    assert result.batch is None and result.status is EditStatus.REFUSED
    assert [(e.column, e.value) for e in result.errors] == [("EMAIL1", "bob@")]
    assert "name@example.com" in result.errors[0].message
    assert read(store, "C1") == c1


def test_erasing_a_field_that_cannot_be_blank_is_an_error(store, alice, c1):
    result = edit(store, alice, "C1", {"NAME": "", "CITY": "Lyon"})
    assert [e.column for e in result.errors] == ["NAME"]
    assert result.errors[0].message == "Customer name cannot be erased. Fill it in."  # a form has no cells
    assert read(store, "C1") == c1


def test_a_new_customer_shows_every_problem_at_once_and_saves_nothing(store, alice):
    result = new(store, alice, {"CUSTOMERID": "N1", "NAME": "", "PRINTAS": "Nova", "EMAIL1": "nova@"})
    assert sorted(e.column for e in result.errors) == ["EMAIL1", "NAME"]
    assert "required" in next(e.message for e in result.errors if e.column == "NAME")
    assert result.batch is None and read(store, "N1") is None and list_batches(store, user=ADMIN) == []


def test_a_new_customer_cannot_take_an_existing_id(store, alice, c1):
    result = new(store, alice, {"CUSTOMERID": "C1", "NAME": "Other", "PRINTAS": "Other"})
    assert [e.column for e in result.errors] == ["CUSTOMERID"] and "already a customer C1" in result.errors[0].message
    assert read(store, "C1") == c1


def test_a_stale_version_is_refused_naming_the_fields_changed_meanwhile(store, alice, c1):
    bob = add_user(store, "bob", UserType.EMPLOYEE, frozenset(Permission), by=ADMIN)
    assert edit(store, bob, "C1", {"CITY": "Nice"}).ok  # bob saves while alice's form is open on c1
    changed = read(store, "C1")
    with pytest.raises(Conflict) as caught:
        save_customer(
            store,
            user=alice,
            entity=None,
            values={"CITY": "Lyon"},
            customer_id="C1",
            expected_version=c1["ROWVERSION"],
            date_format=DMY,
            original=c1,
        )
    message = str(caught.value)
    assert "bob" in message and "City (CITY)" in message and "Nothing was saved" in message
    assert "NAME" not in message
    assert read(store, "C1") == changed


def test_a_stale_form_is_refused_even_when_its_values_are_also_invalid(store, alice, c1):
    assert edit(store, alice, "C1", {"NAME": "Alpha Two"}).ok
    with pytest.raises(Conflict, match="Customer name"):
        save_customer(
            store,
            user=alice,
            entity=None,
            values={"EMAIL1": "bad@"},
            customer_id="C1",
            expected_version=c1["ROWVERSION"],
            date_format=DMY,
            original=c1,
        )


def test_a_customer_deleted_meanwhile_is_not_recreated_by_its_form(store, alice):
    created = new(store, alice, {"CUSTOMERID": "N1", "NAME": "N", "PRINTAS": "N"})
    record = read(store, "N1")
    undo(store, created.batch, user=alice)
    with pytest.raises(Conflict, match="no longer exists"):
        save_customer(
            store,
            user=alice,
            entity=None,
            values={"CITY": "Lyon"},
            customer_id="N1",
            expected_version=record["ROWVERSION"],
            date_format=DMY,
            original=record,
        )
    assert read(store, "N1") is None


def test_missing_permissions_are_refused_and_nothing_is_saved(store, alice, c1):
    adder = add_user(store, "adder", UserType.EMPLOYEE, frozenset({Permission.LIST, Permission.ADD}), by=ADMIN)
    viewer = add_user(store, "viewer", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=ADMIN)
    with pytest.raises(PermissionDenied, match="Edit permission"):
        edit(store, adder, "C1", {"CITY": "Lyon"})
    with pytest.raises(PermissionDenied, match="Edit permission"):
        mark_inactive(store, user=adder, entity=None, customer_id="C1", expected_version=c1["ROWVERSION"])
    with pytest.raises(PermissionDenied, match="Add permission"):
        new(store, viewer, {"CUSTOMERID": "N1", "NAME": "N", "PRINTAS": "N"})
    assert read(store, "C1") == c1 and read(store, "N1") is None
    assert new(store, adder, {"CUSTOMERID": "N1", "NAME": "N", "PRINTAS": "N"}).ok


def test_an_entity_session_cannot_change_a_top_level_customer(store, alice, c1):
    add_entity(store, "EU", "Europe")
    result = edit(store, alice, "C1", {"CITY": "Lyon"}, entity="EU")
    assert [e.column for e in result.errors] == ["CUSTOMERID"] and "top level" in result.errors[0].message
    assert read(store, "C1") == c1


def test_mark_inactive_is_an_edit_that_undo_reverts(store, alice, c1):
    result = mark_inactive(
        store, user=alice, entity=None, customer_id="C1", expected_version=c1["ROWVERSION"], original=c1
    )
    assert result.ok and read(store, "C1")["STATUS"] == "inactive"
    batch, changes = get_batch(store, result.batch, user=ADMIN)
    assert batch.kind == "edit" and [(c.field, c.old, c.new) for c in changes] == [("STATUS", "active", "inactive")]
    with pytest.raises(Conflict):  # the same form, now stale
        mark_inactive(store, user=alice, entity=None, customer_id="C1", expected_version=c1["ROWVERSION"])
    undo(store, result.batch, user=alice)
    assert read(store, "C1")["STATUS"] == "active"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1234.50", "1234.50"), ("1 234,50", "1234.50"), ("1,234.50", "1234.50"), ("1234,5", "1234.50"),
     ("1.234,50", "1234.50")],
)  # fmt: skip
def test_the_form_takes_an_amount_with_either_decimal_mark(store, alice, c1, typed, stored):
    result = edit(store, alice, "C1", {"CREDITLIMIT": typed})
    assert result.ok, result.errors
    assert str(read(store, "C1")["CREDITLIMIT"]) == stored


def test_the_form_takes_an_iso_date_as_well_as_the_sessions_format(store, alice, c1):
    add_field(store, "CONTRACT_START", "date", by=alice)
    assert edit(store, alice, "C1", {"CONTRACT_START": "2024-12-31"}).ok
    assert read(store, "C1")["CONTRACT_START"] == dt.date(2024, 12, 31)


def test_the_forms_messages_speak_of_typing_not_of_files_and_rows(store, alice, c1):
    """Issue 18, item 8: the form reused the import's words ("If the file writes its dates as ...", "create the
    parent on an earlier row"), which mean nothing to someone typing in a form."""
    add_field(store, "CONTRACT_START", "date")
    wrong = new(store, alice, {"CUSTOMERID": "N1", "NAME": "N", "PRINTAS": "N", "CONTRACT_START": "12/31/2024"})
    (date,) = wrong.errors
    assert "If you meant MM/DD/YYYY, type it as DD/MM/YYYY or YYYY-MM-DD" in date.message
    orphan = new(store, alice, {"CUSTOMERID": "N2", "NAME": "N", "PRINTAS": "N", "PARENTID": "NOPE"})
    (parent,) = orphan.errors
    assert "add the parent customer first" in parent.message
    assert not any("file" in e.message or "row" in e.message for e in (*wrong.errors, *orphan.errors))


def test_a_new_customer_without_an_id_is_told_to_type_one_not_to_give_every_row_its_id(store, alice):
    """Issue 18, bug 8: the form said "Give every row its ID" (the import's words); the import keeps them."""
    result = new(store, alice, {"CUSTOMERID": "", "NAME": "Nova", "PRINTAS": "Nova"})
    (empty,) = result.errors
    assert empty.column == "CUSTOMERID" and "Type the new customer's ID" in empty.message
    assert "row" not in empty.message and result.batch is None


@pytest.mark.parametrize("cid", ["", "   ", "C1"])
def test_a_new_customer_whose_id_is_empty_or_taken_shows_its_other_problems_at_once(store, alice, c1, cid):
    """Issue 18: the first save reported the empty (or taken) ID alone, the required fields only on the next one."""
    result = new(store, alice, {"CUSTOMERID": cid, "NAME": "", "PRINTAS": "", "EMAIL1": "nova@"})
    assert sorted(e.column for e in result.errors) == ["CUSTOMERID", "EMAIL1", "NAME", "PRINTAS"]
    required = [e.message for e in result.errors if e.column in ("NAME", "PRINTAS")]
    assert all("is required for a new customer. Fill it in" in m for m in required)
    assert not any(m.endswith(("for C2.", "for C2")) for m in required)  # no stand-in ID is quoted
    assert result.batch is None and read(store, "C1") == c1
