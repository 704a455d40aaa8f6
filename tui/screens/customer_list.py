"""The customer list, the main screen: the current view in a grid fed page by page from the store.

Owns the header line (view, "N of M customers", level, user), the quick filter (narrows as you type, one query
at a time, stale answers ignored), sorting by the grid's current column, and choosing a view. Queries run in
worker threads that post their results; only this screen's handlers touch widgets. The queries themselves are in
`tui.list_query`, the status line's and the empty list's words in `tui.list_status`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from core.errors import CustbookError
from core.i18n import N_, _
from core.users import Permission
from core.values import Value
from core.viewdef import SortKey, View, shown_view_name
from store.records import builtin_view
from tui.list_access import missing_permission, refusal
from tui.list_query import ViewSource, list_columns, load
from tui.list_status import counts_said, empty_reason, refused_line, sort_marks, status_line
from tui.live_changes import ChangedByOthers, notice, start_watching
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import CustomerGrid

QUICK_PLACEHOLDER = N_("Quick filter: ID, name, print as, e-mail, phone, city")


class CustomerListScreen(Screen[None]):
    CSS_PATH = "customer_list.tcss"
    # Help and Quit first. Jobs and Refresh, and the palette's ^p, are left out of the footer so that every other
    # key fits on an 80-column terminal; the help (?) lists them all. Descriptions and tooltips (the palette's
    # help for the action) are translated where they are shown.
    BINDINGS = [
        Binding("question_mark,f1", "help", N_("Help"), tooltip=N_("Show every key")),
        Binding("q", "quit", N_("Quit"), tooltip=N_("Leave custbook")),
        Binding("slash", "filter", N_("Find"), tooltip=N_("Quick filter: narrow the list as you type")),
        Binding(
            "s",
            "sort",
            N_("Sort"),
            tooltip=N_("Sort by the current column: ascending, descending, then the view's own order"),
        ),
        Binding("v", "views", N_("Views"), tooltip=N_("Choose another saved view")),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the customer under the cursor")),
        Binding("n", "new", N_("New"), tooltip=N_("Add a new customer")),
        Binding("x", "export", N_("Export"), tooltip=N_("Export the current view to a file")),
        Binding("i", "import", N_("Import"), tooltip=N_("Import a file: preview, then commit")),
        Binding("h", "history", N_("History"), tooltip=N_("Imports and edits; undo a batch")),
        Binding("o", "jobs", N_("Jobs"), show=False, tooltip=N_("Offline import jobs and their results")),
        Binding("l", "level", N_("Level"), show=False, tooltip=N_("Work at the top level or inside an entity")),
        # Not in the compact footer (it would push keys off an 80-column terminal); in the help and the palette.
        Binding(
            "r,f5",
            "refresh",
            N_("Refresh"),
            show=False,
            tooltip=N_("Re-read the store: see what other users and scripts changed since the list was loaded"),
        ),
    ]
    OFFERS_LANGUAGE = True  # the palette's "Language: ..." command is offered here, where no unsaved work is open

    @dataclass
    class Loaded(Message):
        generation: int
        source: ViewSource
        first_page: Sequence[tuple[Value, ...]]
        of_total: int
        # The same query again (after a save, a refresh): where the customer under the cursor is now, None when it
        # left the query (the cursor then stays at its row: on the neighbour).
        followed: int | None = None

    @dataclass
    class Failed(Message):
        generation: int
        error: CustbookError

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._last_shown: tuple[View, str | None, str] | None = None  # what the grid shows (view, level, search)
        self.session = session
        self.view: View = builtin_view()
        self.sort: tuple[SortKey, ...] | None = None  # the user's sort; None = the view's own
        self._generation = 0
        # The quick filter runs a query at the first key, at once; keys typed while it runs are taken together by
        # the next one, started when it answers. No timer: a single key waits for its query only, and fast typing
        # never has more than one query running.
        self._in_flight = False
        self._typed_meanwhile = False
        self._matching: int | None = None  # None until the first answer
        self._of_total = 0
        # The view's count without the quick filter does not change while the user types: counted once per view.
        self._totals: dict[tuple[View, str | None], int] = {}
        self._changed_by_others = 0  # customers others changed since the list was last read (PostgreSQL)

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="others")  # other people's changes, until the user refreshes (tui.live_changes)
        # No select-all on focus: letters typed with the slash are in the box before its Focus event arrives.
        yield Input(placeholder=_(QUICK_PLACEHOLDER), id="quick", select_on_focus=False)
        yield Static(id="empty")  # says why the list is empty, and the way out
        yield CustomerGrid(id="grid", date_format=self.session.date_format)
        # Compact: at 80 columns every key of the list still fits, Help and Quit included.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(CustomerGrid).focus()
        self.reload()
        start_watching(self, self.session.store)

    def on_changed_by_others(self, message: ChangedByOthers) -> None:
        """Say how many customers others changed; the rows and the cursor stay until the user refreshes."""
        self._changed_by_others += message.count
        others = self.query_one("#others", Static)
        others.update(notice(self._changed_by_others))
        others.add_class("shown")

    def on_resize(self) -> None:
        self._show_status()  # the store's name is shown where the line has room for it

    def relabel(self) -> None:
        """The language was switched: every word again (the rows too: headers, Yes/No and amounts follow it)."""
        self.query_one("#quick", Input).placeholder = _(QUICK_PLACEHOLDER)
        self._last_shown = None  # the grid measures its columns again: French headers are longer
        self._totals.clear()
        self.reload()

    # --- loading -------------------------------------------------------------------------------------------

    @property
    def effective_view(self) -> View:
        return self.view if self.sort is None else replace(self.view, sort=self.sort)

    def reload(self) -> None:
        if not self.session.user.can(Permission.LIST):
            self._show_status()  # says why the list stays empty; the store would refuse the query anyway
            return
        self._generation += 1
        self._in_flight = True
        quick = self.query_one("#quick", Input).value
        grid = self.query_one(CustomerGrid)
        # The same query again: the customer under the cursor is followed to wherever a save moved it in the sort
        # (the next `e` must edit the customer the user was on, not the one that took its row).
        same = (self.effective_view, self.session.entity, quick) == self._last_shown
        follow = (grid.current_key, grid.cursor_row) if same and grid.current_key is not None else None
        self._load(self._generation, self.effective_view, quick, follow)
        self._show_status(loading=True)

    @work(thread=True, exclusive=True, group="list-query")
    def _load(self, generation: int, view: View, quick: str, follow: tuple[str, int] | None = None) -> None:
        try:
            answer = load(self.session, view, list_columns(self.session, self.view), quick, self._totals, follow)
        except CustbookError as exc:
            self.post_message(self.Failed(generation, exc))
            return
        self.post_message(self.Loaded(generation, answer.source, answer.first_page, answer.of_total, answer.followed))

    def on_customer_list_screen_loaded(self, message: Loaded) -> None:
        # An answer for an older generation (the view or sort changed meanwhile) is dropped; the current one is
        # shown even when keys were typed meanwhile: the rows narrow step by step while the next query runs.
        if message.generation == self._generation:
            self._show_loaded(message)
        self._answered(message.generation)

    def _show_loaded(self, message: Loaded) -> None:
        grid = self.query_one(CustomerGrid)
        grid.sort_marks = sort_marks(message.source.columns, self.effective_view.sort)
        # The same view, level and search again (a refresh, or the list reloaded after a save): stay in place.
        shown = (self.effective_view, self.session.entity, self.query_one("#quick", Input).value)
        grid.show(message.source, message.first_page, keep_place=shown == self._last_shown, row=message.followed)
        self._last_shown = shown
        self._matching, self._of_total = message.source.total, message.of_total
        self._totals[(self.effective_view, self.session.entity)] = message.of_total
        self._show_status()
        self._show_empty(message.source.total, message.of_total)

    def _show_empty(self, matching: int, of_total: int | None) -> None:
        empty = self.query_one("#empty", Static)
        quick = self.query_one("#quick", Input).value.strip()
        if matching:
            empty.remove_class("shown")
            return
        empty.update(empty_reason(quick, of_total, self.view))
        empty.add_class("shown")

    def on_customer_list_screen_failed(self, message: Failed) -> None:
        if message.generation == self._generation:
            from tui.screens.error_dialog import ErrorDialog

            self.app.push_screen(ErrorDialog(message.error))
        self._answered(message.generation)

    def _show_status(self, loading: bool = False) -> None:
        """The status line (tui.list_status), cut to the width it has."""
        if not self.session.user.can(Permission.LIST):
            self.query_one("#status", Static).update(refused_line(self.session))
            return
        counts = counts_said(self._matching, self._of_total, loading)
        status = self.query_one("#status", Static)
        width = status.size.width - 1 if status.size.width else 10_000
        status.update(status_line(self.session, self.view, counts, width))

    # --- quick filter --------------------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Quick filter: narrow the list as you type."""
        box = self.query_one("#quick", Input)
        box.add_class("shown")
        self.set_focus(box)  # at once, not queued as Widget.focus() does: see on_key

    def on_key(self, event: events.Key) -> None:
        """Over SSH "/paris" arrives in one packet: its keys are all on their way to the grid before the slash's
        binding would run. So the slash opens the box here, at once, and the letters that follow go into it
        instead of running the list's keys (i would open the import)."""
        box = self.query_one("#quick", Input)
        taken = self.focused is box  # has_focus follows only once the box has handled its Focus event
        if event.key == "slash" and not taken:
            event.stop()
            event.prevent_default()
            self.action_filter()
        elif taken and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            box.insert_text_at_cursor(event.character)
        elif not taken and (why := refusal(self.session.user, event.key)):
            event.stop()  # a dimmed key pressed anyway: say why instead of doing nothing at all
            self.notify(why, title=_("Not allowed"), severity="warning", markup=False)

    @on(Input.Changed, "#quick")
    def _typed(self) -> None:
        if self._in_flight:
            self._typed_meanwhile = True
        else:
            self.reload()

    def _answered(self, generation: int) -> None:
        """The current query answered: start the one the keys typed meanwhile ask for."""
        if generation != self._generation:
            return
        self._in_flight = False
        if self._typed_meanwhile:
            self._typed_meanwhile = False
            self.reload()

    @on(Input.Submitted, "#quick")
    def _done_typing(self) -> None:
        self.query_one(CustomerGrid).focus()

    def key_escape(self) -> None:
        box = self.query_one("#quick", Input)
        if box.has_focus or box.value:
            had_text = bool(box.value)
            box.value = ""  # its Changed event reloads the list
            box.remove_class("shown")
            self.query_one(CustomerGrid).focus()
            if not had_text:
                self.reload()

    # --- sort, views, help -----------------------------------------------------------------------------------

    def action_sort(self) -> None:
        """Sort by the current column: ascending, descending, then the view's own order."""
        grid = self.query_one(CustomerGrid)
        if not grid.columns:
            return
        self._sort_by(grid.columns[grid.cursor_col].id)

    def _sort_by(self, field_id: str) -> None:
        current = self.effective_view.sort[:1]
        if current and current[0].field == field_id and not current[0].descending:
            self.sort = (SortKey(field_id, True),)
        elif current and current[0].field == field_id:
            self.sort = None if self.view.sort[:1] != current else ()
        else:
            self.sort = (SortKey(field_id),)
        self.reload()

    def on_customer_grid_header_clicked(self, message: CustomerGrid.HeaderClicked) -> None:
        grid = self.query_one(CustomerGrid)
        grid.cursor_col = message.column
        self._sort_by(grid.columns[message.column].id)

    def action_views(self) -> None:
        """Choose another saved view."""
        from tui.screens.view_picker import ViewPicker

        def chosen(view: View | None) -> None:
            shown = self.view
            # The view on screen was deleted in the picker (or its owner made it private): it can no longer be
            # shown, refreshed or exported.
            gone = picker.listed and not shown.builtin and (shown.owner, shown.name) not in picker.keys
            if view is None and gone:
                view = builtin_view()
                said = _("“{name}” no longer exists: showing {view}.").format(
                    name=shown.name, view=shown_view_name(view.name)
                )
                self.notify(said, markup=False)
            if view is not None:
                self.view, self.sort = view, None
                self.reload()

        picker = ViewPicker(self.session, self.view)
        self.app.push_screen(picker, chosen)

    def on_customer_grid_selected(self, message: CustomerGrid.Selected) -> None:
        from tui.screens.customer_detail import CustomerDetailScreen

        self.app.push_screen(CustomerDetailScreen(self.session, message.key), self._reload_if)

    # --- the other screens -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Actions the user's permissions forbid stay in the footer, dimmed (the status line says why)."""
        return None if self._forbidden(action) else True

    def _forbidden(self, action: str) -> str | None:
        return missing_permission(self.session.user, action)

    def _reload_if(self, changed: object) -> None:
        if changed:
            self._totals.clear()  # an import, edit or undo may have changed any count
            self.reload()

    def action_refresh(self) -> None:
        """Re-read the store: see what other users and scripts changed since the list was loaded."""
        self._totals.clear()
        self._changed_by_others = 0
        self.query_one("#others", Static).remove_class("shown")
        self.reload()

    def action_edit(self) -> None:
        """Edit the customer under the cursor."""
        from tui.screens.customer_form import CustomerForm

        key = self.query_one(CustomerGrid).current_key
        if key is not None:
            self.app.push_screen(CustomerForm(self.session, key), self._reload_if)

    def action_new(self) -> None:
        """Add a new customer."""
        from tui.screens.customer_form import CustomerForm

        self.app.push_screen(CustomerForm(self.session, None), self._reload_if)

    def action_export(self) -> None:
        """Export the current view to a file."""
        from tui.screens.export_dialog import ExportDialog

        self.app.push_screen(ExportDialog(self.session, self.effective_view))

    def action_import(self) -> None:
        """Import a file: preview, then commit."""
        from tui.screens.import_screen import ImportScreen

        self.app.push_screen(ImportScreen(self.session), self._reload_if)

    def action_history(self) -> None:
        """Imports and edits; undo a batch."""
        from tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.session), self._reload_if)

    def action_jobs(self) -> None:
        """Offline import jobs and their results."""
        from tui.screens.jobs import JobsScreen

        self.app.push_screen(JobsScreen(self.session), self._reload_if)

    def action_level(self) -> None:
        """Work at the top level or inside an entity."""
        from tui.screens.level_picker import Level, LevelPicker

        def chosen(level: Level | None) -> None:
            if level is not None:  # the same view and sort, at the new level (the store is told the level each time)
                self.session = self.app.session = replace(self.session, entity=level.entity)  # type: ignore[attr-defined]
                self._totals.clear()
                self.reload()

        self.app.push_screen(LevelPicker(self.session), chosen)

    def action_help(self) -> None:
        """Show every key."""
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Leave custbook."""
        self.app.exit()
