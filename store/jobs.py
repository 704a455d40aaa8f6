"""Offline imports as jobs: queueing, listing and keeping the results (the worker's side is `store.job_worker`).

Owns the `jobs` table. A job holds the file's bytes, its name, the options, the user, the level (top or entity)
and the e-mail addresses; a worker claims it, runs the import and stores the results with it. Neither module
sends mail or sleeps: the worker loop and the e-mail delivery live in `cli/jobs_cmd.py`.

Guarantees, and how:
- Two workers never run the same job: on DuckDB a claim is a SELECT and an UPDATE inside one `Store.write()`
  transaction, and writers are serialised (DuckDB's file lock between processes, `Store.write()`'s lock between
  threads); on PostgreSQL it is one `UPDATE ... (SELECT ... FOR UPDATE SKIP LOCKED)` in a transaction that does not
  take the store's write lock, so workers on several machines share the queue without waiting for each other.
- A job whose worker died is claimed again once its heartbeat is older than the timeout
  (`CUSTBOOK_JOB_TIMEOUT`, default 60 s), at most `MAX_ATTEMPTS` times; then it is marked failed.
- A job is applied at most once: the plan, the apply (the batch and its customers) and the job's final state are
  written in ONE transaction, which first checks that the claim is still this worker's (same worker, same
  attempt; on PostgreSQL it locks the job's row, which other workers' claims skip). A worker killed before that
  commit leaves nothing of the job in the store; a slow worker whose job was claimed again finds the claim gone and
  writes nothing.
- Each job is applied with its submitter's permissions as they are when it runs (cli.md): the worker, an
  administrator, reads them (`Users.acting_for`) and, on PostgreSQL, writes the plan as the submitter's role
  (`Users.acting_as`: SET LOCAL ROLE), so that the database's own grants decide.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager

from core.errors import (
    NotFound,
)
from core.i18n import _, checked_language
from core.plan import ImportOptions
from core.users import Permission, User
from store.records import Job, JobState, batch_label, job_label, parse_job_id
from store.sql import Connection, Database, is_postgres

MAX_ATTEMPTS = 3  # claims of one job; a job that keeps killing its worker (a file too big for the machine) stops
WORKER_STOPPED = "not sent: the worker stopped before sending it"  # mail status until the worker records the send


_COLS = (
    "id, state, file_name, octet_length(file_bytes), options, user_name, entity, emails, email_each, created, "
    "claimed_by, claimed_at, heartbeat, attempts, finished, batch, result, coalesce(octet_length(failed_rows), 0), "
    "mail_status, language"
)


def _job(row: tuple) -> Job:
    (number, state, name, size, options, user, entity, emails, each, created, claimed_by, claimed_at, heartbeat,
     attempts, finished, batch, result, failed, mail, language) = row  # fmt: skip
    return Job(
        number, JobState(state), name, int(size or 0), ImportOptions.from_json(options), user, entity,
        tuple(emails or ()), bool(each), created, claimed_by, claimed_at, heartbeat, int(attempts), finished,
        batch_label(batch) if batch is not None else None, json.loads(result) if result else None, int(failed), mail,
        language,
    )  # fmt: skip


def submit_job(
    store: Database,
    *,
    data: bytes,
    file_name: str,
    options: ImportOptions,
    user: User,
    entity: str | None,
    emails: tuple[str, ...] = (),
    email_each: bool = False,
    language: str | None = None,
    queue: Callable[[], AbstractContextManager[Connection]] | None = None,
) -> Job:
    """Queue an import by `user`, who needs Add or Edit (the worker applies each row as the planner allows them).
    The caller has checked the entity, the addresses and the file. `language`: the submitter's ("en", "fr"), kept
    with the job so that its results and e-mail speak it (None: the worker's own). `queue`: the transaction for the
    queue's rows (`store.job_worker.Queue`; the store's write transaction when None)."""
    user.require_any((Permission.ADD, Permission.EDIT), _("import customers"))
    language = checked_language(language) if language else None
    with (queue or store.write)() as con:
        row = con.execute("SELECT nextval('job_seq')").fetchone()
        assert row is not None
        number = int(row[0])
        con.execute(
            "INSERT INTO jobs (id, state, file_name, file_bytes, options, user_name, entity, emails, email_each, "
            "created, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, ?)",
            [number, JobState.QUEUED.value, file_name, data, options.to_json(), user.name, entity, list(emails),
             email_each, language],
        )  # fmt: skip
        return read_job(con, number)


def read_job(con: Connection, number: int) -> Job:
    row = con.execute(f"SELECT {_COLS} FROM jobs WHERE id = ?", [number]).fetchone()
    if not row:
        raise NotFound(
            _("There is no job {job}").format(job=job_label(number)), _("See the jobs with: custbook jobs list")
        )
    return _job(row)


def _whose(user: User) -> tuple[str, list[object]]:
    """Jobs hold files and their failed rows, so each user sees their own; administrators see everyone's."""
    return ("TRUE", []) if user.is_admin else ("user_name = ?", [user.name])


