"""The customer form's typed inputs: one widget per field, the text it starts with, and the text read back from it.

Owns how a field is edited: a list for enums, a checkbox for booleans, a text area for the fields that may hold line
breaks, a one-line box for the rest, each holding the value as the CSV for import writes it (dates in the session's
date format), so that saving can go through the import's own parsing. Also the read-only fields shown under the
inputs. Field labels and values come from the store: they are shown as text through `safe_text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea

from core.catalogue import Catalogue, Field, FieldType
from core.values import DateFormat, Value
from formats.csv.for_import import display_formatter, formatter, shown_choice
from tui.widgets.grid import safe_text
from tui.widgets.ticks import TickBox

MULTILINE = frozenset({"COMMENTS"})  # fields.md: "may hold line breaks"
# Examples, not values: "e.g." keeps a grey 1234.50 from passing for a stored amount on terminals that show little grey.
PLACEHOLDERS = {
    FieldType.DECIMAL: "e.g. 1234.50",
    FieldType.EMAIL: "e.g. name@example.com",
    FieldType.REF: "e.g. C0000123 (a customer ID)",
}


def initial_text(field: Field, record: Mapping[str, Value] | None, date_format: DateFormat) -> str:
    """The text a field's input starts with: the stored value, or for a new customer (`record` None) the default
    an import would give it."""
    if record is None:
        default = field.default
        if field.type is FieldType.BOOL:
            return "TRUE" if default else "FALSE"
        return "" if default is None else str(default)
    value = record.get(field.id)
    if field.type is FieldType.BOOL:
        return "TRUE" if value else "FALSE"
    text = formatter(field.type, date_format)(value)
    # Control characters must not reach the terminal: shown harmless (only a field the user retypes is saved).
    return "\n".join(safe_text(line) for line in text.split("\n"))


def field_input(field: Field, text: str, *, locked: bool, is_new: bool, date_format: DateFormat) -> Widget:
    """The input of one field (id `input-FIELD`), holding `text`; `locked` shows it disabled."""
    wid = f"input-{field.id}"
    if field.type is FieldType.BOOL:
        # "Yes"/"No" beside the box: its tick is told apart only by colour, which not every terminal shows.
        ticked = text == "TRUE"
        return TickBox("Yes" if ticked else "No", ticked, id=wid, compact=True, disabled=locked)
    if field.type is FieldType.ENUM:
        choices = list(field.values) + ([text] if text and text not in field.values else [])
        # A blank choice where the field may be blank; a new customer's required list starts blank (no value is
        # chosen for the user), and saving tells them to choose one.
        blank = (field.default is None) if is_new else (field.can_blank or not text)
        return Select(
            [(shown_choice(c), c) for c in choices],
            prompt="(none)",
            allow_blank=blank,
            value=text or Select.NULL,
            id=wid,
            compact=True,
            disabled=locked,
        )
    if field.id in MULTILINE:
        return TextArea(text, id=wid, compact=True, soft_wrap=True, tab_behavior="focus", disabled=locked)
    placeholder = date_format.value if field.type is FieldType.DATE else PLACEHOLDERS.get(field.type)
    return Input(text, placeholder=placeholder or "", id=wid, compact=True, disabled=locked)


def input_text(widget: Widget) -> str:
    """The text of a field's input, as the CSV for import would hold it."""
    if isinstance(widget, Checkbox):
        return "TRUE" if widget.value else "FALSE"
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    if isinstance(widget, TextArea):
        return widget.text
    assert isinstance(widget, Input)
    return widget.value


def read_only_fields(catalogue: Catalogue, record: Mapping[str, Value], date_format: DateFormat) -> Table:
    """The fields the store maintains (created, modified, ...), aligned with the inputs above them."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, min_width=25)  # values line up with the inputs above
    table.add_column()
    for field in catalogue.fields:
        if not field.importable:
            shown = display_formatter(field.type, date_format)(record.get(field.id))
            table.add_row(Text(safe_text(field.label)), Text(safe_text(shown)))
    return table
