"""The import screen's form, beside its file browser: the File box with the line under it that shows the file's
name whole when the box cannot, and the options' rows (date format, encoding, what to do with failed rows, most
rows, process offline, e-mail addresses), each a label and its box.

Used by `tui.screens.import_screen`, whose compose yields these rows in its form (the same widgets, IDs and classes
its stylesheet styles) and which reads them back into a request (`tui.import_request`). The labels and choices are
translated when the form is built; the file's name comes from outside: shown through `safe_text`.
"""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from core.i18n import _, group_digits
from core.plan import Policy
from core.table import configured_max_rows
from core.values import DateFormat
from services.imports import ENCODINGS
from tui.widgets.grid import safe_text
from tui.widgets.ticks import TickBox


def file_rows() -> ComposeResult:
    """The File box, and under it the line for the file's name whole."""
    with Horizontal(classes="row", id="file-row"):
        yield Label(_("File"), classes="label")
        yield Input(placeholder=_("choose on the left, or type a path"), id="path", compact=True)
    yield Static(id="whole-name")  # the file's name whole, when the box is too narrow for it


def option_rows(date_format: DateFormat) -> ComposeResult:
    """The options' rows, the date format first (`date_format`, the session's, chosen to begin with)."""
    with Horizontal(classes="row"):
        yield Label(_("Date format"), classes="label")
        # How each date format is named on screen: French writes the letters of jour, mois, année (JJ/MM/AAAA).
        yield Select(
            [(f.shown, f) for f in DateFormat],
            value=date_format,
            allow_blank=False,
            id="date_format",
            compact=True,
        )
    with Horizontal(classes="row"):
        yield Label(_("Encoding"), classes="label")
        yield Select(
            [(_(label), value) for value, label in ENCODINGS],
            value="auto",
            allow_blank=False,
            id="encoding",
            compact=True,
        )
    with Horizontal(classes="row"):
        yield Label(_("Failed rows"), classes="label")
        yield Select(
            [
                (_("Skip them, import the rest"), Policy.SKIP_FAILED),
                (_("Strict: all rows or nothing"), Policy.STRICT),
            ],
            value=Policy.SKIP_FAILED,
            allow_blank=False,
            id="policy",
            compact=True,
        )
    with Horizontal(classes="row"):
        yield Label(_("Most rows"), classes="label")
        # An exported "CSV for import" of a large store has more rows than the usual limit: say it here.
        most = group_digits(configured_max_rows())
        yield Input(most, id="max_rows", compact=True, restrict="[0-9, \u00a0\u202f]*")
    with Horizontal(classes="row"):
        yield Label("", classes="label")
        yield TickBox(_("Process offline (queue a job)"), id="offline", compact=True)
    with Horizontal(classes="row"):
        yield Label(_("E-mail to"), classes="label")
        yield Input(placeholder=_("optional: ana@example.com; bob@…"), id="emails", compact=True)


def show_whole_name(form: Widget) -> None:
    """The file's name whole on the line under the File box, when the box cannot show it (at 80 columns it shows
    the name's end): names that differ only by a date in their middle are told apart. Wrapped if longer."""
    box = form.query_one("#path", Input)
    name = Path(box.value.strip()).name
    whole = form.query_one("#whole-name", Static)
    shown = bool(name) and box.content_size.width > 0 and cell_len(name) >= box.content_size.width
    whole.update(Text(safe_text(name), overflow="fold") if shown else "")
    whole.set_class(shown, "shown")
    form.query_one("#file-row").set_class(shown, "-whole")
