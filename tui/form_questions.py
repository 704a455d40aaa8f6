"""The questions the customer form asks before it acts: marking the customer inactive, and closing the form with
changes not saved. Each is a `ConfirmDialog` whose answer True goes ahead; `tui.screens.customer_form` pushes it and
acts on the answer. The customer's name comes from the store: shown through `safe_text`.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.catalogue import Catalogue
from core.i18n import _
from core.values import Value
from tui.screens.confirm_dialog import ConfirmDialog
from tui.widgets.grid import safe_text


def mark_inactive_question(customer_id: str | None, record: dict[str, Value] | None) -> ConfirmDialog:
    """Mark customer `customer_id` (as loaded: `record`) inactive?"""
    name = safe_text(str(record.get("NAME") or "")) if record else ""
    return ConfirmDialog(
        _("Mark inactive?"),
        _("Customer {id} ({name}) will be marked inactive.\nUndo it from the history if needed.").format(
            id=customer_id, name=name
        ),
        confirm_label=_("Mark inactive"),
    )


def discard_question(catalogue: Catalogue, changed: Iterable[str]) -> ConfirmDialog:
    """Close the form without saving the fields `changed` (their IDs)?"""
    labels = ", ".join(catalogue[fid].shown_label for fid in changed)
    return ConfirmDialog(
        _("Discard your changes?"),
        _("Changed: {fields}.\nThey will not be saved.").format(fields=labels),
        confirm_label=_("Discard"),
        danger=True,
        # Not "Cancel": the form's Escape is "Cancel" too, and here it means the opposite (stay in the form).
        cancel_label=_("Keep editing"),
    )
