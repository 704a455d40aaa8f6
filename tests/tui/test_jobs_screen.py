"""The Jobs screen as a user drives it, with offline imports queued from the command line: both jobs listed as
queued, the list refreshing by itself to "done" when a worker runs them (the cursor staying on its job), a done
job's result (counts, errors with row, column, value and message), its failed rows saved as a CSV, the e-mail
resent with no mail server configured (a "not sent" reason; the job keeps its result). Snapshots at 120x36 and
80x24."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace

import pytest
from acting import ADMIN
from export_helpers import until
from jobs_helpers import FIRST, open_jobs, queue, queue_both, run_worker, table_rows
from tui_helpers import make_app, settle, widget_text

from core.errors import StoreBusy, StoreUnreadable
from core.failed_rows import ERROR_COLUMN
from store import jobs as jobs_store
from store.duck import DuckStore as Store
from store.history import list_batches
from store.jobs import JobState
from store.repos import SqlJobs as DuckJobs
from tui.screens.error_dialog import ErrorDialog
from tui.screens.job_result import JobResultScreen
from tui.screens.jobs import REFRESH_SECONDS, JobsScreen

SIZES = [(120, 36), (80, 24)]
NO_SERVER = "not sent: no mail server is configured (CUSTBOOK_SMTP_HOST is not set)"


@pytest.fixture(autouse=True)
def no_mail_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTBOOK_SMTP_HOST", raising=False)


def states(app) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in table_rows(app.screen)]


def flat(widget) -> str:
    """The widget's text on one line, as wrapped lines joined back."""
    return " ".join(line.strip() for line in widget_text(widget).splitlines() if line.strip())


def detail(app) -> str:
    return flat(app.screen.query_one("#detail"))


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_queued_jobs_are_listed_and_refresh_to_done_by_themselves(demo_db, tmp_path):
    queue_both(demo_db, tmp_path)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await open_jobs(pilot)
        rows = table_rows(app.screen)
        assert [(r[0], r[1], r[2]) for r in rows] == [("J2", "queued", "second.csv"), ("J1", "queued", "first.csv")]
        assert [r[4:9] for r in rows] == [["", "", "", "", ""], ["", "", "", "", "pending"]]
        assert [r[9:] for r in rows] == [["alice", "top"], ["alice", "top"]]
        assert "2 jobs (2 waiting or running), newest first" in widget_text(app.screen.query_one("#status"))
        await pilot.press("down")  # J1
        assert "J1 · first.csv · alice · top level · queued: waits for a worker" in detail(app)
        await pilot.press("enter")  # not run yet: no result to show
        assert isinstance(app.screen, JobsScreen)

        run_worker(demo_db)  # another process would do the same; the screen is not told
        await pilot.pause(REFRESH_SECONDS + 0.5)  # the refresh timer, and only it, updates the list
        await settle(pilot)
        rows = table_rows(app.screen)
        assert [(r[0], r[1]) for r in rows] == [("J2", "done"), ("J1", "done")]
        assert rows[0][5:9] == ["0", "1", "0", ""] and rows[1][5:9] == ["0", "1", "1", "not sent"]
        assert app.screen.query_one("#jobs").cursor_row == 1  # still on J1
        text = detail(app)
        assert "done: imported as B1, 1 row failed" in text and "2 rows: 0 new, 1 updated" in text
        assert f"E-mail to ana@example.com: {NO_SERVER}" in text
        await pilot.press("escape")
        await settle(pilot)
        assert result.value is None and not isinstance(app.screen, JobsScreen)


