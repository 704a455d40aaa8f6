"""`custbook jobs`: list, show, run (the offline worker) and resend the results of queued imports: the arguments
and the text or JSON of each. The work itself (the worker loop, running a job, e-mailing its results, saving its
failed rows) is `services.jobs`. No SQL and no duckdb here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core import users as core_users
from core.errors import UsageError
from core.names import shown
from core.wording import counts_line, describe_issue, mapping_words, outcome, plural
from services import jobs
from services.jobs import field_labels
from services.mail import MailNotSent, failed_rows_name
from store.opening import open_store
from store.records import Job

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import CustomerStore

SHOWN_ERRORS = 20


def cmd_jobs(args: argparse.Namespace) -> int:
    actions = {"list": _list, "show": _show, "run": _run, "resend": _resend}
    return actions[args.action](args)


def _context(args: argparse.Namespace) -> tuple[CustomerStore, core_users.User]:
    store = open_store(args.db)
    user = store.users.resolve(args.user)
    store.entities.check(args.entity)
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
    text = f"{job.id:<6} {job.state.value:<8} {job.created:%Y-%m-%d %H:%M}  {job.user:<12} {shown(job.file_name)}"
    if job.result:
        text += f": {outcome(job.result)}"
    if job.mail_status:
        text += f"; e-mail {job.mail_status}"
    return text


def _list(args: argparse.Namespace) -> int:
    store, user = _context(args)
    jobs = store.jobs.list(user=user)
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
    job = store.jobs.get(args.id, user=user)
    if args.errors_out:
        _save_failed(store, job, Path(args.errors_out))
    if args.json:
        _print_json(_job_json(job))
        return 0
    level = f"entity {job.entity}" if job.entity else "the top level"
    opts = job.options
    print(f"Job {job.id}: {job.state.value}")
    print(
        f"File: {shown(job.file_name)} ({job.file_size:,} bytes), queued by {job.user} on {job.created:%Y-%m-%d %H:%M}"
    )
    print(
        f"Options: {level}, date format {opts.date_format.value}, encoding {opts.encoding}, "
        + ("nothing committed if any row fails (--strict)" if opts.policy.value == "strict" else "failed rows left out")
    )
    columns = []  # how a file from another product is read (issue 14)
    if opts.mapping is not None:
        columns.append(f"columns read {mapping_words(opts.mapping.label)}")
    if opts.ignore_unknown:
        columns.append("other columns left out")
    if opts.header_row is not None:
        columns.append(f"column names on row {opts.header_row}")
    if opts.keys.generate:
        columns.append("IDs generated for new rows" + (f" (prefix {opts.keys.prefix})" if opts.keys.prefix else ""))
    if opts.keys.match:
        columns.append(f"rows without ID matched by {opts.keys.match}")
    if columns:
        print("Columns: " + ", ".join(columns))
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


def _save_failed(store: CustomerStore, job: Job, path: Path) -> None:
    written = jobs.save_failed_rows(store, job, path)
    if written is None:
        print(f"Job {job.id} has no failed rows; nothing was saved.", file=sys.stderr)
        return
    failed = job.result.get("failed", 0) if job.result else 0
    count = failed if isinstance(failed, int) else 0
    print(f"Saved {plural(count, 'failed row')} of {job.id} to {written.resolve()}", file=sys.stderr)


def _resend(args: argparse.Namespace) -> int:
    store, user = _context(args)
    job, mailed = jobs.resend(store, args.id, user=user)
    if mailed.problem is not None:
        raise MailNotSent(
            mailed.problem, f"Check the CUSTBOOK_SMTP_ settings and try again: custbook jobs resend {job.id}"
        )
    print(f"E-mailed the results of {job.id} to {', '.join(job.emails)}.")
    return 0


def _log(text: str, problem: bool) -> None:
    # Finished jobs go to standard output (the worker's log); problems it lives with to standard error.
    print(text, file=sys.stderr if problem else sys.stdout, flush=True)


def _run(args: argparse.Namespace) -> int:
    """Run queued jobs; with --once stop when the queue is empty, otherwise wait for more."""
    if args.poll <= 0:
        raise UsageError("--poll takes a positive number of seconds", "For example --poll 2")
    store = open_store(args.db)
    user = store.users.resolve(args.user)
    worker = jobs.worker_name()
    if not args.once:
        print(f"Worker {worker} is waiting for jobs in {store.location} (Ctrl-C stops it after the current job).",
              file=sys.stderr, flush=True)  # fmt: skip
    done = jobs.run_worker(store, by=user, once=args.once, poll=args.poll, log=_log, worker=worker)
    if done.stopped or not args.once:
        print(f"Worker {worker} stopped after {plural(done.ran, 'job')}.", file=sys.stderr)
    return 0
