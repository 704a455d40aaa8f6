"""JobsScreen: the offline imports (jobs) with their state, refreshed while open; JobResultScreen: one finished
job's result, its failed rows saved as a CSV, its e-mail sent again.

Owns showing jobs, never running them: a worker (`custbook jobs run`) does that. The list is read every
`REFRESH_SECONDS` by a thread worker (a timer starts it, never two at once) that posts the jobs; only the handler
touches the table, which keeps its cursor on the same job. The list reads each result's counts only
(`store.jobs.list_jobs_brief`); the result screen reads its job whole. Resending uses the very function of
`custbook jobs resend`, so the e-mail status is recorded with the job the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, DataTable, Footer, Input, Static, TabbedContent, TabPane

from formats.errors import CustbookError, StoreBusy
from formats.mail import counts_line, describe_issue, failed_rows_name, outcome
from formats.values import DateFormat
from store.jobs import Job, JobState, failed_rows_of, get_job, list_jobs_brief
from tui.session import Session
from tui.widgets.grid import safe_text

REFRESH_SECONDS = 2.0
LIMIT = 200  # jobs listed: the newest ones
SHOWN_ISSUES = 2000  # errors or warnings listed in the result; the failed-rows file holds them all
MAX_CELL = 60
STATE_COLOURS = {JobState.QUEUED: "", JobState.RUNNING: "warning", JobState.DONE: "success", JobState.FAILED: "error"}
COLUMNS = ("Job", "State", "File", "Queued", "Finished", "New", "Updated", "Failed", "E-mail", "User", "Entity")


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def when(at: dt.datetime, date_format: DateFormat) -> str:
    return f"{date_format.format(at.date())} {at:%H:%M}"


def shorten(text: str, width: int = MAX_CELL) -> str:
    text = safe_text(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def count(result: Mapping[str, object] | None, key: str) -> int | None:
    value = (result or {}).get(key)
    return value if isinstance(value, int) else None


def issues(job: Job, pane: str) -> list[Mapping[str, object]]:
    """The errors or the warnings (pane) of a job read whole: dicts with row, column, value and message."""
    found = (job.result or {}).get(pane)
    return [i for i in found if isinstance(i, Mapping)] if isinstance(found, list) else []


def mail_word(job: Job) -> str:
    """The e-mail status in a word, for the table (the whole reason is on the line under it)."""
    if not job.emails:
        return ""
    if job.mail_status is None:
        return "pending"
    return "sent" if job.mail_status == "sent" else "not sent"


def mail_line(job: Job) -> str:
    if not job.emails:
        return "No e-mail address was given for this job."
    how = " (one message each)" if job.email_each and len(job.emails) > 1 else ""
    status = job.mail_status or "sent once a worker has run the job"
    return f"E-mail to {', '.join(job.emails)}{how}: {status}"


class JobsScreen(Screen[None]):
    """The jobs, newest first. Dismisses None."""

    CSS_PATH = "jobs.tcss"
    BINDINGS = [
        Binding("enter", "open", "Result", priority=True),
        Binding("f5,ctrl+r", "reload", "Refresh", key_display="F5"),
        Binding("escape,q", "back", "Back"),
    ]

    @dataclass
    class Listed(Message):
        jobs: list[Job]

    @dataclass
    class Failed(Message):
        error: CustbookError

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.jobs: list[Job] = []
        self._timer: Timer | None = None
        self._loading = False  # a list worker runs: the timer does not start another
        self._again = False  # asked for while one ran: read again when it ends (it may have read too early)
        self._loud = True  # a failure of the first read or of F5 is shown in a dialog; the timer's on the status line

    def compose(self) -> ComposeResult:
        yield Static(Text("Jobs · loading…"), id="status")
        yield DataTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#jobs", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)
        table.focus()
        self._timer = self.set_interval(REFRESH_SECONDS, self._load)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Shown (first time, or back from a result): read now, then every REFRESH_SECONDS while visible.
        self._load()
        if self._timer is not None:
            self._timer.resume()

    def on_screen_suspend(self, event: events.ScreenSuspend) -> None:
        if self._timer is not None:
            self._timer.pause()

    def _load(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading, self._again = True, False
        self._read()

    @work(thread=True, group="jobs-list")
    def _read(self) -> None:
        try:
            jobs = list_jobs_brief(self.session.store, LIMIT)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Listed(jobs))

    def on_jobs_screen_listed(self, message: Listed) -> None:
        self._done_loading()
        self._loud = False
        table = self.query_one("#jobs", DataTable)
        keep = self.highlighted
        rows = {job.id: self._cells(job) for job in message.jobs}
        if [j.id for j in message.jobs] == [j.id for j in self.jobs]:
            old = {job.id: self._cells(job) for job in self.jobs}
            for key, cells in rows.items():  # the same jobs in the same order: change only the cells that changed
                for column, cell, before in zip(COLUMNS, cells, old[key]):
                    if cell != before:
                        table.update_cell(key, column, cell, update_width=True)
        else:
            table.clear()
            for key, cells in rows.items():
                table.add_row(*cells, key=key)
            if keep is not None and keep.id in rows:
                table.move_cursor(row=table.get_row_index(keep.id))
        self.jobs = message.jobs
        self._summary()
        self._explain()

    def _cells(self, job: Job) -> tuple[Text, ...]:
        fmt = self.session.date_format
        finished = ""
        if job.finished is not None:
            same_day = job.finished.date() == job.created.date()
            finished = f"{job.finished:%H:%M}" if same_day else when(job.finished, fmt)
        numbers = [count(job.result, k) for k in ("created", "updated", "failed")]
        mail = mail_word(job)
        return (
            Text(job.id, "bold"),
            Text(job.state.value, self._colour(STATE_COLOURS[job.state])),
            Text(shorten(job.file_name, 32)),
            Text(when(job.created, fmt)),
            Text(finished),
            *(Text("" if n is None else f"{n:,}", justify="right") for n in numbers),
            Text(mail, self._colour("warning") if mail == "not sent" else ""),
            Text(shorten(job.user, 20)),
            Text(shorten(job.entity or "top", 20)),
        )

    def _colour(self, name: str) -> str:
        return f"bold {self.app.theme_variables.get(name, name)}" if name else ""

    def _summary(self, problem: str = "") -> None:
        n = len(self.jobs)
        if problem:
            text = f"could not refresh: {problem}"
        elif not n:
            text = "no jobs yet: an import queued with “process offline” appears here"
        else:
            waiting = sum(j.state in (JobState.QUEUED, JobState.RUNNING) for j in self.jobs)
            newest = "newest first" if n < LIMIT else f"the {LIMIT} newest first"
            every = f"refreshed every {REFRESH_SECONDS:g} s"
            text = f"{plural(n, 'job')} ({waiting:,} waiting or running), {newest} · {every}"
        self.query_one("#status", Static).update(Text.assemble(("Jobs", "bold"), f" · {safe_text(text)}"))

    @property
    def highlighted(self) -> Job | None:
        row = self.query_one("#jobs", DataTable).cursor_row
        return self.jobs[row] if self.jobs and 0 <= row < len(self.jobs) else None

    @on(DataTable.RowHighlighted, "#jobs")
    def _moved(self) -> None:
        self._explain()

    def _explain(self) -> None:
        """The highlighted job in full under the table: what the narrow columns cannot hold."""
        job = self.highlighted
        line = self.query_one("#detail", Static)
        if job is None:
            line.update("")
            return
        level = f"entity {job.entity}" if job.entity else "top level"
        lines = [f"{job.id} · {job.file_name} · {job.user} · {level} · "]
        if job.state is JobState.QUEUED:
            lines[0] += "queued: waits for a worker (custbook jobs run)."
        elif job.state is JobState.RUNNING:
            lines[0] += f"running (attempt {job.attempts})."
        else:
            result = job.result or {}
            lines[0] += f"{job.state.value}: {outcome(result)}."
            lines.append(f"{counts_line(result)}. Enter shows the result.")
        if job.emails:
            lines.append(mail_line(job))
        line.update(Text("\n".join(safe_text(t) for t in lines)))

    def action_open(self) -> None:
        """Show the highlighted job's result: counts, errors, failed rows, e-mail."""
        job = self.highlighted
        if job is None:
            return
        if not job.finished_running:
            self.notify(f"{job.id} is {job.state.value}: its result is shown once a worker has run it.", markup=False)
            return
        self.app.push_screen(JobResultScreen(self.session, job))

    def action_reload(self) -> None:
        """Read the jobs again now."""
        self._loud = True
        self._load()

    def _done_loading(self) -> None:
        self._loading = False
        if self._again:
            self._load()

    def on_jobs_screen_failed(self, message: Failed) -> None:
        self._done_loading()
        error = message.error
        self._summary(error.message)
        if self._loud and not isinstance(error, StoreBusy):  # busy: a worker is importing; the next tick retries
            from tui.screens.error_dialog import ErrorDialog

            self.app.push_screen(ErrorDialog(error))
        self._loud = False

    def action_back(self) -> None:
        """Back to the customer list."""
        self.dismiss(None)