async def test_a_job_queued_meanwhile_appears_on_top_and_the_cursor_stays(demo_db, tmp_path):
    queue_both(demo_db, tmp_path)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_jobs(pilot)
        await pilot.press("down")
        queue(demo_db, tmp_path, "third.csv", "CUSTOMERID,CITY\nC0000004,Nice\n")
        await pilot.press("f5")  # refresh now
        await settle(pilot)
        assert states(app) == [("J3", "queued"), ("J2", "queued"), ("J1", "queued")]
        table = app.screen.query_one("#jobs")
        assert table.cursor_row == 2 and app.screen.highlighted.id == "J1"


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_a_done_jobs_result_its_failed_rows_and_a_resend_without_server(demo_db, tmp_path, monkeypatch):
    queue_both(demo_db, tmp_path)
    run_worker(demo_db)
    monkeypatch.chdir(tmp_path)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        notes: list[str] = []
        app.notify = lambda message, **kw: notes.append(message)  # type: ignore[method-assign]
        await open_jobs(pilot)
        await pilot.press("down", "enter")  # J1
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JobResultScreen) and screen.job.id == "J1"
        title = widget_text(screen.query_one("#title"))
        assert "Job J1 · first.csv · done: imported as B1, 1 row failed" in title
        counts = widget_text(screen.query_one("#counts"))
        assert "Rows 2 │ New 0 │ Updated 1 │ Erased 0 │ Unchanged 0 │ Failed 1" in counts
        assert flat(screen.query_one("#mail")) == f"E-mail to ana@example.com: {NO_SERVER}"
        errors = table_rows(screen, "#errors-table")
        assert len(errors) == 1
        row, column, value, message = errors[0]
        assert (row, column, value) == ("3", "Email", "bo@") and "e-mail" in message.lower()
        assert flat(screen.query_one("#issue")).startswith("Row 3, EMAIL1 ('bo@'): 'bo@' is not an e-mail address")

        # The save goes through the jobs service's rules, as `custbook jobs show --errors-out` does: never over
        # the store, nor over a file named as the job's own (most likely the user's original).
        for target, sentence in ((demo_db, "is the store custbook"), (tmp_path / "first.csv", "has the name of")):
            screen.query_one("#failed-path").value = str(target)
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, ErrorDialog) and sentence in flat(app.screen.query_one("#message"))
            await pilot.press("enter")
            await settle(pilot)
        screen.query_one("#failed-path").value = "first-failed-rows.csv"
        await pilot.press("s")
        await settle(pilot)
        saved = tmp_path / "first-failed-rows.csv"
        assert notes[-1] == f"Saved 1 failed row of J1 to {saved}"
        lines = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
        assert lines[0] == ["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1", ERROR_COLUMN]
        assert lines[1][:4] == ["C0000002", "Bo", "Bo", "bo@"] and lines[1][4].startswith("Row 3: EMAIL1: ")

        await pilot.press("r")
        await settle(pilot)
        assert "were not sent: no mail server is configured" in notes[-1] and "The job keeps them" in notes[-1]
        assert isinstance(app.screen, JobResultScreen)
        assert NO_SERVER in flat(screen.query_one("#mail"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen)
    job = jobs_store.get_job(Store(demo_db), "J1", user=ADMIN)
    assert job.state is JobState.DONE and job.mail_status == NO_SERVER and job.result is not None
    assert job.result["failed"] == 1 and jobs_store.failed_rows_of(Store(demo_db), job) is not None
    assert [b.id for b in list_batches(Store(demo_db), user=ADMIN)][:2] == [
        "B2",
        "B1",
    ]  # resending imported nothing again


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_a_job_without_failed_rows_or_addresses_offers_neither(demo_db, tmp_path):
    queue_both(demo_db, tmp_path)
    run_worker(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_jobs(pilot)
        await pilot.press("enter")  # J2: nothing failed, no e-mail
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JobResultScreen) and screen.job.id == "J2"
        assert not screen.query_one("#save-row").display
        assert screen.check_action("save_failed", ()) is None and screen.check_action("resend", ()) is None
        assert "No e-mail address was given" in widget_text(screen.query_one("#mail"))
        assert "Nothing here." in widget_text(screen.query_one("#errors .more"))
        await pilot.press("r", "s")
        await settle(pilot)
        assert jobs_store.get_job(Store(demo_db), "J2", user=ADMIN).mail_status is None


async def test_a_strict_job_with_failing_rows_failed_and_shows_why(demo_db, tmp_path):
    queue(demo_db, tmp_path, "first.csv", FIRST, "--strict")
    run_worker(demo_db)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_jobs(pilot)
        assert states(app) == [("J1", "failed")]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JobResultScreen)
        assert "Job J1 · first.csv · failed: rejected, nothing changed" in flat(screen.query_one("#title"))
        assert "Failed 1" in flat(screen.query_one("#counts")) and screen.query_one("#save-row").display
        assert [r[:3] for r in table_rows(screen, "#errors-table")] == [["3", "Email", "bo@"]]
    assert list_batches(Store(demo_db), user=ADMIN) == []


async def test_a_busy_store_is_said_on_the_status_line_and_other_problems_in_a_dialog(demo_db, tmp_path, monkeypatch):
    queue_both(demo_db, tmp_path)
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_jobs(pilot)

        def busy(repo, *, user, limit, brief=False):
            raise StoreBusy("The store is in use by another program", "Wait until its import has finished")

        monkeypatch.setattr(DuckJobs, "list", busy)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen)  # a worker is importing: no dialog, the next refresh retries
        assert "could not refresh: The store is in use" in widget_text(app.screen.query_one("#status"))
        assert states(app) == [("J2", "queued"), ("J1", "queued")]  # the jobs last read stay

        def damaged(repo, *, user, limit, brief=False):
            raise StoreUnreadable("The file is not a custbook store or is damaged", "Check the --db path")

        monkeypatch.setattr(DuckJobs, "list", damaged)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)


@pytest.mark.parametrize("size", SIZES, ids=["120x36", "80x24"])
def test_jobs_snapshot(snap_compare, demo_db, tmp_path, monkeypatch, size):
    """The jobs screen with J1 (first.csv) done and J2 (second.csv) queued after it: the status line (2 jobs, 1
    waiting or running, newest first, refreshed every 2 s), the table newest first (J2 queued; J1 done with its
    counts 0 new, 1 updated, 1 failed and e-mail "not sent"), J1 highlighted with its outcome, counts and the
    e-mail reason on the line under the table, and the footer with Result, Refresh and Back. Times are fixed
    (queued 28/11/2026 09:30, finished 09:31) so the picture does not change."""
    queue(demo_db, tmp_path, "first.csv", FIRST, "--email", "ana@example.com")
    run_worker(demo_db)
    queue(demo_db, tmp_path, "second.csv", "CUSTOMERID,CITY\nC0000003,Lyon\n")
    queued, finished = dt.datetime(2026, 11, 28, 9, 30), dt.datetime(2026, 11, 28, 9, 31)
    real = DuckJobs.list

    def fixed(repo, *, user, limit=200, brief=False):
        jobs = real(repo, user=user, limit=limit, brief=brief)
        return [replace(j, created=queued, finished=finished if j.finished else None) for j in jobs]

    monkeypatch.setattr(DuckJobs, "list", fixed)

    async def opened(pilot):
        await open_jobs(pilot)
        await pilot.press("down")
        await until(pilot, lambda: pilot.app.screen.highlighted.id == "J1", "J1 highlighted")

    assert snap_compare(make_app(demo_db), terminal_size=size, run_before=opened)
