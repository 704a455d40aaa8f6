"""The import screen's own words: its keys as F1 shows them, its title line (the level and the user), the notes under
the options (what blank cells do, what a queued file becomes) and what it asks when the Most rows box is not a
number.

Headless (rich `Text`, no widgets), as `tui/preview_words.py` is for the preview; `tui/screens/import_screen.py`
shows it. Said in the language of the moment (core.i18n): the keys are marked with N_ and translated where F1 shows
them, the rest is translated when it is said. The user's name comes from the store: shown through `safe_text`.
"""

from __future__ import annotations

from rich.text import Text

from core.i18n import N_, _, group_digits
from tui.session import Session
from tui.widgets.grid import safe_text

# The import's keys and options, as F1 shows them.
IMPORT_KEYS = (
    ("↑ ↓  Enter", N_("in the files: move, open a folder, choose a file")),
    ("Backspace  ~", N_("in the files: the parent folder, the home folder")),
    ("Tab  Shift+Tab", N_("next / previous option")),
    ("F5  Ctrl+R", N_("preview the import: nothing is written until you commit")),
    ("Escape", N_("back to the list")),
    ("", ""),
    (
        N_("Other products' files"),
        N_("their columns are mapped to fields first, on a screen of their own (F1 there)"),
    ),
    ("", ""),
    (N_("Options"), ""),
    (N_("Date format"), N_("how the file writes its dates (31/12/2026 or 12/31/2026...)")),
    (N_("Encoding"), N_("leave it on automatic unless accents come out wrong")),
    (N_("Rows that fail"), N_("skip them and import the rest, or import nothing while any fails")),
    (N_("Offline"), N_("queue the file as a job; the worker imports it and e-mails the result")),
    (
        N_("Most rows"),
        N_("a larger file is refused whole; raise it for a big CSV for import (CUSTBOOK_MAX_ROWS sets it)"),
    ),
)


def import_title(session: Session) -> Text:
    """The title line: Import customers in bold, then the level and the user."""
    user = _("user {name}").format(name=safe_text(session.user.name))
    return Text.assemble((_("Import customers"), "bold"), f" · {session.level} · {user}")


def blank_cells_note() -> str:
    """Said when the screen opens and when Offline is unticked again, in the language of the moment."""
    return _("Blank cells erase the stored value; the preview shows every change before anything is saved.")


def options_note(offline: bool) -> str:
    """Said when Offline is ticked (what becomes of a queued file) or unticked again (what blank cells do)."""
    return (
        _(
            "The worker (custbook jobs run) imports a queued file later, without a preview; "
            "see it with: custbook jobs list"
        )
        if offline
        else blank_cells_note()
    )


def most_rows_asked() -> str:
    """Said when the Most rows box holds no number of rows (empty, or nothing but zeros)."""
    return _("Most rows: give a number of rows, such as {example}.").format(example=group_digits(50000))
