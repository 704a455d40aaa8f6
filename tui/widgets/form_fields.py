"""The customer form's fields: one row per field, its label (marked * when the field is required) in a column as
wide as the longest label needs, its typed input, and the message shown under the input when the value is wrong;
and showing and clearing those messages.

Used by `tui.screens.customer_form`, whose stylesheet styles the rows; the inputs themselves (what a field holds and
how it is read back) are `tui.widgets.field_inputs`'. Field labels come from the store: shown through `safe_text`.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from core.catalogue import Field
from core.regional import Region
from core.values import DateFormat
from tui.widgets.field_inputs import field_input
from tui.widgets.grid import safe_text

LABEL_WIDTH = 26  # the labels' column, as customer_form.tcss sets it


class FieldRow(Horizontal):
    """A field's row: label, input, and the message under the input when the value is wrong."""

    def on_resize(self) -> None:
        # The message just shown makes the row taller once laid out; the row being worked on (the first wrong field
        # after a save, focused) then scrolls into view whole, so that the message's last lines are not left under
        # the buttons.
        if self.has_class("invalid") and self.has_focus_within:
            self.scroll_visible(animate=False)


def label_width(fields: tuple[Field, ...]) -> int:
    """The labels' column: as it always was for the English labels, wider for longer ones (French)."""
    longest = max((len(f.shown_label) for f in fields), default=0)
    return LABEL_WIDTH if longest <= LABEL_WIDTH - 2 else min(longest + 3, 36)


def field_row(
    field: Field,
    text: str,
    *,
    width: int,
    locked: bool,
    is_new: bool,
    date_format: DateFormat,
    region: Region | None,
) -> FieldRow:
    """The row of `field`, its input holding `text` (disabled when `locked`), its label `width` cells wide."""
    # One rule in both forms: * marks what a customer must have (fields.md's required fields). A field that may
    # not be erased but is never empty (Status: a list without a blank choice, "active" by default) is not one
    # the user has to fill, and is marked in neither.
    mark = " *" if field.required else ""
    label = Label(Text(safe_text(field.shown_label) + mark), classes="label")
    label.styles.width = width
    box = field_input(field, text, locked=locked, is_new=is_new, date_format=date_format, region=region)
    return FieldRow(
        label,
        Vertical(box, Static(id=f"error-{field.id}", classes="error"), classes="cell"),
        classes="row",
        id=f"row-{field.id}",
    )


def show_messages(form: Widget, ids: list[str], by_field: dict[str, list[str]]) -> None:
    """Each field's messages under it, in the error colour (`ids`: the form's fields, in order); a field without any
    loses those of the last save."""
    for fid in ids:
        messages = by_field.get(fid)
        form.query_one(f"#error-{fid}", Static).update(Text(safe_text("\n".join(messages or ()))))
        form.query_one(f"#row-{fid}").set_class(bool(messages), "invalid")


def clear_message(form: Widget, field_id: str) -> None:
    """The field's message gone (the user is changing its value)."""
    form.query_one(f"#row-{field_id}").remove_class("invalid")
    form.query_one(f"#error-{field_id}", Static).update("")
