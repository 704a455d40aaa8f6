"""`custbook jobs`: list, show, run (the offline worker) and resend the results of queued imports.

Owns the worker loop: claim a job, run it, e-mail its results, record the e-mail status; wait and look again when
the queue is empty; stop cleanly after the current job on Ctrl-C or SIGTERM. The guarantees (atomic claim, a job
applied at most once, a dead worker's job claimed again) belong to `store.jobs` and `store.job_worker`; the message
to `services.mail`.
No SQL and no duckdb here.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from types import FrameType, TracebackType

from core.errors import CustbookError, NotFound, StoreBusy, UsageError
from services.jobs import deliver, field_labels
from services.mail import MailNotSent, counts_line, describe_issue, failed_rows_name, outcome
from store import entities as entities_store
from store import job_worker as worker_store
from store import jobs as jobs_store
from store import users as users_store
from store.db import Store
from store.jobs import Claim, Job

SHOWN_ERRORS = 20
MAX_BUSY_LOOKS = 12  # consecutive "store busy" answers (about a minute) before the worker gives up with exit 4


def cmd_jobs(args: argparse.Namespace) -> int:
    actions = {"list": _list, "show": _show, "run": _run, "resend": _resend}
    return actions[args.action](args)


def _context(args: argparse.Namespace) -> tuple[Store, users_store.User]:
    store = Store(args.db)
    user = users_store.resolve_user(store, args.user)
    entities_store.check_entity(store, args.entity)
    return store, user


def _job_json(job: Job) -> dict[str, object]:
    return {
        "job": job.id, "state": job.state.value, "file": job.file_name, "size": job.file_size, "user": job.user,
        "entity": job.entity, "emails": list(job.emails), "email_each": job.email_each,
        "options": json.loads(job.options.to_json()), "created": job.created, "claimed_by": job.claimed_by,
        "attempts": job.attempts, "finished": job.finished, "batch": job.batch, "result": job.result,
        "failed_rows_bytes": job.failed_rows, "mail_status": job.mail_status,
    }  # fmt: skip


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str))


def _line(job: Job) -> str:
    text = f"{job.id:<6} {job.state.value:<8} {job.created:%Y-%m-%d %H:%M}  {job.user:<12} {job.file_name}"
    if job.result:
        text += f": {outcome(job.result)}"
    if job.mail_status:
        text += f"; e-mail {job.mail_status}"
    return text


def _list(args: argparse.Namespace) -> int:
    store, user = _context(args)
    jobs = jobs_store.list_jobs(store, user=user)
    if args.json:
        _print_json([_job_json(j) for j in jobs])
        return 0
    if not jobs:
        print("No jobs yet. Queue an import with: custbook import FILE --offline")
    for job in jobs:
        print(_line(job))
    return 0


def _show(args: argparse.Namespace) -> int:
    store, user = _context(args)
    job = jobs_store.get_job(store, args.id, user=user)
    if args.errors_out:
        _save_failed(store, job, Path(args.errors_out))
    if args.json:
        _print_json(_job_json(job))
        return 0
    level = f"entity {job.entity}" if job.entity else "the top level"
    opts = job.options
    print(f"Job {job.id}: {job.state.value}")
    print(f"File: {job.file_name} ({job.file_size:,} bytes), queued by {job.user} on {job.created:%Y-%m-%d %H:%M}")
    print(
        f"Options: {level}, date format {opts.date_format.value}, encoding {opts.encoding}, "
        + ("nothing committed if any row fails (--strict)" if opts.policy.value == "strict" else "failed rows left out")
    )
    if job.claimed_by:
        finished = f", finished {job.finished:%Y-%m-%d %H:%M:%S}" if job.finished else ""
        print(f"Worker: {job.claimed_by}, attempt {job.attempts}{finished}")
    if job.emails:
        how = "one message each" if job.email_each and len(job.emails) > 1 else "one message"
        print(f"E-mail to {', '.join(job.emails)} ({how}): {job.mail_status or 'after the import'}")
    if job.result:
        print(f"Result: {outcome(job.result)}. {counts_line(job.result)}.")
        issues = [*job.result.get("errors", []), *job.result.get("warnings", [])]  # type: ignore[misc]
        names = field_labels(store)
        for issue in issues[:SHOWN_ERRORS]:
            print("  " + describe_issue(issue, names))
        if len(issues) > SHOWN_ERRORS:
            print(f"  ... and {len(issues) - SHOWN_ERRORS:,} more.")
    if job.failed_rows and not args.errors_out:
        print(
            f"Failed rows: save them with: custbook jobs show {job.id} --errors-out {failed_rows_name(job.file_name)}"
        )
    if not job.finished_running:
        print("Not run yet: a worker runs it (custbook jobs run --once, or the worker service).")
    return 0


def _save_failed(store: Store, job: Job, path: Path) -> None:
    from formats.writer import replace_bytes

    if not job.finished_running:
        raise NotFound(f"Job {job.id} has not run yet, so it has no failed rows", "Try again once the worker ran it")
    data = jobs_store.failed_rows_of(store, job)
    if data is None:
        print(f"Job {job.id} has no failed rows; nothing was saved.", file=sys.stderr)
        return
    replace_bytes(path, data)
    failed = job.result.get("failed", 0) if job.result else 0
    rows = "row" if failed == 1 else "rows"
    print(f"Saved {failed:,} failed {rows} of {job.id} to {path.resolve()}", file=sys.stderr)


def _resend(args: argparse.Namespace) -> int:
    store, user = _context(args)
    job = jobs_store.get_job(store, args.id, user=user)
    if not job.finished_running:
        raise UsageError(
            f"Job {job.id} has not run yet ({job.state.value})", "Its results are e-mailed when a worker has run it"
        )
    if not job.emails:
        raise UsageError(
            f"Job {job.id} has no e-mail addresses", "Give them when queueing: custbook import FILE --offline --email"
        )
    problem = deliver(store, job)
    if problem is not None:
        raise MailNotSent(
            problem.reason, f"Check the CUSTBOOK_SMTP_ settings and try again: custbook jobs resend {job.id}"
        )
    print(f"E-mailed the results of {job.id} to {', '.join(job.emails)}.")
    return 0


# --- the worker -------------------------------------------------------------------------------------------------


class _StopSignals:
    """SIGINT and SIGTERM ask the worker to stop after the current job; a second Ctrl-C interrupts at once (the
    open transaction is rolled back, and the job is claimed again after the timeout)."""

    def __init__(self) -> None:
        self.requested = False
        self._old: dict[int, object] = {}

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():  # Python lets only the main thread set handlers
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested = True

    def sleep(self, seconds: float) -> None:
        """Wait, waking up early when asked to stop."""
        end = time.monotonic() + seconds
        while not self.requested and time.monotonic() < end:
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))


def _test_pause() -> float:
    # Test hook: CUSTBOOK_TEST_PAUSE_AFTER_CLAIM=SECONDS makes the worker sleep between claiming a job and running
    # it, so that a test can kill it at that exact point (tests/test_jobs_process.py). Unset in real use.
    try:
        return max(0.0, float(os.environ.get("CUSTBOOK_TEST_PAUSE_AFTER_CLAIM", "0") or 0))
    except ValueError:
        return 0.0


def _run(args: argparse.Namespace) -> int:
    """Run queued jobs; with --once stop when the queue is empty, otherwise wait for more."""
    if args.poll <= 0:
        raise UsageError("--poll takes a positive number of seconds", "For example --poll 2")
    store = Store(args.db)
    timeout = jobs_store.job_timeout()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    pause = _test_pause()
    ran = busy = 0
    if not args.once:
        print(f"Worker {worker} is waiting for jobs in {store.path} (Ctrl-C stops it after the current job).",
              file=sys.stderr, flush=True)  # fmt: skip
    with _StopSignals() as stop:
        while not stop.requested:
            try:
                claim = worker_store.claim_next(store, worker, timeout=timeout)
                busy = 0
            except StoreBusy:
                busy += 1
                if busy >= MAX_BUSY_LOOKS:
                    raise
                stop.sleep(min(args.poll, 5.0))
                continue
            if claim is None:
                if args.once:
                    break
                stop.sleep(args.poll)
                continue
            if pause:
                time.sleep(pause)
            ran += _run_one(store, claim)
    if stop.requested or not args.once:
        print(f"Worker {worker} stopped after {ran:,} job" + ("" if ran == 1 else "s") + ".", file=sys.stderr)
    return 0


def _run_one(store: Store, claim: Claim) -> int:
    """Run one claimed job, print a line for the log, e-mail the results. 1 if the job was run, else 0."""
    try:
        job = worker_store.run_claimed(store, claim)
    except StoreBusy:
        worker_store.release(store, claim)
        print(f"custbook: {claim.job.id} waits: the store was busy; it is tried again shortly.", file=sys.stderr)
        return 0
    except CustbookError:
        raise
    except Exception as exc:  # a bug must not stop the worker or leave the job looping: record it with the job
        if os.environ.get("CUSTBOOK_DEBUG"):
            raise
        job = worker_store.fail_unexpected(store, claim, f"{type(exc).__name__}: {exc}")
    if job is None:
        print(f"custbook: {claim.job.id} was claimed by another worker meanwhile; left to it.", file=sys.stderr)
        return 0
    assert job.result is not None
    line = f"{job.id} {job.file_name}: {outcome(job.result)}: {counts_line(job.result)}"
    if job.emails:
        problem = deliver(store, job)
        line += "; e-mail sent" if problem is None else f"; e-mail not sent: {problem.reason}"
    print(line + ".", flush=True)
    return 1