def list_jobs(store: Database, *, user: User, limit: int = 200) -> list[Job]:
    """The newest jobs `user` may see first."""
    where, params = _whose(user)
    with store.read() as con:
        rows = con.execute(f"SELECT {_COLS} FROM jobs WHERE {where} ORDER BY id DESC LIMIT ?", [*params, limit])
        return [_job(r) for r in rows.fetchall()]


def get_job(store: Database, job_id: str, *, user: User) -> Job:
    """One job, if `user` may see it; another user's job is "not found", so its existence does not leak."""
    number = parse_job_id(job_id)
    where, params = _whose(user)
    with store.read() as con:
        row = con.execute(f"SELECT id FROM jobs WHERE id = ? AND {where}", [number, *params]).fetchone()
        if row is None:
            raise NotFound(
                _("There is no job {job}").format(job=job_label(number)), _("See the jobs with: custbook jobs list")
            )
        return read_job(con, number)


def failed_rows_of(store: Database, job: Job) -> bytes | None:
    """The failed-rows CSV of a finished job, or None when no row failed."""
    with store.read() as con:
        row = con.execute("SELECT failed_rows FROM jobs WHERE id = ?", [job.number]).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def set_mail_status(
    store: Database, job: Job, status: str, *, queue: Callable[[], AbstractContextManager[Connection]] | None = None
) -> None:
    with (queue or store.write)() as con:
        con.execute("UPDATE jobs SET mail_status = ? WHERE id = ?", [status, job.number])


# --- the interface's list -----------------------------------------------------------------------------------------
# The Jobs screen lists the jobs every 2 seconds while it is open. A job's result holds every error of its import
# (up to one per row of a 25,000-row file): listing them whole each time would read megabytes for a list that
# shows counts. So the list reads each result's counts only; `get_job` reads one job whole when it is opened.

_BRIEF_RESULT = (
    "CASE WHEN result IS NULL THEN NULL ELSE json_merge_patch(json_object("
    "'status', json_extract(result, '$.status'), 'batch', json_extract(result, '$.batch'), "
    "'job', json_extract(result, '$.job'), 'rows', json_extract(result, '$.rows'), "
    "'created', json_extract(result, '$.created'), 'updated', json_extract(result, '$.updated'), "
    "'unchanged', json_extract(result, '$.unchanged'), 'blanked', json_extract(result, '$.blanked'), "
    "'failed', json_extract(result, '$.failed'), "
    "'error_count', coalesce(json_array_length(result, '$.errors'), 0), "
    "'warning_count', coalesce(json_array_length(result, '$.warnings'), 0)), "
    # `applied`: only in the results of users without List (core.plan.ImportPlan.counts); a patch's null drops it.
    "json_object('applied', json_extract(result, '$.applied')))::VARCHAR END"
)
# The same on PostgreSQL, in its JSON functions (a jsonb object: its keys come back sorted, which readers ignore).
_BRIEF_KEYS = ("status", "batch", "job", "rows", "created", "updated", "unchanged", "blanked", "failed")
_PG_BRIEF_RESULT = (
    "CASE WHEN result IS NULL THEN NULL ELSE CAST((jsonb_build_object("
    + ", ".join(f"'{k}', CAST(result AS jsonb) -> '{k}'" for k in _BRIEF_KEYS)
    + ", 'error_count', coalesce(jsonb_array_length(CAST(result AS jsonb) -> 'errors'), 0), "
    "'warning_count', coalesce(jsonb_array_length(CAST(result AS jsonb) -> 'warnings'), 0)) || "
    "CASE WHEN jsonb_exists(CAST(result AS jsonb), 'applied') THEN jsonb_build_object('applied', "
    "CAST(result AS jsonb) -> 'applied') ELSE '{}'::jsonb END) AS VARCHAR) END"
)
assert _COLS.count(" result,") == 1  # the brief columns are `_COLS` with the result replaced by its counts
_BRIEF_COLS = _COLS.replace(" result,", f" {_BRIEF_RESULT},")
_PG_BRIEF_COLS = _COLS.replace(" result,", f" {_PG_BRIEF_RESULT},")


def list_jobs_brief(store: Database, *, user: User, limit: int = 200) -> list[Job]:
    """The newest jobs first, as `list_jobs`, but each result holds only its counts: its "errors" and "warnings"
    lists are left out and counted in "error_count" and "warning_count". Read a job whole with `get_job`."""
    where, params = _whose(user)
    with store.read() as con:
        columns = _PG_BRIEF_COLS if is_postgres(con) else _BRIEF_COLS
        sql = f"SELECT {columns} FROM jobs WHERE {where} ORDER BY id DESC LIMIT ?"
        rows = con.execute(sql, [*params, limit]).fetchall()
    return [_job(r) for r in rows]
