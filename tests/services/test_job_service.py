"""Jobs (services/jobs.py over store/jobs.py and store/job_worker.py): queueing, the atomic claim, a claim taken
over after the timeout, and the import applied at most once, in the same transaction as the job's final state.

In-process, on a throwaway store; the same guarantees across real processes (two workers, a worker killed with
SIGKILL) are in tests/test_jobs_process.py.
"""

from __future__ import annotations

import time

import pytest
from acting import ADMIN
from csv_files import csv_bytes

from core.errors import InvalidValue, PermissionDenied, UsageError
from core.plan import ImportOptions, Policy
from core.users import User
from services import jobs as job_service
from store import job_worker, jobs, records
from store.duck import DuckStore as Store
from store.jobs import JobState

GOOD = csv_bytes(
    [["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1"], ["C1", "Ann", "Ann", "a@x.org"], ["C2", "Bo", "Bo", "bo@"]]
)


def _submit(store: Store, user: User, data: bytes = GOOD, **kw: object) -> jobs.Job:
    return store.jobs.submit(
        data=data,
        file_name=str(kw.pop("file_name", "c.csv")),
        options=kw.pop("options", ImportOptions()),  # type: ignore[arg-type]
        user=user,
        entity=None,
        **kw,  # type: ignore[arg-type]
    )


def _customers(store: Store) -> list[tuple]:
    with store.read() as con:
        return con.execute('SELECT "CUSTOMERID", "NAME" FROM customers ORDER BY 1').fetchall()


def test_a_queued_job_is_claimed_run_and_keeps_its_results(store: Store, alice: User) -> None:
    job = _submit(store, alice, emails=("a@b.co",))
    assert (job.id, job.state, job.file_size, job.emails) == ("J1", JobState.QUEUED, len(GOOD), ("a@b.co",))
    claim = store.jobs.claim_next("host:1")
    assert claim is not None and claim.data == GOOD and claim.attempt == 1
    assert store.jobs.get("J1", user=ADMIN).state is JobState.RUNNING
    done = job_service.run_claimed(store, claim)
    assert done is not None and done.state is JobState.DONE
    assert done.result is not None
    assert {k: done.result[k] for k in ("status", "batch", "job", "rows", "created", "failed")} == {
        "status": "committed", "batch": "B1", "job": "J1", "rows": 2, "created": 1, "failed": 1,
    }  # fmt: skip
    assert done.batch == "B1" and done.finished is not None
    # Until the worker records the send, the job says the mail did not go: a worker killed now loses nothing.
    assert done.mail_status == jobs.WORKER_STOPPED
    failed = store.jobs.failed_rows(done)
    assert failed is not None and b"C2,Bo,Bo,bo@" in failed
    assert _customers(store) == [("C1", "Ann")]
    assert [(b.id, b.file_name, b.created, b.failed) for b in store.history.batches(user=ADMIN)] == [
        ("B1", "c.csv", 1, 1)
    ]
    assert store.jobs.claim_next("host:1") is None


def test_a_running_job_is_not_claimed_twice(store: Store, alice: User) -> None:
    _submit(store, alice)
    first = store.jobs.claim_next("host:1", timeout=60)
    assert first is not None
    assert store.jobs.claim_next("host:2", timeout=60) is None


def test_a_stale_claim_is_taken_over_and_the_slow_worker_writes_nothing(store: Store, alice: User) -> None:
    _submit(store, alice)
    slow = store.jobs.claim_next("host:1", timeout=60)
    assert slow is not None
    time.sleep(0.05)
    again = store.jobs.claim_next("host:2", timeout=0.01)  # host:1 sent no heartbeat for longer than the timeout
    assert again is not None and again.job.number == slow.job.number and again.attempt == 2
    # The slow worker wakes up: its claim is gone, so it writes nothing at all.
    assert job_service.run_claimed(store, slow) is None
    assert _customers(store) == [] and store.history.batches(user=ADMIN) == []
    done = job_service.run_claimed(store, again)
    assert done is not None and done.claimed_by == "host:2" and done.attempts == 2
    assert [b.id for b in store.history.batches(user=ADMIN)] == ["B1"]


