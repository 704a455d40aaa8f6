"""PickerDialog: choose one item of a long list by typing part of its name, as a command palette does: the field a
column of an import file feeds (forty-odd fields and the company's custom ones), or the mapping to use.

Owns the search (every word typed must be in the item's words: its label, its ID, its French label... compared as
headers are, without case, accents or punctuation), the list it narrows, and the keys: typing searches, ↑ ↓ and
PageUp/PageDown move, Enter chooses, Escape cancels. It dismisses with the chosen item's value, or None. It knows
nothing of fields or mappings: the screen that opens it gives the items (in the user's language, as its own words
are: core.i18n).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from core.catalogue import normalise_name
from core.i18n import N_, _
from tui.screens.help import HELP_BINDING, WithHelp
from tui.widgets.grid import safe_text


@dataclass(frozen=True)
class PickItem:
    """One line of the list: what choosing it returns, how it is shown, and the words it is found by."""

    value: str
    line: Text
    words: str = ""


class PickerDialog(WithHelp, ModalScreen[str | None]):
    HELP_TITLE = N_("Keys of the list")
    KEY_HELP = (
        (N_("Type"), N_("narrow the list: every word typed must be in the line (Email, EMAIL1, e-mail...)")),
        ("↑ ↓  PageUp PageDown", N_("move in the list")),
        ("Enter", N_("choose the highlighted line")),
        ("Escape", N_("cancel: nothing changes")),
    )
    CSS_PATH = "picker_dialog.tcss"
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("down", "move(1)", N_("Down"), show=False),
        Binding("up", "move(-1)", N_("Up"), show=False),
        Binding("pagedown", "move(10)", N_("Page down"), show=False),
        Binding("pageup", "move(-10)", N_("Page up"), show=False),
        HELP_BINDING,
    ]

    def __init__(self, title: str, items: list[PickItem], *, current: str | None = None, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.items = items
        self.current = current  # highlighted when the list opens
        self.hint = hint
        self.shown: list[PickItem] = list(items)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(safe_text(self.title_text), style="bold"), id="title")
            yield Input(placeholder=_("type to search"), id="search", compact=True)
            yield OptionList(id="items", markup=False)
            yield Static(Text(self.hint or _("Enter choose · Esc cancel")), id="hint")

    def on_mount(self) -> None:
        self._fill("")
        values = [i.value for i in self.shown]
        if self.current in values:
            self.query_one(OptionList).highlighted = values.index(self.current)
        self.query_one("#search", Input).focus()

    def _fill(self, query: str) -> None:
        # Words are matched one by one ("sec mail" finds Secondary email): normalise_name drops spaces, so each
        # word typed is folded on its own.
        wanted = [w for w in (normalise_name(part) for part in query.split()) if w]
        found = [i for i in self.items if all(w in normalise_name(i.words or i.line.plain) for w in wanted)]
        self.shown = found
        box = self.query_one(OptionList)
        box.clear_options()
        box.add_options([Option(i.line) for i in found])
        if found:
            box.highlighted = 0
        else:
            nothing = Text(_("Nothing matches: Backspace to search again"), style="dim")
            box.add_option(Option(nothing, disabled=True))

    @on(Input.Changed, "#search")
    def _searched(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        box = self.query_one(OptionList)
        if self.shown and box.highlighted is not None:
            self.dismiss(self.shown[box.highlighted].value)

    @on(OptionList.OptionSelected, "#items")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.shown):
            self.dismiss(self.shown[event.option_index].value)

    def action_move(self, lines: int) -> None:
        """Move the highlight in the list, from the search box."""
        box = self.query_one(OptionList)
        if not self.shown:
            return
        at = box.highlighted or 0
        box.highlighted = min(max(at + lines, 0), len(self.shown) - 1)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
