"""Crash safety on PostgreSQL (issue 15, "What it must show"): `custbook import` and `custbook undo` processes on a
PostgreSQL store, killed with SIGKILL at random moments. After every kill, once the server has ended the killed
client's session, the store holds exactly the state before or exactly the state after (every customer, as the CSV
for import writes them, entity customers included, and a history that agrees), and takes a write again.

As kill_harness.py does on a DuckDB file: each run is first made once to its end (its "after" state and its
duration), then every kill comes after a random delay spread over that duration and a little beyond; a third of
the kills come before the moment that run took the store's write lock (an advisory lock, seen in pg_locks), a
third wait for the write lock and strike within the rest of the run (so that kills land during the commit too; some
of them as soon as the lock is released, after the commit), a third anywhere. A fresh copy of the store for each run
is a database made from a template (CREATE DATABASE ... TEMPLATE).

The helpers (`PgState`, `read_pg_state`, `pg_environ`...) serve tests/reliability/test_pg_concurrency.py too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pg_server
import pytest
from acting import ADMIN
from store_states import NARROW, BatchState, write_import_file

from formats.writer import get_writer
from services.export import export_table
from store.opening import let_go_all, open_store
from store.pg_db import WRITE_LOCK
from store.views import builtin_view

CUSTOMERS = 5000
ROWS = 25_000
BEYOND = 1.02


def pg_environ() -> dict[str, str]:
    """A `custbook` process's environment: the role of the URL acts (no CUSTBOOK_USER), nothing of the caller's
    store leaks in."""
    drop = ("CUSTBOOK_DB", "CUSTBOOK_DEBUG", "CUSTBOOK_USER")
    return {k: v for k, v in os.environ.items() if k not in drop}


def custbook(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "custbook", "--db", url, *args]


def run_custbook(url: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        custbook(url, *args), capture_output=True, text=True, env=pg_environ(), timeout=timeout, check=False
    )


def admin_con(url: str):
    import psycopg

    return psycopg.connect(pg_server.with_database(url, "postgres"), autocommit=True)


def copy_database(template_url: str, name: str) -> str:
    """A fresh database `name` made from the database of `template_url` (nobody may be connected to it); its URL."""
    let_go_all()
    template = template_url.rpartition("/")[2]
    with admin_con(template_url) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return pg_server.with_database(template_url, name)


def drop(url: str) -> None:
    let_go_all()
    pg_server.drop_database(url)


def sessions(url: str) -> int:
    """Sessions open on the database of `url`, besides this process's."""
    with admin_con(url) as con:
        row = con.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [url.rpartition("/")[2]],
        ).fetchone()
    return int(row[0]) if row else 0


def wait_sessions_gone(url: str, timeout: float = 120) -> None:
    """Wait until the server has ended the sessions of killed clients (a backend in the middle of a statement
    notices its client is gone when the statement ends, and rolls back what was not committed)."""
    deadline = time.monotonic() + timeout
    while sessions(url):
        assert time.monotonic() < deadline, f"the killed client's session on {url} did not end in {timeout} s"
        time.sleep(0.02)


def write_lock_held(con, database: str) -> bool:
    """Whether a session on `database` holds the store's write lock (a writer is in its write transaction)."""
    row = con.execute(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' "
        "AND l.objid = %s AND l.granted AND d.datname = %s",
        [WRITE_LOCK, database],
    ).fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class PgState:
    customers: int
    contents: str  # SHA-256 of the CSV for import of every customer (entity customers too), sorted
    batches: tuple[BatchState, ...]

    def describe(self) -> str:
        return f"{self.customers:,} customers, {self.contents[:12]}, batches {[b.id for b in self.batches]}"


def export_all(url: str) -> list[list[str]]:
    """Every customer (entity customers included) as the CSV for import writes them, header first."""
    store = open_store(url)
    try:
        writer = get_writer("import-csv")
        view = replace(builtin_view(), include_entities=True)
        out = io.BytesIO()
        writer.write(export_table(store, user=ADMIN, writer=writer, view=view), out)
        return list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    finally:
        let_go_all()


def export_top(url: str) -> list[list[str]]:
    """The top-level customers as the CSV for import writes them (what an import file builds on)."""
    store = open_store(url)
    try:
        writer = get_writer("import-csv")
        out = io.BytesIO()
        writer.write(export_table(store, user=ADMIN, writer=writer), out)
        return list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    finally:
        let_go_all()


