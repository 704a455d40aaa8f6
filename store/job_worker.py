"""The job worker's side of offline imports: claiming the next job, heartbeats, running it, and giving it up.

The queue (the `jobs` table, submitting, listing, the results) is `store.jobs`; the guarantees are listed there:
a claim is one transaction, a dead worker's job is claimed again after the timeout, and a job is applied at most
once (the plan, the apply and the job's final state in ONE transaction that first checks the claim is still this
worker's). Reading and planning a job, the loop and the e-mail delivery are `services/jobs.py`: the plan is made
outside any transaction, and only its commit and the job's final state hold the write lock.

On PostgreSQL several workers on several machines share the queue: a claim is ONE statement (`UPDATE ... WHERE id
= (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING`), so two workers never take one job, and claims and heartbeats run
in a transaction of their own (`Queue`: `PgDatabase.transaction()`) that does not take the store's write lock, so
an idle worker never waits behind a long import's commit. The commit of a job re-reads its row `FOR UPDATE` (`owns`):
until that commits, another worker's claim skips the row. A worker killed mid-job leaves its claim, which is taken
again once its heartbeat is older than the timeout; its open transaction dies with its connection.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager

from core.errors import CustbookError, StoreBusy
from core.i18n import _, ngettext, using_language
from core.plan import rejected_summary
from store.jobs import MAX_ATTEMPTS, WORKER_STOPPED, read_job
from store.records import Claim, Job, JobState, job_label, job_timeout, parse_batch_id
from store.sql import Connection, Database, is_postgres

# A transaction for the queue's own rows: the store's write transaction on DuckDB (writers take turns), one without
# the store's write lock on PostgreSQL (`PgDatabase.transaction`: row locks keep workers apart).
Queue = Callable[[], AbstractContextManager[Connection]]


def _stale(con: Connection) -> str:
    """SQL: the job's heartbeat is older than `?` seconds."""
    if is_postgres(con):
        return "heartbeat < now()::TIMESTAMP - make_interval(secs => ?::DOUBLE PRECISION)"
    return "heartbeat < now()::TIMESTAMP - to_seconds(?::DOUBLE)"


def _skip_locked(con: Connection) -> str:
    """SQL after a SELECT of jobs to change: on PostgreSQL, lock them, skipping those another worker holds."""
    return " FOR UPDATE SKIP LOCKED" if is_postgres(con) else ""


