"""Keys typed while the customer form loads its fields (issue 18: `e`, then at once `123`, on a big store).

Text, Backspace and pastes are kept for the first field and typed into it when it shows, in the order they came;
any other key (Tab, an arrow, Ctrl+S) is refused with a word, never dropped unsaid, and the next save keeps the form
open rather than closing it as unchanged. No widget of its own: `tui.screens.customer_form` holds one `EarlyTyping`,
gives it the keys that came too early, and shows what it says.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from core.i18n import _


class EarlyTyping:
    """What was typed before the form's fields showed, and whether a key had to be refused."""

    def __init__(self) -> None:
        self.ready_at = 0.0  # when the fields showed (a key event older than that was typed while they loaded)
        self.pending: list[str] = []  # text typed before the first field showed, for it ("\b": a Backspace)
        self.lost = False  # keys typed before the fields showed were refused (they had nowhere to go)

    def key(self, event: events.Key, first: Input | None) -> str:
        """Keep a key typed too early: text and Backspace go to the first field (`first`, None while it is not
        shown: then when it shows). Any other key is refused: returns the words that say so ("" for a key kept)."""
        if event.is_printable or event.key == "backspace":
            text = event.character if event.is_printable and event.character else "\b"
            if first is None:
                self.pending.append(text)
            else:
                type_into(first, text)
            return ""
        self.lost = True
        said = _("Still loading the customer: press {key} again once its fields show.")
        return said.format(key=key_name(event.key))

    def paste(self, text: str) -> None:
        """Pasted while the fields load: into the first field with the keys typed around it."""
        self.pending.append(text.splitlines()[0])

    def replay(self, first: Input) -> None:
        """Type what was kept into the first field, now shown, as it was typed."""
        for text in self.pending:
            type_into(first, text)
        self.pending.clear()

    def drop(self) -> bool:
        """Forget what was kept (it has no field to go to); whether there was anything."""
        kept = bool(self.pending)
        self.pending.clear()
        return kept


def type_into(box: Input, text: str) -> None:
    """Text typed before the box showed, as if typed in it now ("\b": a Backspace)."""
    if text == "\b":
        box.action_delete_left()
    else:
        box.insert_text_at_cursor(text)


_KEY_WORDS = {"up": "↑", "down": "↓", "left": "←", "right": "→", "pageup": "PgUp", "pagedown": "PgDn"}


def key_name(key: str) -> str:
    """A key as the help writes it: Ctrl+S, Shift+Tab, ↓."""
    return "+".join(_KEY_WORDS.get(part, part[:1].upper() + part[1:]) for part in key.split("+"))
