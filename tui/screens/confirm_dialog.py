"""ConfirmDialog: a yes-or-no question before an action that is hard to take back (replace a file, undo a batch).

Generic on purpose: the caller names the title, the message and the confirming button, and gets True or False.
It never performs the action itself. Every confirmation behaves the same: the focus starts on Cancel, so an Enter
pressed out of habit does nothing; ← and → move to the button on that side (the confirming one is on the left, as
it reads), Tab too; `danger=True` makes the confirming button red.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from core.i18n import N_, _
from tui.widgets.grid import safe_text


class ConfirmDialog(ModalScreen[bool]):
    CSS_PATH = "confirm_dialog.tcss"
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Answer no")),
        Binding("left", "go('confirm')", N_("Left button"), show=False),
        Binding("right", "go('cancel')", N_("Right button"), show=False),
    ]

    def __init__(
        self, title: str, message: str, confirm_label: str = "", danger: bool = False, cancel_label: str = ""
    ) -> None:
        """`title`, `message` and the labels come translated from the caller (OK and Cancel by default; the undo
        names its Cancel otherwise, since French says "annuler" for both "undo" and "cancel")."""
        super().__init__()
        self.cancel_label = cancel_label or _("Cancel")
        self.title_text = title
        self.message = message
        self.confirm_label = confirm_label or _("OK")
        self.danger = danger

    def compose(self) -> ComposeResult:
        # Messages often quote file names or customer data: shown as text, control characters made harmless.
        lines = "\n".join(safe_text(line) for line in self.message.split("\n"))
        with Vertical(id="dialog", classes="danger" if self.danger else ""):
            yield Static(Text(safe_text(self.title_text)), id="title")
            yield Static(Text(lines), id="message")
            with Horizontal(id="buttons"):
                yield Button(self.confirm_label, variant="error" if self.danger else "primary", id="confirm")
                yield Button(self.cancel_label, id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()  # the safe answer, whatever the question

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        """Answer no."""
        self.dismiss(False)

    def action_go(self, button: str) -> None:
        """Move to the button on that side."""
        # At once, not via focus() (which waits a turn): an Enter typed right behind the arrow must press this one.
        self.set_focus(self.query_one(f"#{button}", Button))