class JobResultScreen(Screen[None]):
    """One finished job's result, preview-style. Dismisses None."""

    CSS_PATH = "jobs.tcss"
    BINDINGS = [
        Binding("s", "save_failed", "Save failed rows"),
        Binding("r", "resend", "Resend e-mail"),
        Binding("right_square_bracket", "other_tab", "Next tab", key_display="]"),
        Binding("escape,q", "back", "Back"),
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
            self.post_message(self.Loaded(get_job(self.session.store, job_id)))
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
            n = len(issues(job, pane)) if self.whole else count(result, f"{pane[:-1]}_count")
            tabs.get_tab(pane).label = Text(f"{pane.capitalize()} {n:,}" if n is not None else pane.capitalize())
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
        from formats.writer import replace_bytes

        try:
            data = failed_rows_of(self.session.store, job)
            if data is None:
                raise CustbookError(f"Job {job.id} has no failed rows", "Nothing needs to be saved")
            written = replace_bytes(target, data)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        except OSError as exc:
            reason = f"The failed rows could not be saved to {target} ({exc.strerror or exc})"
            error = CustbookError(reason, "Choose a folder of yours and try again")
            self.post_message(self.Failed(error))
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
        from tui.jobs_command import deliver  # the delivery `custbook jobs resend` runs: sends, records the status

        try:
            problem = deliver(self.session.store, job)
            again = get_job(self.session.store, job.id)
        except CustbookError as exc:
            self.post_message(self.Failed(exc))
            return
        if problem is None:
            text, severity = f"E-mailed the results of {job.id} to {', '.join(job.emails)}.", "information"
        else:
            text, severity = f"The results of {job.id} were not sent: {problem.reason}. The job keeps them.", "warning"
        # Told by the app, so the user hears the outcome even after leaving this screen meanwhile.
        title = "E-mail sent" if problem is None else "E-mail not sent"
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
