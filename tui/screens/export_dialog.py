"""ExportDialog: choose a format, a file name and a date format, then export the current view with a progress bar.

Owns collecting the choices (the proposed file name follows the view, today's date and the format), asking before
it replaces a file, and running the export in a thread worker that posts progress and can be cancelled with Escape.
It never chooses rows, decides where a file may go, or writes bytes itself: `services.export` does, as for
`custbook export` (it refuses the open store as a target, builds the table and writes it to a temporary name renamed
into place), so a cancelled or failed export leaves no file behind.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, ProgressBar, Select, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from core.errors import CustbookError, PermissionDenied, UsageError
from core.i18n import N_, _, group_digits, ngettext
from core.values import DateFormat
from core.viewdef import View, shown_view_name
from formats.writer import Writer, get_writer, writers
from services.export import check_target, export_file, require_export
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.field_inputs import shown_pattern
from tui.widgets.grid import safe_text

DEFAULT_FORMAT = "xlsx"
HINT = N_("↑↓ format · Tab next field · Enter export · Escape cancel")


def today() -> dt.date:
    """The date in proposed file names (a function, so tests can fix it)."""
    return dt.date.today()


def working_folder() -> Path:
    """Where a file name without a folder goes: the folder custbook was started in."""
    return Path.cwd()


def proposed_name(view_name: str, extension: str, day: dt.date) -> str:
    """`all-customers-2026-11-28.xlsx`: letters, digits and hyphens only, so it is safe in any shell or share."""
    plain = unicodedata.normalize("NFKD", view_name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-") or "customers"
    return f"{slug}-{day.isoformat()}{extension}"


# Three formats write .csv: each proposes its own ending, so that exporting one after another does not offer to
# replace the file just written.
_ENDINGS = {"import-csv": "-for-import.csv", "csv-semicolon": "-semicolon.csv"}


def name_ending(writer: Writer) -> str:
    """What a proposed file name ends with for this format: its extension, or a suffix and the extension."""
    return _ENDINGS.get(writer.name, writer.extension)


def with_extension(name: str, extension: str, known: Iterable[str]) -> str:
    """The name with a known export extension swapped for `extension` (other names get it added)."""
    for ext in sorted(set(known), key=len, reverse=True):
        if name.lower().endswith(ext):
            return name[: -len(ext)] + extension
    return name + extension


def shown_folder(folder: Path) -> str:
    home = Path.home()
    if folder == home or home in folder.parents:
        return "~/" + str(folder.relative_to(home)) if folder != home else "~"
    return str(folder)


class ExportCancelled(Exception):
    """Raised inside the worker when the user cancelled: unwinds the writer, which removes its temporary file."""


class ExportDialog(WithHelp, ModalScreen[Path | None]):
    HELP_TITLE = N_("Keys of the export")
    KEY_HELP = (
        ("↑ ↓", N_("choose the format: CSV, CSV for import, Excel, Word, PDF")),
        ("Tab  Shift+Tab", N_("next / previous box")),
        ("Enter", N_("export (asks before replacing a file)")),
        ("Escape", N_("cancel")),
    )
    CSS_PATH = "export_dialog.tcss"
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Cancel the export running, or close the dialog")),
        HELP_BINDING,
    ]

    @dataclass
    class Formats(Message):
        writers: dict[str, Writer]

    @dataclass
    class Started(Message):
        total: int

    @dataclass
    class Progress(Message):
        done: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ExportDialog.Progress)

    @dataclass
    class Done(Message):
        path: Path
        rows: int
        note: str | None = None

    @dataclass
    class Failed(Message):
        error: CustbookError

    @dataclass
    class Cancelled(Message):
        pass

    def __init__(self, session: Session, view: View) -> None:
        super().__init__()
        self.session = session
        self.view = view
        # The other formats load in a worker (PDF's library takes a third of a second to import): the dialog opens
        # at once, ready to export to Excel.
        self.writers: dict[str, Writer] = {DEFAULT_FORMAT: get_writer(DEFAULT_FORMAT)}
        self._format = DEFAULT_FORMAT
        self._worker: Worker[None] | None = None
        self._began = threading.Event()  # set by the worker thread once it runs
        try:
            require_export(session.user)
            self.refusal = ""
        except PermissionDenied as exc:
            self.refusal = str(exc)

    @property
    def writer(self) -> Writer:
        return self.writers[self._format]

    def compose(self) -> ComposeResult:
        # The file is named after the view as the user reads it (the built-in view's name in their language).
        name = proposed_name(shown_view_name(self.view.name), name_ending(self.writer), today())
        before, _name, after = _("Export {view}").partition("{view}")
        title = Text.assemble(before, (safe_text(shown_view_name(self.view.name)), "bold"), after)
        with Vertical(id="dialog"):
            yield Static(title, id="title")
            yield OptionList(*(Option(self._prompt(key), id=key) for key in self.writers), id="formats")
            with Horizontal(id="fields"):
                with Vertical(id="name-box"):
                    yield Label(_("File name"))
                    yield Input(name, id="name", select_on_focus=False)  # a stray key must not replace the name
                with Vertical(id="date-box"):
                    yield Label(_("Date format"))
                    # Dates in files: cli.md's default, whatever the region the screen follows.
                    yield Select(
                        [(shown_pattern(f), f) for f in DateFormat], value=self.session.file_date_format,
                        allow_blank=False, id="date-format",
                    )  # fmt: skip
            folder = _("in {folder}").format(folder=safe_text(shown_folder(working_folder())))
            yield Static(Text(folder), id="folder")
            yield ProgressBar(show_eta=False, id="progress")
            yield Static(id="status")
            with Horizontal(id="buttons"):
                yield Button(_("Export"), variant="primary", id="export", disabled=bool(self.refusal))
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        formats = self.query_one("#formats", OptionList)
        formats.highlighted = 0
        formats.focus()
        self.call_after_refresh(self._cursor_before_extension)  # after the box has put it at the end of its value
        if self.refusal:
            self._say(self.refusal, "error")
        else:
            self._say(_(HINT), "hint")
        self._load_formats()

    @work(thread=True, exclusive=True, group="export-formats")
    def _load_formats(self) -> None:
        self.post_message(self.Formats(writers()))

    def on_export_dialog_formats(self, message: Formats) -> None:
        self.writers = message.writers
        formats = self.query_one("#formats", OptionList)
        formats.set_options(Option(self._prompt(key), id=key) for key in self.writers)
        formats.highlighted = list(self.writers).index(self._format)

    def _say(self, text: str, kind: str = "") -> None:
        status = self.query_one("#status", Static)
        status.set_classes(kind)
        status.update(Text(safe_text(text)))

    # --- choices -------------------------------------------------------------------------------------------

    def _prompt(self, key: str) -> Text:
        mark = "◉ " if key == self._format else "○ "
        return Text.assemble(mark, _(self.writers[key].description))

    @on(OptionList.OptionHighlighted, "#formats")
    def _format_chosen(self, event: OptionList.OptionHighlighted) -> None:
        # Moving through the list chooses: no separate "select" step to forget before pressing Enter.
        if event.option.id is None or event.option.id == self._format:
            return
        formats = event.option_list
        old, self._format = self._format, event.option.id
        for key in (old, self._format):
            formats.replace_option_prompt(key, self._prompt(key))
        box = self.query_one("#name", Input)
        known = {name_ending(w) for w in self.writers.values()} | {w.extension for w in self.writers.values()}
        box.value = with_extension(box.value.strip(), name_ending(self.writer), known)
        self._cursor_before_extension()

    def _cursor_before_extension(self) -> None:
        """Put the name's cursor just before the format's extension, as a Save dialog selects the name alone.

        Whenever the dialog proposes a name (on opening, when the format changes), the cursor was left where it
        happened to be: mid-name after a shorter name, so a key typed there spliced the old name into the new.
        Before the extension rather than at the end, since the extension follows the format chosen above: what is
        typed goes into the name (`-final` lands before `.xlsx`), and Ctrl+U clears the name but keeps the extension.
        """
        box = self.query_one("#name", Input)
        extension = self.writer.extension
        end = len(box.value)
        box.cursor_position = end - len(extension) if box.value.lower().endswith(extension) else end

    def _target(self) -> Path | None:
        """The path typed, resolved against the working folder; None (with the reason shown) when unusable."""
        text = self.query_one("#name", Input).value.strip()
        extensions = {w.extension for w in self.writers.values()}
        if not text or Path(text).name.lower() in extensions:  # ".csv" is no name: Ctrl+U cleared it up to the cursor
            self._say(_("Type a file name."), "error")
            return None
        path = Path(text).expanduser()
        path = path if path.is_absolute() else working_folder() / path
        if path.is_dir():
            self._say(_("{path} is a folder: type a file name.").format(path=path), "error")
            return None
        suffix = path.suffix.lower()
        own = self.writer.extension
        others = extensions - {own}
        if suffix in others:
            said = _("The name ends in {suffix} but the format is {format}: change one of them.")
            self._say(said.format(suffix=suffix, format=self.writer.name), "error")
            return None
        try:
            # Before asking whether to replace it: the open store is never a file to replace (checked as typed,
            # then with the extension added below).
            check_target(self.session.store, path)
            if suffix != own:
                # Only the format's own extension counts, as in Excel's Save dialog: a name without it ("q", one
                # stray key typed over the whole name; "report.v2"; "...xlsxq", one typed after it) gets it added,
                # so the file opens in the program it is for and the stray letters stay visible in its name.
                path = path.with_name(path.name.rstrip(".") + own)
                check_target(self.session.store, path)
        except UsageError as exc:
            self._say(str(exc), "error")
            return None
        return path

    @on(OptionList.OptionSelected, "#formats")
    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        """Export the view to the file."""
        if self.refusal or self._worker is not None:
            return
        path = self._target()
        if path is None:
            return
        if not path.exists():
            self._start(path)
            return
        from tui.screens.confirm_dialog import ConfirmDialog

        def answered(replace_it: bool | None) -> None:
            if replace_it:
                self._start(path)

        question = ConfirmDialog(
            _("Replace the file?"),
            _("{path} already exists.\nExporting replaces it.").format(path=path),
            _("Replace"),
            danger=True,
        )
        self.app.push_screen(question, answered)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Cancel the export running, or close the dialog."""
        if self._worker is not None:
            self._worker.cancel()
            if self._began.is_set():
                self._say(_("Cancelling…"))  # the worker stops at its next check and says so
            else:
                # Cancelled before its thread ran: it never will (or stops at its first check), so nothing to wait for.
                self.post_message(self.Cancelled())
            return
        self.dismiss(None)

    # --- exporting -----------------------------------------------------------------------------------------

    def _start(self, path: Path) -> None:
        date_format = self.query_one("#date-format", Select).value
        assert isinstance(date_format, DateFormat)
        self._set_busy(True)
        self._say(_("Exporting to {path}…").format(path=path))
        self._began = threading.Event()
        self._worker = self._export(self.writer, path, date_format, self._began)

    def _set_busy(self, busy: bool) -> None:
        for selector in ("#formats", "#name", "#date-format", "#export"):
            self.query_one(selector).disabled = busy
        self.query_one("#progress").set_class(busy, "shown")
        if busy:
            self.query_one("#cancel", Button).focus()
        else:
            self._worker = None
            self.query_one("#export", Button).focus()

    @work(thread=True, exclusive=True, group="export")
    def _export(self, writer: Writer, path: Path, date_format: DateFormat, began: threading.Event) -> None:
        worker = get_current_worker()
        began.set()

        def progress(done: int) -> None:
            # The service reports every few hundred rows and once more before the file is put in place: each
            # report is where a cancelled export stops (the temporary file is then removed).
            if worker.is_cancelled:
                raise ExportCancelled
            self.post_message(self.Progress(done))

        def started(total: int) -> None:
            self.post_message(self.Started(total))

        session = self.session
        try:
            progress(0)  # cancelled before it started: stop here
            done = export_file(
                session.store, path, user=session.user, writer=writer, view=self.view, entity=session.entity,
                date_format=date_format, started=started, progress=progress,
            )  # fmt: skip
        except ExportCancelled:
            self.post_message(self.Cancelled())
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
        except OSError as exc:  # a full disk, a folder without write permission...
            reason = exc.strerror or str(exc)
            said = _("Could not write {path}: {reason}").format(path=path, reason=reason)
            self.post_message(self.Failed(CustbookError(said, _("Choose another file"))))
        else:
            assert done.path is not None  # a file export always names its file
            self.post_message(self.Done(done.path.resolve(), done.rows, done.note))

    def on_export_dialog_started(self, message: Started) -> None:
        self.query_one(ProgressBar).update(total=max(1, message.total), progress=0)

    def on_export_dialog_progress(self, message: Progress) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(progress=message.done)
        if self._worker is not None and not self._worker.is_cancelled and bar.total:
            total = int(bar.total)
            said = ngettext("Exporting… {done} of {count} customer", "Exporting… {done} of {count} customers", total)
            self._say(said.format(done=group_digits(message.done), count=group_digits(total)))

    def on_export_dialog_done(self, message: Done) -> None:
        self._worker = None
        n = message.rows
        done = ngettext("Exported {count} customer to {path}", "Exported {count} customers to {path}", n).format(
            count=group_digits(n), path=message.path
        )
        if message.note:  # one message: the file is there, and what it could not hold
            self.app.notify(f"{done}. {message.note}.", title=_("Exported, but"), severity="warning", markup=False,
                            timeout=20)  # fmt: skip
        else:
            self.app.notify(done, title=_("Export done"), markup=False)
        self.dismiss(message.path)

    def on_export_dialog_failed(self, message: Failed) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self._set_busy(False)
        self._say(_("The export failed: no file was written."), "error")
        self.app.push_screen(ErrorDialog(message.error))

    def on_export_dialog_cancelled(self, message: Cancelled) -> None:
        if self._worker is None:
            return  # already said (a worker cancelled before it ran may still report)
        self._set_busy(False)
        self._say(_("Export cancelled: no file was written."))
