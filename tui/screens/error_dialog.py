"""ErrorDialog: the one way the interface shows a problem: its title, the sentence and the fix, and OK.

An error's `title` is a class attribute marked with `N_()` (core.errors), translated here; its sentence and fix
were written in the user's language when it was raised."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.errors import CustbookError
from core.i18n import N_, _

UNKNOWN_TITLE = N_("Something went wrong")


class ErrorDialog(ModalScreen[None]):
    CSS_PATH = "error_dialog.tcss"
    BINDINGS = [Binding("escape,enter", "close", N_("Close"), tooltip=N_("Close the message"))]

    def __init__(self, error: CustbookError | Exception) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        title = getattr(self.error, "title", UNKNOWN_TITLE)
        with Vertical(id="dialog"):
            yield Static(_(title), id="title", markup=False)
            yield Static(str(self.error), id="message", markup=False)
            yield Button(_("OK"), variant="primary", id="ok")

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        """Close the message."""
        self.dismiss(None)