def read_batches(url: str) -> tuple[BatchState, ...]:
    store = open_store(url)
    try:
        return tuple(
            BatchState(b.id, b.kind, b.file_name, b.created, b.updated, b.blanked, b.undoes, b.undone_by)
            for b in store.history.batches(user=ADMIN, limit=100_000)
        )
    finally:
        let_go_all()


def read_pg_state(url: str) -> PgState:
    rows = export_all(url)
    digest = hashlib.sha256(repr([rows[0], *sorted(rows[1:])]).encode()).hexdigest()
    return PgState(len(rows) - 1, digest, read_batches(url))


def write_again(url: str) -> None:
    """Take the store's write lock in a transaction of its own, as the next import after a crash does."""
    store = open_store(url)
    try:
        with store.unit_of_work():
            pass
    finally:
        let_go_all()


@dataclass
class PgKillReport:
    what: str
    seconds_per_run: float
    kills: int = 0  # processes killed while still running
    before: int = 0  # ... before their write transaction: the state before
    rolled_back: int = 0  # ... while holding the write lock, the state before: the transaction was rolled back
    committed: int = 0  # ... while holding the write lock, the state after: the commit had reached the server
    after: int = 0  # ... after their write transaction: the state after
    finished: int = 0  # runs that had already exited when the kill came (not counted as kills)
    lost: int = 0  # stores holding neither state
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"PostgreSQL {self.what}: {self.kills} kills (a run takes {self.seconds_per_run:.1f} s): {self.before} "
            f"before its write transaction, {self.rolled_back + self.committed} during it ({self.rolled_back} "
            f"rolled back, {self.committed} committed), {self.after} after it; {self.finished} more runs finished "
            f"before their kill; stores holding neither state: {self.lost}"
        )


@dataclass(frozen=True)
class PgWriter:
    what: str
    template: str  # the URL of the database every run starts from
    before: PgState
    after: PgState
    args: tuple[str, ...]
    seconds: float
    lock_at: float  # when, in the run made to its end, the write lock was first held


