"""LevelPicker: choose where to work, the top level or one of the company's entities, without restarting.

The list at the top level shows top-level customers; inside an entity, those and the entity's own (it owns the
customers its imports and forms create). The picker lists the entities from a worker thread and dismisses with
the chosen `Level`, or None when the user stays where they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from core.errors import CustbookError
from core.i18n import N_, _
from store.records import Entity
from tui.screens.error_dialog import ErrorDialog
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.grid import safe_text


@dataclass(frozen=True)
class Level:
    """Where to work: `entity` None is the top level."""

    entity: str | None


class LevelPicker(WithHelp, ModalScreen[Level | None]):
    HELP_TITLE = N_("Keys of the levels")
    KEY_HELP = (
        ("↑ ↓  Enter", N_("work at the top level or inside an entity")),
        ("Escape", N_("cancel")),
    )
    CSS_PATH = "level_picker.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Stay where you are")), HELP_BINDING]

    @dataclass
    class Listed(Message):
        entities: list[Entity]

    @dataclass
    class Failed(Message):
        error: CustbookError

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._levels: list[Level] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Work at"), id="title")
            yield OptionList(id="levels", markup=False)
            yield Static(_("Enter work there · Esc stay"), id="hint")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="level-list")
    def _load(self) -> None:
        try:
            entities = self.session.store.entities.list()
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Listed(entities))

    def on_level_picker_listed(self, message: Listed) -> None:
        box = self.query_one(OptionList)
        box.clear_options()
        self._levels = [Level(None), *(Level(e.id) for e in message.entities)]
        box.add_option(Option(Text(_("Top level (customers of no entity)"))))
        for e in message.entities:
            box.add_option(Option(Text(safe_text(_("Entity {id} · {name}").format(id=e.id, name=e.name)))))
        here = Level(self.session.entity)
        box.highlighted = self._levels.index(here) if here in self._levels else 0
        box.focus()
        if not message.entities:
            self.query_one("#hint", Static).update(
                Text(_("This company has no entities (custbook entities add ID --name NAME) · Esc back"))
            )

    def on_level_picker_failed(self, message: Failed) -> None:
        self.app.push_screen(ErrorDialog(message.error), lambda _: self.dismiss(None))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = self._levels[event.option_index]
        self.dismiss(None if chosen.entity == self.session.entity else chosen)

    def action_cancel(self) -> None:
        """Stay where you are."""
        self.dismiss(None)
