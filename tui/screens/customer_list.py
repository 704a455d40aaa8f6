"""The customer list, the main screen: the current view in a grid fed page by page from the store.

Owns the header line (view, "N of M customers", level, user), the quick filter (narrows as you type, one query
at a time, stale answers ignored), sorting by the grid's current column, and choosing a view. Queries run in
worker threads that post their results; only this screen's handlers touch widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from core.catalogue import LIST_COLUMNS, SEARCH_FIELDS, Field, FieldType
from core.errors import CustbookError
from core.i18n import N_, _, group_digits, ngettext
from core.regional import screen_region
from core.users import Permission
from core.values import DateFormat, Value, date_in, parse_decimal_text, spoken_date
from core.viewdef import Filter, Op, SortKey, View, shown_view_name
from store.records import builtin_view
from tui.list_access import missing_permission, permission_name, refusal, view_kind
from tui.live_changes import ChangedByOthers, notice, start_watching
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import PAGE, CustomerGrid, safe_text

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import ViewQuery

# Searched in this order: DuckDB tests the next column only on rows not matched yet, so the columns most often
# matched come first (measured on 1,000,000 customers: 5-10 % off a keystroke's count).
QUICK_FIELDS = SEARCH_FIELDS  # the fields whose folded text the store keeps (core.catalogue)
QUICK_PLACEHOLDER = N_("Quick filter: ID, name, print as, e-mail, phone, city")


def _number(text: str) -> Decimal | None:
    """A filter's number as the store reads it (a point or a comma for decimals), or None."""
    for comma in (False, True):
        try:
            return parse_decimal_text(text.strip(), decimal_comma=comma)
        except ValueError:
            continue
    return None


