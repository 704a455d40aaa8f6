"""Saving one customer from the interface's form: an import of one row, through the import's own pipeline.

Owns the edit workflow: turning what the form holds (field ID -> the text typed, as the CSV for import would
write it) into a one-row `RawTable` (header = the field IDs, the row numbered 2), planning it with the strict policy
and applying it as a batch of kind "edit". Validation, permissions (Add for a new customer, Edit for an existing
one), defaults and history are therefore exactly an import's, and `custbook undo` reverts a save like any batch.
Also owns refusing to overwrite a record that someone else changed since the form was opened, naming the fields
they changed.

May import `core/`, `services.planning` and the store's interface (planning goes through `services.planning`, the
write through the store's history repository); never textual, rich or the command line, and never shows anything:
the form shows the errors of the outcome beside each field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from core.catalogue import Catalogue
from core.errors import Conflict
from core.i18n import _
from core.keys import KeyOptions
from core.plan import Action, ImportOptions, ImportPlan, Policy
from core.table import Issue, RawRow, RawTable
from core.users import Permission, User
from core.values import DateFormat, ParseOptions, Value
from core.wording import A_NEW_CUSTOMER, EDIT_OF, MARKED_INACTIVE
from services.planning import plan_import

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore

FORM_ROW = 2  # the row number an edit's one row carries (header = 1), as in a spreadsheet


def _redo() -> str:
    """The fix of a save refused because the customer moved: the form must be read again."""
    return _("Nothing was saved. Close the form, open the customer again to see the new values, and redo your change")


class EditStatus(Enum):
    SAVED = "saved"  # written as a batch, which undo reverts
    UNCHANGED = "unchanged"  # the customer already held these values: no batch
    REFUSED = "refused"  # a value is wrong: the errors say which, nothing was written


@dataclass(frozen=True)
class EditOutcome:
    """What a save did: the batch it wrote (None when nothing was written) and, when it was refused, the row
    errors of its plan (`column` = the field ID to show the message beside; None for the whole customer).
    A record changed by someone else meanwhile is not an outcome but a Conflict: the form must be read again."""

    batch: str | None
    errors: tuple[Issue, ...] = ()

    @property
    def status(self) -> EditStatus:
        # Derived rather than stored, so that it can never disagree with the batch and the errors.
        if self.errors:
            return EditStatus.REFUSED
        return EditStatus.UNCHANGED if self.batch is None else EditStatus.SAVED

    @property
    def ok(self) -> bool:
        return not self.errors


def save_customer(
    store: CustomerStore,
    *,
    user: User,
    entity: str | None,
    values: Mapping[str, str],
    customer_id: str | None,
    expected_version: int | None,
    date_format: DateFormat,
    original: Mapping[str, Value] | None = None,
) -> EditOutcome:
    """Save the form's `values` (blank = erase; for a new customer blank = the field's default).

    `customer_id` None creates a customer whose ID is `values["CUSTOMERID"]`, owned by `entity`. For an existing
    customer only the fields in `values` are written (absent = untouched), and `expected_version` is the
    ROWVERSION the form was opened on: if the record moved since, Conflict names the fields that differ from
    `original` (the record as the form read it) and nothing is saved. Raises PermissionDenied without Add (new)
    or Edit (existing)."""
    new = customer_id is None
    if new:
        user.require(Permission.ADD, _("add customers"))
        cid = values.get("CUSTOMERID", "")
    else:
        user.require(Permission.EDIT, _("change customers"))
        cid = customer_id or ""
    name = f"{EDIT_OF}{cid.strip() or A_NEW_CUSTOMER}"
    return _save(store, user, entity, cid, dict(values), new, expected_version, date_format, original, name)


def mark_inactive(
    store: CustomerStore,
    *,
    user: User,
    entity: str | None,
    customer_id: str,
    expected_version: int | None,
    original: Mapping[str, Value] | None = None,
) -> EditOutcome:
    """Set STATUS to inactive through the same path as any edit (a batch that can be undone)."""
    user.require(Permission.EDIT, _("change customers"))
    return _save(
        store,
        user,
        entity,
        customer_id,
        {"STATUS": "inactive"},
        False,
        expected_version,
        DateFormat.DMY_SLASH,
        original,
        f"{MARKED_INACTIVE}{customer_id}",
    )


def _save(
    store: CustomerStore,
    user: User,
    entity: str | None,
    cid: str,
    values: dict[str, str],
    new: bool,
    expected_version: int | None,
    date_format: DateFormat,
    original: Mapping[str, Value] | None,
    name: str,
) -> EditOutcome:
    catalogue = store.fields.catalogue()
    if not new:
        # Checked before planning too, so that a stale form is refused even when it also holds invalid values.
        _require_current(store, catalogue, cid, entity, expected_version, original)
    # A person typed these: ISO dates and a decimal comma are as clear as the session's own formats.
    options = ParseOptions(date_format=date_format, iso_dates=True, typed=True)
    cells = {fid: text for fid, text in values.items() if fid != "CUSTOMERID"}
    plan = _plan(store, user, entity, cid, cells, options, name)
    record = next((r for r in plan.records if r.row == FORM_ROW), None)
    if new and cid.strip() and store.customers.id_taken(cid.strip()):
        # The planner reads an existing ID as an update: a new customer's form must never edit another customer.
        taken = Issue(
            FORM_ROW,
            "CUSTOMERID",
            cid,
            _("There is already a customer {id}. Choose another Customer ID").format(id=cid),
        )
        rest = _as_new_errors(store, user, entity, cells, options, name, [taken, *plan.errors])
        return EditOutcome(None, (taken, *(e for e in plan.parsed.errors if e.column != "CUSTOMERID"), *rest))
    if not new and record is not None and (record.action is Action.CREATE or record.version != expected_version):
        # Moved between the check above and the plan.
        raise _stale(cid, store.customers.fetch(catalogue, cid, entity), original, catalogue)
    errors = list(plan.errors)
    if errors and FORM_ROW in plan.parsed.failed:
        errors += _store_errors(store, user, entity, cid, cells, options, name, errors, new=new)
    if errors:
        return EditOutcome(None, tuple(errors))
    try:
        result = store.history.apply(plan, user=user, kind="edit")
    except Conflict:
        # Another writer got in between planning and writing (apply checks the version in its transaction).
        raise Conflict(
            _("Customer {id} was changed by someone else while it was being saved").format(id=cid), _redo()
        ) from None
    return EditOutcome(result.batch)


def _plan(
    store: CustomerStore,
    user: User,
    entity: str | None,
    cid: str,
    cells: Mapping[str, str],
    options: ParseOptions,
    name: str,
    *,
    any_id: bool = False,
) -> ImportPlan:
    """The form's one row, planned as an import plans it. `any_id`: the row gets an ID of the store's numbering
    (the import's --generate-ids), to check a new customer whose typed ID is wrong as the new customer it is."""
    raw = RawTable(name, ("CUSTOMERID", *cells), (RawRow(FORM_ROW, (cid, *cells.values())),))
    request = ImportOptions(keys=KeyOptions(generate=True)) if any_id else None
    return plan_import(store, raw, user=user, entity=entity, options=options, policy=Policy.STRICT, request=request)


def _store_errors(
    store: CustomerStore,
    user: User,
    entity: str | None,
    cid: str,
    cells: Mapping[str, str],
    options: ParseOptions,
    name: str,
    known: list[Issue],
    *,
    new: bool,
) -> list[Issue]:
    """The checks that need the store (required fields, blanks, parent) for a row whose values failed to parse.

    An import reports those only once the values parse; a form shows every problem at once, so the row is planned
    again without the fields that already have an error (absent = untouched, so they add nothing of their own)."""
    bad = {e.column for e in known}
    if None in bad:
        return []
    found: list[Issue] = []
    if "CUSTOMERID" not in bad:
        rest = {fid: text for fid, text in cells.items() if fid not in bad}
        again = _plan(store, user, entity, cid, rest, options, name)
        found = [e for e in again.errors if e.column not in bad and e not in known]
    if new and any(e.column == "CUSTOMERID" for e in (*known, *found)):
        # The import names an empty ID only in a row without other errors, and stops at a wrong one: the rest of a
        # new customer is checked as such all the same (an existing customer's ID is never typed).
        found += _as_new_errors(store, user, entity, cells, options, name, [*known, *found])
    return found


def _as_new_errors(
    store: CustomerStore,
    user: User,
    entity: str | None,
    cells: Mapping[str, str],
    options: ParseOptions,
    name: str,
    known: list[Issue],
) -> list[Issue]:
    """A new customer's other problems (a required field left empty, ...) when its typed ID is empty, wrong or
    taken: the import stops at the ID, but the form shows every problem at once (issue 18). The row is planned
    again under an ID of the store's numbering, without the fields that already have an error; only the problems
    of the other fields are kept (none of them names that stand-in ID: a generated ID is never quoted)."""
    bad = {e.column for e in known}
    if None in bad:
        return []
    rest = {fid: text for fid, text in cells.items() if fid not in bad}
    again = _plan(store, user, entity, "", rest, options, name, any_id=True)
    return [e for e in again.errors if e.column not in bad and e.column != "CUSTOMERID" and e not in known]


def _require_current(
    store: CustomerStore,
    catalogue: Catalogue,
    cid: str,
    entity: str | None,
    expected_version: int | None,
    original: Mapping[str, Value] | None,
) -> None:
    current = store.customers.fetch(catalogue, cid, entity)
    if current is None:
        raise Conflict(
            _("Customer {id} no longer exists (or is no longer visible here)").format(id=cid), _("Nothing was saved")
        )
    if current["ROWVERSION"] != expected_version:
        raise _stale(cid, current, original, catalogue)


def _stale(
    cid: str, current: Mapping[str, Value] | None, original: Mapping[str, Value] | None, catalogue: Catalogue
) -> Conflict:
    """The record changed since the form read it: name who changed it and which fields, so nothing is silently
    overwritten."""
    if current is None or original is None:
        return Conflict(_("Customer {id} was changed by someone else since you opened it").format(id=cid), _redo())
    moved = [f for f in catalogue.importable if f.id in original and original[f.id] != current.get(f.id)]
    who = current.get("MODIFIEDBY")
    fields = ", ".join(f"{f.shown_label} ({f.id})" for f in moved)
    if who and fields:
        said = _("Customer {id} was changed by {user} since you opened it: {fields}")
    elif who:
        said = _("Customer {id} was changed by {user} since you opened it")
    elif fields:
        said = _("Customer {id} was changed by someone else since you opened it: {fields}")
    else:
        said = _("Customer {id} was changed by someone else since you opened it")
    return Conflict(said.format(id=cid, user=who, fields=fields), _redo())
