"""Offline imports across real processes: `custbook import --offline`, the worker `custbook jobs run`, `jobs show`,
`jobs resend`, with a real SMTP server on 127.0.0.1 (the `smtp` fixtures of tests/test_mail.py).

What must hold (issue 5): a queued import is applied by the worker and its results e-mailed (one message to all,
or one each); a mail server that is down never loses the result and resend delivers it later; two workers on ten
jobs apply each exactly once; a worker killed with SIGKILL mid-job leaves the store unchanged by that job and the
next worker completes it; bad addresses are refused at submission in one sentence.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from acting import ADMIN
from test_cli_process import assert_one_sentence, custbook, snapshot
from test_mail import SmtpServer, smtp, smtp_down  # noqa: F401  (fixtures)

from store.duck import DuckStore as Store
from store.history import list_batches
from store.jobs import JobState, get_job, list_jobs

ROWS = [
    ["CUSTOMERID", "NAME", "PRINTAS", "EMAIL1"],
    ["C1", "Ann Lee", "Ann Lee", "ann@example.com"],
    ["C2", "Bob Ray", "Bob Ray", "bob@"],
    ["C3", "Cy Ode", "Cy Ode", ""],
]


def _popen_worker(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    environ = {k: v for k, v in os.environ.items() if k not in ("CUSTBOOK_DB", "CUSTBOOK_DEBUG")}
    environ |= {"CUSTBOOK_USER": "alice", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "custbook", "--db", str(db), "jobs", "run", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ, cwd=db.parent,
    )  # fmt: skip


def _wait_until(check, seconds: float = 20.0) -> None:
    """Poll the store (it is shared with the worker) until `check()` holds."""
    end = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.05)


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
def test_an_offline_import_is_queued_run_by_the_worker_and_emailed_to_all(cli, db, write_csv, smtp):  # noqa: F811
    path = write_csv(ROWS, name="clients.csv")
    queued = custbook(db, "import", str(path), "--offline", "--json", "--email", "a@b.co; c@d.co")
    assert queued.code == 0, queued.err
    assert queued.json == {
        "status": "queued", "batch": None, "job": "J1", "rows": 0, "created": 0, "updated": 0, "unchanged": 0,
        "blanked": 0, "failed": 0, "errors": [], "warnings": [],
    }  # fmt: skip
    assert "C1" not in snapshot(cli)  # nothing is imported before the worker runs

    run = custbook(db, "jobs", "run", "--once", env=smtp.env)
    assert run.code == 0, run.err
    assert run.out.strip() == (
        "J1 clients.csv: imported as B1, 1 row failed: 3 rows: 2 new, 0 updated (0 fields erased), 0 unchanged, "
        "1 failed; e-mail sent."
    )
    assert set(json.loads(cli("history", "--json").out)[0].items()) >= {("id", "B1"), ("file_name", "clients.csv")}
    exported = snapshot(cli)
    assert "Ann Lee" in exported and "Cy Ode" in exported and "Bob Ray" not in exported

    (got,) = smtp.received
    assert got.rcpt_tos == ["a@b.co", "c@d.co"]
    assert got.message["Subject"] == "custbook import of clients.csv: imported as B1, 1 row failed"
    assert "The import of clients.csv (job J1): imported as B1, 1 row failed." in got.text
    assert "3 rows: 2 new, 0 updated (0 fields erased), 0 unchanged, 1 failed" in got.text
    assert "Row 3, Email ('bob@'): 'bob@' is not an e-mail address." in got.text  # the field's label, not EMAIL1
    assert list(got.attachments) == ["clients-failed-rows.csv"]
    assert b"C2,Bob Ray,Bob Ray,bob@" in got.attachments["clients-failed-rows.csv"]

    show = custbook(db, "jobs", "show", "J1")
    assert show.code == 0, show.err
    assert "Job J1: done" in show.out and "E-mail to a@b.co, c@d.co (one message): sent" in show.out
    assert "Row 3, Email ('bob@'): 'bob@' is not an e-mail address." in show.out
    assert "custbook jobs show J1 --errors-out clients-failed-rows.csv" in show.out
    saved = db.parent / "fix.csv"
    assert custbook(db, "jobs", "show", "J1", "--errors-out", str(saved)).code == 0
    assert saved.read_bytes() == got.attachments["clients-failed-rows.csv"]


def test_with_email_each_every_address_gets_its_own_message(cli, db, write_csv, smtp):  # noqa: F811
    path = write_csv(ROWS, name="clients.csv")
    assert cli("import", str(path), "--offline", "--email", "a@b.co,c@d.co", "--email-each").code == 0
    assert custbook(db, "jobs", "run", "--once", env=smtp.env).code == 0
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == ["a@b.co", "c@d.co"]
    for got in smtp.received:
        assert got.message["To"] == got.rcpt_tos[0]
        assert "3 rows: 2 new" in got.text and list(got.attachments) == ["clients-failed-rows.csv"]


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
def test_a_mail_server_that_is_down_keeps_the_result_and_resend_delivers_it_later(
    cli,
    db,
    write_csv,
    smtp_down,  # noqa: F811
):
    path = write_csv(ROWS, name="clients.csv")
    assert cli("import", str(path), "--offline", "--email", "a@b.co").code == 0
    run = custbook(db, "jobs", "run", "--once", env=smtp_down.env)
    assert run.code == 0, run.err
    reason = f"the mail server 127.0.0.1:{smtp_down.port} refused the connection (is it running?)"
    assert run.out.strip().endswith(f"; e-mail not sent: {reason}.")
    job = get_job(Store(db), "J1", user=ADMIN)
    assert job.state is JobState.DONE and job.batch == "B1"
    assert job.mail_status == f"not sent: {reason}"
    assert "Ann Lee" in snapshot(cli)

    failed = custbook(db, "jobs", "resend", "J1", env=smtp_down.env)
    assert failed.code == 1
    assert_one_sentence(failed.err, "not e-mailed", "refused the connection", "custbook jobs resend J1")

    smtp_down.start()
    resent = custbook(db, "jobs", "resend", "J1", env=smtp_down.env)
    assert resent.code == 0, resent.err
    assert resent.out.strip() == "E-mailed the results of J1 to a@b.co."
    (got,) = smtp_down.received
    assert got.message["Subject"] == "custbook import of clients.csv: imported as B1, 1 row failed"
    assert "clients-failed-rows.csv" in got.attachments
    assert get_job(Store(db), "J1", user=ADMIN).mail_status == "sent"
    assert [b.id for b in list_batches(Store(db), user=ADMIN)] == ["B1"]  # resending never imports again


@pytest.mark.slow
def test_two_workers_started_at_once_apply_each_of_ten_jobs_exactly_once(cli, db, write_csv):
    for n in range(10):
        path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], [f"K{n}", f"Name {n}", f"Print {n}"]], name=f"j{n}.csv")
        assert cli("import", str(path), "--offline").code == 0
    workers = [_popen_worker(db, "--once") for _ in range(2)]
    outs = [w.communicate(timeout=60) for w in workers]
    for worker, (_out, err) in zip(workers, outs):
        assert worker.returncode == 0, err.decode()
        assert b"Traceback" not in err
    lines = [line for out, _ in outs for line in out.decode().splitlines()]
    assert sorted(line.split()[0] for line in lines) == sorted(f"J{n}" for n in range(1, 11))

    store = Store(db)
    jobs = list_jobs(store, user=ADMIN)
    assert {j.state for j in jobs} == {JobState.DONE}
    batches = list_batches(store, user=ADMIN)
    assert len(batches) == 10
    assert sorted(j.batch for j in jobs) == sorted(b.id for b in batches)  # each job's batch, each once
    assert sorted(b.file_name for b in batches) == sorted(f"j{n}.csv" for n in range(10))
    assert {j.attempts for j in jobs} == {1}
    exported = snapshot(cli)
    assert all(f"K{n}," in exported for n in range(10))


@pytest.mark.slow
def test_a_worker_killed_mid_job_changes_nothing_and_the_next_worker_completes_the_job(cli, db, write_csv):
    cli("import", str(write_csv(ROWS[:2], name="seed.csv")))
    before = snapshot(cli)
    path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["C1", "Renamed", "Renamed"], ["N1", "New", "New"]])
    assert cli("import", str(path), "--offline").code == 0
    store = Store(db)

    # The test hook makes the worker sleep between its claim and the import: the kill lands exactly there.
    doomed = _popen_worker(db, "--once", env={"CUSTBOOK_TEST_PAUSE_AFTER_CLAIM": "30"})
    _wait_until(lambda: get_job(store, "J1", user=ADMIN).state is JobState.RUNNING)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    assert doomed.returncode == -signal.SIGKILL

    assert snapshot(cli) == before
    assert [b.file_name for b in list_batches(store, user=ADMIN)] == ["seed.csv"]
    job = get_job(store, "J1", user=ADMIN)
    assert job.state is JobState.RUNNING and job.claimed_by == f"{os.uname().nodename}:{doomed.pid}"

    time.sleep(1.1)  # the dead worker's heartbeat must be older than the next worker's timeout (1 s)
    run = custbook(db, "jobs", "run", "--once", env={"CUSTBOOK_JOB_TIMEOUT": "1"})
    assert run.code == 0, run.err
    job = get_job(store, "J1", user=ADMIN)
    assert job.state is JobState.DONE and job.attempts == 2
    assert job.claimed_by != f"{os.uname().nodename}:{doomed.pid}"
    assert [b.file_name for b in list_batches(store, user=ADMIN)].count(path.name) == 1
    after = snapshot(cli)
    assert "Renamed" in after and "N1," in after


def test_the_worker_waits_for_new_jobs_and_stops_cleanly_on_sigterm(cli, db, write_csv):
    cli("init")
    worker = _popen_worker(db, "--poll", "0.2")
    try:
        path = write_csv([["CUSTOMERID", "NAME", "PRINTAS"], ["W1", "Late", "Late"]], name="late.csv")
        assert cli("import", str(path), "--offline").code == 0
        store = Store(db)
        _wait_until(lambda: get_job(store, "J1", user=ADMIN).state is JobState.DONE)
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err.decode()
    assert out.decode().startswith("J1 late.csv: imported as B1:")
    assert err.decode().splitlines()[-1].endswith("stopped after 1 job.")


@pytest.mark.parametrize(
    ("addresses", "needle"),
    [("bob@", "'bob@' is not an e-mail address"), ("a@b.c\nBcc: x@y.z", "line break")],
)
def test_bad_addresses_are_refused_at_submission_in_one_sentence(cli, db, write_csv, addresses, needle):
    cli("init")
    path = write_csv(ROWS)
    run = custbook(db, "import", str(path), "--offline", "--email", addresses)
    assert run.code == 2
    assert_one_sentence(run.err, needle)
    assert run.out == ""
    assert list_jobs(Store(db), user=ADMIN) == []


def test_a_file_name_with_a_line_break_is_refused_when_mailing(cli, db, tmp_path):
    cli("init")
    path = tmp_path / "evil\nBcc: spy@example.com.csv"
    path.write_bytes(b"CUSTOMERID,NAME,PRINTAS\r\nC1,A,A\r\n")
    run = custbook(db, "import", str(path), "--offline", "--email", "a@b.co")
    assert run.code == 2
    assert_one_sentence(run.err, "The file name", "line break")
    assert list_jobs(Store(db), user=ADMIN) == []


def test_offline_refuses_dry_run_and_errors_out_and_rejects_a_bad_file_at_once(cli, db, write_csv, tmp_path):
    cli("init")
    path = write_csv(ROWS)
    dry = custbook(db, "import", str(path), "--offline", "--dry-run")
    assert dry.code == 2 and "cannot be queued" in dry.err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    rejected = custbook(db, "import", str(empty), "--offline", "--json")
    assert rejected.code == 1 and rejected.json["status"] == "rejected"
    assert list_jobs(Store(db), user=ADMIN) == []
