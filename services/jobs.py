"""Offline imports (jobs), once for the command line, the interface and the worker: queueing a file, the worker's
loop, running one job, e-mailing its results (again), saving its failed rows.

A job runs the import workflow of `services.imports` (same reading, same parse options, same strict rule): it is
read and planned outside any transaction, then its commit and its final state are written in one short transaction
that re-checks the claim and the plan (`commit_claimed`, one unit of work); a plan made stale meanwhile by another
writer is made again. The worker is an administrator acting for each job's submitter: their permissions as they are
when the job runs (`Users.acting_for`), and on PostgreSQL their role writing the plan (`Users.acting_as`).
The guarantees (atomic claim, applied at most once, a dead worker's job claimed again) belong
to `store.jobs` and `store.job_worker`; the message to `services.mail`.

May import core, formats, store and services; never textual or the front ends.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from core.errors import (
    Conflict,
    CustbookError,
    FileRejected,
    InvalidValue,
    NotFound,
    OutputRefused,
    StoreBusy,
    StoreUnreadable,
)
from core.i18n import _, current_language, using_language
from core.plan import ImportOptions, ImportPlan, Status
from core.users import User
from core.wording import counts_line, outcome
from formats.filekinds import TooManyRows
from services import imports, settings
from services.imports import MailResult
from services.mail import failed_rows_name
from services.outputs import check_output
from store.records import Claim, Job, JobState, job_timeout

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore

MAX_BUSY_LOOKS = 12  # consecutive "store busy" answers (about a minute) before the worker gives up with exit 4


# --- queueing -----------------------------------------------------------------------------------------------


def submit(
    store: CustomerStore,
    source: Path,
    *,
    user: User,
    entity: str | None,
    options: ImportOptions,
    emails: tuple[str, ...] = (),
    email_each: bool = False,
) -> Job:
    """Check the file now (a file that cannot be read, or over the store's ceilings, is rejected at once), then
    queue its bytes with the options, the user, the addresses and the language spoken now (the job's results and
    e-mail speak it) for a worker. The job keeps the limits its submitter asked for (--max-rows, --max-bytes, or
    their own defaults); the worker lowers them to the store's ceilings as they are when it runs."""
    refusal = imports.import_refusal(user)
    if refusal is not None:
        raise refusal
    name = source.name or str(source)
    options = replace(options, max_bytes=imports.byte_limit(options))
    limits = settings.ceilings(store)
    size = imports.file_size(source)
    if size is not None:
        limits.check_size(name, size, options.max_bytes)  # from its size alone, before reading a byte
    queued = limits.applied(options)
    data = imports.file_bytes(source, queued.max_bytes)
    if size is None:  # a pipe or a device: what was read of it, at most one byte past the limit
        limits.check_size(name, len(data), options.max_bytes, cut=True)
    try:
        raw = imports.read_queued(data, name, queued)
    except TooManyRows as exc:
        raise limits.rows_refusal(name, exc, options.max_rows) from None
    return store.jobs.submit(
        data=data, file_name=raw.name, options=options, user=user, entity=entity, emails=emails,
        email_each=email_each, language=current_language(),
    )  # fmt: skip


# --- a job's results ------------------------------------------------------------------------------------------


def field_labels(store: CustomerStore) -> dict[str, str]:
    """Field ID -> its label in the current language ("Credit limit", "Plafond de crédit"): a job's messages name
    columns as people do (its result keeps IDs)."""
    return {f.id: f.shown_label for f in store.fields.catalogue().fields}


def job_language(job: Job) -> str:
    """The language a job's results and e-mail speak: its submitter's, English for a job queued before custbook
    kept it."""
    return job.language or "en"


def deliver(store: CustomerStore, job: Job) -> MailResult:
    """E-mail a finished job's results, in its submitter's language, and record the outcome with the job. The
    status is kept as words for programs ("sent", "not sent: REASON"); the front ends say it in theirs."""
    assert job.result is not None
    with using_language(job_language(job)):
        result = imports.email_summary(
            job.result, file_name=job.file_name, failed_csv=store.jobs.failed_rows(job), addresses=job.emails,
            each=job.email_each, names=field_labels(store),
        )  # fmt: skip
    store.jobs.set_mail_status(job, "sent" if result.sent else f"not sent: {result.problem}")
    return result


def resend(store: CustomerStore, job_id: str, *, user: User) -> tuple[Job, MailResult]:
    """E-mail a finished job's results again (after a mail server problem), to every address."""
    from core.errors import UsageError

    job = store.jobs.get(job_id, user=user)
    if not job.finished_running:
        raise UsageError(
            _("Job {job} has not run yet ({state})").format(job=job.id, state=job.state.value),
            _("Its results are e-mailed when a worker has run it"),
        )
    if not job.emails:
        raise UsageError(
            _("Job {job} has no e-mail addresses").format(job=job.id),
            _("Give them when queueing: custbook import FILE --offline --email"),
        )
    return job, deliver(store, job)


def save_failed_rows(store: CustomerStore, job: Job, target: Path) -> Path | None:
    """Write a finished job's failed rows to `target`; None when it has none. Never over the store, nor over a file
    named as the job's own file: the job keeps only its name, and that is most likely the user's original."""
    check_output(target, what=_("the failed rows"), store_files=store.files)
    if target.name == job.file_name:
        raise OutputRefused(
            _(
                "{path} has the name of the file {job} imported: writing its failed rows there could replace "
                "your original"
            ).format(path=target, job=job.id),
            _("Choose another file name, such as {name}").format(name=failed_rows_name(job.file_name)),
        )
    if not job.finished_running:
        raise NotFound(
            _("Job {job} has not run yet, so it has no failed rows").format(job=job.id),
            _("Try again once the worker ran it"),
        )
    data = store.jobs.failed_rows(job)
    if data is None:
        return None
    return imports.save_failed_rows(data, target, store=store)


# --- running one job ----------------------------------------------------------------------------------------


def _result(job: Job) -> Callable[[ImportPlan, str | None], tuple[JobState, dict[str, object]]]:
    def result(planned: ImportPlan, batch: str | None) -> tuple[JobState, dict[str, object]]:
        status = Status.REJECTED if planned.rejected else Status.COMMITTED
        state = JobState.FAILED if planned.rejected else JobState.DONE
        return state, imports.ImportOutcome(status, planned, batch).summary(job.id)

    return result


def commit_claimed(
    store: CustomerStore,
    claim: Claim,
    planned: ImportPlan,
    result: Callable[[ImportPlan, str | None], tuple[JobState, dict[str, object]]],
) -> Job | None:
    """Commit a claimed job's plan (made beforehand, outside any transaction) and its final state, in ONE short unit
    of work: the claim is checked to be still this worker's, the user and the entity again (they may have changed
    while the plan was made), then the plan is applied (it refuses itself if stale: Conflict, nothing written,
    plan again) and `result(plan, batch)` gives the job's state and stored summary.

    None when the claim was lost to another worker (then nothing was written). StoreBusy, StoreUnreadable and
    Conflict propagate; any other CustbookError (the user may no longer import, the entity is gone) is raised too,
    after the rollback, for the caller to refuse the job."""
    with store.unit_of_work() as uow:
        if not uow.jobs.owns(claim):
            return None
        user = uow.users.acting_for(claim.job.user)  # their permissions as they are now (cli.md)
        uow.entities.check(claim.job.entity)
        with uow.users.acting_as(user):  # on PostgreSQL their role writes the plan: the database's grants decide
            batch = None if planned.rejected else uow.history.apply(planned, user=user).batch
        state, summary = result(planned, batch)
        failed_csv = planned.failed_rows_file() if planned.failed else None
        return uow.jobs.finish(claim, state, summary, failed_csv, batch)


def unexpected(problem: str) -> CustbookError:
    """A job's error for a problem custbook did not foresee (a bug)."""
    return CustbookError(
        _("The job stopped on an unexpected problem ({problem})").format(problem=problem), _("Please report it")
    )


def run_claimed(store: CustomerStore, claim: Claim) -> Job | None:
    """Run a claimed job to its end and store the results, in its submitter's language (the messages of its rows
    and its refusal); None when the claim was lost to another worker (then nothing was written). StoreBusy and
    StoreUnreadable propagate: the job stays claimed, or call `release`."""
    with using_language(job_language(claim.job)):
        return _run_claimed(store, claim)


def _run_claimed(store: CustomerStore, claim: Claim) -> Job | None:
    job = claim.job
    # The store's ceilings as they are now, whatever the submitter asked: an administrator may have lowered them
    # since the job was queued, and the worker is shared by everyone.
    limits = settings.ceilings(store)
    options = limits.applied(job.options)
    try:
        limits.check_size(job.file_name, len(claim.data), job.options.max_bytes)
        raw = imports.read_queued(claim.data, job.file_name, options)
    except TooManyRows as exc:
        return store.jobs.refuse(claim, limits.rows_refusal(job.file_name, exc, job.options.max_rows))
    except (FileRejected, InvalidValue) as exc:
        return store.jobs.refuse(claim, exc)
    # Reading a large file takes seconds: say so before planning, so that no other worker takes over.
    if not store.jobs.heartbeat(claim):
        return None
    try:
        user = store.users.acting_for(job.user)
        planned = imports.plan(store, raw, user=user, entity=job.entity, options=options)
        for attempt in range(1, imports.STALE_PLAN_RETRIES + 1):
            if not store.jobs.heartbeat(claim):
                return None
            try:
                return commit_claimed(store, claim, planned, _result(job))
            except Conflict:
                # Another writer committed between the plan and the commit: plan again against the store as it
                # is now, as `custbook import` does. After the retries the store is too busy: the job waits.
                if attempt == imports.STALE_PLAN_RETRIES:
                    raise StoreBusy(_("The store kept being changed while the job was being written")) from None
                planned = imports.replan(store, planned, user=user)
    except (StoreBusy, StoreUnreadable):
        raise
    except CustbookError as exc:  # the user may no longer import, the entity is gone...: nothing was written
        return store.jobs.refuse(claim, exc)
    raise AssertionError("unreachable")


# --- the worker ---------------------------------------------------------------------------------------------


class StopSignals:
    """SIGINT and SIGTERM ask the worker to stop after the current job; a second Ctrl-C interrupts at once (the
    open transaction is rolled back, and the job is claimed again after the timeout)."""

    def __init__(self) -> None:
        self.requested = False
        self._old: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():  # Python lets only the main thread set handlers
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)  # type: ignore[arg-type]  # what signal.signal returned before

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested = True

    def sleep(self, seconds: float) -> None:
        """Wait, waking up early when asked to stop."""
        end = time.monotonic() + seconds
        while not self.requested and time.monotonic() < end:
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))


