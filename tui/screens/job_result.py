"""JobResultScreen: one finished offline import's result, preview-style: counts, errors and warnings, its failed
rows saved as a CSV, its e-mail sent again (with the very function of `custbook jobs resend`, so the e-mail status
is recorded with the job the same way). Reads its job whole; never runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Static, TabbedContent, TabPane

from core.errors import CustbookError
from core.wording import describe_issue, outcome
from services.mail import failed_rows_name
from store.records import Job
from tui.screens.help import HELP_BINDING, WithHelp
from tui.screens.jobs import SHOWN_ISSUES, count, issues, mail_line, plural, shorten
from tui.session import Session
from tui.widgets.grid import safe_text


class JobResultScreen(WithHelp, Screen[None]):
    HELP_TITLE = "Keys of a job's result"
    KEY_HELP = (
        ("]", "next tab: errors, warnings"),
        ("s", "save the failed rows as a CSV to fix and import again"),
        ("r", "send the results e-mail again"),
        ("Escape  q", "back to the jobs"),
    )
    """One finished job's result, preview-style. Dismisses None."""

    CSS_PATH = "job_result.tcss"
    BINDINGS = [
        Binding("s", "save_failed", "Save failed rows"),
        Binding("r", "resend", "Resend e-mail"),
        Binding("right_square_bracket", "other_tab", "Next tab", key_display="]"),
        Binding("escape,q", "back", "Back"),
        HELP_BINDING,
    ]

    @dataclass
    class Loaded(Message):
        job: Job

    @dataclass
    class Saved(Message):
        path: Path
        rows: int

    @dataclass
    class Resent(Message):
        job: Job

    @dataclass
    class Failed(Message):
        error: CustbookError

    def __init__(self, session: Session, job: Job) -> None:
        super().__init__()
        self.session = session
        self.job = job  # as listed (counts only) until the whole job is read
        self.whole = False
        self.busy = ""  # "save" or "resend" while a worker runs

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Static(id="counts")
        yield Static(id="mail")
        with Horizontal(id="save-row"):
            yield Static("Failed rows to:", id="save-label")
            yield Input(failed_rows_name(self.job.file_name), id="failed-path", compact=True)
            yield Button("Save", id="save", compact=True)
        with TabbedContent(id="tabs"):
            for pane in ("errors", "warnings"):
                with TabPane(pane.capitalize(), id=pane):
                    yield DataTable(id=f"{pane}-table", cursor_type="row", zebra_stripes=True)
                    yield Static(classes="more")
        yield Static(id="issue")
        yield Footer()

    def on_mount(self) -> None:
        self._show()
        self.query_one("#errors-table", DataTable).focus()
        self._read(self.job.id)

    @work(thread=True, exclusive=True, group="job-read")
    def _read(self, job_id: str) -> None:
        try:
            self.post_message(self.Loaded(self.session.store.jobs.get(job_id, user=self.session.user)))
        except CustbookError as exc:
            self.post_message(self.Failed(exc))

    def on_job_result_screen_loaded(self, message: Loaded) -> None:
        self.job, self.whole = message.job, True
        self._show()
        for pane in ("errors", "warnings"):
            self._fill(pane)
        self._show_issue()

    def _show(self) -> None:
        job, result = self.job, self.job.result or {}
        title = f" · {safe_text(job.file_name)} · {job.state.value}: {outcome(result)}"
        self.query_one("#title", Static).update(Text.assemble((f"Job {job.id}", "bold"), title))
        failing = f"bold {self.app.theme_variables.get('error', 'red')}"
        parts: list[tuple[str, str] | str] = [("Rows ", "dim"), (f"{count(result, 'rows') or 0:,}", "bold")]
        for label, key in (("New", "created"), ("Updated", "updated"), ("Erased", "blanked"),
                           ("Unchanged", "unchanged"), ("Failed", "failed")):  # fmt: skip
            n = count(result, key) or 0
            parts += [(" │ ", "dim"), (f"{label} ", "dim"), (f"{n:,}", failing if key == "failed" and n else "bold")]
        self.query_one("#counts", Static).update(Text.assemble(*parts))
        self.query_one("#mail", Static).update(Text(safe_text(mail_line(job))))
        self.query_one("#save-row").display = bool(job.failed_rows)
        tabs = self.query_one("#tabs", TabbedContent)
        for pane in ("errors", "warnings"):
            shown: int | None = len(issues(job, pane)) if self.whole else count(result, f"{pane[:-1]}_count")
            tabs.get_tab(pane).label = Text(
                f"{pane.capitalize()} {shown:,}" if shown is not None else pane.capitalize()
            )
        self.refresh_bindings()

    def _fill(self, pane: str) -> None:
        table = self.query_one(f"#{pane}-table", DataTable)
        listed = issues(self.job, pane)
        table.clear(columns=True)
        table.add_columns("Row", "Column", "Value", "Message")
        for issue in listed[:SHOWN_ISSUES]:
            column = str(issue.get("column") or "")
            field = self.session.catalogue.get(column) if column else None
            table.add_row(
                Text(str(issue.get("row") or "file")), Text(safe_text(field.label if field else column)),
                Text(shorten(str(issue.get("value") or ""))), Text(safe_text(str(issue.get("message") or ""))),
            )  # fmt: skip
        more = self.query_one(f"#{pane} .more", Static)
        if len(listed) > SHOWN_ISSUES:
            more.update(Text(f"… and {len(listed) - SHOWN_ISSUES:,} more, all in the failed-rows file.", "italic"))
        elif not listed:
            more.update(Text("Nothing here.", "dim"))
        more.display = len(listed) > SHOWN_ISSUES or not listed

    @on(DataTable.RowHighlighted)
    @on(TabbedContent.TabActivated)
    def _show_issue(self) -> None:
        """The highlighted error or warning whole, in words (the table cuts long values and messages)."""
        pane = self.query_one("#tabs", TabbedContent).active or "errors"
        listed = issues(self.job, pane) if self.whole else []
        row = self.query_one(f"#{pane}-table", DataTable).cursor_row
        issue = listed[row] if 0 <= row < min(len(listed), SHOWN_ISSUES) else None
        self.query_one("#issue", Static).update(Text(safe_text(describe_issue(issue)) if issue else ""))

    def action_other_tab(self) -> None:
        """Show the other tab (errors or warnings)."""
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = "warnings" if tabs.active == "errors" else "errors"
        self.call_after_refresh(self.query_one(f"#{tabs.active}-table", DataTable).focus)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_failed":
            return None if (self.busy or not self.whole or not self.job.failed_rows) else True
        if action == "resend":
            return None if (self.busy or not self.whole or not self.job.emails) else True
        return True

    # --- the failed rows -----------------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#failed-path")
    def _save_pressed(self) -> None:
        self.action_save_failed()

    def action_save_failed(self) -> None:
        """Save the failed rows as a CSV to fix and import again (to the path shown)."""
        if self.check_action("save_failed", ()) is not True:
            return
        text = self.query_one("#failed-path", Input).value.strip()
        if not text:
            self.query_one("#failed-path", Input).focus()
            return
        self._busy("save")
        self._save(self.job, Path(text).expanduser())

    @work(thread=True, exclusive=True, group="job-save")
    def _save(self, job: Job, target: Path) -> None:
        from services.jobs import save_failed_rows  # what `custbook jobs show --errors-out` runs, with its rules

        try:
            written = save_failed_rows(self.session.store, job, target)
            if written is None:
                raise CustbookError(f"Job {job.id} has no failed rows", "Nothing needs to be saved")
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Saved(written.resolve(), count(job.result, "failed") or 0))

    def on_job_result_screen_saved(self, message: Saved) -> None:
        self._busy("")
        text = f"Saved {plural(message.rows, 'failed row')} of {self.job.id} to {message.path}"
        self.notify(text, title="Failed rows saved", markup=False)

    # --- the e-mail ----------------------------------------------------------------------------------------

    def action_resend(self) -> None:
        """E-mail the results again to the job's addresses, as `custbook jobs resend` does."""
        if self.check_action("resend", ()) is not True:
            return
        self._busy("resend")
        self.query_one("#mail", Static).update(Text(f"Sending the results to {', '.join(self.job.emails)}…"))
        self._resend(self.job)

    @work(thread=True, exclusive=True, group="job-resend")
    def _resend(self, job: Job) -> None:
        from services.jobs import deliver  # the delivery `custbook jobs resend` runs: sends, records the status

        try:
            mailed = deliver(self.session.store, job)
            again = self.session.store.jobs.get(job.id, user=self.session.user)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        if mailed.sent:
            text, severity = f"E-mailed the results of {job.id} to {', '.join(job.emails)}.", "information"
        else:
            text, severity = f"The results of {job.id} were not sent: {mailed.problem}. The job keeps them.", "warning"
        # Told by the app, so the user hears the outcome even after leaving this screen meanwhile.
        title = "E-mail sent" if mailed.sent else "E-mail not sent"
        self.app.call_from_thread(self.app.notify, safe_text(text), title=title, severity=severity, markup=False)
        self.post_message(self.Resent(again))

    def on_job_result_screen_resent(self, message: Resent) -> None:
        self._busy("")
        self.job = message.job
        self._show()

    # --- busy, errors, leaving -----------------------------------------------------------------------------

    def _busy(self, what: str) -> None:
        self.busy = what
        self.refresh_bindings()

    def on_job_result_screen_failed(self, message: Failed) -> None:
        from tui.screens.error_dialog import ErrorDialog

        self._busy("")
        self._show()
        self.app.push_screen(ErrorDialog(message.error))

    def action_back(self) -> None:
        """Back to the jobs."""
        self.dismiss(None)
