"""The customer form's typed inputs: one widget per field, the text it starts with, and the text read back from it.

Owns how a field is edited: a list for enums, a checkbox for booleans, a text area for the fields that may hold line
breaks, a one-line box for the rest. Amounts and dates are shown as the user's region writes them (`1 234,50` and
31/12/2026 in France) and accepted as shown, as YYYY-MM-DD and as a plain 1234.50: `stored_text` turns what was typed
into the text the CSV for import would hold, so that saving goes through the import's own parsing (and its messages
when a value is wrong). Also the read-only fields shown under the inputs. Field labels and values come from the
store: they are shown as text through `safe_text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, TextArea

from core.catalogue import Catalogue, Field, FieldType
from core.i18n import N_, _
from core.regional import Region
from core.values import DateFormat, Value
from formats.csv.for_import import display_formatter, formatter, shown_choice
from tui.widgets.grid import safe_text
from tui.widgets.ticks import TickBox

MULTILINE = frozenset({"COMMENTS"})  # fields.md: "may hold line breaks"
# Examples, not values: "e.g." keeps a grey 1234.50 from passing for a stored amount on terminals that show little grey.
PLACEHOLDERS = {
    FieldType.EMAIL: N_("e.g. name@example.com"),
    FieldType.REF: N_("e.g. C0000123 (a customer ID)"),
}
EXAMPLE_AMOUNT = Decimal("1234.50")
# The date formats as people read them: JJ/MM/AAAA in French (the glossary), for placeholders and choices.
DATE_PATTERNS = {
    DateFormat.DMY_SLASH: N_("DD/MM/YYYY"),
    DateFormat.MDY_SLASH: N_("MM/DD/YYYY"),
    DateFormat.ISO: N_("YYYY-MM-DD"),
    DateFormat.DMY_DOT: N_("DD.MM.YYYY"),
    DateFormat.DMY_DASH: N_("DD-MM-YYYY"),
    DateFormat.YMD_SLASH: N_("YYYY/MM/DD"),
}


def shown_pattern(date_format: DateFormat) -> str:
    """A date format as the user reads it ("DD/MM/YYYY", "JJ/MM/AAAA" in French)."""
    return _(DATE_PATTERNS[date_format])  # every DateFormat has its pattern


def amount_example(region: Region) -> str:
    """An amount to show as an example: the plain 1234.50 where the region writes a decimal point (it is accepted
    everywhere), else the region's own writing (1 234,50)."""
    return "1234.50" if region.decimal == "." else region.amount(EXAMPLE_AMOUNT)


def regional_example(field: Field, message: str, sent: str, region: Region | None) -> str:
    """An import's message about an amount, with its example written as the form's placeholder writes it: the
    import reads a file, and says "write it like 1234.50"; a French user typing in the form is shown 1 234,50 (both
    are accepted). Only the example is changed (the last 1234.50 that is not part of what was typed)."""
    if region is None or field.type is not FieldType.DECIMAL:
        return message
    plain, shown = "1234.50", amount_example(region)
    if shown == plain or message.count(plain) <= sent.count(plain):
        return message
    head, _found, tail = message.rpartition(plain)
    return head + shown + tail


def yes_no(ticked: bool) -> str:
    """The words beside a checkbox."""
    return _("Yes") if ticked else _("No")


def initial_text(
    field: Field, record: Mapping[str, Value] | None, date_format: DateFormat, region: Region | None = None
) -> str:
    """The text a field's input starts with: the stored value, or for a new customer (`record` None) the default
    an import would give it. With a `region`, amounts and dates as it writes them."""
    if record is None:
        default = field.default
        if field.type is FieldType.BOOL:
            return "TRUE" if default else "FALSE"
        return "" if default is None else str(default)
    value = record.get(field.id)
    if field.type is FieldType.BOOL:
        return "TRUE" if value else "FALSE"
    if region is not None and field.type is FieldType.DECIMAL and isinstance(value, Decimal):
        return region.amount(value)
    if region is not None and field.type is FieldType.DATE and value is not None:
        return region.date(value)  # type: ignore[arg-type]
    text = formatter(field.type, date_format)(value)
    # Control characters must not reach the terminal: shown harmless (only a field the user retypes is saved).
    return "\n".join(safe_text(line) for line in text.split("\n"))