@dataclass(frozen=True)
class WorkerRun:
    """What a worker did before it stopped."""

    worker: str
    ran: int
    stopped: bool  # asked to stop (signal), rather than finding the queue empty with `once`


def _test_pause() -> float:
    # Test hook: CUSTBOOK_TEST_PAUSE_AFTER_CLAIM=SECONDS makes the worker sleep between claiming a job and running
    # it, so that a test can kill it at that exact point (tests/test_jobs_process.py). Unset in real use.
    try:
        return max(0.0, float(os.environ.get("CUSTBOOK_TEST_PAUSE_AFTER_CLAIM", "0") or 0))
    except ValueError:
        return 0.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(
    store: CustomerStore, *, by: User, once: bool, poll: float, log: Callable[[str, bool], None], worker: str = ""
) -> WorkerRun:
    """Run queued jobs; with `once` stop when the queue is empty, otherwise wait for more, looking every `poll`
    seconds. Each finished job is told to `log` in one line (and its results e-mailed); `log(text, True)` is a
    problem that did not stop the worker."""
    # The worker applies every user's queued imports and mails their results with its own settings: it is an
    # administrator's (cli.md). Each job is still applied with its submitter's permissions as they are then.
    by.require_admin(_("run the job worker, which applies every user's queued imports"))
    worker = worker or worker_name()
    timeout = job_timeout()
    pause = _test_pause()
    ran = busy = 0
    with StopSignals() as stop:
        while not stop.requested:
            try:
                claim = store.jobs.claim_next(worker, timeout=timeout)
                busy = 0
            except StoreBusy:
                busy += 1
                if busy >= MAX_BUSY_LOOKS:
                    raise
                stop.sleep(min(poll, 5.0))
                continue
            if claim is None:
                if once:
                    break
                stop.sleep(poll)
                continue
            if pause:
                time.sleep(pause)
            ran += run_one(store, claim, log)
    return WorkerRun(worker, ran, stop.requested)


