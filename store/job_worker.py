"""The job worker's side of offline imports: claiming the next job, heartbeats, running it, and giving it up.

The queue (the `jobs` table, submitting, listing, the results) is `store.jobs`; the guarantees are listed there:
a claim is one transaction, a dead worker's job is claimed again after the timeout, and a job is applied at most
once (the plan, the apply and the job's final state in ONE transaction that first checks the claim is still this
worker's). Reading and planning a job, the loop and the e-mail delivery are `services/jobs.py`: the plan is made
outside any transaction, and only its commit and the job's final state hold the write lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb

from core.errors import CustbookError, StoreBusy
from core.plan import ImportPlan, rejected_summary
from store.apply import apply_plan
from store.db import Store
from store.entities import check_entity
from store.history import parse_batch_id
from store.jobs import (
    MAX_ATTEMPTS,
    WORKER_STOPPED,
    Claim,
    Job,
    JobState,
    job_label,
    job_timeout,
    read_job,
)
from store.users import resolve_user


def claim_next(store: Store, worker: str, *, timeout: float | None = None) -> Claim | None:
    """Take the oldest queued job, or a running one whose worker stopped sending heartbeats; None when none is
    waiting. Atomic: the look and the claim are one transaction."""
    timeout = job_timeout() if timeout is None else timeout
    with store.read() as con:
        # A cheap look first: an idle worker polling every few seconds should not take the write lock each time.
        waiting = con.execute(
            "SELECT count(*) FROM jobs WHERE state = 'queued' OR (state = 'running' AND "
            "heartbeat < now()::TIMESTAMP - to_seconds(?::DOUBLE))",
            [timeout],
        ).fetchone()
    if not waiting or not waiting[0]:
        return None
    with store.write() as con:
        # A job that killed its worker MAX_ATTEMPTS times is not tried again: it would loop forever.
        for number, claimed_by in con.execute(
            "SELECT id, claimed_by FROM jobs WHERE state = 'running' AND attempts >= ? "
            "AND heartbeat < now()::TIMESTAMP - to_seconds(?::DOUBLE)",
            [MAX_ATTEMPTS, timeout],
        ).fetchall():
            message = (
                f"The job was started {MAX_ATTEMPTS} times and its worker stopped each time (last {claimed_by}). "
                "Split the file into smaller ones and import them again"
            )
            _finish(con, number, JobState.FAILED, rejected_summary(message, job_label(number)), None, None)
        row = con.execute(
            "SELECT id, attempts FROM jobs WHERE state = 'queued' OR (state = 'running' AND "
            "heartbeat < now()::TIMESTAMP - to_seconds(?::DOUBLE)) ORDER BY id LIMIT 1",
            [timeout],
        ).fetchone()
        if not row:
            return None
        number, attempt = int(row[0]), int(row[1]) + 1
        con.execute(
            "UPDATE jobs SET state = 'running', claimed_by = ?, claimed_at = now()::TIMESTAMP, "
            "heartbeat = now()::TIMESTAMP, attempts = ? WHERE id = ?",
            [worker, attempt, number],
        )
        data = con.execute("SELECT file_bytes FROM jobs WHERE id = ?", [number]).fetchone()
        assert data is not None
        return Claim(read_job(con, number), bytes(data[0]), worker, attempt)


def _owns(con: duckdb.DuckDBPyConnection, claim: Claim) -> bool:
    row = con.execute(
        "SELECT 1 FROM jobs WHERE id = ? AND state = 'running' AND claimed_by = ? AND attempts = ?",
        [claim.job.number, claim.worker, claim.attempt],
    ).fetchone()
    return row is not None


def heartbeat(store: Store, claim: Claim) -> bool:
    """Tell other workers this job's worker is alive; False when the claim was lost (the job was claimed again)."""
    with store.write() as con:
        if not _owns(con, claim):
            return False
        con.execute("UPDATE jobs SET heartbeat = now()::TIMESTAMP WHERE id = ?", [claim.job.number])
        return True


