"""The job worker on a PostgreSQL store, across real processes (issue 15, parts 2 and 3): several `custbook jobs
run` workers share one queue and apply each job exactly once (claims with FOR UPDATE SKIP LOCKED), a worker killed
with SIGKILL mid-job leaves its job to be claimed again after the heartbeat timeout, and each job is applied as its
submitter's role. The store-level checks (the role switch, a submitter who lost Add, claims that skip held jobs
and never wait for the write lock) are in tests/store/test_pg_jobs.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from acting import ADMIN
from csv_files import csv_bytes

from cli.main import main
from store.history import list_batches
from store.jobs import list_jobs
from store.opening import let_go_all
from store.pg import PgStore
from store.records import Job, JobState

PASSWORD = "job-pw-1"


@dataclass(frozen=True)
class Team:
    """A PostgreSQL store made by the role alice (its owner, an administrator who may create roles), with a second
    administrator `boss` (a member of the admin role only, as `users add` makes one) and an employee `bob` (List,
    Add, Edit: not an administrator), each able to log in."""

    superuser: str
    alice: str  # URLs
    boss: str
    bob: str
    boss_role: str
    bob_role: str


def as_role(url: str, role: str) -> str:
    return f"postgresql://{role}:{PASSWORD}@" + url.split("@", 1)[1]


@pytest.fixture
def team(pg_alice_db: str, pg_url: str) -> Team:
    tag = uuid.uuid4().hex[:8]
    bob, boss = f"bob_{tag}", f"boss_{tag}"
    assert main(["--db", pg_alice_db, "users", "add", bob, "--type", "employee", "--perms", "list,add,edit"]) == 0
    assert main(["--db", pg_alice_db, "users", "add", boss, "--type", "business", "--perms", "list,add,edit"]) == 0
    let_go_all()
    with psycopg.connect(pg_url, autocommit=True) as con:
        for role in (bob, boss):
            con.execute(f"ALTER ROLE \"{role}\" LOGIN PASSWORD '{PASSWORD}'")
    return Team(pg_url, pg_alice_db, as_role(pg_alice_db, boss), as_role(pg_alice_db, bob), boss, bob)


def queue(url: str, tmp_path: Path, rows: list[list[str]], name: str) -> None:
    """`custbook import FILE --offline` as the role of `url`."""
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    code = main(["--db", url, "import", str(path), "--offline"])
    let_go_all()
    assert code == 0


def worker(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    environ = {k: v for k, v in os.environ.items() if k not in ("CUSTBOOK_DB", "CUSTBOOK_DEBUG", "CUSTBOOK_USER")}
    return subprocess.Popen(
        [sys.executable, "-m", "custbook", "--db", url, "jobs", "run", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**environ, **(env or {})},
    )  # fmt: skip


def wait_until(check: Callable[[], bool], seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.05)


def jobs_of(url: str) -> dict[str, Job]:
    return {job.id: job for job in list_jobs(PgStore(url), user=ADMIN)}


def customers(url: str) -> dict[str, tuple[str, str]]:
    with psycopg.connect(url) as con:
        rows = con.execute('SELECT "CUSTOMERID", "NAME", "CREATEDBY" FROM customers').fetchall()
    return {cid: (name, by) for cid, name, by in rows}


def test_three_workers_apply_each_of_twenty_jobs_exactly_once_as_their_submitter(team: Team, tmp_path: Path) -> None:
    for n in range(20):
        queue(team.bob, tmp_path, [["CUSTOMERID", "NAME", "PRINTAS"], [f"K{n}", f"Name {n}", f"P {n}"]], f"j{n}.csv")
    # Three workers at once, two of them the second administrator (not allowed to create roles: the admin role
    # lends them the submitter's role), one the store's owner.
    workers = [worker(team.boss, "--once"), worker(team.alice, "--once"), worker(team.boss, "--once")]
    outs = [w.communicate(timeout=120) for w in workers]
    for process, (_out, err) in zip(workers, outs):
        assert process.returncode == 0, err.decode()
        assert b"Traceback" not in err
    said = sorted(line.split()[0] for out, _err in outs for line in out.decode().splitlines())
    assert said == sorted(f"J{n}" for n in range(1, 21))  # each job run by one worker, once

    jobs = jobs_of(team.alice)
    assert {job.state for job in jobs.values()} == {JobState.DONE}
    assert {job.attempts for job in jobs.values()} == {1}
    batches = list_batches(PgStore(team.alice), user=ADMIN)
    assert len(batches) == 20
    assert sorted(str(job.batch) for job in jobs.values()) == sorted(b.id for b in batches)
    assert {b.user for b in batches} == {team.bob_role}  # applied as the submitter, not as the worker
    assert customers(team.alice) == {f"K{n}": (f"Name {n}", team.bob_role) for n in range(20)}
    with psycopg.connect(team.superuser) as con:  # the role lent to the workers was taken back
        # From PostgreSQL 16 alice is a member of bob's role without the right to become it (through the store's
        # role-making role, which she created): what was lent is the right to SET ROLE.
        usable = "SET" if con.info.server_version >= 160000 else "MEMBER"
        lent = con.execute(
            f"SELECT pg_has_role(%s, %s, '{usable}'), pg_has_role('alice', %s, '{usable}')",
            [team.boss_role, team.bob_role, team.bob_role],
        ).fetchone()
    assert lent == (False, False)


def test_a_worker_killed_mid_job_leaves_it_to_another_after_the_heartbeat_timeout(team: Team, tmp_path: Path) -> None:
    queue(team.bob, tmp_path, [["CUSTOMERID", "NAME", "PRINTAS"], ["D1", "Doomed", "Doomed"]], "d.csv")
    # The test hook makes the worker sleep between its claim and the import: the kill lands exactly there.
    doomed = worker(team.boss, "--once", env={"CUSTBOOK_TEST_PAUSE_AFTER_CLAIM": "60"})
    try:
        wait_until(lambda: jobs_of(team.alice)["J1"].state is JobState.RUNNING)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    assert doomed.returncode == -signal.SIGKILL
    job = jobs_of(team.alice)["J1"]
    assert job.state is JobState.RUNNING and job.claimed_by is not None
    assert job.claimed_by.endswith(f":{doomed.pid}")
    assert customers(team.alice) == {}

    # A second worker, polling, takes the job once the dead one's heartbeat is older than its timeout (1 s).
    second = worker(team.alice, "--poll", "0.2", env={"CUSTBOOK_JOB_TIMEOUT": "1"})
    try:
        wait_until(lambda: jobs_of(team.alice)["J1"].state is JobState.DONE)
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=20)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 0, err.decode()
    assert out.decode().startswith("J1 d.csv: imported as B1:")
    job = jobs_of(team.alice)["J1"]
    assert job.attempts == 2 and job.claimed_by is not None and not job.claimed_by.endswith(f":{doomed.pid}")
    assert [b.file_name for b in list_batches(PgStore(team.alice), user=ADMIN)] == ["d.csv"]
    assert customers(team.alice) == {"D1": ("Doomed", team.bob_role)}