def run_one(store: CustomerStore, claim: Claim, log: Callable[[str, bool], None]) -> int:
    """Run one claimed job, log a line, e-mail the results. 1 if the job was run, else 0. The job's results and
    e-mail speak its submitter's language; the log line is the worker's, in the worker's language."""
    try:
        job = run_claimed(store, claim)
    except StoreBusy:
        store.jobs.release(claim)
        log(
            "custbook: " + _("{job} waits: the store was busy; it is tried again shortly.").format(job=claim.job.id),
            True,
        )
        return 0
    except CustbookError:
        raise
    except Exception as exc:  # a bug must not stop the worker or leave the job looping: record it with the job
        if os.environ.get("CUSTBOOK_DEBUG"):
            raise
        with using_language(job_language(claim.job)):
            job = store.jobs.refuse(claim, unexpected(f"{type(exc).__name__}: {exc}"))
    if job is None:
        log(
            "custbook: " + _("{job} was claimed by another worker meanwhile; left to it.").format(job=claim.job.id),
            True,
        )
        return 0
    assert job.result is not None
    said, problem = _("{job} {file}: {outcome}: {counts}."), None
    if job.emails:
        mailed = deliver(store, job)
        problem = mailed.problem
        said = (
            _("{job} {file}: {outcome}: {counts}; e-mail sent.")
            if mailed.sent
            else _("{job} {file}: {outcome}: {counts}; e-mail not sent: {problem}.")
        )
    words = {"job": job.id, "file": job.file_name, "outcome": outcome(job.result), "counts": counts_line(job.result)}
    log(said.format(problem=problem, **words), False)
    return 1
