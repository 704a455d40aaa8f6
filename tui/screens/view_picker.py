"""ViewPicker: choose one of the views the user may see (built in, their own, others' public ones)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from formats.errors import CustbookError
from store.viewdef import View
from store.views import list_views
from tui.session import Session


class ViewPicker(ModalScreen[View | None]):
    CSS_PATH = "view_picker.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, session: Session, current: View) -> None:
        super().__init__()
        self.session = session
        self.current = current
        self._views: list[View] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Views", id="title")
            yield OptionList(id="views")
            yield Static("Enter: show the view · Escape: cancel", id="hint")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        try:
            views = list_views(self.session.store, self.session.user)
        except CustbookError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._fill, views)

    def _fill(self, views: list[View]) -> None:
        self._views = views
        box = self.query_one(OptionList)
        for view in views:
            kind = "built in" if view.builtin else ("public" if view.public else "private")
            owner = "" if view.builtin or view.owner == self.session.user.name else f", {view.owner}"
            box.add_option(Option(f"{view.name}  ({kind}{owner})"))
        box.highlighted = next((i for i, v in enumerate(views) if v == self.current), 0)
        box.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._views[event.option_index])

    def action_cancel(self) -> None:
        """Keep the current view."""
        self.dismiss(None)
