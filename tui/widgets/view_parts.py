"""The parts of the view builder: columns to show in order, filters, and sort keys, each edited with the keyboard.

Each part holds its own list (field IDs, `Filter`s, `SortKey`s), shows it, and posts `Changed` when the user
changes it; the screen reads `.value`. The parts never touch the store: they only know the field catalogue.
Field labels come from the store (custom fields), so they are shown as text through `safe_text`, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Button, Input, OptionList, Select, SelectionList, Static
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import Option, OptionDoesNotExist

from core.catalogue import Catalogue, Field, FieldType
from core.i18n import N_, _
from core.values import DateFormat
from core.viewdef import Filter, Op, SortKey
from tui.widgets.field_inputs import shown_pattern
from tui.widgets.grid import safe_text
from tui.widgets.ticks import NO_TICK, TICK


def field_text(field: Field) -> Text:
    """A field as the user knows it: its label, then its ID (and whether it is custom or read-only)."""
    kind = (" " + _("custom")) if field.custom else ("" if field.importable else " " + _("read-only"))
    return Text.assemble(safe_text(field.shown_label), " ", (field.id, "dim"), (kind, "dim italic"))


def value_hint(field: Field, date_format: DateFormat) -> str:
    """What a filter value on this field looks like (the value box's placeholder)."""
    if field.type in (FieldType.DECIMAL, FieldType.INTEGER):
        return _("a number: 10000")
    if field.type in (FieldType.DATE, FieldType.TIMESTAMP):
        return _("a date: {pattern}").format(pattern=shown_pattern(date_format))
    if field.type is FieldType.BOOL:
        return _("TRUE or FALSE")
    if field.type is FieldType.ENUM:
        return safe_text(", ".join(field.values))
    return _("text, any case")


def moved(items: list[Any], index: int, delta: int) -> tuple[list[Any], int]:
    """The list with one item moved up or down by one (staying put at either end), and where it now is."""
    target = min(max(index + delta, 0), len(items) - 1)
    items = list(items)
    items.insert(target, items.pop(index))
    return items, target


class OrderedList(OptionList):
    """A list its owner fills; its keys ask to move or remove the highlighted line (the owner decides)."""

    BINDINGS = [
        Binding("left_square_bracket,alt+up", "move(-1)", N_("Move up"), key_display="["),
        Binding("right_square_bracket,alt+down", "move(1)", N_("Move down"), key_display="]"),
        Binding("delete,backspace", "remove", N_("Remove"), key_display="del"),
    ]

    @dataclass
    class Move(Message):
        index: int
        delta: int

    @dataclass
    class Remove(Message):
        index: int

    def __init__(self, empty: str, *, movable: bool = True, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.empty, self.movable, self.count = empty, movable, 0

    def show(self, lines: list[Text], highlight: int | None = None) -> None:
        self.clear_options()
        self.count = len(lines)
        self.add_options(lines or [Option(Text(_(self.empty), style="italic"), disabled=True)])
        if lines:
            self.highlighted = min(max(highlight or 0, 0), len(lines) - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.movable or action != "move"

    def action_move(self, delta: int) -> None:
        """Move the highlighted line up or down."""
        if self.highlighted is not None and self.highlighted < self.count:
            self.post_message(self.Move(self.highlighted, delta))
            # Follow the line at once: a second key pressed before the owner redraws moves the same line again.
            self.highlighted = min(max(self.highlighted + delta, 0), self.count - 1)

    def action_remove(self) -> None:
        """Remove the highlighted line."""
        if self.highlighted is not None and self.highlighted < self.count:
            self.post_message(self.Remove(self.highlighted))


class FieldChecklist(SelectionList[str]):
    """Every field with a tick box. Space and Enter toggle the highlighted field at once: Textual's own list
    toggles whatever is highlighted when its message is handled, so Space, Down, Space arriving together (a quick
    typist, or keys batched over SSH) ticked the wrong fields.

    A field's line wraps where the list is too narrow for it (a French label, its ID and "lecture seule" run past
    half of an 80-column screen) rather than end in "…": the box is drawn on its first line only (Textual's own list
    takes every line for an option of its own)."""

    DEFAULT_CSS = """
    FieldChecklist {
        text-wrap: wrap;
    }
    """

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # the prompt's line, without the box
        try:
            index, offset = self._lines[int(self.scroll_offset.y) + y]
            option = self.get_option_at_index(index)
        except (IndexError, OptionDoesNotExist):
            return line
        under = next(iter(line)).style or self.rich_style
        if offset:  # a wrapped line of the prompt: under the prompt, not under the box
            return Strip([Segment(" " * self._get_left_gutter_width(), under), *line])
        chosen = option.value in self._selected
        part = "selection-list--button" + ("-selected" if chosen else "")
        part += "-highlighted" if self.highlighted == index else ""
        button = self.get_component_rich_style(part) + Style(meta={"option": index})
        side = Style.from_color(button.bgcolor, under.bgcolor) + Style(meta={"option": index})
        return Strip(
            [
                Segment(ToggleButton.BUTTON_LEFT, side),
                Segment(TICK if chosen else NO_TICK, button),  # the state in text, not by colour alone
                Segment(ToggleButton.BUTTON_RIGHT, side),
                Segment(" ", under),
                *line,
            ]
        )

    def action_select(self) -> None:
        """Show or hide the highlighted field."""
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))


class ViewPart(Vertical):
    """A part of the view being built. Posts `Changed` whenever the user changes its value."""

    class Changed(Message):
        pass

    def __init__(self, catalogue: Catalogue, value: tuple[Any, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalogue = catalogue
        self.items: list[Any] = list(value)

    @property
    def value(self) -> tuple[Any, ...]:
        return tuple(self.items)

    def lines(self) -> list[Text]:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.query_one(OrderedList).show(self.lines())

    def _update(self, items: list[Any], highlight: int | None) -> None:
        self.items = items
        self.query_one(OrderedList).show(self.lines(), highlight)
        self.post_message(self.Changed())

    @on(OrderedList.Move)
    def _move(self, message: OrderedList.Move) -> None:
        message.stop()
        if message.index < len(self.items):
            self._update(*moved(self.items, message.index, message.delta))

    @on(OrderedList.Remove)
    def _remove(self, message: OrderedList.Remove) -> None:
        message.stop()
        if message.index < len(self.items):  # keys pressed quickly may name a line already removed
            self.remove_at(message.index)

    def remove_at(self, index: int) -> None:
        self._update([x for i, x in enumerate(self.items) if i != index], index)


class ColumnsPart(ViewPart):
    """Columns to show: every field in a checklist, and the chosen ones in their order."""

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="all-fields"):
                yield Static(_("Every field (Space: show or hide)"), classes="caption")
                yield FieldChecklist(
                    *((field_text(f), f.id, f.id in self.items) for f in self.catalogue.fields), id="fields"
                )
            with Vertical(id="shown"):
                yield Static(_("Shown, in this order"), classes="caption")
                yield OrderedList(N_("None chosen: the usual columns on screen, every field in exports"), id="chosen")

    def lines(self) -> list[Text]:
        return [Text(f"{i}. ").append_text(field_text(self.catalogue[c])) for i, c in enumerate(self.items, 1)]

    @on(SelectionList.SelectedChanged)
    def _toggled(self, event: SelectionList.SelectedChanged) -> None:
        picked = event.selection_list.selected
        kept = [c for c in self.items if c in picked]
        added = [c for c in picked if c not in kept]
        if kept + added != self.items:
            self._update(kept + added, len(kept) if added else None)

    def remove_at(self, index: int) -> None:
        # Unticking it in the checklist removes it, and keeps both lists in step.
        self.query_one(SelectionList).deselect(self.items[index])


class FiltersPart(ViewPart):
    """Filters: field, operator (in words), value, Add; the list of filters, Enter takes one back to edit it."""

    def __init__(self, catalogue: Catalogue, value: tuple[Filter, ...], date_format: DateFormat, **kw: Any) -> None:
        super().__init__(catalogue, value, **kw)
        self.date_format = date_format

    def compose(self) -> ComposeResult:
        first = self.catalogue.fields[0]
        yield Static(_("New filter: field, comparison, value, then Enter or Add"), classes="caption")
        with Horizontal(classes="editor"):
            yield _field_select(self.catalogue, "filter-field")
            yield Select([(o.words, o) for o in Op], value=Op.EQ, allow_blank=False, id="filter-op", compact=True)
            yield Input(placeholder=value_hint(first, self.date_format), id="filter-value", compact=True)
            yield Button(_("Add"), id="filter-add", compact=True)
        yield OrderedList(N_("No filters: every customer"), movable=False, id="filter-list")
        yield Static(_("Every filter must match · Enter: edit a filter · Del: remove it"), classes="caption hint")

    def lines(self) -> list[Text]:
        return [Text(safe_text(f.describe(self.catalogue))) for f in self.items]

    @on(Select.Changed)
    def _editor_changed(self) -> None:
        field = self.catalogue[str(self.query_one("#filter-field", Select).value)]
        op: Op = self.query_one("#filter-op", Select).value  # type: ignore[assignment]
        box = self.query_one("#filter-value", Input)
        box.placeholder = value_hint(field, self.date_format) if op.needs_value else ""
        box.disabled = not op.needs_value

    @on(Button.Pressed, "#filter-add")
    @on(Input.Submitted, "#filter-value")
    def _add(self, event: Message) -> None:
        event.stop()
        op: Op = self.query_one("#filter-op", Select).value  # type: ignore[assignment]
        box = self.query_one("#filter-value", Input)
        if op.needs_value and not box.value.strip():
            self.notify(_("Type a value to compare with, or choose “is empty”"), severity="warning")
            box.focus()
            return
        added = Filter(str(self.query_one("#filter-field", Select).value), op, box.value if op.needs_value else "")
        box.value = ""
        self._update([*self.items, added], len(self.items))

    @on(OptionList.OptionSelected, "#filter-list")
    def _edit(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.items):
            taken = self.items[event.option_index]
            self.query_one("#filter-field", Select).value = taken.field
            self.query_one("#filter-op", Select).value = taken.op
            self.query_one("#filter-value", Input).value = taken.value
            self._update([f for f in self.items if f is not taken], event.option_index)
            self.query_one("#filter-value", Input).focus()


class SortPart(ViewPart):
    """Sort keys: field and direction, Add; the keys in order, Enter flips a key's direction."""

    def compose(self) -> ComposeResult:
        yield Static(_("New sort key: field and direction, then Add"), classes="caption")
        with Horizontal(classes="editor"):
            yield _field_select(self.catalogue, "sort-field")
            directions = [(_("ascending"), "asc"), (_("descending"), "desc")]
            yield Select(directions, value="asc", allow_blank=False, id="sort-dir", compact=True)
            yield Button(_("Add"), id="sort-add", compact=True)
        yield OrderedList(N_("No sort: by customer ID"), id="sort-list")
        yield Static(_("First key first · Enter: flip its direction · [ ] move · Del: remove"), classes="caption hint")

    def lines(self) -> list[Text]:
        arrows = {False: "▲ " + _("ascending"), True: "▼ " + _("descending")}
        return [
            Text(f"{i}. {safe_text(self.catalogue[s.field].shown_label)}  {arrows[s.descending]}")
            for i, s in enumerate(self.items, 1)
        ]

    @on(Button.Pressed, "#sort-add")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        field = str(self.query_one("#sort-field", Select).value)
        key = SortKey(field, self.query_one("#sort-dir", Select).value == "desc")
        at = next((i for i, s in enumerate(self.items) if s.field == field), None)
        if at is None:
            self._update([*self.items, key], len(self.items))
        else:  # a field sorts once: adding it again changes its direction
            self._update([key if i == at else s for i, s in enumerate(self.items)], at)

    @on(OptionList.OptionSelected, "#sort-list")
    def _flip(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        at = event.option_index
        if at < len(self.items):
            flipped = SortKey(self.items[at].field, not self.items[at].descending)
            self._update([flipped if i == at else s for i, s in enumerate(self.items)], at)


def _field_select(catalogue: Catalogue, id: str) -> Select[str]:
    """Every field by its label; typing its first letters jumps to it."""
    options = [(Text(safe_text(f.shown_label)), f.id) for f in catalogue.fields]
    return Select(options, value=catalogue.fields[0].id, allow_blank=False, id=id, compact=True)