def run_to_end(url: str, args: tuple[str, ...]) -> tuple[float, float]:
    """Run a writer once without killing it; its duration and when it first held the write lock."""
    database = url.rpartition("/")[2]
    with admin_con(url) as watch:
        proc = subprocess.Popen(
            custbook(url, *args), env=pg_environ(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        began = time.monotonic()
        lock_at = None
        while proc.poll() is None:
            if lock_at is None and write_lock_held(watch, database):
                lock_at = time.monotonic() - began
            time.sleep(0.002)
    seconds = time.monotonic() - began
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"the uninterrupted run failed ({proc.returncode}): {err}"
    return seconds, seconds if lock_at is None else lock_at


def kill_runs(writer: PgWriter, kills: int, rng: random.Random) -> PgKillReport:
    report = PgKillReport(writer.what, writer.seconds)
    durations = [writer.seconds]
    attempts = 0
    victim_name = "victim_" + writer.template.rpartition("/")[2]
    while report.kills < kills and attempts < kills * 3:
        attempts += 1
        span = statistics.median(durations)
        lock_at = writer.lock_at * span / writer.seconds
        victim = copy_database(writer.template, victim_name)
        with admin_con(victim) as watch:
            proc = subprocess.Popen(
                custbook(victim, *writer.args), env=pg_environ(), stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            began = time.monotonic()
            # A third of the kills early (before the write lock, in the run made to its end), a third aimed at
            # the write transaction and what follows, a third anywhere: every kind of moment is met on every run.
            kind = attempts % 3
            aimed = kind == 1
            deadline = began + 4 * span + 30
            while aimed and proc.poll() is None and not write_lock_held(watch, victim_name):
                assert time.monotonic() < deadline, "the writer never took the write lock"
                time.sleep(0.001)
            if aimed and rng.random() < 0.3:  # some right after the commit: the lock released, the exit to come
                while proc.poll() is None and write_lock_held(watch, victim_name):
                    assert time.monotonic() < deadline, "the writer never released the write lock"
                    time.sleep(0.001)
                delay = 0.0
            elif kind == 0:
                delay = rng.uniform(0, lock_at)
            elif aimed:
                delay = rng.uniform(0, (span - lock_at) * BEYOND)
            else:
                delay = rng.uniform(0, span * BEYOND)
            in_transaction = False
            try:
                proc.wait(timeout=delay)
                running = False
                durations.append(time.monotonic() - began)
            except subprocess.TimeoutExpired:
                running = True
                in_transaction = write_lock_held(watch, victim_name)
                proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
        killed = running and proc.returncode == -signal.SIGKILL
        report.kills += killed
        report.finished += not killed
        if not killed and proc.returncode != 0:
            report.problems.append(f"run {attempts} failed on its own ({proc.returncode}): {err.strip()}")
        wait_sessions_gone(victim)
        state = read_pg_state(victim)
        write_again(victim)
        if read_batches(victim) != state.batches:
            report.lost += 1
            report.problems.append(f"run {attempts}: writing again changed the history")
        if state == writer.before and killed:
            report.rolled_back += in_transaction
            report.before += not in_transaction
        elif state == writer.after:
            report.committed += killed and in_transaction
            report.after += killed and not in_transaction
        else:
            report.lost += 1
            report.problems.append(
                f"run {attempts} (killed: {killed}): neither before ({writer.before.describe()}) nor after "
                f"({writer.after.describe()}): {state.describe()}"
            )
    drop(pg_server.with_database(writer.template, victim_name))
    report.seconds_per_run = statistics.median(durations)
    return report


@dataclass(frozen=True)
class PgPrepared:
    before_url: str
    after_url: str
    undone_url: str
    import_file: Path
    before: PgState
    after_import: PgState
    undone: PgState
    counts: dict[str, int]
    import_seconds: float
    import_lock_at: float
    undo_seconds: float
    undo_lock_at: float


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgPrepared]:
    """A 5,000-customer PostgreSQL store, a 25,000-row file (every customer, most changed, the rest new), the
    store after the import, and after its undo."""
    work = tmp_path_factory.mktemp("pg-kills")
    before_url = pg_server.new_database()
    made = run_custbook(before_url, "init", "--demo", str(CUSTOMERS))
    assert made.returncode == 0, made.stderr
    base = export_top(before_url)
    import_file = work / "customers.csv"
    counts = write_import_file(import_file, base, rows=ROWS, prefix="K", field="CITY", columns=NARROW)
    before = read_pg_state(before_url)
    after_url = copy_database(before_url, before_url.rpartition("/")[2] + "_after")
    import_seconds, import_lock_at = run_to_end(after_url, ("import", str(import_file)))
    after_import = read_pg_state(after_url)
    batch = after_import.batches[0].id
    undone_url = copy_database(after_url, before_url.rpartition("/")[2] + "_undone")
    undo_seconds, undo_lock_at = run_to_end(undone_url, ("undo", batch))
    undone = read_pg_state(undone_url)
    yield PgPrepared(
        before_url, after_url, undone_url, import_file, before, after_import, undone, counts, import_seconds,
        import_lock_at, undo_seconds, undo_lock_at,
    )  # fmt: skip
    for url in (before_url, after_url, undone_url):
        drop(url)


def check(report: PgKillReport, kills: int, seed: int, record_property) -> None:
    record_property("figures", f"{report.line()} (seed {seed})")
    assert not report.problems and report.lost == 0, "\n".join(report.problems)
    assert report.kills == kills, f"only {report.kills} of {kills} runs were still running when killed"


@pytest.mark.slow
def test_an_import_killed_at_random_moments_leaves_the_pg_store_before_or_after(prepared, record_property):
    p = prepared
    assert p.counts["rows"] == ROWS and p.before.customers >= CUSTOMERS
    assert p.after_import.customers == p.before.customers + p.counts["created"] and p.counts["created"] > 0
    assert p.after_import.batches[0].updated > 3000
    seed = random.randrange(1 << 30)
    writer = PgWriter(
        "custbook import", p.before_url, p.before, p.after_import, ("import", str(p.import_file)),
        p.import_seconds, p.import_lock_at,
    )  # fmt: skip
    report = kill_runs(writer, 30, random.Random(seed))
    check(report, 30, seed, record_property)
    assert report.before > 0, "no kill landed before the write transaction"
    assert report.rolled_back + report.committed > 0, "no kill landed during the write transaction"


@pytest.mark.slow
def test_an_undo_killed_at_random_moments_leaves_the_pg_store_before_or_after(prepared, record_property):
    p = prepared
    assert (p.undone.customers, p.undone.contents) == (p.before.customers, p.before.contents), "undo is not exact"
    assert p.undone.batches[0].undoes == p.after_import.batches[0].id
    seed = random.randrange(1 << 30)
    batch = p.after_import.batches[0].id
    writer = PgWriter(
        "custbook undo", p.after_url, p.after_import, p.undone, ("undo", batch), p.undo_seconds, p.undo_lock_at
    )
    report = kill_runs(writer, 10, random.Random(seed))
    check(report, 10, seed, record_property)
