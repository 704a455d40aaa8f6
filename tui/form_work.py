"""The customer form's work in its worker threads: reading the customer to edit, and sending a save (or the
marking inactive of the customer) to `services.edit` with the version of the record the form loaded, so that a
customer changed meanwhile is refused rather than overwritten; and what was typed, as such a save sends it.

Touches no widget and posts nothing: `tui.screens.customer_form`'s workers post what these return, or the
`CustbookError` they raise, to the screen.
"""

from __future__ import annotations

from core.regional import Region
from core.values import Value
from services.edit import EditOutcome, mark_inactive, save_customer
from tui.session import Session
from tui.widgets.field_inputs import stored_text


def load_record(session: Session, customer_id: str) -> dict[str, Value] | None:
    """The customer as the session's user sees it at the session's level; None when it is not to be seen there."""
    s = session
    return s.store.customers.get(s.catalogue, customer_id, s.entity, user=s.user)


def send_edit(
    session: Session,
    record: dict[str, Value] | None,
    customer_id: str | None,
    values: dict[str, str],
    *,
    inactive: bool,
) -> tuple[str, EditOutcome]:
    """Save `values` (field ID -> text as the CSV for import holds it) for the customer `customer_id` as loaded
    (`record`; None for a new customer), or mark it inactive. Returns the customer's ID (a new customer's as typed)
    and the outcome."""
    s = session
    version = record.get("ROWVERSION") if record else None
    expected = version if isinstance(version, int) else None
    cid = customer_id or values.get("CUSTOMERID", "").strip()
    if inactive:
        result = mark_inactive(
            s.store, user=s.user, entity=s.entity, customer_id=cid, expected_version=expected, original=record
        )
    else:
        result = save_customer(
            s.store,
            user=s.user,
            entity=s.entity,
            values=values,
            customer_id=customer_id,
            expected_version=expected,
            date_format=s.date_format,
            original=record,
        )
    return cid, result


def stored_values(session: Session, texts: dict[str, str], region: Region | None) -> dict[str, str]:
    """What was typed, as the CSV for import holds it: `1 234,50` typed in France is saved as 1234.50."""
    catalogue, fmt = session.catalogue, session.date_format
    return {fid: stored_text(catalogue[fid], text, fmt, region) for fid, text in texts.items()}
