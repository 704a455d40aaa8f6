"""ImportMapping: the column-mapping step of an import (issue 14): a file from another product, read but not yet
planned, shown column by column with its first values and the field each column will feed, for the user to check and
change before the preview.

Owns the step's keys and how the proposal looks: the mapping it started from (a saved one that fits, else the
built-in one the file looks like: "Using the google-contacts mapping"), another mapping or none (m), the row the
column names are on (h, among the rows at the top of the file), a column's field from a picker with type-to-search
(Enter), another field for it (a), a column left out (s), the required fields still unfed and what cannot work yet
(updated on every change; F5 refused until it can), how rows without an ID get one (generate, match by), and
saving the choices as a mapping, private or shared with other users (Ctrl+S). The proposal itself, its rules and
the mapping it makes are `services.mapping_step`'s; this screen only renders it and replaces it on each change (a
`reactive`). Listing and saving mappings and reading the file from another header row run in workers. It dismisses
with the proposal to plan with, or None to go back to the file and its options; the import screen plans and opens
the preview. Its words are in the user's language (core.i18n).

Its parts elsewhere: the rows' words and lines in `tui/mapping_rows.py`, its own words (title line, the mapping
used, why it cannot go on yet, the pickers' titles and hints, what it notifies) in `tui/mapping_words.py`, filling
the table and fitting the keys row in `tui/mapping_table.py`, the workers' calls in `tui/mapping_work.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Select, Static

from core.errors import CustbookError
from core.i18n import N_, _
from core.mapping import ColumnMapping
from services.mapping_columns import StepColumn
from services.mapping_step import MappingProposal
from services.mappings import MappingEntry
from tui import mapping_table, mapping_words, mapping_work
from tui.mapping_rows import (
    NONE,
    STEP_KEYS,
    column_widths,
    detail,
    field_items,
    header_items,
    header_rows,
    mapping_items,
    match_options,
    unfed_sentence,
)
from tui.screens.help import HELP_BINDING, WithHelp
from tui.screens.picker_dialog import PickerDialog
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import safe_text
from tui.widgets.ticks import TickBox


class ImportMapping(WithHelp, Screen[MappingProposal | None]):
    HELP_TITLE = N_("Keys of the column mapping")
    KEY_HELP = STEP_KEYS  # tui/mapping_rows.py: the words, with the rest of the step's
    """Dismisses with the proposal to plan with (its mapping and key options), or None to go back."""

    CSS_PATH = "import_mapping.tcss"
    # At 80 columns the footer holds six keys; a and s are on the table's border, and every key is in F1.
    BINDINGS = [
        Binding("f5,ctrl+r", "preview", N_("Preview"), key_display="F5"),
        Binding("a", "add", N_("Also feed"), show=False),
        Binding("s,delete", "skip", N_("Skip"), key_display="s", show=False),
        Binding("h", "header_row", N_("Header row")),
        Binding("v", "value", N_("Value"), show=False),
        Binding("m", "mappings", N_("Mapping")),
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "back", N_("Back")),
        HELP_BINDING,
    ]

    proposal: reactive[MappingProposal | None] = reactive(None, init=False)

    @dataclass
    class Listed(Message):
        entries: list[MappingEntry]

    @dataclass
    class Saved(Message):
        name: str
        mapping: ColumnMapping
        public: bool

    @dataclass
    class Proposed(Message):
        """The file read again from the header row the user chose."""

        proposal: MappingProposal

    @dataclass
    class Failed(Message):
        error: CustbookError

    def __init__(self, session: Session, proposal: MappingProposal, *, offline: bool = False) -> None:
        super().__init__()
        self.session = session
        self.offline = offline  # the import is queued as a job, not previewed
        self.set_reactive(ImportMapping.proposal, proposal)
        self._widths = column_widths(80)
        self._match_options: list[tuple[str, str]] = []

    @property
    def current(self) -> MappingProposal:
        assert self.proposal is not None
        return self.proposal

    # --- layout --------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        p = self.current
        yield Static(id="title")
        yield Static(id="using")
        table: DataTable[Text] = DataTable(id="columns", cursor_type="row", zebra_stripes=True)
        table.border_title = _("Enter field · a also feed · s skip")
        yield table
        yield Static(id="detail")
        yield Static(id="unfed")
        yield Static(id="problem")
        with Horizontal(id="keys", classes="row"):
            yield TickBox(_("Generate IDs for rows without one"), p.keys.generate, id="generate", compact=True)
            with Horizontal(id="match-row"):
                yield Label(_("Match by"), classes="label")
                # Made with the proposal's choice: a Select says its first value (Changed) once mounted.
                self._match_options = match_options(p)
                value = p.keys.match if p.keys.match in p.matchable else NONE
                yield Select(self._match_options, value=value, allow_blank=False, id="match", compact=True)
        with Horizontal(id="save-row", classes="row"):
            # No Back button (Escape, in the footer): at 80 columns the row holds the name, Shared and two buttons.
            yield Label(_("Save as"), classes="label")
            yield Input(placeholder=_("a name"), id="name", compact=True, max_length=80)
            yield TickBox(_("Shared with other users"), False, id="public", compact=True)
            yield Button(_("Save"), id="save", compact=True)
            preview = _("Queue job") if self.offline else _("Preview")
            yield Button(preview, variant="primary", id="preview", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self._build_table()
        self._show(self.current)
        self.query_one("#columns", DataTable).focus()

    def on_resize(self) -> None:
        self._build_table()
        self.call_after_refresh(self._fit_keys)

    def _fit_keys(self) -> None:
        """ "Match by" under "Generate IDs" where the line is too short for both and its longest choice."""
        keys, tick = self.query_one("#keys"), self.query_one("#generate", TickBox)
        label = self.query_one("#match-row Label", Label)
        if not tick.size.width:
            return  # not laid out yet: the resize that follows fits it
        width = self.size.width or self.app.size.width
        keys.set_class(mapping_table.keys_stacked(keys, tick, label, self._match_options, width), "stacked")

    def _build_table(self) -> None:
        self._widths = column_widths(self.size.width or 80)
        mapping_table.fill_table(self.query_one("#columns", DataTable), self.current, self._widths)

    # --- showing the proposal ------------------------------------------------------------------------------

    def watch_proposal(self, old: MappingProposal | None, proposal: MappingProposal | None) -> None:
        if proposal is None or not self.is_mounted:
            return
        table: DataTable[Text] = self.query_one("#columns", DataTable)
        if old is None or proposal.table is not old.table or table.row_count != len(proposal.columns):
            # Another header row or mapping: other columns may be listed.
            self._build_table()
        else:
            mapping_table.update_feeds(table, proposal, self._widths)
        self._show(proposal)

    def _show(self, p: MappingProposal) -> None:
        self.query_one("#title", Static).update(mapping_words.step_title(self.session, p))
        self.query_one("#using", Static).update(mapping_words.using_line(p))
        self._show_detail()
        text, warning = unfed_sentence(p)
        unfed = self.query_one("#unfed", Static)
        unfed.update(Text(text))
        unfed.set_class(warning, "warning")
        problem = self.query_one("#problem", Static)
        blocked = p.queue_problem(queued=self.offline)
        problem.update(Text(mapping_words.cannot_yet(blocked, offline=self.offline) if blocked else ""))
        problem.set_class(blocked is not None, "shown")
        self._show_keys(p)

    def _show_keys(self, p: MappingProposal) -> None:
        generate = self.query_one("#generate", TickBox)
        match: Select[str] = self.query_one("#match", Select)
        options = match_options(p)
        with self.prevent(Checkbox.Changed, Select.Changed):
            generate.value = p.keys.generate
            if options != self._match_options:
                match.set_options(options)
                self._match_options = options
                self.call_after_refresh(self._fit_keys)
            match.value = p.keys.match if p.keys.match in p.matchable else NONE

    @on(DataTable.RowHighlighted, "#columns")
    def _show_detail(self) -> None:
        column = self._column()
        if column is None:
            return
        self.query_one("#detail", Static).update(detail(self.current, column))

    def _column(self) -> StepColumn | None:
        table = self.query_one("#columns", DataTable)
        columns = self.current.columns
        return columns[table.cursor_row] if 0 <= table.cursor_row < len(columns) else None

    # --- changing it ---------------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#columns")
    def _choose(self) -> None:
        self._pick(add=False)

    def action_add(self) -> None:
        """Let the highlighted column feed another field too."""
        self._pick(add=True)

    def action_skip(self) -> None:
        """Leave the highlighted column out of the import."""
        table = self.query_one("#columns", DataTable)
        if self._column() is not None:
            self.proposal = self.current.skip(table.cursor_row)

    def _pick(self, *, add: bool) -> None:
        column = self._column()
        if column is None:
            return
        position = self.query_one("#columns", DataTable).cursor_row
        p = self.current
        items = field_items(p, column, add=add)
        shown = safe_text(column.shown)
        title, hint = mapping_words.pick_words(shown, add=add)
        current = None if add else (column.fields[0] if column.fields else NONE)

        def chosen(value: str | None) -> None:
            if value is None:
                return
            if value == NONE:
                self.proposal = p.skip(position)
                return
            moved = [] if add else [c.shown for c in p.feeders.get(value, ()) if c.index != column.index]
            self.proposal = p.add(position, value) if add else p.choose(position, value)
            if moved:
                self.notify(mapping_words.moved_notice(p.catalogue[value].shown_label, shown, moved), markup=False)

        self.app.push_screen(PickerDialog(title, items, current=current, hint=hint), chosen)

    def action_value(self) -> None:
        """One value for every new customer, for a required field no column feeds and whose values are a list."""
        p = self.current
        fields = p.valued()
        if not fields:
            self.notify(mapping_words.no_value_needed())
            return
        field = p.catalogue[fields[0]]
        title, items, hint = mapping_words.value_picker(field)

        def chosen(value: str | None) -> None:
            if value is not None:
                self.proposal = self.current.with_default(field.id, value)
                self.notify(mapping_words.value_notice(field, value), markup=False)

        self.app.push_screen(PickerDialog(title, items, hint=hint), chosen)

    @on(Checkbox.Changed, "#generate")
    def _generate_changed(self, event: Checkbox.Changed) -> None:
        p = self.current
        if event.value != p.keys.generate:
            self.proposal = p.with_keys(replace(p.keys, generate=event.value))

    @on(Select.Changed, "#match")
    def _match_changed(self, event: Select.Changed) -> None:
        p = self.current
        value = None if event.value in (NONE, Select.BLANK) else str(event.value)
        if value != p.keys.match:
            self.proposal = p.with_keys(replace(p.keys, match=value))

    # --- another header row --------------------------------------------------------------------------------

    def action_header_row(self) -> None:
        """Choose the row that holds the column names."""
        p = self.current
        if p.raw is None:
            return
        now = p.table.header_row

        def chosen(value: str | None) -> None:
            if value is not None and int(value) != now:
                self._reheader(int(value))

        title, hint = mapping_words.header_words(now)
        items = header_items(header_rows(p.raw))
        self.app.push_screen(PickerDialog(title, items, current=str(now), hint=hint), chosen)

    @work(thread=True, exclusive=True, group="mapping-header")
    def _reheader(self, number: int) -> None:
        raw = self.current.raw
        assert raw is not None
        try:
            proposal = mapping_work.reheader(self.session, raw, number)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Proposed(proposal))

    def on_import_mapping_proposed(self, message: Proposed) -> None:
        self.proposal = message.proposal
        self.query_one("#columns", DataTable).move_cursor(row=0)
        self._show_detail()

    # --- another mapping -----------------------------------------------------------------------------------

    def action_mappings(self) -> None:
        """Choose another mapping (saved or built in), or none."""
        self._list()

    @work(thread=True, exclusive=True, group="mapping-list")
    def _list(self) -> None:
        try:
            entries = mapping_work.mappings(self.session)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Listed(entries))

    def on_import_mapping_listed(self, message: Listed) -> None:
        p = self.current
        items = mapping_items(p, message.entries, self.session.user.name)
        entries = message.entries

        def chosen(value: str | None) -> None:
            if value is None:
                return
            mapping = None if value == NONE else entries[int(value)].mapping
            self.proposal = self.current.with_mapping(mapping)
            self.query_one("#columns", DataTable).move_cursor(row=0)
            if self.current.unusable:
                self.notify(self.current.unusable, severity="warning", markup=False)

        title, hint = mapping_words.mappings_words()
        now = p.preselected.name if p.preselected is not None else None
        current = next((str(at) for at, e in enumerate(entries) if now is not None and e.name == now), NONE)
        self.app.push_screen(PickerDialog(title, items, current=current, hint=hint), chosen)

    # --- saving, leaving -----------------------------------------------------------------------------------

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Save the choices as a mapping under the name typed (shared with other users when ticked)."""
        box = self.query_one("#name", Input)
        name = box.value.strip()
        if not name:
            box.focus()
            self.notify(mapping_words.name_needed(), severity="warning", markup=False)
            return
        self._save(name, self.current.mapping(), self.query_one("#public", Checkbox).value)

    @work(thread=True, exclusive=True, group="mapping-save")
    def _save(self, name: str, mapping: ColumnMapping, public: bool) -> None:
        try:
            saved = mapping_work.save_as(self.session, name, mapping, public=public)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Saved(saved, mapping, public))

    def on_import_mapping_saved(self, message: Saved) -> None:
        p = self.current
        if (p.mapping().columns, p.mapping().joins) == (message.mapping.columns, message.mapping.joins):
            self.proposal = p.saved(message.name)
        text, title = mapping_words.saved_notice(message.name, public=message.public)
        self.notify(text, title=title, markup=False)

    def on_import_mapping_failed(self, message: Failed) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self.app.push_screen(ErrorDialog(message.error))

    @on(Button.Pressed, "#preview")
    def action_preview(self) -> None:
        """Preview the import with these columns (once the mapping can work)."""
        if self.current.queue_problem(queued=self.offline) is not None:
            # The line above the options already says what to do: it flashes, rather than a toast over the screen.
            problem = self.query_one("#problem", Static)
            problem.add_class("flash")
            self.set_timer(1.5, lambda: problem.remove_class("flash"))
            self.app.bell()
            return
        self.dismiss(self.current)

    def action_back(self) -> None:
        """Back to the file and its options."""
        self.dismiss(None)
