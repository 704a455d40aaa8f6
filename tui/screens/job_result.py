"""JobResultScreen: one finished offline import's result, preview-style: counts, errors and warnings, its failed
rows saved as a CSV, its e-mail sent again (with the very function of `custbook jobs resend`, so the e-mail status
is recorded with the job the same way). Reads its job whole; never runs it. Its words are in the user's language
(core.i18n).
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
from textual.widgets import Button, DataTable, Input, Static, TabbedContent, TabPane

from core.errors import CustbookError
from core.i18n import N_, _, group_digits, ngettext, pgettext
from core.wording import describe_issue, outcome
from services.mail import failed_rows_name
from store.records import Job
from tui.screens.help import HELP_BINDING, WithHelp
from tui.screens.jobs import SHOWN_ISSUES, count, issues, mail_line, shorten, state_word
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import safe_text


def _tab_title(pane: str) -> str:
    return pgettext("import counts", "Errors") if pane == "errors" else pgettext("import counts", "Warnings")


class JobResultScreen(WithHelp, Screen[None]):
    HELP_TITLE = N_("Keys of a job's result")
    KEY_HELP = (
        ("]", N_("next tab: errors, warnings")),
        ("s", N_("save the failed rows as a CSV to fix and import again")),
        ("r", N_("send the results e-mail again")),
        ("Escape  q", N_("back to the jobs")),
    )
    """One finished job's result, preview-style. Dismisses None."""

    CSS_PATH = "job_result.tcss"
    BINDINGS = [
        Binding("s", "save_failed", N_("Save failed rows")),
        Binding("r", "resend", N_("Resend e-mail")),
        Binding("right_square_bracket", "other_tab", N_("Next tab"), key_display="]"),
        Binding("escape,q", "back", N_("Back")),
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
            yield Static(_("Failed rows to:"), id="save-label")
            yield Input(failed_rows_name(self.job.file_name), id="failed-path", compact=True)
            yield Button(_("Save"), id="save", compact=True)
        with TabbedContent(id="tabs"):
            for pane in ("errors", "warnings"):
                with TabPane(_tab_title(pane), id=pane):
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
        state = _("{state}: {outcome}").format(state=state_word(job), outcome=outcome(result))
        title = f" · {safe_text(job.file_name)} · {state}"
        self.query_one("#title", Static).update(Text.assemble((_("Job {job}").format(job=job.id), "bold"), title))
        failing = f"bold {self.app.theme_variables.get('error', 'red')}"
        rows = group_digits(count(result, "rows") or 0)
        parts: list[tuple[str, str] | str] = [(pgettext("import counts", "Rows") + " ", "dim"), (rows, "bold")]
        split = (
            (
                (pgettext("import counts", "Updated"), "updated"),
                (pgettext("import counts", "Erased"), "blanked"),
                (pgettext("import counts", "Unchanged"), "unchanged"),
            )
            if count(result, "applied") is None
            else ((pgettext("import counts", "Applied"), "applied"),)  # its user may not see customers (no List)
        )
        for label, key in (
            (pgettext("import counts", "New"), "created"),
            *split,
            (pgettext("import counts", "Failed"), "failed"),
        ):
            n = count(result, key) or 0
            style = failing if key == "failed" and n else "bold"
            parts += [(" │ ", "dim"), (f"{label} ", "dim"), (group_digits(n), style)]
        self.query_one("#counts", Static).update(Text.assemble(*parts))
        self.query_one("#mail", Static).update(Text(safe_text(mail_line(job))))
        self.query_one("#save-row").display = bool(job.failed_rows)
        tabs = self.query_one("#tabs", TabbedContent)
        for pane in ("errors", "warnings"):
            shown: int | None = len(issues(job, pane)) if self.whole else count(result, f"{pane[:-1]}_count")
            title = _tab_title(pane)
            tabs.get_tab(pane).label = Text(f"{title} {group_digits(shown)}" if shown is not None else title)
        self.refresh_bindings()

    def _fill(self, pane: str) -> None:
        table = self.query_one(f"#{pane}-table", DataTable)
        listed = issues(self.job, pane)
        table.clear(columns=True)
        table.add_columns(_("Row"), _("Column"), _("Value"), _("Message"))
        for issue in listed[:SHOWN_ISSUES]:
            column = str(issue.get("column") or "")
            field = self.session.catalogue.get(column) if column else None
            table.add_row(
                Text(str(issue.get("row") or _("file"))), Text(safe_text(field.shown_label if field else column)),
                Text(shorten(str(issue.get("value") or ""))), Text(safe_text(str(issue.get("message") or ""))),
            )  # fmt: skip
        more = self.query_one(f"#{pane} .more", Static)
        if len(listed) > SHOWN_ISSUES:
            n = len(listed) - SHOWN_ISSUES
            text = ngettext(
                "… and {count} more, all in the failed-rows file.",
                "… and {count} more, all in the failed-rows file.",
                n,
            )
            more.update(Text(text.format(count=group_digits(n)), "italic"))
        elif not listed:
            more.update(Text(_("Nothing here."), "dim"))
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
                raise CustbookError(
                    _("Job {job} has no failed rows").format(job=job.id), _("Nothing needs to be saved")
                )
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Saved(written.resolve(), count(job.result, "failed") or 0))

    def on_job_result_screen_saved(self, message: Saved) -> None:
        self._busy("")
        text = ngettext(
            "Saved {count} failed row of {job} to {path}", "Saved {count} failed rows of {job} to {path}", message.rows
        )
        text = text.format(count=group_digits(message.rows), job=self.job.id, path=message.path)
        self.notify(text, title=_("Failed rows saved"), markup=False)

    # --- the e-mail ----------------------------------------------------------------------------------------

    def action_resend(self) -> None:
        """E-mail the results again to the job's addresses, as `custbook jobs resend` does."""
        if self.check_action("resend", ()) is not True:
            return
        self._busy("resend")
        sending = _("Sending the results to {addresses}…").format(addresses=", ".join(self.job.emails))
        self.query_one("#mail", Static).update(Text(sending))
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
            text = _("E-mailed the results of {job} to {addresses}.").format(
                job=job.id, addresses=", ".join(job.emails)
            )
            severity = "information"
        else:
            text = _("The results of {job} were not sent: {problem}. The job keeps them.").format(
                job=job.id, problem=mailed.problem
            )
            severity = "warning"
        # Told by the app, so the user hears the outcome even after leaving this screen meanwhile.
        title = _("E-mail sent") if mailed.sent else _("E-mail not sent")
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
