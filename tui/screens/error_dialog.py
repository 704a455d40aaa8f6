"""ErrorDialog: the one way the interface shows a problem: its title, the sentence and the fix, and OK."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.errors import CustbookError


class ErrorDialog(ModalScreen[None]):
    CSS_PATH = "error_dialog.tcss"
    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, error: CustbookError | Exception) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        title = getattr(self.error, "title", "Something went wrong")
        with Vertical(id="dialog"):
            yield Static(title, id="title", markup=False)
            yield Static(str(self.error), id="message", markup=False)
            yield Button("OK", variant="primary", id="ok")

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the message."""
        self.dismiss(None)