def stored_text(field: Field, text: str, date_format: DateFormat, region: Region | None) -> str:
    """What a person typed, as the CSV for import would hold it: an amount in the region's writing (`1 234,50`) as
    1234.50, a date in the shown format or YYYY-MM-DD in `date_format`. Anything else is left as typed, so that the
    import's checks say what is wrong with it, in their own words."""
    if region is None or not text.strip():
        return text
    try:
        if field.type is FieldType.DECIMAL:
            if (region.decimal, region.group) == (".", ","):
                # The import's reading of a typed amount already takes 1,234.50 and 1234.50, and a European
                # 1.234,50 too, which the region's own reading would take for 1.2345.
                return text
            return str(region.parse_amount(text))
        if field.type is FieldType.DATE:
            return date_format.format(region.parse_date(text))
    except ValueError:
        return text
    return text


async def own_keys_in_order(box: Widget, event: events.Key) -> None:
    """Run a box's own key (Home, End, an arrow, Backspace) at once, where it comes among the keys typed.

    Textual's boxes insert a typed character at once, in their key handler, but run their own keys as bindings, once
    the key has gone up to the app and back: keys that arrive in one read of the terminal (tmux, or SSH sending End
    and "Z" in one packet) were applied out of order, End after the " Z" typed after it (issue 18; Textual 8.2.8).
    Priority bindings (the form's Ctrl+S) are still the app's, first."""
    for binding in box._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority:
            event.stop()
            event.prevent_default()
            await box.run_action(binding.action)
            return


class FieldInput(Input):
    """A field's one-line box. Reached with Tab (or first shown), it puts the cursor after what it holds rather than
    select it all as Textual's box does: a key typed at once would replace a customer's name (issue 18). Its own keys
    are run in the order they come (`own_keys_in_order`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, select_on_focus=False, **kwargs)

    def _on_focus(self, event: events.Focus) -> None:
        # Not when the terminal itself regains focus: the cursor stays where the user left it.
        if not event.from_app_focus:
            self.cursor_position = len(self.value)

    async def _on_key(self, event: events.Key) -> None:
        await own_keys_in_order(self, event)


class FieldTextArea(TextArea):
    """A field's box of several lines (Comments); its own keys run in the order they come (`own_keys_in_order`)."""

    async def _on_key(self, event: events.Key) -> None:
        await own_keys_in_order(self, event)


def field_input(
    field: Field, text: str, *, locked: bool, is_new: bool, date_format: DateFormat, region: Region | None = None
) -> Widget:
    """The input of one field (id `input-FIELD`), holding `text`; `locked` shows it disabled."""
    wid = f"input-{field.id}"
    if field.type is FieldType.BOOL:
        # "Yes"/"No" beside the box: its tick is told apart only by colour, which not every terminal shows.
        ticked = text == "TRUE"
        return TickBox(yes_no(ticked), ticked, id=wid, compact=True, disabled=locked)
    if field.type is FieldType.ENUM:
        choices = list(field.values) + ([text] if text and text not in field.values else [])
        # A blank choice where the field may be blank; a new customer's required list starts blank (no value is
        # chosen for the user), and saving tells them to choose one.
        blank = (field.default is None) if is_new else (field.can_blank or not text)
        return Select(
            [(shown_choice(c), c) for c in choices],
            prompt=_("(none)"),
            allow_blank=blank,
            value=text or Select.NULL,
            id=wid,
            compact=True,
            disabled=locked,
        )
    if field.id in MULTILINE:
        return FieldTextArea(text, id=wid, compact=True, soft_wrap=True, tab_behavior="focus", disabled=locked)
    if field.type is FieldType.DATE:
        placeholder = shown_pattern(region.date_format if region else date_format)
    elif field.type is FieldType.DECIMAL:
        example = amount_example(region) if region else "1234.50"
        placeholder = _("e.g. {amount}").format(amount=example)
    else:
        placeholder = _(PLACEHOLDERS[field.type]) if field.type in PLACEHOLDERS else ""
    return FieldInput(text, placeholder=placeholder, id=wid, compact=True, disabled=locked)


def input_text(widget: Widget) -> str:
    """The text of a field's input, as typed (`stored_text` reads amounts and dates the way the region writes them)."""
    if isinstance(widget, Checkbox):
        return "TRUE" if widget.value else "FALSE"
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    if isinstance(widget, TextArea):
        return widget.text
    assert isinstance(widget, Input)
    return widget.value


def read_only_fields(
    catalogue: Catalogue,
    record: Mapping[str, Value],
    date_format: DateFormat,
    region: Region | None = None,
    *,
    label_width: int = 25,
) -> Table:
    """The fields the store maintains (created, modified, ...), aligned with the inputs above them (`label_width`:
    the form's label column less its padding)."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, min_width=label_width)  # values line up with the inputs above
    table.add_column()
    for field in catalogue.fields:
        if not field.importable:
            shown = display_formatter(field.type, date_format, region=region)(record.get(field.id))
            table.add_row(Text(safe_text(field.shown_label)), Text(safe_text(shown)))
    return table
