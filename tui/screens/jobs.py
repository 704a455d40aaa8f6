"""JobsScreen: the offline imports (jobs) with their state, refreshed while open; Enter opens a finished job's
result (tui/screens/job_result.py).

Owns showing jobs, never running them: a worker (`custbook jobs run`) does that. The list is read every
`REFRESH_SECONDS` by a thread worker (a timer starts it, never two at once) that posts the jobs; only the handler
touches the table, which keeps its cursor on the same job. The list reads each result's counts only
(`jobs.list(..., brief=True)` of the store); the result screen reads its job whole. Resending uses the very function of
`custbook jobs resend`, so the e-mail status is recorded with the job the same way. Its words are in the user's
language (core.i18n); a job's state and e-mail status are stored in English (statuses), and named in the user's
language only where they are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Static

from core.errors import CustbookError, StoreBusy
from core.i18n import N_, _, group_digits, ngettext, pgettext
from core.values import DateFormat
from core.wording import counts_line, job_state_word, outcome
from store.records import Job, JobState
from tui.screens.help import HELP_BINDING, WithHelp
from tui.session import Session
from tui.widgets.footer import Footer
from tui.widgets.grid import safe_text

REFRESH_SECONDS = 2.0
LIMIT = 200  # jobs listed: the newest ones
SHOWN_ISSUES = 2000  # errors or warnings listed in the result; the failed-rows file holds them all
MAX_CELL = 60
STATE_COLOURS = {JobState.QUEUED: "", JobState.RUNNING: "warning", JobState.DONE: "success", JobState.FAILED: "error"}
# The table's columns: their keys (English, as the cells are updated by key) and their headings in the language.
COLUMNS = ("Job", "State", "File", "Queued", "Finished", "New", "Updated", "Failed", "E-mail", "User", "Entity")
NOT_SENT = "not sent: "  # how the store records an e-mail that failed (store/jobs.py), before the reason


def column_title(key: str) -> str:
    titles = {
        "Job": pgettext("jobs column", "Job"),
        "State": _("State"),
        "File": _("File"),
        "Queued": pgettext("jobs column", "Queued"),
        "Finished": pgettext("jobs column", "Finished"),
        "New": pgettext("import counts", "New"),
        "Updated": pgettext("import counts", "Updated"),
        "Failed": pgettext("import counts", "Failed"),
        "E-mail": _("E-mail"),
        "User": pgettext("column", "User"),
        "Entity": _("Entity"),
    }
    return titles.get(key, key)


def state_word(job: Job) -> str:
    """The job's state in the user's language (the store and the JSON keep `queued`, `running`, `done`, `failed`)."""
    return job_state_word(job.state.value)


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
        return pgettext("e-mail", "pending")
    return pgettext("e-mail", "sent") if job.mail_status == "sent" else pgettext("e-mail", "not sent")


def mail_status(job: Job) -> str:
    """The e-mail status as the store records it ("sent", "not sent: <reason>"), in the user's language."""
    status = job.mail_status
    if status is None:
        return _("sent once a worker has run the job")
    if status == "sent":
        return pgettext("e-mail", "sent")
    if status.startswith(NOT_SENT):
        return _("not sent: {reason}").format(reason=status.removeprefix(NOT_SENT))
    return status


def mail_line(job: Job) -> str:
    if not job.emails:
        return _("No e-mail address was given for this job.")
    addresses = ", ".join(job.emails)
    if job.email_each and len(job.emails) > 1:
        return _("E-mail to {addresses} (one message each): {status}").format(
            addresses=addresses, status=mail_status(job)
        )
    return _("E-mail to {addresses}: {status}").format(addresses=addresses, status=mail_status(job))


class JobsScreen(WithHelp, Screen[None]):
    HELP_TITLE = N_("Keys of the jobs")
    KEY_HELP = (
        ("↑ ↓", N_("move through the jobs, newest first (the list refreshes every 2 s)")),
        ("Enter", N_("the job's result")),
        ("F5  Ctrl+R", N_("refresh now")),
        ("Escape  q", N_("back to the list")),
    )
    """The jobs, newest first. Dismisses None."""

    CSS_PATH = "jobs.tcss"
    BINDINGS = [
        Binding("enter", "open", N_("Result"), priority=True),
        Binding("f5,ctrl+r", "reload", N_("Refresh"), key_display="F5"),
        Binding("escape,q", "back", N_("Back")),
        HELP_BINDING,
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
        yield Static(Text(_("Jobs · loading…")), id="status")
        yield DataTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#jobs", DataTable)
        for key in COLUMNS:
            table.add_column(column_title(key), key=key)
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
            jobs = self.session.store.jobs.list(user=self.session.user, limit=LIMIT, brief=True)
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
            Text(state_word(job), self._colour(STATE_COLOURS[job.state])),
            Text(shorten(job.file_name, 32)),
            Text(when(job.created, fmt)),
            Text(finished),
            *(Text("" if n is None else group_digits(n), justify="right") for n in numbers),
            Text(mail, self._colour("warning") if job.mail_status not in (None, "sent") and job.emails else ""),
            Text(shorten(job.user, 20)),
            Text(shorten(job.entity or pgettext("level", "top"), 20)),
        )

    def _colour(self, name: str) -> str:
        return f"bold {self.app.theme_variables.get(name, name)}" if name else ""

    def _summary(self, problem: str = "") -> None:
        n = len(self.jobs)
        if problem:
            text = _("could not refresh: {problem}").format(problem=problem)
        elif not n:
            text = _("no jobs yet: an import queued with “process offline” appears here")
        else:
            waiting = sum(j.state in (JobState.QUEUED, JobState.RUNNING) for j in self.jobs)
            if n < LIMIT:
                jobs = ngettext(
                    "{count} job ({waiting} waiting or running), newest first",
                    "{count} jobs ({waiting} waiting or running), newest first",
                    n,
                )
            else:
                jobs = ngettext(
                    "{count} job ({waiting} waiting or running), the {limit} newest first",
                    "{count} jobs ({waiting} waiting or running), the {limit} newest first",
                    n,
                )
            jobs = jobs.format(count=group_digits(n), waiting=group_digits(waiting), limit=group_digits(LIMIT))
            every = _("refreshed every {seconds} s").format(seconds=f"{REFRESH_SECONDS:g}")
            text = f"{jobs} · {every}"
        self.query_one("#status", Static).update(Text.assemble((_("Jobs"), "bold"), f" · {safe_text(text)}"))

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
        level = _("entity {entity}").format(entity=job.entity) if job.entity else _("top level")
        lines = [f"{job.id} · {job.file_name} · {job.user} · {level} · "]
        if job.state is JobState.QUEUED:
            lines[0] += _("queued: waits for a worker (custbook jobs run).")
        elif job.state is JobState.RUNNING:
            lines[0] += _("running (attempt {attempt}).").format(attempt=job.attempts)
        else:
            result = job.result or {}
            lines[0] += _("{state}: {outcome}.").format(state=state_word(job), outcome=outcome(result))
            lines.append(_("{counts}. Enter shows the result.").format(counts=counts_line(result)))
        if job.emails:
            lines.append(mail_line(job))
        line.update(Text("\n".join(safe_text(t) for t in lines)))

    def action_open(self) -> None:
        """Show the highlighted job's result: counts, errors, failed rows, e-mail."""
        job = self.highlighted
        if job is None:
            return
        if not job.finished_running:
            text = _("{job} is {state}: its result is shown once a worker has run it.")
            self.notify(text.format(job=job.id, state=state_word(job)), markup=False)
            return
        from tui.screens.job_result import JobResultScreen

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