def claim_next(
    store: Database, worker: str, *, timeout: float | None = None, queue: Queue | None = None
) -> Claim | None:
    """Take the oldest queued job, or a running one whose worker stopped sending heartbeats; None when none is
    waiting. Atomic: the look and the claim are one transaction (on PostgreSQL one statement, SKIP LOCKED)."""
    timeout = job_timeout() if timeout is None else timeout
    with store.read() as con:
        # A cheap look first: an idle worker polling every few seconds should not take the write lock each time.
        waiting = con.execute(
            f"SELECT count(*) FROM jobs WHERE state = 'queued' OR (state = 'running' AND {_stale(con)})",
            [timeout],
        ).fetchone()
    if not waiting or not waiting[0]:
        return None
    with (queue or store.write)() as con:
        # A job that killed its worker MAX_ATTEMPTS times is not tried again: it would loop forever.
        for number, claimed_by, language in con.execute(
            f"SELECT id, claimed_by, language FROM jobs WHERE state = 'running' AND attempts >= ? AND {_stale(con)}"
            f"{_skip_locked(con)}",
            [MAX_ATTEMPTS, timeout],
        ).fetchall():
            # The result speaks its submitter's language (English for a job queued before layout 6), as
            # services.jobs writes every other result.
            with using_language(language or "en"):
                message = ngettext(
                    "The job was started {count} time and its worker stopped each time (last {worker}). Split the "
                    "file into smaller ones and import them again",
                    "The job was started {count} times and its worker stopped each time (last {worker}). Split the "
                    "file into smaller ones and import them again",
                    MAX_ATTEMPTS,
                ).format(count=MAX_ATTEMPTS, worker=claimed_by)
            _finish(con, number, JobState.FAILED, rejected_summary(message, job_label(number)), None, None)
        if is_postgres(con):
            return _claim_pg(con, worker, timeout)
        row = con.execute(
            f"SELECT id, attempts FROM jobs WHERE state = 'queued' OR (state = 'running' AND {_stale(con)}) "
            "ORDER BY id LIMIT 1",
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


def _claim_pg(con: Connection, worker: str, timeout: float) -> Claim | None:
    """The claim on PostgreSQL: one statement. The sub-select locks the oldest claimable job, skipping any job
    another worker's transaction holds (its claim, or its commit: `owns`), so that two workers never take one job
    and none waits for another; a job claimed and committed meanwhile no longer matches and the next one is taken."""
    row = con.execute(
        "UPDATE jobs SET state = 'running', claimed_by = ?, claimed_at = now()::TIMESTAMP, "
        "heartbeat = now()::TIMESTAMP, attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE "
        f"state = 'queued' OR (state = 'running' AND {_stale(con)}) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING id, attempts, file_bytes",
        [worker, timeout],
    ).fetchone()
    if row is None:
        return None
    return Claim(read_job(con, int(row[0])), bytes(row[2]), worker, int(row[1]))


def _owns(con: Connection, claim: Claim) -> bool:
    # On PostgreSQL the row stays locked until the transaction ends: another worker's claim skips it meanwhile.
    row = con.execute(
        "SELECT 1 FROM jobs WHERE id = ? AND state = 'running' AND claimed_by = ? AND attempts = ?"
        + (" FOR UPDATE" if is_postgres(con) else ""),
        [claim.job.number, claim.worker, claim.attempt],
    ).fetchone()
    return row is not None


def heartbeat(store: Database, claim: Claim, *, queue: Queue | None = None) -> bool:
    """Tell other workers this job's worker is alive; False when the claim was lost (the job was claimed again)."""
    with (queue or store.write)() as con:
        if not _owns(con, claim):
            return False
        con.execute("UPDATE jobs SET heartbeat = now()::TIMESTAMP WHERE id = ?", [claim.job.number])
        return True


def release(store: Database, claim: Claim, *, queue: Queue | None = None) -> None:
    """Put a claimed job back in the queue (the store was busy): best effort, the timeout covers a failure."""
    try:
        with (queue or store.write)() as con:
            if _owns(con, claim):
                con.execute(
                    "UPDATE jobs SET state = 'queued', attempts = attempts - 1, claimed_by = NULL, heartbeat = NULL "
                    "WHERE id = ?",
                    [claim.job.number],
                )
    except StoreBusy:
        pass


def _finish(
    con: Connection,
    number: int,
    state: JobState,
    summary: dict[str, object],
    failed_csv: bytes | None,
    batch: int | None,
) -> None:
    count = "cardinality(emails)" if is_postgres(con) else "len(emails)"
    emails = con.execute(f"SELECT {count} FROM jobs WHERE id = ?", [number]).fetchone()
    mail = WORKER_STOPPED if emails and emails[0] else None
    con.execute(
        "UPDATE jobs SET state = ?, finished = now()::TIMESTAMP, result = ?, failed_rows = ?, batch = ?, "
        "mail_status = ? WHERE id = ?",
        [state.value, json.dumps(summary, ensure_ascii=False, default=str), failed_csv, batch, mail, number],
    )


def owns(store: Database, claim: Claim) -> bool:
    """Whether the claim is still this worker's (same worker, same attempt): inside a unit of work, the answer
    holds until it commits, since writers take turns."""
    with store.read() as con:
        return _owns(con, claim)


def finish(
    store: Database,
    claim: Claim,
    state: JobState,
    summary: dict[str, object],
    failed_csv: bytes | None,
    batch: str | None,
) -> Job:
    """Record a claimed job's final state, summary, failed rows and batch. The job service calls it in the unit of
    work that applies the job's plan, after `owns`, so the job and its batch commit together or not at all."""
    with store.write() as con:
        _finish(con, claim.job.number, state, summary, failed_csv, parse_batch_id(batch) if batch else None)
        return read_job(con, claim.job.number)


def refuse(store: Database, claim: Claim, exc: CustbookError, *, queue: Queue | None = None) -> Job | None:
    """Record a job that cannot run (its file, its user, its entity): failed, the reason as its one error."""
    return _refuse(store, claim, exc, queue)


def _refuse(store: Database, claim: Claim, exc: CustbookError, queue: Queue | None = None) -> Job | None:
    with (queue or store.write)() as con:
        if not _owns(con, claim):
            return None
        summary = rejected_summary(str(exc), claim.job.id)
        _finish(con, claim.job.number, JobState.FAILED, summary, None, None)
        return read_job(con, claim.job.number)


def fail_unexpected(store: Database, claim: Claim, problem: str, *, queue: Queue | None = None) -> Job | None:
    """Record a job that met a problem custbook did not foresee (a bug): failed, with the problem as its error."""
    return _refuse(
        store,
        claim,
        CustbookError(
            _("The job stopped on an unexpected problem ({problem})").format(problem=problem), _("Please report it")
        ),
        queue,
    )
