"""ImportScreen: choose the file to import and how to read it, then read and plan it and open the preview.

Owns the first stages of an import in the interface: the file (a browser rooted at the current folder, or a typed
path), the options (date format, encoding, what to do with failed rows, process offline, e-mail addresses), and
the worker that reads and plans the file (or checks and queues it as a job). A file from another product (columns
that name no field, or no Customer ID column) goes through the column-mapping step (`import_mapping.py`) between
reading and planning; Escape from its preview goes back to the step. It never writes customers: the
preview (`import_preview.py`) commits. Reading, planning and queueing are the import service's
(`services.imports`, `services.jobs`), the very functions `custbook import` calls, so what the preview shows is
what the command line would do. Its words are in the user's language (core.i18n): module constants (keys, help)
are marked with N_ and translated where they are shown.

Its parts, in modules of their own: its keys as F1 shows them, its title line and the notes under the options
(`tui/import_words.py`); the form's rows and the line showing the file's whole name (`tui/widgets/import_form.py`);
the request handed to the worker, a file through the mapping step (`Mapped`), and reading the e-mail and Most rows
boxes (`tui/import_request.py`). The screen keeps its messages, bindings, workers and handlers.
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
from textual.widgets import Button, Checkbox, DirectoryTree, Input, ProgressBar, Select, Static
from textual.worker import Worker, get_current_worker

from core.errors import CustbookError
from core.i18n import N_, _, current_language
from core.plan import ImportOptions, ImportPlan
from services import imports, jobs
from services.ahead import read_ahead
from services.imports import describe_source, import_refusal
from services.mapping_step import MappingProposal, propose
from tui.import_request import ImportRequest, Mapped, addresses, most_rows
from tui.import_words import IMPORT_KEYS, blank_cells_note, import_title, most_rows_asked, options_note
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.file_tree import ImportFileTree
from tui.widgets.footer import Footer
from tui.widgets.grid import safe_text
from tui.widgets.import_form import file_rows, option_rows, show_whole_name


class ImportScreen(WithHelp, Screen[str | None]):
    HELP_TITLE = N_("Keys of the import")
    KEY_HELP = IMPORT_KEYS  # tui/import_words.py: the words, with the rest of the import screen's
    """Dismisses with the batch ID committed ("B3"), the job ID queued ("J4"), or None."""

    CSS_PATH = "import_screen.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f5,ctrl+r", "preview", N_("Preview"), key_display="F5"),
        Binding("escape", "back", N_("Back")),
        HELP_BINDING,
    ]

    @dataclass
    class Stage(Message):
        """Progress: the stage the worker reached (each replaces the previous one)."""

        generation: int
        text: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ImportScreen.Stage)

    @dataclass
    class Planned(Message):
        generation: int
        request: ImportRequest
        plan: ImportPlan
        source: str
        mapped: Mapped | None = None

    @dataclass
    class NeedsMapping(Message):
        """The file is from another product: its columns are mapped before it is planned or queued."""

        generation: int
        request: ImportRequest
        mapped: Mapped

    @dataclass
    class Queued(Message):
        generation: int
        job: str
        file_name: str

    @dataclass
    class Failed(Message):
        generation: int
        error: CustbookError

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._generation = 0
        self._worker: Worker[None] | None = None
        # French labels are longer: their column is wider (tcss), the English layout stays as it was.
        self.set_class(current_language() == "fr", "-fr")

    # --- layout --------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(import_title(self.session), id="title")
        with Horizontal(id="body"):
            yield ImportFileTree(".", id="tree")
            with Vertical(id="form"):
                yield from file_rows()  # tui/widgets/import_form.py: the rows, their IDs and classes
                yield from option_rows(self.session.date_format)
                yield Static(id="note")
                yield Static(id="source")
                with Horizontal(id="busy"):
                    yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="progress")
                    yield Static(id="stage")
                with Horizontal(id="buttons"):
                    yield Button(_("Preview"), variant="primary", id="preview", compact=True)
                    yield Button(_("Back"), id="back", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        refusal = import_refusal(self.session.user)
        if refusal is not None:
            self.query_one("#preview", Button).disabled = True
            self.query_one("#preview", Button).tooltip = str(refusal)
            self._note(str(refusal), error=True)
        else:
            self._note(blank_cells_note())
        self.query_one("#tree", ImportFileTree).focus()

    def _note(self, text: str, error: bool = False) -> None:
        note = self.query_one("#note", Static)
        note.update(Text(text))
        note.set_class(error, "error")

    # --- choosing ------------------------------------------------------------------------------------------

    @on(DirectoryTree.NodeHighlighted, "#tree")
    def _file_highlighted(self, event: DirectoryTree.NodeHighlighted) -> None:
        # At 80 columns the tree cuts long names, and files exported on the same day differ only at their end:
        # the File box shows the highlighted file's whole name, as a desktop file dialog does.
        entry = event.node.data
        if entry is not None and entry.path.is_file():
            self._take(entry.path)

    @on(DirectoryTree.FileSelected, "#tree")
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self._take(event.path)
        self.query_one("#preview", Button).focus()

    def _take(self, path: Path) -> None:
        if path.is_relative_to(Path.cwd()):
            path = path.relative_to(Path.cwd())  # shorter to read, and what the user would type
        box = self.query_one("#path", Input)
        box.value = str(path)
        # A long name shows its end, where the names of one day's exports differ. The cursor is moved, not just
        # set: the box scrolls to its cursor only when it moves (and not at all for its very first value).
        box.cursor_position = 0
        box.cursor_position = len(box.value)
        self._say_source("")

    def _say_source(self, text: str) -> None:
        source = self.query_one("#source", Static)
        source.update(Text(text, style="dim"))
        source.display = bool(text)  # no empty line: at 80x24 the form needs it for the name's

    @on(Input.Changed, "#path")
    def _path_changed(self) -> None:
        show_whole_name(self)  # tui/widgets/import_form.py: when the File box cannot show the whole name

    def on_resize(self) -> None:
        self.call_after_refresh(show_whole_name, self)  # once the box has its new width

    @on(Checkbox.Changed, "#offline")
    def _offline_toggled(self, event: Checkbox.Changed) -> None:
        button = self.query_one("#preview", Button)
        button.label = _("Queue job") if event.value else _("Preview")
        if import_refusal(self.session.user) is None:
            self._note(options_note(event.value))

    @on(Input.Submitted)
    def _entered(self) -> None:
        self.action_preview()

    @on(Button.Pressed, "#preview")
    def _preview_pressed(self) -> None:
        self.action_preview()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    def _request(self) -> ImportRequest | None:
        """The form as a request; None (with the reason shown) when it is not complete. Raises InvalidValue for
        e-mail addresses or a file name that cannot go into a message."""
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self._note(_("Choose a file in the list on the left, or type its path."), error=True)
            self.query_one("#path", Input).focus()
            return None
        path = Path(text).expanduser()
        offline = self.query_one("#offline", Checkbox).value
        emails = addresses(path, self.query_one("#emails", Input).value, offline)
        most = most_rows(self.query_one("#max_rows", Input).value)
        if most is None:
            self._note(most_rows_asked(), error=True)
            self.query_one("#max_rows", Input).focus()
            return None
        return ImportRequest(
            path=path,
            date_format=self.query_one("#date_format", Select).value,  # type: ignore[arg-type]
            encoding=str(self.query_one("#encoding", Select).value),
            policy=self.query_one("#policy", Select).value,  # type: ignore[arg-type]
            offline=offline,
            emails=emails,
            max_rows=most,
        )

    # --- reading and planning ------------------------------------------------------------------------------

    def action_preview(self) -> None:
        """Read the file and show what the import will do (or queue it, when processing offline)."""
        if self._worker is not None:
            return
        refusal = import_refusal(self.session.user)
        if refusal is not None:
            self._error(refusal)
            return
        try:
            request = self._request()
        except CustbookError as exc:
            self._error(exc)
            return
        if request is None:
            return
        self._generation += 1
        self._busy(_("Reading {file}…").format(file=safe_text(request.path.name)))
        self._worker = self._run(self._generation, request)

    @work(thread=True, exclusive=True, group="import-plan")
    def _run(self, generation: int, request: ImportRequest, mapped: Mapped | None = None) -> None:
        """Read the file and plan it (or queue it); a file that needs its columns mapped stops after reading and
        comes back here with the choices (`mapped`), which it is planned or queued with."""
        worker = get_current_worker()
        session = self.session
        ahead = None
        try:
            options = request.options
            if mapped is None:
                if not request.offline:  # the store reads the file's customers while the file is read
                    ahead = read_ahead(session.store, request.path, options)
                raw = imports.read_source(request.path, options)
                if worker.is_cancelled:
                    return
                proposal = propose(session.store, raw, user=session.user)
                if proposal is not None:
                    self.post_message(self.NeedsMapping(generation, request, Mapped(raw, proposal)))
                    return
            else:
                # The table from the header row the step showed, its columns without a heading named as mapped.
                raw, options = mapped.proposal.table, mapped.proposal.options(options)
            if request.offline:
                self._queue(generation, request, options)
                return
            stage = _("Comparing the rows of {file} with the store…").format(file=safe_text(raw.name))
            self.post_message(self.Stage(generation, stage))
            plan = imports.plan(
                session.store, raw, user=session.user, entity=session.entity, options=options, ahead=ahead
            )
        except CustbookError as exc:
            self.post_message(self.Failed(generation, exc))
            return
        finally:
            if ahead is not None:
                ahead.close()
        if not worker.is_cancelled:
            # The rows below the header, as the plan counts them: title rows above it are not the file's rows.
            self.post_message(self.Planned(generation, request, plan, describe_source(plan.raw), mapped))

    def _queue(self, generation: int, request: ImportRequest, options: ImportOptions) -> None:
        """As `custbook import --offline`: the file is checked now (one that cannot be read is rejected at once)
        and its bytes queued with the options (a mapping chosen in the step among them), the user and the
        addresses."""
        stage = _("Checking and queueing {file}…").format(file=safe_text(request.path.name))
        self.post_message(self.Stage(generation, stage))
        job = jobs.submit(
            self.session.store,
            request.path,
            user=self.session.user,
            entity=self.session.entity,
            options=options,
            emails=request.emails,
        )
        self.post_message(self.Queued(generation, job.id, job.file_name))

    def on_import_screen_stage(self, message: Stage) -> None:
        if message.generation == self._generation:
            self.query_one("#stage", Static).update(Text(message.text))

    def on_import_screen_failed(self, message: Failed) -> None:
        if message.generation == self._generation:
            self._idle()
            self._error(message.error)

    def on_import_screen_queued(self, message: Queued) -> None:
        if message.generation != self._generation:
            return
        self._idle()
        self.notify(
            _("Queued as job {job}: the worker imports {file} (see it with: custbook jobs show {job}).").format(
                job=message.job, file=safe_text(message.file_name)
            ),
            title=_("Import queued"),
            markup=False,
        )
        self.dismiss(message.job)

    def on_import_screen_planned(self, message: Planned) -> None:
        if message.generation != self._generation:
            return
        self._idle()
        request = message.request
        self._say_source(
            _("Read {file}: {source}.").format(file=safe_text(message.plan.file_name), source=message.source)
        )
        from tui.screens.import_preview import ImportPreview

        preview = ImportPreview(
            self.session, message.plan, path=request.path, emails=request.emails, source=message.source
        )
        self.app.push_screen(preview, lambda batch: self._previewed(batch, request, message.mapped))

    # --- the column-mapping step ---------------------------------------------------------------------------

    def on_import_screen_needs_mapping(self, message: NeedsMapping) -> None:
        if message.generation == self._generation:
            self._idle()
            self._map(message.request, message.mapped)

    def _map(self, request: ImportRequest, mapped: Mapped) -> None:
        from tui.screens.import_mapping import ImportMapping

        def chosen(proposal: MappingProposal | None) -> None:
            if proposal is None:
                self._back_to_form(_("Change the file or its options, then Enter (or Preview) to read it again."))
                return
            self._generation += 1
            self._busy(_("Planning {file} with its columns mapped…").format(file=safe_text(request.path.name)))
            self._worker = self._run(self._generation, request, Mapped(mapped.raw, proposal))

        screen = ImportMapping(self.session, mapped.proposal, offline=request.offline)
        self.app.push_screen(screen, chosen)

    def _previewed(self, batch: str | None, request: ImportRequest, mapped: Mapped | None) -> None:
        if batch is not None:
            self.dismiss(batch)
        elif mapped is not None:
            self._map(request, mapped)  # back to the columns, as the user left them
        else:
            self._back_to_form(_("Change the file or its options, then Enter (or Preview) to preview again."))

    def _back_to_form(self, note: str) -> None:
        # Back from the preview (or the columns) to fix something: most often the file or its options, so the File
        # box has the focus (Enter previews again); on Preview, a Tab and typing went nowhere, and Enter left the
        # import.
        box = self.query_one("#path", Input)
        box.focus()
        box.select_all()  # typing a new path replaces the old one; an arrow key keeps it to edit
        self._note(note)

    # --- busy, errors, leaving -----------------------------------------------------------------------------

    def _busy(self, text: str) -> None:
        self.query_one("#stage", Static).update(Text(text + "  " + _("(Escape cancels)")))
        self.query_one("#busy").add_class("shown")
        self.query_one("#preview", Button).disabled = True

    def _idle(self) -> None:
        self._worker = None
        self.query_one("#busy").remove_class("shown")
        self.query_one("#preview", Button).disabled = import_refusal(self.session.user) is not None

    def _error(self, error: CustbookError) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self.app.push_screen(ErrorDialog(error))

    def action_back(self) -> None:
        """Cancel the reading, or go back without importing."""
        if self._worker is not None:
            self._worker.cancel()
            self._generation += 1  # whatever the worker still posts is ignored
            self._idle()
            self._note(_("Cancelled: nothing was imported."))
            return
        self.dismiss(None)