@dataclass
class ViewSource:
    """The grid's window onto one compiled query."""

    session: Session
    compiled: ViewQuery
    columns: tuple[Field, ...]
    total: int

    def rows(self, offset: int, limit: int) -> Sequence[tuple[Value, ...]]:
        # Warm: scrolling reads page after page; the store stays open between them (store.db._Warm).
        return self.session.store.customers.page(self.compiled, offset, limit, self.total, warm=True)


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

    def _columns(self) -> tuple[Field, ...]:
        catalogue = self.session.catalogue
        columns = self.view.columns or LIST_COLUMNS
        if not self.view.columns and (self.session.entity or self.view.include_entities):
            # Customers of several levels side by side (an entity sees the shared top-level ones): say whose each is.
            columns = (*columns[:2], "MEGAENTITYID", *columns[2:])
        wanted = [c for c in columns if c in catalogue and c != "CUSTOMERID"]
        # The ID always leads: it names the row for opening, editing and the history.
        return (catalogue["CUSTOMERID"], *(catalogue[c] for c in wanted))

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
        session = self.session
        try:
            columns = self._columns()
            compiled = session.store.customers.compile(
                view, session.catalogue, user=session.user, entity=session.entity, columns=columns,
                date_format=session.date_format, quick=quick, quick_fields=QUICK_FIELDS,
            )  # fmt: skip
            total, first = session.store.customers.count_and_page(compiled, PAGE, warm=True)
            of_total = total if not quick.strip() else self._totals.get((view, session.entity))
            if of_total is None:
                plain = session.store.customers.compile(
                    view, session.catalogue, user=session.user, entity=session.entity, columns=columns
                )
                of_total = session.store.customers.count(plain)
            followed = None if follow is None else self._find(compiled, total, first, *follow)
        except CustbookError as exc:
            self.post_message(self.Failed(generation, exc))
            return
        source = ViewSource(session, compiled, columns, total)
        self.post_message(self.Loaded(generation, source, first, of_total, followed))

    def _find(
        self, compiled: ViewQuery, total: int, first: Sequence[tuple[Value, ...]], key: str, row: int
    ) -> int | None:
        """Where customer `key`, last seen at `row`, is now (in a worker thread). Most saves leave it where it was,
        which one page read confirms; otherwise the store says where its sort put it, or that it left the query."""
        customers = self.session.store.customers
        start = row - row % PAGE
        page = first if start == 0 else customers.page(compiled, start, PAGE, total, warm=True)
        if row - start < len(page) and page[row - start][0] == key:
            return row
        return customers.position(compiled, key, warm=True)

    def on_customer_list_screen_loaded(self, message: Loaded) -> None:
        # An answer for an older generation (the view or sort changed meanwhile) is dropped; the current one is
        # shown even when keys were typed meanwhile: the rows narrow step by step while the next query runs.
        if message.generation == self._generation:
            self._show_loaded(message)
        self._answered(message.generation)

    def _show_loaded(self, message: Loaded) -> None:
        grid = self.query_one(CustomerGrid)
        sort = self.effective_view.sort
        grid.sort_marks = {
            i: ("▼" if key.descending else "▲")
            for i, column in enumerate(message.source.columns)
            for key in sort[:1]
            if key.field == column.id
        }
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
        if quick and of_total:
            why = Text(_("No customer matches “{text}” · Escape clears the filter").format(text=quick))
        elif self.view.filters:
            why = Text(_("No customer matches this view's filters · v chooses or changes the view"))
        else:
            why = Text(_("No customers here yet · i imports a file, n adds a customer"))
        empty.update(why)
        empty.add_class("shown")

    def on_customer_list_screen_failed(self, message: Failed) -> None:
        if message.generation == self._generation:
            from tui.screens.error_dialog import ErrorDialog

            self.app.push_screen(ErrorDialog(message.error))
        self._answered(message.generation)

    def _show_status(self, loading: bool = False) -> None:
        view = self.view
        kind = view_kind(view)
        user = self.session.user
        if not user.can(Permission.LIST):
            may_import, may_add = not self._forbidden("import"), user.can(Permission.ADD)
            if may_import and may_add:
                also = " · " + _("you may import (i) and add (n)")
            elif may_import or may_add:
                also = " · " + (_("you may import (i)") if may_import else _("you may add (n)"))
            else:
                also = ""
            refused = _("{user} may not see customers (no List permission)").format(user=user.name)
            text = Text.assemble((refused, "bold"), also)
            self.query_one("#status", Static).update(text)
            return
        if loading or self._matching is None:
            counts = _("counting…")
        elif self._matching == self._of_total:
            n = self._of_total
            counts = ngettext("{count} customer", "{count} customers", n).format(count=group_digits(n))
        else:
            counts = ngettext("{matching} of {count} customer", "{matching} of {count} customers", self._of_total)
            counts = counts.format(matching=group_digits(self._matching), count=group_digits(self._of_total))
        status = self.query_one("#status", Static)
        width = status.size.width - 1 if status.size.width else 10_000
        name = safe_text(shown_view_name(view.name))
        text = Text.assemble((name, "bold"), f" ({kind}) · ", counts)
        tail = Text()
        missing = sorted({m for m in map(self._forbidden, ("edit", "new", "export")) if m})
        if missing:
            # Before the level and the user: on an 80-column terminal the reason must not be the part cut off.
            # The user's name goes with it: who is signed in must not be the part cut off either.
            who = safe_text(self.session.user.name)
            names = [permission_name(m) for m in missing]
            lacking = names[0] if len(names) == 1 else _("{first} or {second}").format(first=names[0], second=names[1])
            # "Reads only" when the user may not change customers; a user with Edit but no Add changes them.
            said = (
                _("{user} reads only (no {permission})")
                if "Edit" in missing
                else _("{user} may not add customers (no {permission})")
            )
            tail.append(" · " + said.format(user=who, permission=lacking), "italic")
            tail.append(f" · {self.session.level}")
        else:
            who = _("user {name}").format(name=safe_text(self.session.user.name))
            tail.append(f" · {self.session.level} · {who}")
        # Which store this is (a mistyped --db must not pass for the real one), where the line has room for it,
        # before the filters: at 80 columns the filters' text took its place (issue 18). The help (F1) always says
        # it in full.
        store = Text(f" · {safe_text(self.session.store.label)}", "dim")
        # The view's filters, after its counts, in what room the line has (cut with "…"): which customers these
        # are is the first thing to know about a list.
        wanted = "; ".join(self._described(f) for f in view.filters)
        # French is longer: where the line is short of room (for itself and the store, and with filters for the
        # start of the filters too), the view's kind goes first, then the word "user" before the name, so that the
        # name, the counts, the level and who is signed in always show whole.
        least = store.cell_len + (15 if wanted else 0)
        if text.cell_len + tail.cell_len + least > width:
            text = Text.assemble((name, "bold"), " · ", counts)
        if text.cell_len + tail.cell_len + least > width and not missing:
            tail = Text(f" · {self.session.level} · {safe_text(self.session.user.name)}")
        if text.cell_len + tail.cell_len + store.cell_len > width:
            store = Text()
        room = width - text.cell_len - tail.cell_len - store.cell_len - 3
        if wanted and room >= 12:
            shown = safe_text(wanted) if len(wanted) <= room else safe_text(wanted[: room - 1]) + "…"
            text.append(f" · {shown}", "italic")
        text.append_text(tail)
        text.append_text(store)
        status.update(text)

    def _described(self, f: Filter) -> str:
        """A filter in words, its number or date written as the list writes them (issue 18: "greater than “10000”"
        read as a code beside a column of "10,000.00"): the region's grouping and decimals, its date format."""
        catalogue = self.session.catalogue
        field = catalogue.get(f.field)
        if field is None or f.op not in (Op.EQ, Op.NE, Op.LT, Op.GT):
            return f.describe(catalogue)
        region = screen_region()
        if field.type in (FieldType.DECIMAL, FieldType.INTEGER):
            number = _number(f.value)
            if number is None:
                return f.describe(catalogue)
            if field.type is FieldType.DECIMAL:
                shown = region.amount(number)
            else:
                whole = number == number.to_integral_value()
                grouped = f"{int(number):,}" if whole else f"{number:,}"
                shown = grouped.replace(",", "\0").replace(".", region.decimal).replace("\0", region.group)
            return replace(f, value=shown).describe(catalogue)
        if field.type in (FieldType.DATE, FieldType.TIMESTAMP):
            day = date_in(f.value, DateFormat.ISO) or date_in(f.value, self.session.date_format)
            if day is not None:  # the sentence's date ("before 1 April 2024") as the list's column writes it
                said = replace(f, value=day.isoformat()).describe(catalogue)
                return said.replace(spoken_date(day), region.date(day))
        return f.describe(catalogue)

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
