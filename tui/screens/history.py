"""HistoryScreen: the batches (imports, edits, undos), one batch's field changes, and undoing a batch.

Owns showing the batch list (newest first, a few hundred rows: a DataTable), drilling into a batch's changes
(customer, field, old -> new; a big import holds hundreds of thousands, so they go to the paged CustomerGrid, which
draws only what is visible), and asking before an undo. It never changes the store itself: `store.history` lists
the batches and reads their changes; `services.undo` says whether a batch may be undone and what undoing it does,
and undoes it (refusing whole, with the customers and fields named, when a later change is in the way). Those calls
run in thread workers that post messages. Dismisses True when an undo was done, so the list reloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from core.catalogue import Field, FieldType
from core.errors import CustbookError
from core.users import Permission
from core.values import DateFormat, Value
from services.undo import UndoOutcome, undo, undo_effects, why_not_undo
from store.records import Batch
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.grid import PAGE, CustomerGrid, safe_text

EMPTY = "(empty)"
LIMIT = 200  # batches listed: the newest ones


def _column(fid: str, label: str) -> Field:
    return Field(fid, label, label, FieldType.TEXT)


CHANGE_COLUMNS = (
    _column("CUSTOMERID", "Customer ID"),
    _column("FIELD", "Field"),
    _column("OLD", "Old value"),
    _column("NEW", "New value"),
    _column("WHAT", "Change"),
)
WHAT = {"create": "created", "delete": "removed", "update": "changed"}


@dataclass
class ChangeRows:
    """The grid's source for one batch's changes, already formatted (held in memory: the store gave a list).
    Values are shortened to fit the screen; `full` keeps them whole for the line under the grid."""

    rows_: list[tuple[Value, ...]]
    full: list[tuple[str, str]]
    columns: tuple[Field, ...] = CHANGE_COLUMNS

    @property
    def total(self) -> int:
        return len(self.rows_)

    def rows(self, offset: int, limit: int) -> Sequence[tuple[Value, ...]]:
        return self.rows_[offset : offset + limit]


def when(at: dt.datetime, date_format: DateFormat) -> str:
    return f"{date_format.format(at.date())} {at:%H:%M}"


def describe(batch: Batch, date_format: DateFormat) -> str:
    """What a batch was, for titles and the confirmation: "the import of first.csv by alice on 28/11/2026 08:54"."""
    if batch.kind == "undo":
        what = f"the undo of {batch.undoes}"
    elif batch.kind == "edit" and batch.file_name:
        what = f"the {batch.file_name}"  # "edit of C0000001", as the form records it
    elif batch.file_name:
        what = f"the {batch.kind} of {batch.file_name}"
    else:
        what = f"the {batch.kind}"
    return f"{what} by {batch.user} on {when(batch.at, date_format)}"


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def shown_value(field: Field | None, text: str | None, date_format: DateFormat) -> str:
    """A value as the history stores it (canonical text) as people read it: dates in their format, Yes/No."""
    if text is None or text == "":
        return EMPTY
    if field is not None and field.type is FieldType.DATE:
        try:
            return date_format.format(dt.date.fromisoformat(text))
        except ValueError:
            return text
    if field is not None and field.type is FieldType.BOOL:
        return {"true": "Yes", "false": "No"}.get(text.lower(), text)
    return text


class HistoryScreen(WithHelp, Screen[bool]):
    HELP_TITLE = "Keys of the history"
    KEY_HELP = (
        ("↑ ↓  j k", "move through the batches, newest first"),
        ("Home End  g G", "first / last batch"),
        ("Enter", "the batch's field changes; Enter on a change opens its customer"),
        ("u", "undo the batch (asks first; an undo can be undone too)"),
        ("Escape  q", "back (from the changes to the batches, then to the list)"),
    )
    CSS_PATH = "history.tcss"
    BINDINGS = [
        Binding("u", "undo", "Undo batch"),
        Binding("escape,q", "back", "Back"),
        # As in the customer list (a table's own Home and End would scroll it sideways instead).
        Binding("home,g", "row(0)", "First", show=False, priority=True),
        Binding("end,G", "row(-1)", "Last", show=False, priority=True),
        HELP_BINDING,
    ]

    @dataclass
    class Listed(Message):
        batches: list[Batch]

    @dataclass
    class Drilled(Message):
        batch: Batch
        source: ChangeRows

    @dataclass
    class Undone(Message):
        outcome: UndoOutcome

    @dataclass
    class Failed(Message):
        error: CustbookError
        listing: bool = False  # the list itself could not be read

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.batches: list[Batch] = []
        self._undid = False
        self._drilling: str | None = None  # the batch whose changes were asked for last
        self._shown: ChangeRows | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="reason")
        yield DataTable(id="batches", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Enter on a batch shows its field changes."), id="changes-title")
        yield CustomerGrid(id="changes", date_format=self.session.date_format)
        yield Static(id="change")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#batches", DataTable)
        # The counts before the file's name, which can be long: at 80 columns they stay in view; the batch's ID
        # stays at the left while the table scrolls sideways.
        table.add_columns("Batch", "Kind", "When", "User", "New", "Updated", "Erased", "Failed", "Undone by", "File")
        table.fixed_columns = 1
        table.focus()
        self.watch(self.query_one("#changes", CustomerGrid), "cursor_row", self._show_change, init=False)
        self.query_one("#status", Static).update(Text("History · loading…"))
        self._list()

    # --- the batches ---------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="history-list")
    def _list(self) -> None:
        try:
            self.session.user.require(Permission.LIST, "see the history")
            batches = self.session.store.history.batches(user=self.session.user, limit=LIMIT)
        except CustbookError as exc:
            self.post_message(self.Failed(exc, listing=True))
            return
        self.post_message(self.Listed(batches))

    def on_history_screen_listed(self, message: Listed) -> None:
        self.batches = message.batches
        fmt = self.session.date_format
        table = self.query_one("#batches", DataTable)
        table.clear()
        for b in self.batches:
            style = "dim" if b.undone_by else ""
            kind = f"undo of {b.undoes}" if b.kind == "undo" else b.kind
            # An undo's New says what it did to customers: removed them, or (undoing an undo) brought them back;
            # a bare "-1" read as an error.
            new = f"{b.created:,}"
            if b.kind == "undo":
                new = f"{b.created:,} back" if b.created else (f"{b.removed:,} removed" if b.removed else "0")
            cells = (b.id, kind, when(b.at, fmt), b.user, new, f"{b.updated:,}", f"{b.blanked:,}", f"{b.failed:,}")
            row = [Text(safe_text(str(c)), style, justify="right" if i >= 4 else "left") for i, c in enumerate(cells)]
            undone = Text(b.undone_by or "", style="bold")
            # The file, and how its columns were read when it came from another product (as `custbook history` says).
            source = (b.file_name or "") + (f" (mapping {b.mapping})" if b.mapping else "")
            table.add_row(*row, undone, Text(safe_text(source), style), key=b.id)
        self._summary()
        self._explain()

    def _summary(self) -> None:
        count = len(self.batches)
        if not count:
            summary = "no imports or edits yet"
        else:
            newest = "newest first" if count < LIMIT else f"the {LIMIT} newest first"
            summary = f"{count:,} batch{'es' if count != 1 else ''}, {newest}"
        self.query_one("#status", Static).update(
            Text.assemble(("History", "bold"), f" · {summary} · user {safe_text(self.session.user.name)}")
        )

    @property
    def highlighted(self) -> Batch | None:
        if not self.batches:
            return None
        table = self.query_one("#batches", DataTable)
        if not 0 <= table.cursor_row < len(self.batches):
            return None
        return self.batches[table.cursor_row]

    @on(DataTable.RowHighlighted, "#batches")
    def _moved(self) -> None:
        self._explain()

    def _why_not_undo(self) -> str:
        """Why `u` cannot undo the highlighted batch ("" when it can)."""
        session = self.session
        return why_not_undo(self.highlighted, user=session.user, entity=session.entity, listed=self.batches) or ""

    def _explain(self) -> None:
        reason = self._why_not_undo() if self.batches else ""
        line = self.query_one("#reason", Static)
        line.update(Text(safe_text(reason)))
        line.set_class(bool(reason), "shown")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo" and self._why_not_undo():
            return None  # shown greyed in the footer; the reason is on the line above the table
        return True

    # --- one batch's changes -------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#batches")
    def _drill(self) -> None:
        batch = self.highlighted
        if batch is None:
            return
        self._drilling = batch.id
        self.query_one("#changes-title", Static).update(Text(f"{batch.id}: loading its changes…"))
        # Old and new values share what the ID and field leave of the screen: both stay visible at 80 columns.
        value_width = max(12, min(40, (self.size.width - 14 - 20 - 16) // 2))
        self._changes(batch.id, value_width)

    @work(thread=True, exclusive=True, group="history-changes")
    def _changes(self, batch_id: str, value_width: int) -> None:
        catalogue, fmt = self.session.catalogue, self.session.date_format
        try:
            batch, changes = self.session.store.history.batch(batch_id, user=self.session.user)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        order = {f.id: i for i, f in enumerate(catalogue.fields)}
        changes = sorted(changes, key=lambda c: (c.customer_id, order.get(c.field, len(order)), c.field))
        rows: list[tuple[Value, ...]] = []
        full: list[tuple[str, str]] = []
        for c in changes:
            field = catalogue.get(c.field)
            what = "erased" if c.action == "update" and c.new is None else WHAT.get(c.action, c.action)
            old, new = shown_value(field, c.old, fmt), shown_value(field, c.new, fmt)
            label = field.label if field is not None else c.field
            rows.append((c.customer_id, label, shorten(old, value_width), shorten(new, value_width), what))
            full.append((old, new))
        self.post_message(self.Drilled(batch, ChangeRows(rows, full)))

    def on_history_screen_drilled(self, message: Drilled) -> None:
        if message.batch.id != self._drilling:
            return  # the user moved on to another batch meanwhile
        batch, rows = message.batch, message.source.rows_
        customers = len({r[0] for r in rows})
        title = Text.assemble(
            (batch.id, "bold"),
            f" · {safe_text(describe(batch, self.session.date_format))} · {len(rows):,} field change"
            f"{'s' if len(rows) != 1 else ''} on {customers:,} customer{'s' if customers != 1 else ''}",
        )
        self.query_one("#changes-title", Static).update(title)
        grid = self.query_one("#changes", CustomerGrid)
        self._shown = message.source
        grid.show(message.source, rows[:PAGE])
        self._show_change()
        if rows:
            grid.focus()

    def _show_change(self) -> None:
        """The change under the grid's cursor, whole (values may hold line breaks or be long)."""
        line = self.query_one("#change", Static)
        source, row = self._shown, self.query_one("#changes", CustomerGrid).cursor_row
        if source is None or not 0 <= row < source.total:
            line.update("")
            return
        cid, label, _, _, what = source.rows_[row]
        old, new = source.full[row]
        text = Text.assemble(
            (safe_text(str(cid)), "bold"), f" · {label} ({what}): ", safe_text(old), ("  →  ", "bold"), safe_text(new)
        )
        line.update(text)

    def on_customer_grid_selected(self, message: CustomerGrid.Selected) -> None:
        from tui.screens.customer_detail import CustomerDetailScreen

        self.app.push_screen(CustomerDetailScreen(self.session, message.key))

    # --- undo ----------------------------------------------------------------------------------------------

    def action_row(self, row: int) -> None:
        """The first or last batch (or change)."""
        table = self.focused
        if isinstance(table, DataTable) and table.row_count:
            table.move_cursor(row=row % table.row_count)

    def action_undo(self) -> None:
        """Undo the highlighted batch, after confirmation."""
        batch = self.highlighted
        if batch is None or self._why_not_undo():
            return
        from tui.screens.confirm_dialog import ConfirmDialog

        parts = undo_effects(batch)
        message = (
            f"Undo {batch.id}, {describe(batch, self.session.date_format)}?\n\n"
            f"This {' and '.join(parts) or 'restores the state before it'}. The undo is recorded as a new batch. "
            "If a later change touched any of these customers, nothing is changed and you are told which."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one("#status", Static).update(Text(f"History · undoing {batch.id}…"))
                self._undo(batch.id)
            else:  # Cancel has the focus: an Enter pressed out of habit must not look like an undo
                self.notify(f"{batch.id} was not undone: nothing was changed.", title="Cancelled", markup=False)

        self.app.push_screen(ConfirmDialog(f"Undo batch {batch.id}?", message, f"Undo {batch.id}", True), answered)

    @work(thread=True, exclusive=True, group="history-undo")
    def _undo(self, batch_id: str) -> None:
        try:
            done = undo(self.session.store, batch_id, user=self.session.user, entity=self.session.entity)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Undone(done))

    def on_history_screen_undone(self, message: Undone) -> None:
        self._undid = True
        done = message.outcome
        self.app.notify(f"Undid {done.undid} (recorded as {done.batch.id}).", markup=False)
        self._drilling = None
        self.query_one("#changes-title", Static).update(Text("Enter on a batch shows its field changes."))
        self._shown = None
        self.query_one("#changes", CustomerGrid).show(ChangeRows([], []))
        self._show_change()
        self.query_one("#batches", DataTable).focus()
        self._list()

    def on_history_screen_failed(self, message: Failed) -> None:
        from tui.screens.error_dialog import ErrorDialog

        if message.listing:
            text = Text.assemble(("History", "bold"), f" · cannot be shown: {safe_text(message.error.message)}")
            self.query_one("#status", Static).update(text)
        else:
            self._summary()  # instead of "undoing…": nothing changed
            # A refused undo often names batches made since the list was read (by another user or script):
            # read it again so that they are there to be undone.
            self._list()
        self.app.push_screen(ErrorDialog(message.error))

    # --- leaving -------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back: from the changes to the batches, then to the list."""
        if self.query_one("#changes", CustomerGrid).has_focus:
            self.query_one("#batches", DataTable).focus()
            return
        self.dismiss(self._undid)