def release(store: Store, claim: Claim) -> None:
    """Put a claimed job back in the queue (the store was busy): best effort, the timeout covers a failure."""
    try:
        with store.write() as con:
            if _owns(con, claim):
                con.execute(
                    "UPDATE jobs SET state = 'queued', attempts = attempts - 1, claimed_by = NULL, heartbeat = NULL "
                    "WHERE id = ?",
                    [claim.job.number],
                )
    except StoreBusy:
        pass


def _finish(
    con: duckdb.DuckDBPyConnection,
    number: int,
    state: JobState,
    summary: dict[str, object],
    failed_csv: bytes | None,
    batch: int | None,
) -> None:
    emails = con.execute("SELECT len(emails) FROM jobs WHERE id = ?", [number]).fetchone()
    mail = WORKER_STOPPED if emails and emails[0] else None
    con.execute(
        "UPDATE jobs SET state = ?, finished = now()::TIMESTAMP, result = ?, failed_rows = ?, batch = ?, "
        "mail_status = ? WHERE id = ?",
        [state.value, json.dumps(summary, ensure_ascii=False, default=str), failed_csv, batch, mail, number],
    )


class _InTransaction(Store):
    """The store seen from inside one open write transaction: the planner, apply and the user checks it is passed
    to join that transaction instead of opening their own, so all their writes commit or roll back with the job's
    final state."""

    def __init__(self, store: Store, con: duckdb.DuckDBPyConnection) -> None:
        super().__init__(store.path, busy_seconds=store.busy_seconds)
        self._con = con

    @contextmanager
    def read(self, *, warm: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self._con  # already open, inside the transaction: nothing to keep warm

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self._con


def commit_claimed(
    store: Store,
    claim: Claim,
    planned: ImportPlan,
    result: Callable[[ImportPlan, str | None], tuple[JobState, dict[str, object]]],
) -> Job | None:
    """Commit a claimed job's plan (made beforehand, outside any transaction) and its final state, in ONE short
    transaction: the claim is checked to be still this worker's, the user and the entity again (they may have
    changed while the plan was made), then the plan is applied (it refuses itself if stale: Conflict, nothing
    written, plan again) and `result(plan, batch)` gives the job's state and stored summary.

    None when the claim was lost to another worker (then nothing was written). StoreBusy, StoreUnreadable and
    Conflict propagate; any other CustbookError (the user may no longer import, the entity is gone) is raised
    too, after the rollback, for the caller to `refuse`."""
    job = claim.job
    with store.write() as con:
        if not _owns(con, claim):
            return None
        inside = _InTransaction(store, con)
        user = resolve_user(inside, job.user)
        check_entity(inside, job.entity)
        batch = None if planned.rejected else apply_plan(inside, planned, user=user).batch
        state, summary = result(planned, batch)
        failed_csv = planned.failed_rows_file() if planned.failed else None
        number = parse_batch_id(batch) if batch else None
        _finish(con, job.number, state, summary, failed_csv, number)
        return read_job(con, job.number)


def refuse(store: Store, claim: Claim, exc: CustbookError) -> Job | None:
    """Record a job that cannot run (its file, its user, its entity): failed, the reason as its one error."""
    return _refuse(store, claim, exc)


def _refuse(store: Store, claim: Claim, exc: CustbookError) -> Job | None:
    with store.write() as con:
        if not _owns(con, claim):
            return None
        summary = rejected_summary(str(exc), claim.job.id)
        _finish(con, claim.job.number, JobState.FAILED, summary, None, None)
        return read_job(con, claim.job.number)


def fail_unexpected(store: Store, claim: Claim, problem: str) -> Job | None:
    """Record a job that met a problem custbook did not foresee (a bug): failed, with the problem as its error."""
    return _refuse(
        store, claim, CustbookError(f"The job stopped on an unexpected problem ({problem})", "Please report it")
    )
