"""HistoryScreen: the batches (imports, edits, undos), one batch's field changes, and undoing a batch.

Owns showing the batch list (newest first, a few hundred rows: a DataTable), drilling into a batch's changes
(customer, field, old -> new; a big import holds hundreds of thousands, so they go to the paged CustomerGrid, which
draws only what is visible), and asking before an undo. It never changes the store itself: `store.history` lists
the batches and reads their changes; `services.undo` says whether a batch may be undone and what undoing it does,
and undoes it (refusing whole, with the customers and fields named, when a later change is in the way). Those calls
run in thread workers that post messages. Dismisses True when an undo was done, so the list reloads. Its words are in
the user's language (core.i18n); old and new values, dates and counts are written as the screen's region writes
them (core.regional).

Its parts live beside it: its keys, a batch's cells, its status line and titles, and the question before an undo
(`tui.history_words`); what a batch was and its changes as the grid shows them (`tui.history_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from core.errors import CustbookError
from core.i18n import N_, _
from core.regional import screen_region
from core.users import Permission
from core.values import Value
from services.undo import UndoOutcome, undo, why_not_undo
from store.records import Batch
from tui.history_rows import WHAT, ChangeRows, batch_headings, shorten, shown_value, source_words, spaced
from tui.history_words import (
    COUNTS,
    HISTORY_KEYS,
    batch_cells,
    change_line,
    changes_title,
    history_status,
    undo_question,
)
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import PAGE, CustomerGrid, safe_text

LIMIT = 200  # batches listed: the newest ones
FILE = 9  # the batch table's file column, the last
MIN_FILE = 12  # narrower than this, the file's column is left out (the line under the table names the file)


class HistoryScreen(WithHelp, Screen[bool]):
    HELP_TITLE = N_("Keys of the history")
    KEY_HELP = HISTORY_KEYS  # tui/history_words.py: the words, with the rest of the history's
    CSS_PATH = "history.tcss"
    BINDINGS = [
        Binding("u", "undo", N_("Undo batch")),
        Binding("escape,q", "back", N_("Back")),
        # As in the customer list (a table's own Home and End would scroll it sideways instead).
        Binding("home,g", "row(0)", N_("First"), show=False, priority=True),
        Binding("end,G", "row(-1)", N_("Last"), show=False, priority=True),
        # less's keys, as the help says and the grid of changes already has (its own j and k come first there).
        Binding("j", "move(1)", N_("Down"), show=False),
        Binding("k", "move(-1)", N_("Up"), show=False),
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
        self._layout: tuple[object, ...] = ()  # how the batch table was last laid out
        self._file_cut = False  # the file's column does not fit: the line under the table names the file
        self._stay_on: str | None = None  # the batch the cursor goes back to when the list is read again

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="reason")
        yield DataTable(id="batches", cursor_type="row", zebra_stripes=True)
        yield Static(id="file-line")  # the highlighted batch's file, where the table has no room to show it
        yield Static(Text(_("Enter on a batch shows its field changes.")), id="changes-title")
        yield CustomerGrid(id="changes", date_format=self.session.date_format)
        yield Static(id="change")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#batches", DataTable)
        table.fixed_columns = 1  # the batch's ID stays at the left while the table scrolls sideways
        table.focus()
        self.watch(self.query_one("#changes", CustomerGrid), "cursor_row", self._show_change, init=False)
        self.query_one("#status", Static).update(Text(_("History · loading…")))
        self._list()

    # --- the batches ---------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="history-list")
    def _list(self) -> None:
        try:
            self.session.user.require(Permission.LIST, _("see the history"))
            batches = self.session.store.history.batches(user=self.session.user, limit=LIMIT)
        except CustbookError as exc:
            self.post_message(self.Failed(exc, listing=True))
            return
        self.post_message(self.Listed(batches))

    def on_history_screen_listed(self, message: Listed) -> None:
        self.batches = message.batches
        self._draw_batches()
        ids = [b.id for b in self.batches]
        if self._stay_on in ids:
            # After an undo the new batch comes first: the cursor stays on the batch that was undone, so that j
            # then u undoes the one under it, not the undo just made (issue 18).
            self.query_one("#batches", DataTable).move_cursor(row=ids.index(self._stay_on), animate=False)
        self._stay_on = None
        self._summary()
        self._explain()

    def _draw_batches(self, *, keep: bool = False) -> None:
        """The batches in the table, laid out for the width there is: every column but the file's in view (the file,
        often long, is last: the table scrolls sideways to it). Where the columns do not fit (80 columns, French),
        this year's dates lose their year, then columns are one space apart instead of two; where the file's
        column would show only its first letters, it is left out. Whenever the file is not whole in view, the line
        under the table names the highlighted batch's. `keep`: the same batches at another width (the cursor stays
        on its batch; nothing is redrawn when the layout is the same)."""
        table = self.query_one("#batches", DataTable)
        room = (self.size.width or self.app.size.width) - table.styles.scrollbar_size_vertical
        headings = batch_headings()
        for short, tight in ((False, False), (True, False), (True, True)):
            rows = [batch_cells(b, short, self.session.date_format) for b in self.batches]
            widths = [max([cell_len(h), *(r[i].cell_len for r in rows)]) for i, h in enumerate(headings)]
            gap = 1 if tight else 2  # a cell's padding: one space either side, or (tight) one before it
            if sum(w + gap for w in widths[:-1]) + gap <= room:
                break
        left = room - sum(w + gap for w in widths[:-1]) - gap  # the file column's room
        self._file_cut = left < widths[FILE] + gap
        if left < MIN_FILE:
            headings, widths, rows = headings[:-1], widths[:-1], [r[:-1] for r in rows]
        layout = (short, tight, widths, len(self.batches))
        self.query_one("#file-line", Static).set_class(self._file_cut, "shown")
        if keep and layout == self._layout:
            return
        self._layout = layout
        row = table.cursor_row
        table.clear(columns=True)
        table.cell_padding = 0 if tight else 1
        for i, heading in enumerate(headings):
            if not tight:
                table.add_column(heading)
            elif i in COUNTS:  # right-aligned in one more cell than its widest: the space before it
                table.add_column(Text(heading, justify="right"), width=widths[i] + 1)
            else:  # the file's column (the last, when shown) as wide as it needs: the table scrolls to it
                table.add_column(Text(" " + heading), width=None if i == FILE else widths[i] + 1)
        for b, cells in zip(self.batches, rows):
            if tight:
                cells = [c if i in COUNTS else spaced(c) for i, c in enumerate(cells)]
            table.add_row(*cells, key=b.id)
        if keep and self.batches:
            table.move_cursor(row=min(row, len(self.batches) - 1), animate=False)

    def on_resize(self) -> None:
        # Another width: the columns are laid out again (shorter dates, closer columns, or back to the usual), and
        # the changes shown are cut to the new room.
        if self.batches:
            self._draw_batches(keep=True)
            self._explain()
        self._fit_changes()

    def _summary(self) -> None:
        status = history_status(len(self.batches), LIMIT, self.session.user.name)
        self.query_one("#status", Static).update(status)

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
        batch = self.highlighted
        source = source_words(batch) if batch is not None and self._file_cut else ""
        file_line = self.query_one("#file-line", Static)
        file_line.update(Text(safe_text(_("File: {file}").format(file=source))) if source else "")
        file_line.set_class(bool(source), "shown")
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
        self.query_one("#changes-title", Static).update(Text(_("{batch}: loading its changes…").format(batch=batch.id)))
        self._changes(batch.id, self._value_width())

    def _value_width(self) -> int:
        """Old and new values share what the ID and field leave of the screen: both stay visible at 80 columns."""
        return max(12, min(40, ((self.size.width or self.app.size.width) - 14 - 20 - 16) // 2))

    def _fit_changes(self) -> None:
        """The changes shown, their values cut again to the room the screen now has (the cursor stays)."""
        source = self._shown
        if source is None or not source.rows_:
            return
        width = self._value_width()
        rows: list[tuple[Value, ...]] = [
            (cid, label, shorten(old, width), shorten(new, width), what)
            for (cid, label, _o, _n, what), (old, new) in zip(source.rows_, source.full)
        ]
        if rows == source.rows_:
            return
        self._shown = ChangeRows(rows, source.full)
        self.query_one("#changes", CustomerGrid).show(self._shown, rows[:PAGE], keep_place=True)

    @work(thread=True, exclusive=True, group="history-changes")
    def _changes(self, batch_id: str, value_width: int) -> None:
        catalogue, fmt, region = self.session.catalogue, self.session.date_format, screen_region()
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
            what = _("erased") if c.action == "update" and c.new is None else _(WHAT.get(c.action, c.action))
            old, new = shown_value(field, c.old, fmt, region), shown_value(field, c.new, fmt, region)
            label = field.shown_label if field is not None else c.field
            rows.append((c.customer_id, label, shorten(old, value_width), shorten(new, value_width), what))
            full.append((old, new))
        self.post_message(self.Drilled(batch, ChangeRows(rows, full)))

    def on_history_screen_drilled(self, message: Drilled) -> None:
        if message.batch.id != self._drilling:
            return  # the user moved on to another batch meanwhile
        rows = message.source.rows_
        self.query_one("#changes-title", Static).update(changes_title(message.batch, rows, self.session.date_format))
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
        cid, label, _old, _new, what = source.rows_[row]
        old, new = source.full[row]
        line.update(change_line(cid, label, what, old, new))

    def on_customer_grid_selected(self, message: CustomerGrid.Selected) -> None:
        from tui.screens.customer_detail import CustomerDetailScreen

        self.app.push_screen(CustomerDetailScreen(self.session, message.key))

    # --- undo ----------------------------------------------------------------------------------------------

    def action_row(self, row: int) -> None:
        """The first or last batch (or change)."""
        table = self.focused
        if isinstance(table, DataTable) and table.row_count:
            table.move_cursor(row=row % table.row_count)
        elif isinstance(table, CustomerGrid) and row == 0:  # these keys come here first (priority): the grid's
            table.action_first()  # own g and G
        elif isinstance(table, CustomerGrid):
            table.action_last()

    def action_move(self, rows: int) -> None:
        """The next or previous batch."""
        table = self.focused
        if isinstance(table, DataTable) and rows > 0:
            table.action_cursor_down()
        elif isinstance(table, DataTable):
            table.action_cursor_up()

    def action_undo(self) -> None:
        """Undo the highlighted batch, after confirmation."""
        batch = self.highlighted
        if batch is None or self._why_not_undo():
            return
        from tui.screens.confirm_dialog import ConfirmDialog

        title, message, button, keep = undo_question(batch, self.session.date_format)

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one("#status", Static).update(Text(_("History · undoing {batch}…").format(batch=batch.id)))
                self._undo(batch.id)
            else:  # Cancel has the focus: an Enter pressed out of habit must not look like an undo
                text = _("{batch} was not undone: nothing was changed.").format(batch=batch.id)
                self.notify(text, title=_("Cancelled"), markup=False)

        self.app.push_screen(ConfirmDialog(title, message, button, True, cancel_label=keep), answered)

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
        self.app.notify(
            _("Undid {batch} (recorded as {undo}).").format(batch=done.undid, undo=done.batch.id), markup=False
        )
        self._drilling = None
        self.query_one("#changes-title", Static).update(Text(_("Enter on a batch shows its field changes.")))
        self._shown = None
        self.query_one("#changes", CustomerGrid).show(ChangeRows([], []))
        self._show_change()
        self.query_one("#batches", DataTable).focus()
        self._stay_on = done.undid
        self._list()

    def on_history_screen_failed(self, message: Failed) -> None:
        from tui.screens.error_dialog import ErrorDialog

        if message.listing:
            reason = _("cannot be shown: {reason}").format(reason=safe_text(message.error.message))
            text = Text.assemble((_("History"), "bold"), f" · {reason}")
            self.query_one("#status", Static).update(text)
        else:
            self._summary()  # instead of "undoing…": nothing changed
            self._stay_on = self.highlighted.id if self.highlighted else None
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
