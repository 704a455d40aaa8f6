"""The job worker on a PostgreSQL store, in-process against a real server: the worker (an administrator) applies
each job as its submitter's role, so that the database's own grants decide; a submitter who lost Add after queueing
gets the permission message; claims lock the job's row with SKIP LOCKED and never wait for the store's write lock.
Several worker processes and a worker killed mid-job: tests/test_pg_jobs_process.py.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from acting import ADMIN
from csv_files import csv_bytes
from test_pg_jobs_process import Team, customers, jobs_of, queue
from test_pg_jobs_process import team as team  # the fixture

from cli.main import main
from core.errors import PermissionDenied
from core.plan import ImportOptions
from core.users import Permission, User, UserType
from services import imports
from services import jobs as job_service
from store.opening import let_go_all
from store.pg import PgStore
from store.records import JobState

NEW = [["CUSTOMERID", "NAME", "PRINTAS"], ["N1", "New one", "New one"]]


def test_a_job_is_written_as_its_submitters_role(team: Team, tmp_path: Path) -> None:
    queue(team.bob, tmp_path, NEW, "new.csv")
    store = PgStore(team.boss)
    claim = store.jobs.claim_next("host:1")
    assert claim is not None
    roles: list[str] = []

    # The unit of work that commits the job: inside acting_as, the connection's role is the submitter's.
    with store.unit_of_work() as uow:
        user = uow.users.acting_for(team.bob_role)
        with uow.users.acting_as(user), uow.transaction() as con:  # type: ignore[attr-defined]
            roles.append(con.execute("SELECT current_user").fetchone()[0])
        with uow.transaction() as con:  # type: ignore[attr-defined]
            roles.append(con.execute("SELECT current_user").fetchone()[0])
    assert roles == [team.bob_role, team.boss_role]
    assert user.name == team.bob_role and user.perms == frozenset(Permission) and not user.is_admin

    job = job_service.run_claimed(store, claim)
    assert job is not None and job.state is JobState.DONE, job and job.result
    assert customers(team.alice) == {"N1": ("New one", team.bob_role)}
    with psycopg.connect(team.superuser) as con:  # the worker was lent the role for its transactions only
        assert con.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [team.boss_role, team.bob_role]).fetchone() == (
            False,
        )


def test_a_submitter_who_lost_add_after_queueing_fails_with_the_permission_message(team: Team, tmp_path: Path) -> None:
    queue(team.bob, tmp_path, NEW, "new.csv")
    assert main(["--db", team.alice, "users", "add", team.bob_role, "--type", "employee", "--perms", "list,edit"]) == 0
    let_go_all()
    store = PgStore(team.boss)
    claim = store.jobs.claim_next("host:1")
    assert claim is not None
    job = job_service.run_claimed(store, claim)
    # Each row as the planner allows it with the permissions of now: the new customer's row fails, nothing written.
    assert job is not None and job.result is not None
    assert (job.result["created"], job.result["failed"], job.batch) == (0, 1, None), job.result
    assert f"{team.bob_role} may not add customers (Add permission missing)" in str(job.result["errors"])
    assert customers(team.alice) == {}


def test_the_databases_grants_decide_under_the_submitters_role(team: Team) -> None:
    """Even a User that claims every permission cannot write what the submitter's role may not: the database
    refuses it (here the role lost INSERT with psql, behind custbook's back)."""
    with psycopg.connect(team.superuser, autocommit=True) as con:
        con.execute(f'REVOKE INSERT ON customers FROM "{team.bob_role}"')
    store = PgStore(team.boss)
    raw = imports.read_queued(csv_bytes(NEW), "new.csv", ImportOptions())
    planned = imports.plan(store, raw, user=ADMIN, entity=None, options=ImportOptions())
    assert planned.created == 1
    claims_all = User(team.bob_role, UserType.EMPLOYEE, frozenset(Permission))
    with pytest.raises(PermissionDenied, match="The database refused this to your role"):  # noqa: SIM117
        with store.unit_of_work() as uow, uow.users.acting_as(claims_all):
            uow.history.apply(planned, user=claims_all)
    assert customers(team.alice) == {}
    # As the worker's own role the same plan is written: the refusal was the submitter's role's.
    with store.unit_of_work() as uow:
        assert uow.history.apply(planned, user=claims_all).batch is not None
    assert customers(team.alice) == {"N1": ("New one", team.bob_role)}


def test_only_an_administrator_acts_for_another_user(team: Team) -> None:
    with pytest.raises(PermissionDenied, match="Only an administrator"):
        PgStore(team.bob).users.acting_for(team.boss_role)
    with pytest.raises(PermissionDenied, match="no longer a user"):
        PgStore(team.boss).users.acting_for("nobody_at_all")


def test_a_claim_skips_a_job_another_worker_holds(team: Team, tmp_path: Path) -> None:
    for n in range(2):
        queue(team.bob, tmp_path, [["CUSTOMERID", "NAME", "PRINTAS"], [f"S{n}", "S", "S"]], f"s{n}.csv")
    other = psycopg.connect(team.alice)  # another worker's transaction holding J1's row
    try:
        other.execute("SELECT id FROM jobs WHERE id = 1 FOR UPDATE")
        claim = PgStore(team.boss, busy_seconds=0.5).jobs.claim_next("host:2")
        assert claim is not None and claim.job.id == "J2"  # J1 was skipped, not waited for
        assert PgStore(team.boss, busy_seconds=0.5).jobs.claim_next("host:3") is None
    finally:
        other.rollback()
        other.close()
    again = PgStore(team.boss).jobs.claim_next("host:3")
    assert again is not None and again.job.id == "J1"
    assert {job.claimed_by for job in jobs_of(team.alice).values()} == {"host:2", "host:3"}


def test_claims_and_heartbeats_do_not_wait_for_the_stores_write_lock(team: Team, tmp_path: Path) -> None:
    queue(team.bob, tmp_path, NEW, "new.csv")
    busy = PgStore(team.alice)
    store = PgStore(team.boss, busy_seconds=0.5)
    with busy.unit_of_work():  # a long import's commit holds the write lock meanwhile
        claim = store.jobs.claim_next("host:1")
        assert claim is not None
        assert store.jobs.heartbeat(claim)
    assert jobs_of(team.alice)["J1"].state is JobState.RUNNING
