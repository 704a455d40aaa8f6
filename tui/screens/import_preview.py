"""ImportPreview: exactly what an import will do, before it happens; then the commit and its result.

Owns the diff preview of one `ImportPlan` (the counts, and tabs for new records, field-by-field updates, fields
being erased, unchanged records, errors and warnings), the commit (confirmation naming what will change, then
`services.imports.commit` in a worker), a fresh plan when the store changed meanwhile, and the result: the batch
ID, the failed rows saved as a CSV to fix and re-import, the results e-mailed when addresses were given. The plan
shown is the plan committed: this screen never re-reads the file.

Tabs are filled when first shown, with the lines `tui/import_rows.py` makes of the plan (at most 2,000 each, so
a 25,000-row plan opens at once); the line under the table shows the highlighted one in full. The Errors and
Warnings tabs wrap each message to the width there is (tui/widgets/wrapped_table.py), laid out again on a resize.
Its words are in the user's language (core.i18n); the footer's keys are marked with N_ and translated where they
are shown.

Its parts live beside it: its keys, title and what it says while working (`tui.preview_words`), the tabs' titles
and tables as they are filled and wrapped (`tui.preview_tabs`), the commit's question (`tui.preview_questions`)
and its workers' calls (`tui.preview_work`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, ProgressBar, Static, TabbedContent, TabPane

from core.errors import Conflict, CustbookError
from core.i18n import N_, _
from core.plan import ImportPlan
from services import imports
from services.imports import ImportOutcome
from tui.import_rows import PlanRows, tab_title, told_tabs
from tui.plan_words import counts_text, outcome, plan_note
from tui.preview_questions import commit_dialog
from tui.preview_tabs import FilledTabs, show_titles
from tui.preview_words import PREVIEW_KEYS, committing, comparing, preview_title, saved, saving
from tui.preview_work import commit_plan, email_said, replan, save_failed
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import safe_text


class ImportPreview(WithHelp, Screen[str | None]):
    HELP_TITLE = N_("Keys of the import preview")
    KEY_HELP = PREVIEW_KEYS  # tui/preview_words.py: the words, with the rest of the preview's
    """Dismisses with the batch ID committed ("B3"), or None when nothing was committed."""

    CSS_PATH = "import_preview.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("c", "commit", N_("Commit")),
        Binding("r", "replan", N_("Preview again")),
        Binding("right_square_bracket", "tab(1)", N_("Next tab"), key_display="]"),
        Binding("left_square_bracket", "tab(-1)", N_("Prev tab"), key_display="["),
        Binding("s", "save_failed", N_("Save failed rows")),
        Binding("h", "history", N_("History")),
        Binding("escape,q", "back", N_("Back")),
        HELP_BINDING,
    ]

    @dataclass
    class Committed(Message):
        result: ImportOutcome

    @dataclass
    class Planned(Message):
        generation: int
        plan: ImportPlan

    @dataclass
    class Saved(Message):
        path: Path
        rows: int

    @dataclass
    class Failed(Message):
        error: CustbookError
        stage: str  # "commit", "plan" or "save"

    def __init__(
        self,
        session: Session,
        plan: ImportPlan,
        *,
        path: Path | None = None,
        emails: tuple[str, ...] = (),
        source: str = "",
    ) -> None:
        super().__init__()
        self.session = session
        self.plan = plan
        self.path = path or Path(plan.file_name)  # the file read: the failed rows are saved next to it
        self.emails = emails
        self.source = source  # "UTF-8, comma-delimited, 12 rows", as read
        self.busy = ""  # "commit" or "plan" while a worker runs
        self.stale = False  # the store changed since this plan: commit refused until previewed again
        self.done: ImportOutcome | None = None  # set once the commit ran
        self._generation = 0
        self.rows: PlanRows  # the tabs' lines of `plan`, made when it is shown
        self._filled = FilledTabs()  # the tabs filled so far, and the wrapped ones' widths
        self._outcome = ""

    # --- layout --------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        plan = self.plan
        yield Static(preview_title(self.session, plan, self.source), id="title")
        with Horizontal(id="bar"):
            yield Static(id="counts")
            yield Button(_("Commit…"), variant="primary", id="commit", compact=True)
        yield Static(id="note")
        with Horizontal(id="busy"):
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="progress")
            yield Static(id="stage")
        with Vertical(id="result"):
            yield Static(id="outcome")
            with Horizontal(id="save-row"):
                yield Input(id="failed-path", compact=True)
                yield Button(_("Save failed rows"), id="save", compact=True)
            yield Button(_("Done"), variant="primary", id="done", compact=True)
        with TabbedContent(id="tabs"):
            for pane in told_tabs(plan):  # without List, no Erased nor Unchanged tab
                with TabPane(tab_title(pane, plan), id=pane):
                    if pane == "blanked":
                        yield Static(id="blanked-warning")
                    yield DataTable(id=f"{pane}-table", cursor_type="row", zebra_stripes=True)
                    yield Static(classes="more")
        yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#failed-path", Input).value = str(imports.failed_rows_path(self.path))
        if "blanked" in told_tabs(self.plan):
            self.query_one("#tabs", TabbedContent).get_tab("blanked").add_class("danger")
        self._show_plan()

    def _show_plan(self) -> None:
        """Show `self.plan`: counts, tab titles, the policy's note; the tables are filled when first shown."""
        plan = self.plan
        warning = f"bold {self.app.theme_variables.get('warning', 'yellow')}"
        error = f"bold {self.app.theme_variables.get('error', 'red')}"
        self.rows = PlanRows(plan, self.session.catalogue, self.session.date_format, warning)
        self.query_one("#counts", Static).update(counts_text(plan, warning, error))
        tabs = self.query_one("#tabs", TabbedContent)
        sizes = self.rows.sizes()
        show_titles(tabs, plan, sizes)
        self._note()
        self._filled.empty(tabs, sizes)
        first = next((p for p, n in sizes.items() if n), "new")
        if tabs.active == first:
            self._fill(first)
            self._show_detail(first, 0)
        tabs.active = first
        self._focus_table()

    def _note(self, text: str = "", error: bool = False) -> None:
        if not text:
            text, error = plan_note(self.plan, self.stale)
        note = self.query_one("#note", Static)
        note.update(Text(text))
        note.set_class(error, "error")
        self._sync()

    # --- the tabs ------------------------------------------------------------------------------------------

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._fill(event.pane.id)
            self._show_detail(event.pane.id, self.query_one(f"#{event.pane.id}-table", DataTable).cursor_row)

    def _fill(self, pane: str) -> None:
        if pane in self._filled.details:
            return
        rows, table = self.rows.tab(pane), self.query_one(f"#{pane}-table", DataTable)
        more = self.query_one(f"#{pane} .more", Static)
        self._filled.fill(pane, rows, table, more, self.size.width or self.app.size.width)

    def on_resize(self) -> None:
        # The messages wrap to the width: another width, other lines (only the tabs filled, when widths change).
        for pane in self._filled.wrapped:
            table = self.query_one(f"#{pane}-table", DataTable)
            self._filled.refit(pane, table, self.size.width or self.app.size.width)

    @on(DataTable.RowSelected, "#fields-table")
    def _field_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a field: every change of that field, paged from the plan (the tabs stop at 2,000 lines)."""
        from tui.screens.field_changes import FieldChanges

        field = self.rows.field_of_line(event.cursor_row)
        if field is not None:
            self.app.push_screen(FieldChanges(self.session, self.plan, field))

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        pane = (event.data_table.id or "").removesuffix("-table")
        # Only the tab shown speaks on the line under it (a hidden tab filled again for a new width moves its cursor).
        if pane and pane == self.query_one("#tabs", TabbedContent).active:
            self._show_detail(pane, event.cursor_row)

    def _show_detail(self, pane: str, row: int) -> None:
        """The highlighted line in full under the table (values and messages are cut to fit the columns)."""
        self.query_one("#detail", Static).update(Text(self._filled.detail(pane, row)))

    def action_tab(self, step: int) -> None:
        """Show the next or previous tab."""
        tabs = self.query_one("#tabs", TabbedContent)
        panes = told_tabs(self.plan)
        tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]
        self._focus_table()

    def _focus_table(self) -> None:
        active = self.query_one("#tabs", TabbedContent).active
        if active and self.done is None:
            self.call_after_refresh(self.query_one(f"#{active}-table", DataTable).focus)

    # --- commit --------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("commit", "replan") and self.done:
            return False  # committed: only the result's keys remain
        if action == "commit":
            plan = self.plan
            possible = plan.commits_anything or plan.rejected
            return None if (self.busy or self.stale or not possible) else True
        if action == "replan":
            return None if self.busy else True
        if action == "save_failed":
            return bool(self.done and self.plan.failed and not self.busy)
        if action == "history":  # the result says "To undo it: h (history)" (not to a user without List)
            return bool(self.done and self.done.batch and self.plan.shows_old and not self.busy)
        return True

    def _sync(self) -> None:
        """The footer's keys and the Commit button follow what is possible now."""
        self.refresh_bindings()
        self.query_one("#commit", Button).disabled = self.check_action("commit", ()) is not True

    def action_commit(self) -> None:
        """Commit the import as previewed, after a confirmation."""
        if self.check_action("commit", ()) is not True:
            return
        self.app.push_screen(commit_dialog(self.plan), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if not yes:
            # With erased fields Cancel has the focus, so an Enter pressed out of habit lands here: say so.
            self.notify(_("Not committed: nothing was changed. Press c to commit."), title=_("Cancelled"), markup=False)
            return
        if self.check_action("commit", ()) is not True:
            return
        self._busy("commit", committing(self.plan))
        self._commit(self.plan)

    @work(thread=True, exclusive=True, group="import-commit")
    def _commit(self, plan: ImportPlan) -> None:
        try:
            result = commit_plan(self.session, plan)
        except CustbookError as exc:
            self.post_message(self.Failed(exc, "commit"))
            return
        self.post_message(self.Committed(result))
        if self.emails:  # a message that is not sent is a warning; the import stands
            text, severity = email_said(result, self.emails)
            self.app.call_from_thread(self.app.notify, text, severity=severity, markup=False)

    def on_import_preview_committed(self, message: Committed) -> None:
        self._idle()
        self.done = message.result
        plan, batch = self.plan, message.result.batch
        text = outcome(plan, batch)
        self._outcome = text
        self.query_one("#outcome", Static).update(Text(text))
        self.query_one("#save-row").display = bool(plan.failed)
        self.add_class("done")
        self._note(_("Committed as batch {batch}.").format(batch=batch) if batch else _("The store was not changed."))
        # With failed rows, on the Save button rather than in its path: Enter saves them there all the same, and the
        # keys the result names (s, h) work instead of being typed over the path (Shift+Tab edits it).
        self.query_one("#save" if plan.failed else "#done").focus()

    def action_history(self) -> None:
        """The history, newest batch first: the one just committed, which u undoes."""
        if self.check_action("history", ()) is not True:
            return
        from tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.session), self._history_closed)

    def _history_closed(self, undid: bool | None) -> None:
        # Only looked: back to this result (its failed rows can still be saved). Undid a batch: this result no
        # longer stands, so on to the list, which reloads as after Done.
        if undid and not self.busy:
            self.action_back()

    # --- preview again -------------------------------------------------------------------------------------

    def action_replan(self) -> None:
        """Compare the file with the store again (after someone else changed it)."""
        if self.check_action("replan", ()) is not True:
            return
        self._generation += 1
        self._busy("plan", comparing(self.plan))
        self._plan(self._generation, self.plan)

    @work(thread=True, exclusive=True, group="import-replan")
    def _plan(self, generation: int, old: ImportPlan) -> None:
        try:
            plan = replan(self.session, old)
        except CustbookError as exc:
            self.post_message(self.Failed(exc, "plan"))
            return
        self.post_message(self.Planned(generation, plan))

    def on_import_preview_planned(self, message: Planned) -> None:
        if message.generation != self._generation:
            return  # cancelled with Escape
        self._idle()
        self.plan, self.stale = message.plan, False
        self._show_plan()
        self.notify(_("Previewed again against the store as it is now."))

    # --- result --------------------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"commit": self.action_commit, "save": self.action_save_failed, "done": self.action_back}
        if event.button.id in actions:
            actions[event.button.id]()

    @on(Input.Submitted, "#failed-path")
    def _path_entered(self) -> None:
        self.action_save_failed()

    def action_save_failed(self) -> None:
        """Save the failed rows as a CSV to fix and import again."""
        if self.check_action("save_failed", ()) is not True:
            return
        text = self.query_one("#failed-path", Input).value.strip()
        if not text:
            self.query_one("#failed-path", Input).focus()
            return
        target = Path(text).expanduser()
        self._busy("save", saving(self.plan))
        self._save(self.plan, target)

    @work(thread=True, exclusive=True, group="import-save")
    def _save(self, plan: ImportPlan, target: Path) -> None:
        try:
            written = save_failed(self.session, plan, target, self.path)
        except CustbookError as exc:
            self.post_message(self.Failed(exc, "save"))
            return
        self.post_message(self.Saved(written.resolve(), plan.failed))

    def on_import_preview_saved(self, message: Saved) -> None:
        self._idle()
        text = saved(message.rows, message.path)
        self._outcome += f"\n{safe_text(text)}."
        self.query_one("#outcome", Static).update(Text(self._outcome))
        self.notify(text, title=_("Failed rows saved"), markup=False)
        self.query_one("#done", Button).focus()

    def on_import_preview_failed(self, message: Failed) -> None:
        self._idle()
        if message.stage == "commit" and isinstance(message.error, Conflict):
            self.stale = True
            self._note()
        self._error(message.error)

    # --- busy, errors, leaving -----------------------------------------------------------------------------

    def _busy(self, what: str, text: str) -> None:
        self.busy = what
        hint = "  " + _("(Escape cancels)") if what == "plan" else ""
        self.query_one("#stage", Static).update(Text(text + hint))
        self.query_one("#busy").add_class("shown")
        self._sync()

    def _idle(self) -> None:
        self.busy = ""
        self.query_one("#busy").remove_class("shown")
        self._sync()

    def _error(self, error: CustbookError) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self.app.push_screen(ErrorDialog(error))

    def action_back(self) -> None:
        """Go back without committing (after the commit: done)."""
        if self.busy == "commit":
            self.notify(_("The commit is running: it stores everything or nothing, and cannot be stopped now."))
            return
        if self.busy == "plan":
            self._generation += 1  # the new plan is ignored; the old one stays, still marked stale
            self.workers.cancel_group(self, "import-replan")
            self._idle()
            return
        if self.busy == "save":
            return
        self.dismiss(self.done.batch if self.done else None)