def test_the_apply_and_the_jobs_final_state_are_one_transaction(
    store: Store, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _submit(store, alice)
    claim = store.jobs.claim_next("host:1")
    assert claim is not None

    def crash(*args: object) -> None:  # the process dies after the apply, before the job is marked done
        raise RuntimeError("power cut")

    monkeypatch.setattr(job_worker, "_finish", crash)
    with pytest.raises(RuntimeError):
        job_service.run_claimed(store, claim)
    assert _customers(store) == [] and store.history.batches(user=ADMIN) == []
    assert store.jobs.get("J1", user=ADMIN).state is JobState.RUNNING  # claimed again after the timeout
    monkeypatch.undo()
    done = job_service.run_claimed(store, claim)
    # One batch, the job's: nothing of the attempt that crashed. (Its number is B1 on DuckDB, whose sequences roll
    # back with the transaction; a PostgreSQL sequence does not, so there the crashed attempt's number stays unused.)
    assert done is not None and [b.id for b in store.history.batches(user=ADMIN)] == [done.batch]


def test_a_job_that_keeps_killing_its_worker_ends_failed(store: Store, alice: User) -> None:
    _submit(store, alice)
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        claim = store.jobs.claim_next(f"host:{attempt}", timeout=0.01)
        assert claim is not None and claim.attempt == attempt
        time.sleep(0.05)  # ... and the worker dies
    assert store.jobs.claim_next("host:9", timeout=0.01) is None
    job = store.jobs.get("J1", user=ADMIN)
    assert job.state is JobState.FAILED and job.result is not None
    assert f"started {jobs.MAX_ATTEMPTS} times" in str(job.result["errors"])
    assert _customers(store) == []


def test_strict_with_failing_rows_and_unreadable_files_fail_without_writing(store: Store, alice: User) -> None:
    _submit(store, alice, options=ImportOptions(policy=Policy.STRICT))
    _submit(store, alice, data=b"", file_name="empty.csv")
    results = []
    while (claim := store.jobs.claim_next("host:1")) is not None:
        results.append(job_service.run_claimed(store, claim))
    strict, empty = results
    assert strict is not None and strict.state is JobState.FAILED and strict.batch is None
    assert strict.result is not None and strict.result["status"] == "rejected" and strict.result["failed"] == 1
    assert store.jobs.failed_rows(strict) is not None
    assert empty is not None and empty.state is JobState.FAILED and empty.result is not None
    assert empty.result["status"] == "rejected" and "empty" in str(empty.result["errors"][0])  # type: ignore[index]
    assert _customers(store) == [] and store.history.batches(user=ADMIN) == []


def test_a_user_without_import_permissions_by_run_time_fails_the_job(store: Store, alice: User, both_stores_as) -> None:
    from core.users import Permission, UserType

    store.users.add("bob", UserType.EMPLOYEE, frozenset({Permission.ADD}), by=alice)
    store.users.add("carol", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=alice)
    _submit(*both_stores_as("bob"))
    with pytest.raises(PermissionDenied):  # without Add or Edit, nothing is queued at all
        _submit(*both_stores_as("carol"))
    store.users.add("bob", UserType.EMPLOYEE, frozenset(), by=alice)  # his permissions go before the job runs
    claim = store.jobs.claim_next("host:1")
    assert claim is not None
    job = job_service.run_claimed(store, claim)
    assert job is not None and job.state is JobState.FAILED
    assert "bob may not" in str(job.result)
    assert _customers(store) == []


def test_job_ids_and_the_timeout_setting() -> None:
    assert jobs.parse_job_id(" j12 ") == 12 and jobs.job_label(12) == "J12"
    with pytest.raises(UsageError):
        jobs.parse_job_id("B12")
    assert records.job_timeout({}) == records.DEFAULT_JOB_TIMEOUT
    assert records.job_timeout({"CUSTBOOK_JOB_TIMEOUT": "1.5"}) == 1.5
    with pytest.raises(InvalidValue):
        records.job_timeout({"CUSTBOOK_JOB_TIMEOUT": "-1"})


def test_options_survive_the_round_trip_through_json() -> None:
    from core.values import DateFormat

    options = ImportOptions(DateFormat.MDY_SLASH, "cp1252", Policy.STRICT, 100)
    assert ImportOptions.from_json(options.to_json()) == options


def test_the_brief_list_has_the_counts_without_the_errors(store: Store, alice: User) -> None:
    """`list_jobs_brief`, for the Jobs screen's refresh: the same jobs newest first, each result with its counts
    and the number of errors and warnings, not the lists themselves (PostgreSQL reads the counts with its own JSON
    functions: the interface's `o` crashed on them once)."""
    _submit(store, alice, emails=("a@b.co",))
    _submit(store, alice, file_name="later.csv")
    claim = store.jobs.claim_next("host:1")
    assert claim is not None and job_service.run_claimed(store, claim) is not None
    brief, whole = store.jobs.list(user=ADMIN, brief=True), store.jobs.list(user=ADMIN)
    assert [(j.id, j.state, j.file_name) for j in brief] == [
        ("J2", JobState.QUEUED, "later.csv"), ("J1", JobState.DONE, "c.csv"),
    ]  # fmt: skip
    assert [(j.id, j.state, j.created, j.finished, j.batch, j.failed_rows, j.mail_status) for j in brief] == [
        (j.id, j.state, j.created, j.finished, j.batch, j.failed_rows, j.mail_status) for j in whole
    ]
    assert brief[0].result is None
    full = whole[1].result
    assert full is not None and len(full["errors"]) == 1  # type: ignore[arg-type]
    assert brief[1].result == {
        **{k: v for k, v in full.items() if k not in ("errors", "warnings", "fields")},  # the list shows counts
        "error_count": 1, "warning_count": len(full["warnings"]),  # type: ignore[arg-type]
    }  # fmt: skip
    assert len(store.jobs.list(limit=1, user=ADMIN, brief=True)) == 1


def test_the_worker_is_an_administrators(store: Store, alice: User, both_stores_as) -> None:
    """Issue 17, item 10 (cli.md): any user, even an unknown one, could run `jobs run --once`, applying other
    users' queued jobs and mailing their results with the caller's settings."""
    from core.users import Permission, UserType

    store.users.add("clerk", UserType.EMPLOYEE, frozenset(Permission), by=alice)
    clerks, clerk = both_stores_as("clerk")
    _submit(store, alice)
    with pytest.raises(PermissionDenied, match="may not run the job worker"):
        job_service.run_worker(clerks, by=clerk, once=True, poll=1, log=lambda text, problem: None)
    assert store.jobs.get("J1", user=alice).state is JobState.QUEUED  # nothing was run
    done = job_service.run_worker(store, by=alice, once=True, poll=1, log=lambda text, problem: None)
    assert done.ran == 1 and store.jobs.get("J1", user=alice).state is JobState.DONE
